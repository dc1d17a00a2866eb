// SPDX-License-Identifier: Apache-2.0

package flow_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/flow"
)

// TestStepsToCompletion walks start, form (refused, then accepted) and
// completion, then resumes the inquiry with its token.
func TestStepsToCompletion(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	tm := b.template(t, vouch.Sandbox, false, formConfig())
	q := widgetQuery(tm.ID)
	q.Set("fields[nameFirst]", "Jane")
	p := b.get(t, flow.RouteWidget, q)
	require.Equal(t, http.StatusOK, p.status)
	id, token := p.config["inquiryId"].(string), p.config["sessionToken"].(string)

	status, rep := b.post(t, stepPath(vouch.Sandbox, id, "start"), "wrong", nil)
	require.Equal(t, http.StatusConflict, status)
	require.Equal(t, "unauthenticated", rep.Error.Code)

	status, rep = b.post(t, stepPath(vouch.Sandbox, id, "start"), token, nil)
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "about-you", rep.Step)
	require.Contains(t, rep.HTML, `value="Jane"`)
	require.Contains(t, rep.HTML, `autocomplete="given-name"`)

	// Resuming now lands on the form, with what was given kept.
	rq := url.Values{"iframe-origin": {hostOrigin}, "inquiry-id": {id}, "session-token": {token}}
	p = b.get(t, flow.RouteWidget, rq)
	require.Equal(t, http.StatusOK, p.status, p.body)
	require.Contains(t, p.body, `data-step="about-you"`)
	require.Contains(t, p.body, `value="Jane"`)

	// A stale page gets the real step back.
	status, rep = b.post(t, stepPath(vouch.Sandbox, id, "start"), token, nil)
	require.Equal(t, http.StatusOK, status)
	require.True(t, rep.Stale)
	require.Equal(t, "about-you", rep.Step)

	status, rep = b.post(t, stepPath(vouch.Sandbox, id, "about-you"), token, url.Values{"name_first": {"Jane"}, "score": {"lots"}})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Equal(t, "about-you", rep.Step)
	require.Contains(t, rep.HTML, `id="f-name_last-error"`)
	require.Contains(t, rep.HTML, `id="f-score-error"`)
	require.Contains(t, rep.HTML, `aria-invalid="true"`)

	status, rep = b.post(t, stepPath(vouch.Sandbox, id, "about-you"), token,
		url.Values{"name_first": {"Jane"}, "name_last": {"Doe"}, "birthdate": {"1990-01-31"}, "score": {"7"}})
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, "done", rep.Step)
	require.Equal(t, "completion", rep.Type)
	require.Equal(t, "completed", rep.Status)
	require.Contains(t, rep.HTML, `&#34;name&#34;:&#34;complete&#34;`)

	d, err := b.env.Service.FindInquiryByID(ctx, vouch.Sandbox, id)
	require.NoError(t, err)
	require.Equal(t, vouch.InquiryCompleted, d.Inquiry.Status)
	require.Equal(t, vouch.FieldValue{Type: vouch.FieldInteger, Value: float64(7)}, d.Inquiry.Fields["score"])
	require.Equal(t, "about-you", d.Inquiry.PreviousStep)
}

// TestLegacyCreatesOnContinue checks that a legacy template's page creates
// nothing until Continue, which creates the inquiry and hands the token.
func TestLegacyCreatesOnContinue(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	tm := b.template(t, vouch.Sandbox, true, formConfig())
	q := widgetQuery("")
	q.Del("inquiry-template-id")
	q.Set("template-id", tm.ID)
	q.Set("reference-id", "user-7")
	p := b.get(t, flow.RouteWidget, q)
	require.Equal(t, http.StatusOK, p.status, p.body)
	require.Nil(t, p.config["inquiryId"])
	require.Contains(t, p.body, "data-legacy-start")
	list, _, err := b.env.Service.FindInquiries(ctx, vouch.InquiryFilter{Environment: vouch.Sandbox, Limit: 10})
	require.NoError(t, err)
	require.Empty(t, list)

	req, err := http.NewRequest(http.MethodPost, b.srv.URL+"/flow/sandbox/inquiries",
		jsonBody(t, map[string]string{"query": p.config["createQuery"].(string)}))
	require.NoError(t, err)
	res, err := b.srv.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusCreated, res.StatusCode)
	rep := decodeReply(t, res)
	require.NotEmpty(t, rep.SessionToken)
	require.Equal(t, "about-you", rep.Step)
	d, err := b.env.Service.FindInquiryByID(ctx, vouch.Sandbox, rep.InquiryID)
	require.NoError(t, err)
	require.Equal(t, "user-7", d.Inquiry.ReferenceID)
	require.True(t, d.Inquiry.Legacy())
}
