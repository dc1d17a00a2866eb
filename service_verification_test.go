// SPDX-License-Identifier: Apache-2.0

package vouch_test

import (
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/vouchtest"
)

func TestVerificationLifecycle(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	d := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{})
	id := d.Inquiry.ID

	v, err := e.Service.CreateVerification(ctx, vouch.Sandbox, id, vouch.VerificationGovernmentID)
	require.NoError(t, err)
	require.Equal(t, vouch.VerificationInitiated, v.Status)
	require.Equal(t, 1, v.Attempt)
	_, err = e.Service.SubmitVerification(ctx, vouch.Sandbox, v.ID,
		map[string][]byte{"front": []byte("jpeg bytes")}, map[string]any{"id-class": "dl"})
	require.NoError(t, err)
	require.Contains(t, e.Jobs.Kinds(), "verification_decide")
	_, err = e.Service.SubmitVerification(ctx, vouch.Sandbox, v.ID, nil, nil)
	require.Equal(t, vouch.ECONFLICT, vouch.ErrorCode(err), "data is frozen once submitted")

	// Without an engine nothing passes, and the checks say why.
	require.NoError(t, e.Service.DecideVerification(ctx, vouch.Sandbox, v.ID))
	got, err := e.Service.FindVerificationByID(ctx, vouch.Sandbox, v.ID)
	require.NoError(t, err)
	require.Equal(t, vouch.VerificationFailed, got.Status)
	require.Equal(t, "engine_configured", got.Checks[0].Name)
	require.Equal(t, []string{"no_engine_configured"}, got.Checks[0].Reasons)
	require.Equal(t, "dl", got.Data["id-class"])

	// The template allows two attempts; the second failure fails the inquiry.
	v2, err := e.Service.CreateVerification(ctx, vouch.Sandbox, id, vouch.VerificationGovernmentID)
	require.NoError(t, err)
	require.Equal(t, 2, v2.Attempt)
	_, err = e.Service.SubmitVerification(ctx, vouch.Sandbox, v2.ID, nil, nil)
	require.NoError(t, err)
	_, err = e.Service.ApplyVerificationDecision(ctx, vouch.Sandbox, v2.ID, &vouch.VerificationDecision{
		Status: vouch.VerificationFailed,
		Checks: []vouch.Check{{Name: "id_blur_detection", Status: vouch.CheckFailed, Requirement: vouch.RequirementRequired}},
	})
	require.NoError(t, err)
	inq, err := e.Service.FindInquiryByID(ctx, vouch.Sandbox, id)
	require.NoError(t, err)
	require.Equal(t, vouch.InquiryFailed, inq.Inquiry.Status)
	_, err = e.Service.CreateVerification(ctx, vouch.Sandbox, id, vouch.VerificationGovernmentID)
	require.Equal(t, vouch.ECONFLICT, vouch.ErrorCode(err))
	require.Equal(t, []string{
		"inquiry.created", "inquiry.started", "verification.created", "verification.submitted",
		"verification.failed", "verification.created", "verification.submitted", "verification.failed",
		"inquiry.failed",
	}, eventNames(t, e, vouch.Sandbox, id))
}

// TestCanaryNeverStoredInClear writes a known value into every place that
// holds personal data (a field, extracted document data, an image) and
// proves that no file of the database (main file, WAL) or of the blob
// folder contains it in plaintext, before and after redaction; and that
// redaction leaves status and timestamps while destroying the data.
func TestCanaryNeverStoredInClear(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	const canary = "Canary-Zebediah-Quuxworth-7731"
	d := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{
		Fields: map[string]any{"name_first": canary}, ReferenceID: "ref-1"})
	id := d.Inquiry.ID
	_, err := e.Service.UpdateInquiry(ctx, vouch.Sandbox, id, vouch.InquiryUpdate{Fields: map[string]any{"name_last": canary}})
	require.NoError(t, err)
	v, err := e.Service.CreateVerification(ctx, vouch.Sandbox, id, vouch.VerificationGovernmentID)
	require.NoError(t, err)
	_, err = e.Service.SubmitVerification(ctx, vouch.Sandbox, v.ID,
		map[string][]byte{"front": []byte("image " + canary)}, map[string]any{"name-first": canary})
	require.NoError(t, err)
	require.NoError(t, e.Service.DecideVerification(ctx, vouch.Sandbox, v.ID))

	// The data is readable through the service...
	got, err := e.Service.FindInquiryByID(ctx, vouch.Sandbox, id)
	require.NoError(t, err)
	require.Equal(t, canary, got.Inquiry.Fields["name_first"].Value)
	require.Equal(t, canary, got.Verifications[0].Data["name-first"])
	_, snaps, _, err := e.Service.FindEvents(ctx, vouch.EventFilter{Environment: vouch.Sandbox, InquiryID: &id, Limit: 100})
	require.NoError(t, err)
	require.NotNil(t, snaps[0])
	// ...and nowhere on disk in clear.
	requireNoCanary(t, e.DataDir, canary)

	red, err := e.Service.RedactInquiry(ctx, vouch.Sandbox, id)
	require.NoError(t, err)
	require.NotNil(t, red.Inquiry.RedactedAt)
	require.Nil(t, red.Inquiry.Fields)
	require.Equal(t, vouch.InquiryPending, red.Inquiry.Status, "status survives redaction")
	require.Equal(t, d.Inquiry.CreatedAt, red.Inquiry.CreatedAt)
	require.Nil(t, red.Verifications[0].Data)
	require.NotNil(t, red.Verifications[0].RedactedAt)
	events, snaps, _, err := e.Service.FindEvents(ctx, vouch.EventFilter{Environment: vouch.Sandbox, InquiryID: &id, Limit: 100})
	require.NoError(t, err)
	require.Equal(t, "inquiry.redacted", events[0].Name)
	require.NotNil(t, snaps[0], "the redaction event itself stays readable")
	for i, s := range snaps[1:] {
		require.Nil(t, s, "event %s is unreadable after redaction", events[i+1].Name)
	}
	_, _, err = e.Service.ResumeInquiry(ctx, vouch.Sandbox, id)
	require.Equal(t, vouch.ECONFLICT, vouch.ErrorCode(err))
	_, err = e.Service.UpdateInquiry(ctx, vouch.Sandbox, id, vouch.InquiryUpdate{Fields: map[string]any{"name_last": "x"}})
	require.Equal(t, vouch.ECONFLICT, vouch.ErrorCode(err))
	again, err := e.Service.RedactInquiry(ctx, vouch.Sandbox, id)
	require.NoError(t, err, "redacting twice is a no-op")
	require.Equal(t, red.Inquiry.RedactedAt, again.Inquiry.RedactedAt)

	requireNoCanary(t, e.DataDir, canary)
	entries, err := os.ReadDir(filepath.Join(e.DataDir, "blobs", "sandbox"))
	if err == nil {
		for _, en := range entries {
			require.NotEqual(t, id, en.Name(), "the inquiry's images are deleted")
		}
	}
}

// requireNoCanary fails if any file under dir contains canary.
func requireNoCanary(t *testing.T, dir, canary string) {
	t.Helper()
	seen := 0
	err := filepath.WalkDir(dir, func(path string, de fs.DirEntry, err error) error {
		if err != nil || de.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		seen++
		require.False(t, bytes.Contains(b, []byte(canary)), "%s contains the canary in clear", path)
		return nil
	})
	require.NoError(t, err)
	require.GreaterOrEqual(t, seen, 2, "the scan read the database and its WAL")
}
