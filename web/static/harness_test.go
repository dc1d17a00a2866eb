// SPDX-License-Identifier: Apache-2.0

package static_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch/internal/browsertest"
	"github.com/vouch-id/vouch/web/static"
)

// flowStub stands in for Vouch's /widget in the SDK's own browser tests:
// it posts the messages of the test's plan to its parent, each with
// "$cid" and "$tid" replaced by the container and template ids of its
// URL, so the SDK's acceptance rules are tested in isolation from the
// real flow.
const flowStub = `<!doctype html><title>flow stub</title><script>
const q = new URLSearchParams(location.search);
const cid = q.get('container-id') || q.get('cid'), tid = q.get('inquiry-template-id') || q.get('template-id') || '';
const target = q.get('message-target-origin') || q.get('iframe-origin') || '*';
addEventListener('message', e => parent.postMessage({received: e.data, origin: e.origin}, target));
fetch('/plan?as=' + encodeURIComponent(location.pathname)).then(r => r.text()).then(t => {
  const plan = JSON.parse(t.split('$cid').join(cid).split('$tid').join(tid));
  for (const m of plan) parent.postMessage(m, target);
});
</script>`

// hostPage is the embedding page: it loads the SDK from the Vouch server,
// records every message it sees in window.__seen, and window.__start(opts)
// builds a client whose callbacks all push {cb, args} into window.__log.
const hostPage = `<!doctype html><title>host</title><body>
<script src="{{vouch}}/sdk/v1/vouch.js"></script>
<script>
window.__log = []; window.__seen = [];
addEventListener('message', e => __seen.push({origin: e.origin, data: e.data}));
const cb = name => (...args) => __log.push({cb: name, args: JSON.parse(JSON.stringify(args))});
window.__start = opts => {
  window.client = new Vouch.Client({...opts, onLoad: cb('onLoad'), onReady: cb('onReady'), onComplete: cb('onComplete'),
    onCancel: cb('onCancel'), onError: cb('onError'), onEvent: cb('onEvent')});
  const f = document.querySelector('iframe.vouch-widget__iframe');
  return f ? f.src : '';
};
</script>`

// sdkEnv is one test's world: the Vouch origin (SDK + flow stub), the host
// page's origin, a foreign origin, and a browser tab on the host page.
type sdkEnv struct {
	vouch, host, foreign *httptest.Server
	ctx                  context.Context

	mu    sync.Mutex
	plans map[string]string // path of the posting page → JSON array of messages
}

func newSDKEnv(t *testing.T) *sdkEnv {
	t.Helper()
	e := &sdkEnv{plans: map[string]string{}}
	stubs := func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/plan" {
			e.mu.Lock()
			plan := e.plans[r.URL.Query().Get("as")]
			e.mu.Unlock()
			if plan == "" {
				plan = "[]"
			}
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(plan))
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(flowStub))
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+static.SDKPrefix, static.SDKHandler())
	mux.HandleFunc("/", stubs)
	e.vouch = httptest.NewServer(mux)
	t.Cleanup(e.vouch.Close)
	e.foreign = httptest.NewServer(http.HandlerFunc(stubs))
	t.Cleanup(e.foreign.Close)
	// The host page is served on "localhost", the others on 127.0.0.1:
	// different sites, as a real embedding is.
	e.host = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(strings.ReplaceAll(hostPage, "{{vouch}}", e.vouch.URL)))
	}))
	t.Cleanup(e.host.Close)
	e.ctx = browsertest.New(t, browsertest.Options{Timeout: 45 * time.Second})
	require.NoError(t, chromedp.Do(e.ctx, chromedp.Navigate(e.hostURL())))
	return e
}

// hostURL is the host page on localhost, another site than 127.0.0.1.
func (e *sdkEnv) hostURL() string {
	return strings.Replace(e.host.URL, "127.0.0.1", "localhost", 1) + "/"
}

// plan sets the messages the page at path (on the Vouch or foreign server)
// posts once loaded.
func (e *sdkEnv) plan(t *testing.T, path string, msgs ...any) {
	t.Helper()
	b, err := json.Marshal(msgs)
	require.NoError(t, err)
	e.mu.Lock()
	e.plans[path] = string(b)
	e.mu.Unlock()
}

// eval runs expr in the host page and decodes its value.
func eval[T any](t *testing.T, e *sdkEnv, expr string) T {
	t.Helper()
	v, err := chromedp.Run(e.ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	require.NoError(t, err, expr)
	return v
}

// waitFor polls expr in the host page until it is truthy.
func waitFor(t *testing.T, e *sdkEnv, expr string) {
	t.Helper()
	_, err := chromedp.Run(e.ctx, chromedp.Poll[bool](expr, chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
	require.NoError(t, err, "waiting for %s", expr)
}

// logged returns the callback names recorded so far.
func logged(t *testing.T, e *sdkEnv) []string {
	t.Helper()
	return eval[[]string](t, e, `__log.map(l => l.cb + (l.cb == 'onEvent' ? ':' + l.args[0] : ''))`)
}
