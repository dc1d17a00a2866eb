// SPDX-License-Identifier: Apache-2.0

package vouch_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/engine/sandbox"
	"github.com/vouch-id/vouch/vouchtest"
)

// submitAndDecide creates, submits and decides a verification of typ on
// inquiry id with the given sandbox outcome, as the flow and the
// verification_decide job do, and returns it decided.
func submitAndDecide(t *testing.T, e *vouchtest.Env, env vouch.Environment, id string, typ vouch.VerificationType, outcome string) *vouch.Verification {
	t.Helper()
	ctx := context.Background()
	v, err := e.Service.CreateVerification(ctx, env, id, typ)
	require.NoError(t, err)
	_, err = e.Service.SubmitVerification(ctx, env, v.ID, map[string][]byte{"front": []byte("any image")},
		map[string]any{vouch.SandboxOutcomeKey: outcome, "id-class": "pp"})
	require.NoError(t, err)
	require.NoError(t, e.Service.DecideVerification(ctx, env, v.ID))
	v, err = e.Service.FindVerificationByID(ctx, env, v.ID)
	require.NoError(t, err)
	return v
}

func TestSandboxOutcome(t *testing.T) {
	t.Parallel()

	t.Run("ProductionIgnoresIt", func(t *testing.T) {
		t.Parallel()
		e := vouchtest.MustOpen(t)
		e.Service.SandboxEngine = sandbox.New()
		d := vouchtest.Inquiry(t, e, vouch.Production, vouch.CreateInquiryInput{})
		v := submitAndDecide(t, e, vouch.Production, d.Inquiry.ID, vouch.VerificationGovernmentID, vouch.SandboxPass)
		require.Equal(t, vouch.VerificationFailed, v.Status, "nothing passes without an engine in production")
		require.Len(t, v.Checks, 1)
		require.Equal(t, "engine_configured", v.Checks[0].Name)
		require.NotContains(t, v.Data, "name-first")
	})

	t.Run("SandboxPass", func(t *testing.T) {
		t.Parallel()
		e := vouchtest.MustOpen(t)
		e.Service.SandboxEngine = sandbox.New()
		d := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{})
		id := d.Inquiry.ID
		v := submitAndDecide(t, e, vouch.Sandbox, id, vouch.VerificationGovernmentID, vouch.SandboxPass)
		require.Equal(t, vouch.VerificationPassed, v.Status)
		require.Greater(t, len(v.Checks), 20)
		require.Equal(t, "Alexander", v.Data["name-first"])
		require.Equal(t, "pp", v.Data["id-class"])
		s := submitAndDecide(t, e, vouch.Sandbox, id, vouch.VerificationSelfie, vouch.SandboxPass)
		require.Equal(t, vouch.VerificationPassed, s.Status)
		require.Equal(t, []string{
			"inquiry.created", "inquiry.started",
			"verification.created", "verification.submitted", "verification.passed",
			"verification.created", "verification.submitted", "verification.passed",
		}, eventNames(t, e, vouch.Sandbox, id))
	})

	t.Run("SandboxFailUntilInquiryFails", func(t *testing.T) {
		t.Parallel()
		e := vouchtest.MustOpen(t)
		e.Service.SandboxEngine = sandbox.New()
		d := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{})
		id := d.Inquiry.ID
		// DemoConfig allows two attempts per type.
		for range 2 {
			v := submitAndDecide(t, e, vouch.Sandbox, id, vouch.VerificationSelfie, vouch.SandboxFail)
			require.Equal(t, vouch.VerificationFailed, v.Status)
			require.False(t, vouch.ChecksPass(v.Checks))
		}
		inq, err := e.Service.FindInquiryByID(context.Background(), vouch.Sandbox, id)
		require.NoError(t, err)
		require.Equal(t, vouch.InquiryFailed, inq.Inquiry.Status)
		require.Equal(t, []string{
			"inquiry.created", "inquiry.started",
			"verification.created", "verification.submitted", "verification.failed",
			"verification.created", "verification.submitted", "verification.failed",
			"inquiry.failed",
		}, eventNames(t, e, vouch.Sandbox, id))
	})

	t.Run("SandboxWithoutSandboxEngine", func(t *testing.T) {
		t.Parallel()
		e := vouchtest.MustOpen(t)
		d := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{})
		v := submitAndDecide(t, e, vouch.Sandbox, d.Inquiry.ID, vouch.VerificationGovernmentID, vouch.SandboxPass)
		require.Equal(t, vouch.VerificationFailed, v.Status)
		require.Equal(t, "engine_configured", v.Checks[0].Name)
	})

	t.Run("DefaultIsPass", func(t *testing.T) {
		t.Parallel()
		require.Equal(t, vouch.SandboxPass, vouch.SandboxOutcome(nil))
		require.Equal(t, vouch.SandboxPass, vouch.SandboxOutcome(map[string]any{vouch.SandboxOutcomeKey: "nope"}))
		require.Equal(t, vouch.SandboxFail, vouch.SandboxOutcome(map[string]any{vouch.SandboxOutcomeKey: "fail"}))
	})
}
