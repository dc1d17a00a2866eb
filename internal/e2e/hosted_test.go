// SPDX-License-Identifier: Apache-2.0

package e2e_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/internal/browsertest"
)

// TestHostedFlow runs the hosted page (/verify) at the top level: it ends
// on redirect-uri with the inquiry's id, reference id and status (spec
// §2.1); in WebView mode a cancel goes there too, with persona-inquiry-id
// (spec §2.2).
func TestHostedFlow(t *testing.T) {
	t.Parallel()
	browsertest.ExecPath(t)
	v := startVouch(t)
	host := startHost(t, "<!doctype html><title>Host</title>", map[string][]byte{"done": []byte("//done")})

	t.Run("RedirectsOnDone", func(t *testing.T) {
		t.Parallel()
		tm := v.template(t, false, formTemplate())
		q := url.Values{"inquiry-template-id": {tm.ID}, "environment": {"sandbox"}, "reference-id": {"user-9"},
			"redirect-uri": {host + "/done?from=vouch"}, "fields[name-first]": {"Jane"}}
		ctx := newBrowser(t, browsertest.Options{Width: 360, Height: 740})
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(v.url+"/verify?"+q.Encode())))
		r := &run{t: t, v: v, ctx: ctx, frame: ctx}
		r.waitStep("start")
		r.waitFrame(`document.getElementById('close').hidden`)
		r.eval(`document.getElementById('continue').click()`)
		r.waitStep("about-you")
		fillForm(r)
		r.waitStep("done")
		r.eval(`document.getElementById('done').click()`)
		u := waitLocation(t, ctx, host+"/done")
		require.Equal(t, "vouch", u.Query().Get("from"))
		require.True(t, strings.HasPrefix(u.Query().Get("inquiry-id"), "inq_"))
		require.Equal(t, "user-9", u.Query().Get("reference-id"))
		require.Equal(t, "completed", u.Query().Get("status"))
	})

	t.Run("OneTimeLink", func(t *testing.T) {
		t.Parallel()
		bg := context.Background()
		tm := v.template(t, false, formTemplate())
		d, _, err := v.svc.CreateInquiry(bg, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tm.ID,
			Fields: map[string]any{"name_first": "Jane"}})
		require.NoError(t, err)
		_, link, err := v.svc.GenerateOneTimeLink(bg, vouch.Sandbox, d.Inquiry.ID, nil)
		require.NoError(t, err)
		ctx := newBrowser(t, browsertest.Options{Width: 360, Height: 740})
		// The short form, as a phone opens it from a QR code.
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(v.url+"/l/"+link.Code)))
		r := &run{t: t, v: v, ctx: ctx, frame: ctx}
		r.waitStep("start")
		r.eval(`document.getElementById('continue').click()`)
		r.waitStep("about-you")
		// A reload, as a phone does to a tab left for the camera app:
		// the link is spent by then, and the page goes on with the token
		// its redemption left in a cookie.
		require.NoError(t, chromedp.Do(ctx, chromedp.Reload()))
		r.waitStep("about-you")
		loc, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href`))
		require.NoError(t, err)
		require.Equal(t, v.url+"/verify?inquiry-id="+d.Inquiry.ID, loc, "the code left the address bar")
		fillForm(r)
		r.waitStep("done")
		got, err := v.svc.FindInquiryByID(bg, vouch.Sandbox, d.Inquiry.ID)
		require.NoError(t, err)
		require.Equal(t, vouch.InquiryCompleted, got.Inquiry.Status)
		require.Len(t, got.Sessions, 1, "the page worked on the link's session, reload included")
		require.Equal(t, vouch.SessionActive, got.Sessions[0].Status)
	})

	t.Run("WebviewCancel", func(t *testing.T) {
		t.Parallel()
		tm := v.template(t, false, formTemplate())
		q := url.Values{"inquiry-template-id": {tm.ID}, "environment": {"sandbox"}, "is-webview": {"true"},
			"redirect-uri": {host + "/done"}}
		ctx := newBrowser(t, browsertest.Options{})
		require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(v.url+"/verify?"+q.Encode())))
		r := &run{t: t, v: v, ctx: ctx, frame: ctx}
		r.waitStep("start")
		r.eval(`document.getElementById('close').click()`)
		r.waitFrame(`!document.getElementById('confirm').hidden`)
		r.eval(`document.getElementById('confirm-leave').click()`)
		u := waitLocation(t, ctx, host+"/done")
		require.True(t, strings.HasPrefix(u.Query().Get("persona-inquiry-id"), "inq_"))
	})
}

// waitLocation waits until the tab is at a URL starting with prefix.
func waitLocation(t *testing.T, ctx context.Context, prefix string) *url.URL {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		loc, err := chromedp.Run(ctx, chromedp.Location())
		if err == nil && strings.HasPrefix(loc, prefix) {
			u, err := url.Parse(loc)
			require.NoError(t, err)
			return u
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("the browser never reached %s", prefix)
	return nil
}
