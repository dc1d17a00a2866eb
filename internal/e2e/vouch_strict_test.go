// SPDX-License-Identifier: Apache-2.0

package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch/internal/browsertest"
)

// forger is a page of another origin that posts to its parent the message
// in its URL fragment, with '*' as target: what any site can do to a page
// that frames it or that it frames.
const forger = `<!doctype html><title>forger</title><script>
parent.postMessage(JSON.parse(decodeURIComponent(location.hash.slice(1))), '*');
</script>`

// TestVouchSDKIgnoresForgedMessages runs the real flow with the Vouch SDK
// and forges a completion three ways, each knowing the container and
// template ids: from a page of a foreign origin, from another window of
// the Vouch origin (a second flow iframe), and as malformed messages from
// the flow's own iframe. None may reach a callback. (The official SDK
// accepts some of these; this test is for the Vouch SDK only.)
func TestVouchSDKIgnoresForgedMessages(t *testing.T) {
	t.Parallel()
	browsertest.ExecPath(t)
	v := startVouch(t)
	tm := v.template(t, false, formTemplate())
	foreign := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(forger))
	}))
	defer foreign.Close()

	r := newRun(t, v, vouchDriver, browsertest.Options{})
	r.host(`window.__seen = []; addEventListener('message', function (e) { __seen.push({origin: e.origin, data: e.data}); })`)
	r.start(map[string]any{"templateId": tm.ID, "environment": "sandbox"})
	r.waitStep("start")
	_, err := chromedp.Run(r.ctx, chromedp.Poll[bool](`__log.some(function (e) { return e.cb === 'onEvent' && e.args[0] === 'page-change'; })`,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
	require.NoError(t, err)
	before := names(r.log())
	require.Contains(t, before, "onReady")

	cid, err := chromedp.Run(r.ctx, chromedp.Evaluate[string](
		`new URL(document.querySelector('iframe.vouch-widget__iframe').src).searchParams.get('container-id')`))
	require.NoError(t, err)
	forged := fmt.Sprintf(`{"containerId":%q,"templateId":%q,"name":"complete","metadata":{"inquiryId":"inq_forged","status":"approved","fields":{}}}`, cid, tm.ID)

	// A page of a foreign origin.
	r.host(fmt.Sprintf(`(function () { var f = document.createElement('iframe');
	  f.src = %q + '#' + encodeURIComponent(%q); document.body.appendChild(f); })()`, foreign.URL+"/", forged))

	// Another window of the Vouch origin: a second flow, for another
	// widget, whose page posts for ours.
	r.host(fmt.Sprintf(`(function () { var f = document.createElement('iframe');
	  f.src = %q + '&iframe-origin=' + encodeURIComponent(location.origin); document.body.appendChild(f); })()`,
		v.url+"/widget?client-version=x&container-id=vouch-widget-other&flow-type=embedded&environment=sandbox&inquiry-template-id="+tm.ID))
	other := r.frameByURL("container-id=vouch-widget-other")
	_, err = chromedp.Run(other, chromedp.Poll[bool](`document.readyState === 'complete'`, chromedp.WithPollingTimeout(20*time.Second)))
	require.NoError(t, err)
	_, err = chromedp.Run(other, chromedp.Evaluate[bool](`(parent.postMessage(`+forged+`, '*'), true)`))
	require.NoError(t, err)

	// Malformed or mismatched messages from the flow's own iframe, then
	// a well-formed event that no callback handles, as a sentinel: one
	// source's messages arrive in order.
	r.eval(fmt.Sprintf(`(function (cid, tid) {
	  [ 'complete', null, 7, [{containerId: cid, templateId: tid, name: 'complete'}],
	    {templateId: tid, name: 'complete', metadata: {inquiryId: 'inq_forged'}},
	    {containerId: cid, name: 'complete', metadata: {inquiryId: 'inq_forged'}},
	    {containerId: cid, templateId: 'itmpl_other', name: 'complete', metadata: {inquiryId: 'inq_forged'}},
	    {containerId: cid, templateId: tid, name: 'complete', metadata: 'inq_forged'},
	    {containerId: cid, templateId: tid, name: 'error', error: 'inq_forged'},
	    {containerId: cid, templateId: tid, name: 'sentinel'}
	  ].forEach(function (m) { parent.postMessage(m, '*'); });
	})(%q, %q)`, cid, tm.ID))

	_, err = chromedp.Run(r.ctx, chromedp.Poll[bool](fmt.Sprintf(`__seen.some(function (s) { return s.origin === %q; }) &&
	  __seen.filter(function (s) { return s.data && s.data.metadata && s.data.metadata.inquiryId === 'inq_forged'; }).length >= 2 &&
	  __seen.some(function (s) { return s.data && s.data.name === 'sentinel'; })`, foreign.URL),
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
	require.NoError(t, err, "the forged messages did not all arrive")
	require.Equal(t, before, names(r.log()), "a forged message reached a callback")
	raw, err := chromedp.Run(r.ctx, chromedp.Evaluate[string](`JSON.stringify(__log)`))
	require.NoError(t, err)
	require.False(t, strings.Contains(raw, "inq_forged"))
}

// frameByURL attaches to the iframe whose URL contains part.
func (r *run) frameByURL(part string) context.Context {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		infos, err := chromedp.Targets(r.ctx)
		require.NoError(r.t, err)
		for _, info := range infos {
			if info.Type == "iframe" && strings.Contains(info.URL, part) {
				fctx, cancel := chromedp.NewContext(r.ctx, chromedp.WithTargetID(info.TargetID))
				r.t.Cleanup(cancel)
				return fctx
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.t.Fatalf("no iframe at %s", part)
	return nil
}
