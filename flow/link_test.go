// SPDX-License-Identifier: Apache-2.0

package flow_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/flow"
)

// TestOneTimeLinkOpensHostedFlow opens a pending inquiry with a one-time
// link, through its short form: the page gets the link's session and a
// token that works for the steps, the link opens again only within its
// grace period, and it never opens the embedded flow.
func TestOneTimeLinkOpensHostedFlow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	tm := b.template(t, vouch.Production, false, formConfig())
	d, token, err := b.env.Service.CreateInquiry(ctx, vouch.Production, vouch.CreateInquiryInput{TemplateID: tm.ID, AutoCreateSession: true})
	require.NoError(t, err)
	id := d.Inquiry.ID
	status, _ := b.post(t, stepPath(vouch.Production, id, "start"), token, nil)
	require.Equal(t, http.StatusOK, status, "the inquiry is pending: its id alone no longer opens it")
	_, link, err := b.env.Service.GenerateOneTimeLink(ctx, vouch.Production, id, nil)
	require.NoError(t, err)

	// The short form redirects to the long one without looking anything up.
	client := *b.srv.Client()
	client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := client.Get(b.srv.URL + "/l/" + link.Code)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Equal(t, flow.RouteVerify+"?code="+link.Code, res.Header.Get("Location"))
	require.Equal(t, "no-referrer", res.Header.Get("Referrer-Policy"))

	p := b.get(t, flow.RouteVerify, url.Values{"code": {link.Code}})
	require.Equal(t, http.StatusOK, p.status, p.body)
	require.Equal(t, id, p.config["inquiryId"])
	require.Equal(t, "production", p.config["environment"])
	require.Contains(t, p.body, `data-step="about-you"`, "the page lands where the inquiry stands")
	linkToken := p.config["sessionToken"].(string)
	require.NotEqual(t, token, linkToken)
	require.Equal(t, "no-referrer", p.header.Get("Referrer-Policy"), "the code must not leak to other sites")

	// A reload within the grace period opens the page again, with a new
	// token that replaces the first.
	b.env.Clock.Advance(vouch.LinkGrace - time.Second)
	p = b.get(t, flow.RouteVerify, url.Values{"code": {link.Code}})
	require.Equal(t, http.StatusOK, p.status, p.body)
	status, rep := b.post(t, stepPath(vouch.Production, id, "about-you"), linkToken, nil)
	require.Equal(t, "unauthenticated", rep.Error.Code, "status %d", status)
	linkToken = p.config["sessionToken"].(string)

	status, rep = b.post(t, stepPath(vouch.Production, id, "about-you"), linkToken,
		url.Values{"name_first": {"Jane"}, "name_last": {"Doe"}})
	require.Equal(t, http.StatusOK, status, rep.Error)
	require.Equal(t, "done", rep.Step)

	// A finished inquiry opens by no link, and past the grace period the
	// link is spent anyway.
	p = b.get(t, flow.RouteVerify, url.Values{"code": {link.Code}})
	require.Equal(t, "unauthenticated", p.config["error"].(map[string]any)["code"], p.body)
	b.env.Clock.Advance(time.Second)
	p = b.get(t, flow.RouteVerify, url.Values{"code": {link.Code}})
	require.Equal(t, "unauthenticated", p.config["error"].(map[string]any)["code"], p.body)

	p = b.get(t, flow.RouteVerify, url.Values{"code": {"not-a-code"}})
	require.Equal(t, "unauthenticated", p.config["error"].(map[string]any)["code"], p.body)
	require.NotContains(t, p.body, id)
}

// TestOneTimeLinkRefusedParams: a code names its inquiry itself, and the
// SDKs' iframe takes tokens, not links.
func TestOneTimeLinkRefusedParams(t *testing.T) {
	t.Parallel()
	b := setup(t)
	for name, tc := range map[string]struct {
		route string
		q     url.Values
	}{
		"WithTemplate": {flow.RouteVerify, url.Values{"code": {"x"}, "inquiry-template-id": {"itmpl_a"}}},
		"WithInquiry":  {flow.RouteVerify, url.Values{"code": {"x"}, "inquiry-id": {"inq_a"}}},
		"WithToken":    {flow.RouteVerify, url.Values{"code": {"x"}, "session-token": {"a.b.c"}}},
		"Embedded":     {flow.RouteWidget, url.Values{"code": {"x"}, "iframe-origin": {hostOrigin}}},
	} {
		p := b.get(t, tc.route, tc.q)
		fe, ok := p.config["error"].(map[string]any)
		require.True(t, ok, name)
		require.Equal(t, "invalid_config", fe["code"], name)
	}
}
