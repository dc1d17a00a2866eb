// SPDX-License-Identifier: Apache-2.0

package flow_test

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/flow"
)

// TestWidgetCreatesInquiry opens a Dynamic Flow template: the inquiry is
// created with the prefilled fields mapped and typed, the page carries its
// id and a session token, and the headers are the strict ones.
func TestWidgetCreatesInquiry(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tm := b.template(t, vouch.Sandbox, false, formConfig())
	q := widgetQuery(tm.ID)
	q.Set("fields[name-first]", "Jane")
	q.Set("fields[score]", "7")
	q.Set("reference-id", "user-42")
	q.Set("frame-ancestors[0]", "https://shop.example.com")
	q.Set("frame-ancestors[1]", "https://evil.example.com")
	p := b.get(t, flow.RouteWidget, q)
	require.Equal(t, http.StatusOK, p.status, p.body)

	csp := p.header.Get("Content-Security-Policy")
	require.Contains(t, csp, "frame-ancestors "+hostOrigin+" https://shop.example.com")
	require.NotContains(t, csp, "evil")
	require.Contains(t, csp, "object-src 'none'")
	require.Contains(t, csp, "base-uri 'none'")
	require.Regexp(t, `script-src 'nonce-[A-Za-z0-9+/]{22}';`, csp)
	require.Empty(t, p.header.Get("X-Frame-Options"))
	require.Equal(t, "no-referrer", p.header.Get("Referrer-Policy"))
	require.Contains(t, p.header.Get("Permissions-Policy"), "camera=(self)")
	require.Equal(t, "no-store", p.header.Get("Cache-Control"))

	require.Equal(t, "persona-widget-abc", p.config["containerId"])
	require.Equal(t, tm.ID, p.config["templateId"])
	require.Equal(t, hostOrigin, p.config["targetOrigin"])
	id, _ := p.config["inquiryId"].(string)
	require.True(t, strings.HasPrefix(id, vouch.PrefixInquiry))
	require.NotEmpty(t, p.config["sessionToken"])
	require.Contains(t, p.body, `data-step="start"`)

	d, err := b.env.Service.FindInquiryByID(context.Background(), vouch.Sandbox, id)
	require.NoError(t, err)
	require.Equal(t, "user-42", d.Inquiry.ReferenceID)
	require.Equal(t, vouch.FieldValue{Type: vouch.FieldString, Value: "Jane"}, d.Inquiry.Fields["name_first"])
	require.Equal(t, vouch.FieldInteger, d.Inquiry.Fields["score"].Type)
}

// TestWidgetErrors checks every error code the flow reports at load.
func TestWidgetErrors(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	active := b.template(t, vouch.Sandbox, false, formConfig())
	other := b.template(t, vouch.Sandbox, false, formConfig())
	inactive := b.template(t, vouch.Sandbox, false, formConfig())
	_, err := b.env.Service.DeactivateTemplate(ctx, vouch.Sandbox, inactive.ID)
	require.NoError(t, err)
	pending, _, err := b.env.Service.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: active.ID})
	require.NoError(t, err)
	_, err = b.env.Service.StartInquiry(ctx, vouch.Sandbox, pending.Inquiry.ID)
	require.NoError(t, err)
	_, otherToken, err := b.env.Service.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: active.ID, AutoCreateSession: true})
	require.NoError(t, err)

	resume := func(token string) url.Values {
		q := url.Values{"iframe-origin": {hostOrigin}, "inquiry-id": {pending.Inquiry.ID}}
		if token != "" {
			q.Set("session-token", token)
		}
		return q
	}
	with := func(q url.Values, k, v string) url.Values { q.Set(k, v); return q }
	for name, tc := range map[string]struct {
		q    url.Values
		want flow.FlowError
	}{
		"Contradictory":    {with(widgetQuery(active.ID), "inquiry-id", pending.Inquiry.ID), flow.FlowError{Status: 400, Code: "invalid_config"}},
		"VersionOfAnother": {with(widgetQuery(active.ID), "inquiry-template-version-id", other.LatestVersionID), flow.FlowError{Status: 400, Code: "invalid_config"}},
		"UnknownTemplate":  {widgetQuery("itmpl_00000000000000000000000000"), flow.FlowError{Status: 400, Code: "invalid_config"}},
		"UnknownField":     {with(widgetQuery(active.ID), "fields[favourite-colour]", "blue"), flow.FlowError{Status: 400, Code: "invalid_config"}},
		"BadFieldType":     {with(widgetQuery(active.ID), "fields[score]", "many"), flow.FlowError{Status: 400, Code: "invalid_config"}},
		"NoIframeOrigin":   {with(widgetQuery(active.ID), "iframe-origin", ""), flow.FlowError{Status: 400, Code: "invalid_config"}},
		"Inactive":         {widgetQuery(inactive.ID), flow.FlowError{Status: 422, Code: "inactive_template"}},
		"PendingNoToken":   {resume(""), flow.FlowError{Status: 409, Code: "unauthenticated"}},
		"WrongToken":       {resume("not-a-token"), flow.FlowError{Status: 409, Code: "unauthenticated"}},
		"OtherToken":       {resume(otherToken), flow.FlowError{Status: 409, Code: "unauthenticated"}},
	} {
		p := b.get(t, flow.RouteWidget, tc.q)
		require.Equal(t, tc.want.Status, p.status, name)
		fe, ok := p.config["error"].(map[string]any)
		require.True(t, ok, name)
		require.Equal(t, float64(tc.want.Status), fe["status"], name)
		require.Equal(t, tc.want.Code, fe["code"], name)
		require.NotContains(t, p.config, "sessionToken", name)
	}
}

// TestWidgetOrigins checks frame-ancestors: a production template refuses
// localhost and any origin off its list; the sandbox allows localhost.
func TestWidgetOrigins(t *testing.T) {
	t.Parallel()
	b := setup(t)
	prod := b.template(t, vouch.Production, false, formConfig())
	q := widgetQuery(prod.ID)
	q.Del("environment")
	p := b.get(t, flow.RouteWidget, q)
	require.Contains(t, p.header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
	require.Nil(t, p.config["inquiryId"])

	q.Set("iframe-origin", "https://shop.example.com")
	p = b.get(t, flow.RouteWidget, q)
	require.Equal(t, http.StatusOK, p.status)
	require.Contains(t, p.header.Get("Content-Security-Policy"), "frame-ancestors https://shop.example.com")

	q.Set("message-target-origin", "https://shop.example.com")
	p = b.get(t, flow.RouteWidget, q)
	require.Equal(t, "https://shop.example.com", p.config["targetOrigin"])

	sb := b.template(t, vouch.Sandbox, false, formConfig())
	q = widgetQuery(sb.ID)
	q.Set("iframe-origin", "http://localhost:5173")
	p = b.get(t, flow.RouteWidget, q)
	require.Contains(t, p.header.Get("Content-Security-Policy"), "frame-ancestors http://localhost:5173")
}

// TestVerifyAndPreload checks the hosted page (never framed; redirect-uri
// only to allowed origins) and the warm-up page.
func TestVerifyAndPreload(t *testing.T) {
	t.Parallel()
	b := setup(t)
	tm := b.template(t, vouch.Production, false, formConfig())
	q := url.Values{"inquiry-template-id": {tm.ID}, "redirect-uri": {"https://shop.example.com/done?x=1"}}
	p := b.get(t, flow.RouteVerify, q)
	require.Equal(t, http.StatusOK, p.status, p.body)
	require.Contains(t, p.header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
	require.Equal(t, true, p.config["hosted"])

	q.Set("redirect-uri", "https://evil.example.com/")
	p = b.get(t, flow.RouteVerify, q)
	require.Equal(t, http.StatusBadRequest, p.status)

	// WebView mode ends on https://personacallback when no redirect-uri
	// is given (spec §2.2).
	p = b.get(t, flow.RouteVerify, url.Values{"inquiry-template-id": {tm.ID}, "is-webview": {"true"}})
	require.Equal(t, http.StatusOK, p.status)
	require.Equal(t, true, p.config["webview"])
	require.Equal(t, flow.WebviewCallback, p.config["redirectUri"])

	p = b.get(t, flow.RoutePreload, url.Values{})
	require.Equal(t, http.StatusOK, p.status)
	require.Contains(t, p.body, "/flow/static/flow.js")

	res, err := b.srv.Client().Get(b.srv.URL + "/flow/static/flow.js")
	require.NoError(t, err)
	defer res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Contains(t, res.Header.Get("Content-Type"), "javascript")
}

// TestClientSideCreationBlocked checks that a template blocking
// client-side creation (spec §1.10) makes the flow refuse to create
// inquiries, on load and on a legacy template's Continue, while it still
// opens an inquiry the API created.
func TestClientSideCreationBlocked(t *testing.T) {
	t.Parallel()
	b := setup(t)
	ctx := context.Background()
	cfg := formConfig()
	cfg.BlockClientSideInquiryCreation = true
	tm := b.template(t, vouch.Sandbox, false, cfg)
	legacy := b.template(t, vouch.Sandbox, true, cfg)
	legacyQuery := widgetQuery("")
	legacyQuery.Del("inquiry-template-id")
	legacyQuery.Set("template-id", legacy.ID)

	for name, q := range map[string]url.Values{"Template": widgetQuery(tm.ID), "Legacy": legacyQuery} {
		p := b.get(t, flow.RouteWidget, q)
		require.Equal(t, http.StatusBadRequest, p.status, name)
		fe, ok := p.config["error"].(map[string]any)
		require.True(t, ok, name)
		require.Equal(t, "invalid_config", fe["code"], name)
		require.Contains(t, fe["message"], "create the inquiry with the API", name)
	}
	// The legacy Continue, posted directly.
	req, err := http.NewRequest(http.MethodPost, b.srv.URL+"/flow/sandbox/inquiries",
		jsonBody(t, map[string]string{"query": legacyQuery.Encode()}))
	require.NoError(t, err)
	res, err := b.srv.Client().Do(req)
	require.NoError(t, err)
	body, err := io.ReadAll(res.Body)
	res.Body.Close()
	require.NoError(t, err)
	require.Equal(t, http.StatusBadRequest, res.StatusCode, string(body))
	require.Contains(t, string(body), "invalid_config")
	list, _, err := b.env.Service.FindInquiries(ctx, vouch.InquiryFilter{Environment: vouch.Sandbox, Limit: 10})
	require.NoError(t, err)
	require.Empty(t, list)

	// An inquiry the API created opens by its id.
	d, _, err := b.env.Service.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tm.ID})
	require.NoError(t, err)
	q := url.Values{"iframe-origin": {hostOrigin}, "inquiry-id": {d.Inquiry.ID}, "environment": {"sandbox"}}
	p := b.get(t, flow.RouteWidget, q)
	require.Equal(t, http.StatusOK, p.status, p.body)
	require.Equal(t, d.Inquiry.ID, p.config["inquiryId"])
}
