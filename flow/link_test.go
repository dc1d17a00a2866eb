// SPDX-License-Identifier: Apache-2.0

package flow_test

import (
	"context"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/flow"
)

// TestOneTimeLinkOpensHostedFlow opens a pending inquiry with a one-time
// link, through its short form: redeeming the link leaves its token in a
// cookie and redirects to the inquiry's page, so a reload long after the
// link was spent still opens the inquiry in that browser and in no other;
// the link itself opens again only within its grace period.
func TestOneTimeLinkOpensHostedFlow(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	tm := b.template(t, vouch.Production, false, formConfig())
	d, token, err := b.env.Service.CreateInquiry(ctx, vouch.Production, vouch.CreateInquiryInput{TemplateID: tm.ID, AutoCreateSession: true})
	require.NoError(t, err)
	id := d.Inquiry.ID
	status, _ := b.post(t, stepPath(vouch.Production, id, "start"), token, nil)
	require.Equal(t, http.StatusOK, status)
	_, err = b.env.Service.StartInquiry(ctx, vouch.Production, id)
	require.NoError(t, err, "pending: its id alone no longer opens it")
	_, link, err := b.env.Service.GenerateOneTimeLink(ctx, vouch.Production, id, nil)
	require.NoError(t, err)

	// The short form redirects to the long one without looking anything up.
	noFollow := *b.srv.Client()
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	res, err := noFollow.Get(b.srv.URL + "/l/" + link.Code)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Equal(t, flow.RouteVerify+"?code="+link.Code, res.Header.Get("Location"))
	require.Equal(t, "no-referrer", res.Header.Get("Referrer-Policy"))

	// A mail scanner fetches the link first: the long form redeems it and
	// redirects to the inquiry's page, the token in a cookie only.
	res, err = noFollow.Get(b.srv.URL + flow.RouteVerify + "?code=" + link.Code)
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Equal(t, flow.RouteVerify+"?inquiry-id="+id, res.Header.Get("Location"))
	require.Equal(t, "no-referrer", res.Header.Get("Referrer-Policy"))
	require.Equal(t, "no-store", res.Header.Get("Cache-Control"))
	cookies := res.Cookies()
	require.Len(t, cookies, 1)
	c := cookies[0]
	require.Equal(t, "vouch_link_"+id, c.Name)
	require.True(t, c.HttpOnly)
	require.Equal(t, http.SameSiteLaxMode, c.SameSite)
	require.Equal(t, flow.RouteVerify, c.Path)
	require.Positive(t, c.MaxAge)
	scannerToken := c.Value

	// The person opens it within the grace period, in a browser.
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	browser := *b.srv.Client()
	browser.Jar = jar
	open := func(c *http.Client, q url.Values) *page {
		req, err := http.NewRequest(http.MethodGet, b.srv.URL+flow.RouteVerify+"?"+q.Encode(), nil)
		require.NoError(t, err)
		return b.doWith(t, c, req)
	}
	b.env.Clock.Advance(vouch.LinkGrace - time.Second)
	p := open(&browser, url.Values{"code": {link.Code}})
	require.Equal(t, http.StatusOK, p.status, p.body)
	require.Equal(t, "inquiry-id="+id, p.url.RawQuery, "the code leaves the address bar")
	require.Equal(t, id, p.config["inquiryId"])
	require.Equal(t, "production", p.config["environment"])
	require.Contains(t, p.body, `data-step="about-you"`, "the page lands where the inquiry stands")
	linkToken := p.config["sessionToken"].(string)
	require.NotEqual(t, token, linkToken)
	require.NotEqual(t, scannerToken, linkToken)
	status, rep := b.post(t, stepPath(vouch.Production, id, "about-you"), scannerToken, nil)
	require.Equal(t, "unauthenticated", rep.Error.Code, "status %d: each opening replaces the last token", status)

	// Past the grace period the link is spent, but a reload in that
	// browser opens the inquiry with the same token; another browser
	// gets nothing from the inquiry's id.
	b.env.Clock.Advance(time.Hour)
	p = open(&browser, url.Values{"code": {link.Code}})
	require.Equal(t, "unauthenticated", p.config["error"].(map[string]any)["code"], p.body)
	p = open(&browser, url.Values{"inquiry-id": {id}})
	require.Equal(t, http.StatusOK, p.status, p.body)
	require.Equal(t, linkToken, p.config["sessionToken"])
	p = open(b.srv.Client(), url.Values{"inquiry-id": {id}})
	require.Equal(t, "unauthenticated", errorCode(p), p.body)

	status, rep = b.post(t, stepPath(vouch.Production, id, "about-you"), linkToken,
		url.Values{"name_first": {"Jane"}, "name_last": {"Doe"}})
	require.Equal(t, http.StatusOK, status, rep.Error)
	require.Equal(t, "done", rep.Step)

	// Once the session ends, the cookie's token opens nothing and the
	// page drops the cookie.
	_, err = b.env.Service.ExpireSession(ctx, vouch.Production, d.Sessions[0].ID)
	require.NoError(t, err)
	sessions, _, err := b.env.Service.FindSessions(ctx, vouch.SessionFilter{Environment: vouch.Production, InquiryID: &id, Limit: 100})
	require.NoError(t, err)
	for _, s := range sessions {
		_, err = b.env.Service.ExpireSession(ctx, vouch.Production, s.ID)
		require.NoError(t, err)
	}
	p = open(&browser, url.Values{"inquiry-id": {id}})
	require.Equal(t, "unauthenticated", p.config["error"].(map[string]any)["code"], p.body)
	u, err := url.Parse(b.srv.URL + flow.RouteVerify)
	require.NoError(t, err)
	require.Empty(t, jar.Cookies(u), "the spent cookie is deleted")

	p = open(&browser, url.Values{"code": {"not-a-code"}})
	require.Equal(t, "unauthenticated", p.config["error"].(map[string]any)["code"], p.body)
	require.NotContains(t, p.body, id)
}

// TestOneTimeLinkCookieOnCreatedInquiry: a cookie whose token no longer
// works does not stop a created inquiry from opening by its id alone.
func TestOneTimeLinkCookieOnCreatedInquiry(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	tm := b.template(t, vouch.Sandbox, false, formConfig())
	d, _, err := b.env.Service.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tm.ID})
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodGet, b.srv.URL+flow.RouteVerify+"?inquiry-id="+d.Inquiry.ID, nil)
	require.NoError(t, err)
	req.AddCookie(&http.Cookie{Name: "vouch_link_" + d.Inquiry.ID, Value: "not.a.token"})
	p := b.do(t, req)
	require.Equal(t, http.StatusOK, p.status, p.body)
	require.Equal(t, d.Inquiry.ID, p.config["inquiryId"])
	require.NotEmpty(t, p.config["sessionToken"], "a session of its own, as without the cookie")
	require.Contains(t, p.header.Get("Set-Cookie"), "vouch_link_"+d.Inquiry.ID+"=;", "the cookie is deleted")
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

// errorCode is the flow error code a page carries, or "".
func errorCode(p *page) string {
	if fe, ok := p.config["error"].(map[string]any); ok {
		code, _ := fe["code"].(string)
		return code
	}
	return ""
}
