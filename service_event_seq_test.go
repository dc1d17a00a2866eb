// SPDX-License-Identifier: Apache-2.0

package vouch_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/vouchtest"
)

// requireSequenceSaved checks that the inquiry's stored sequence number is
// that of its last event. Every event of an inquiry takes the next number
// from the inquiry: were the number left behind, the inquiry's next event,
// whatever it is, would fail on the unique (inquiry, seq) index (as it did
// after revoking a session, before the store recorded the number with the
// event).
func requireSequenceSaved(t *testing.T, e *vouchtest.Env, id, after string) {
	t.Helper()
	names := eventNames(t, e, vouch.Sandbox, id) // also checks 1..n
	d, err := e.Service.FindInquiryByID(context.Background(), vouch.Sandbox, id)
	require.NoError(t, err)
	require.Equal(t, int64(len(names)), d.Inquiry.EventSeq, "after %s: events %v", after, names)
}

// TestEveryChangeSavesTheEventSequence runs every service operation that
// writes an event of an inquiry, and after each checks that the inquiry
// can take its next event.
func TestEveryChangeSavesTheEventSequence(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	tmpl := vouchtest.Template(t, e, vouch.Sandbox)
	env := vouch.Sandbox
	create := func() (*vouch.InquiryDetails, string) {
		d, token, err := e.Service.CreateInquiry(ctx, env, vouch.CreateInquiryInput{TemplateID: tmpl.ID,
			ReferenceID: "seq", AutoCreateSession: true, Fields: map[string]any{"name_first": "Ann"}})
		require.NoError(t, err)
		requireSequenceSaved(t, e, d.Inquiry.ID, "create")
		return d, token
	}
	step := func(id, name string, err error) {
		t.Helper()
		require.NoError(t, err, name)
		requireSequenceSaved(t, e, id, name)
	}

	// Sessions, links, steps, verifications and decisions on one inquiry.
	d, token := create()
	id := d.Inquiry.ID
	_, err := e.Service.AuthenticateSession(ctx, env, id, token)
	step(id, "start a session", err)
	sess, _, err := e.Service.AddSession(ctx, env, id)
	step(id, "add a session", err)
	_, err = e.Service.ExpireSession(ctx, env, sess.ID)
	step(id, "expire a session", err)
	_, err = e.Service.ExpireInquirySessions(ctx, env, []string{id})
	step(id, "expire the inquiry's sessions", err)
	_, link, err := e.Service.GenerateOneTimeLink(ctx, env, id, nil)
	step(id, "generate a one-time link", err)
	_, linkToken, err := e.Service.RedeemOneTimeLink(ctx, link.Code)
	step(id, "redeem the link", err)
	_, err = e.Service.AuthenticateSession(ctx, env, id, linkToken)
	step(id, "start the link's session", err)
	note := "called back"
	_, err = e.Service.UpdateInquiry(ctx, env, id, vouch.InquiryUpdate{Note: &note})
	step(id, "update", err)
	_, err = e.Service.MoveInquiryStep(ctx, env, id, "start", "about")
	step(id, "move a step", err)
	v, err := e.Service.CreateVerification(ctx, env, id, vouch.VerificationGovernmentID)
	step(id, "create a verification", err)
	_, err = e.Service.SubmitVerification(ctx, env, v.ID, map[string][]byte{"front": []byte("jpeg")}, nil)
	step(id, "submit it", err)
	step(id, "decide it", e.Service.DecideVerification(ctx, env, v.ID))
	v, err = e.Service.CreateVerification(ctx, env, id, vouch.VerificationSelfie)
	step(id, "create another", err)
	_, err = e.Service.SimulateInquiryActions(ctx, env, id, []vouch.SimulateAction{
		{Type: vouch.SimulateCreatePassedVerification, VerificationType: vouch.VerificationGovernmentID}})
	step(id, "simulate a verification", err)
	_, err = e.Service.CompleteInquiry(ctx, env, id)
	step(id, "complete (cancels the open verification)", err)
	_, err = e.Service.MarkInquiryForReview(ctx, env, id, "")
	step(id, "mark for review", err)
	_, err = e.Service.ApproveInquiry(ctx, env, id, "ok")
	step(id, "approve", err)
	_, err = e.Service.RedactInquiry(ctx, env, id)
	step(id, "redact", err)

	// The other ends of an inquiry.
	for _, end := range []struct {
		name string
		run  func(id string) error
	}{
		{"fail", func(id string) error { _, err := e.Service.FailInquiry(ctx, env, id); return err }},
		{"expire", func(id string) error { _, err := e.Service.ExpireInquiry(ctx, env, id); return err }},
		{"decline", func(id string) error { _, err := e.Service.DeclineInquiry(ctx, env, id, ""); return err }},
		{"expire, then resume", func(id string) error {
			if _, err := e.Service.ExpireInquiry(ctx, env, id); err != nil {
				return err
			}
			_, _, err := e.Service.ResumeInquiry(ctx, env, id)
			return err
		}},
		{"simulate every transition", func(id string) error {
			_, err := e.Service.SimulateInquiryActions(ctx, env, id, []vouch.SimulateAction{
				{Type: vouch.SimulateStartInquiry}, {Type: vouch.SimulateCompleteInquiry},
				{Type: vouch.SimulateMarkForReviewInquiry}, {Type: vouch.SimulateDeclineInquiry}})
			return err
		}},
	} {
		d, token := create()
		_, err := e.Service.AuthenticateSession(ctx, env, d.Inquiry.ID, token)
		step(d.Inquiry.ID, "start a session", err)
		step(d.Inquiry.ID, end.name, end.run(d.Inquiry.ID))
		_, err = e.Service.RedactInquiry(ctx, env, d.Inquiry.ID)
		step(d.Inquiry.ID, end.name+", then redact", err)
	}

	// Expiry when due, by the sweep.
	d, token = create()
	_, err = e.Service.AuthenticateSession(ctx, env, d.Inquiry.ID, token)
	step(d.Inquiry.ID, "start a session", err)
	e.Clock.Advance(vouch.DefaultExpiry + time.Minute)
	_, err = e.Service.ExpireDueInquiries(ctx)
	step(d.Inquiry.ID, "expire when due", err)
	_, err = e.Service.RedactInquiry(ctx, env, d.Inquiry.ID)
	step(d.Inquiry.ID, "expire when due, then redact", err)
}
