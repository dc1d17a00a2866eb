// SPDX-License-Identifier: Apache-2.0

package flow_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/engine/sandbox"
	"github.com/vouch-id/vouch/flow"
)

// TestCaptureRetry walks a government ID step whose template allows two
// attempts: the first fails and the step comes back with one attempt
// left; the second fails too and the inquiry fails. A passing retry
// instead moves on and completes the inquiry.
func TestCaptureRetry(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		second string
		want   vouch.InquiryStatus
	}{
		{"SecondPasses", vouch.SandboxPass, vouch.InquiryCompleted},
		{"SecondFails", vouch.SandboxFail, vouch.InquiryFailed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t)
			b.env.Service.SandboxEngine = sandbox.New()
			ctx := context.Background()
			cfg := formConfig()
			cfg.Steps = []vouch.Step{{Name: "id", Type: vouch.StepGovernmentID, IDClasses: []string{"pp"}}, {Name: "done", Type: vouch.StepCompletion}}
			cfg.Verification.MaxAttempts = 2
			tm := b.template(t, vouch.Sandbox, false, cfg)
			p := b.get(t, flow.RouteWidget, widgetQuery(tm.ID))
			require.Equal(t, http.StatusOK, p.status)
			id, token := p.config["inquiryId"].(string), p.config["sessionToken"].(string)

			// submit sends a passport photo with the tester's chosen outcome
			// and runs the decision the job queue would run.
			submit := func(outcome string) {
				status, rep := sendDocument(t, b, id, token, "pp", outcome, "front")
				require.Equal(t, http.StatusOK, status)
				require.Equal(t, "processing", rep.Type)
				require.NoError(t, b.env.Service.DecideVerification(ctx, vouch.Sandbox, rep.Submitted))
			}
			state := func() *reply {
				req, err := http.NewRequest(http.MethodGet, b.srv.URL+"/flow/sandbox/inquiries/"+id+"/state", nil)
				require.NoError(t, err)
				req.Header.Set(flow.SessionHeader, token)
				res, err := b.srv.Client().Do(req)
				require.NoError(t, err)
				defer res.Body.Close()
				require.Equal(t, http.StatusOK, res.StatusCode)
				return decodeReply(t, res)
			}

			submit(vouch.SandboxFail)
			rep := state()
			require.Equal(t, "id", rep.Step, "a failed attempt brings the step back")
			require.Contains(t, rep.HTML, `role="alert"`, "with the attempts left announced")
			d, err := b.env.Service.FindInquiryByID(ctx, vouch.Sandbox, id)
			require.NoError(t, err)
			require.Equal(t, vouch.InquiryPending, d.Inquiry.Status)

			submit(tc.second)
			state()
			d, err = b.env.Service.FindInquiryByID(ctx, vouch.Sandbox, id)
			require.NoError(t, err)
			require.Equal(t, tc.want, d.Inquiry.Status)
			require.Len(t, d.Verifications, 2)
		})
	}
}
