// SPDX-License-Identifier: Apache-2.0

package vouch_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/vouchtest"
)

func TestSimulateInquiryActions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("EventsInOrder", func(t *testing.T) {
		t.Parallel()
		e := vouchtest.MustOpen(t) // no sandbox engine: bare decisions
		id := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{}).Inquiry.ID
		failed := vouch.SimulateAction{Type: vouch.SimulateCreateFailedVerification, VerificationType: vouch.VerificationSelfie}
		d, err := e.Service.SimulateInquiryActions(ctx, vouch.Sandbox, id, []vouch.SimulateAction{
			{Type: vouch.SimulateCreatePassedVerification, VerificationType: vouch.VerificationGovernmentID},
			failed, failed, // DemoConfig allows two attempts
			{Type: vouch.SimulateMarkForReviewInquiry},
		})
		require.NoError(t, err)
		require.Equal(t, vouch.InquiryNeedsReview, d.Inquiry.Status)
		require.Len(t, d.Verifications, 3)
		require.Equal(t, []string{
			"inquiry.created", "inquiry.started",
			"verification.created", "verification.submitted", "verification.passed",
			"verification.created", "verification.submitted", "verification.failed",
			"verification.created", "verification.submitted", "verification.failed",
			"inquiry.failed", "inquiry.marked-for-review",
		}, eventNames(t, e, vouch.Sandbox, id))
		require.NotContains(t, e.Jobs.Kinds(), "verification_decide", "decided at once")
	})

	t.Run("Refusals", func(t *testing.T) {
		t.Parallel()
		e := vouchtest.MustOpen(t)
		id := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{}).Inquiry.ID
		prod := vouchtest.Inquiry(t, e, vouch.Production, vouch.CreateInquiryInput{}).Inquiry.ID
		start := []vouch.SimulateAction{{Type: vouch.SimulateStartInquiry}}
		for name, c := range map[string]struct {
			env     vouch.Environment
			id      string
			actions []vouch.SimulateAction
			code    string
		}{
			"Production":       {vouch.Production, prod, start, vouch.EFORBIDDEN},
			"Empty":            {vouch.Sandbox, id, nil, vouch.EINVALID},
			"UnknownType":      {vouch.Sandbox, id, []vouch.SimulateAction{{Type: "start"}}, vouch.EINVALID},
			"NoVerification":   {vouch.Sandbox, id, []vouch.SimulateAction{{Type: vouch.SimulateCreatePassedVerification}}, vouch.EINVALID},
			"TypeOnTransition": {vouch.Sandbox, id, []vouch.SimulateAction{{Type: vouch.SimulateStartInquiry, VerificationType: vouch.VerificationSelfie}}, vouch.EINVALID},
			"NotFound":         {vouch.Sandbox, prod, start, vouch.ENOTFOUND},
			"Illegal":          {vouch.Sandbox, id, append(start, start...), vouch.ECONFLICT},
		} {
			_, err := e.Service.SimulateInquiryActions(ctx, c.env, c.id, c.actions)
			require.Equal(t, c.code, vouch.ErrorCode(err), "%s: %v", name, err)
		}
		require.Equal(t, []string{"inquiry.created"}, eventNames(t, e, vouch.Sandbox, id), "nothing applied")
		require.Equal(t, []string{"inquiry.created"}, eventNames(t, e, vouch.Production, prod))
	})
}
