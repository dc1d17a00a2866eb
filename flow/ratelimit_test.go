// SPDX-License-Identifier: Apache-2.0

package flow_test

import (
	"context"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/flow"
	"github.com/vouch-id/vouch/web/ratelimit"
)

// TestCreateLimit checks the limit on inquiries the flow creates per
// client network: past it the page reports unknown/429 and creates
// nothing; a client behind a trusted proxy is counted by its forwarded
// address, one that is not cannot pick its own; opening an existing
// inquiry is never counted; nor are inquiries the API creates.
func TestCreateLimit(t *testing.T) {
	t.Parallel()
	b := setupWith(t, flow.Config{
		CreateLimit:    ratelimit.New(2, time.Minute, nil),
		TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")},
	})
	ctx := context.Background()
	tm := b.template(t, vouch.Sandbox, false, formConfig())
	load := func(q url.Values, forwardedFor string) *page {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, b.srv.URL+flow.RouteWidget+"?"+q.Encode(), nil)
		require.NoError(t, err)
		if forwardedFor != "" {
			req.Header.Set("X-Forwarded-For", forwardedFor)
		}
		return b.do(t, req)
	}
	count := func() int {
		t.Helper()
		list, _, err := b.env.Service.FindInquiries(ctx, vouch.InquiryFilter{Environment: vouch.Sandbox, Limit: 100})
		require.NoError(t, err)
		return len(list)
	}

	for range 2 {
		require.Equal(t, http.StatusOK, load(widgetQuery(tm.ID), "198.51.100.1").status)
	}
	p := load(widgetQuery(tm.ID), "198.51.100.1")
	require.Equal(t, http.StatusTooManyRequests, p.status)
	fe, ok := p.config["error"].(map[string]any)
	require.True(t, ok)
	require.Equal(t, "unknown", fe["code"])
	require.Equal(t, float64(429), fe["status"])
	require.Equal(t, 2, count(), "a refused page creates nothing")

	// A forged entry left of the client's address changes nothing; the
	// proxy's own peer, with no header, is a client of its own.
	require.Equal(t, http.StatusTooManyRequests, load(widgetQuery(tm.ID), "203.0.113.9, 198.51.100.1").status)
	require.Equal(t, http.StatusOK, load(widgetQuery(tm.ID), "198.51.100.2").status)
	require.Equal(t, http.StatusOK, load(widgetQuery(tm.ID), "").status)

	// Opening an existing inquiry, and creating through the API, are not
	// counted.
	d, _, err := b.env.Service.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tm.ID})
	require.NoError(t, err)
	existing := url.Values{"iframe-origin": {hostOrigin}, "inquiry-id": {d.Inquiry.ID}, "environment": {"sandbox"}}
	for range 3 {
		require.Equal(t, http.StatusOK, load(existing, "198.51.100.1").status)
	}

	// A legacy template's Continue counts too.
	legacy := b.template(t, vouch.Sandbox, true, formConfig())
	lq := widgetQuery("")
	lq.Del("inquiry-template-id")
	lq.Set("template-id", legacy.ID)
	req, err := http.NewRequest(http.MethodPost, b.srv.URL+"/flow/sandbox/inquiries",
		jsonBody(t, map[string]string{"query": lq.Encode()}))
	require.NoError(t, err)
	req.Header.Set("X-Forwarded-For", "198.51.100.1")
	res, err := b.srv.Client().Do(req)
	require.NoError(t, err)
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusTooManyRequests, res.StatusCode, string(body))
}
