// SPDX-License-Identifier: Apache-2.0

package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch/internal/browsertest"
)

// run is one scenario in one browser with one driver.
type run struct {
	t      *testing.T
	v      *vouchServer
	d      driver
	ctx    context.Context // the host page's tab
	frames map[string]bool // iframe targets already used
	frame  context.Context // the flow's iframe of the current client
}

// newRun opens the host page of driver d in a fresh Chromium.
func newRun(t *testing.T, v *vouchServer, d driver, o browsertest.Options) *run {
	t.Helper()
	files, src := d.script(t, v)
	page := strings.NewReplacer("{{SDK}}", src, "{{CONSTRUCT}}", d.construct).Replace(hostPage)
	host := startHost(t, page, files)
	if o.Timeout == 0 {
		o.Timeout = 90 * time.Second
	}
	ctx := newBrowser(t, o)
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(host+"/")))
	return &run{t: t, v: v, d: d, ctx: ctx, frames: map[string]bool{}}
}

// start builds a client with opts (JSON) and attaches to its iframe.
func (r *run) start(opts map[string]any) {
	r.t.Helper()
	b, err := json.Marshal(opts)
	require.NoError(r.t, err)
	_, err = chromedp.Run(r.ctx, chromedp.Evaluate[bool](fmt.Sprintf("window.__start(%s, %q)", b, r.v.host)))
	require.NoError(r.t, err)
	r.attach()
}

// attach finds the new cross-site iframe of the flow and attaches to it.
func (r *run) attach() {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		infos, err := chromedp.Targets(r.ctx)
		require.NoError(r.t, err)
		for _, info := range infos {
			id := string(info.TargetID)
			if info.Type == "iframe" && strings.Contains(info.URL, "/widget?") && !r.frames[id] {
				r.frames[id] = true
				fctx, cancel := chromedp.NewContext(r.ctx, chromedp.WithTargetID(info.TargetID))
				r.t.Cleanup(cancel)
				r.frame = fctx
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	r.t.Fatal("the flow's iframe did not appear")
}

// eval runs JavaScript in the flow's iframe.
func (r *run) eval(js string) {
	r.t.Helper()
	_, err := chromedp.Run(r.frame, chromedp.Evaluate[any](js))
	require.NoError(r.t, err, js)
}

// waitFrame waits until expr is truthy in the flow's iframe.
func (r *run) waitFrame(expr string) {
	r.t.Helper()
	_, err := chromedp.Run(r.frame, chromedp.Poll[any](expr, chromedp.WithPollingInterval(50*time.Millisecond),
		chromedp.WithPollingTimeout(30*time.Second)))
	require.NoError(r.t, err, expr)
}

// waitStep waits until the flow shows step name (and type, if given).
func (r *run) waitStep(name string) {
	r.t.Helper()
	r.waitFrame(fmt.Sprintf(`(function(){var s=document.getElementById('step');return !!s && s.getAttribute('data-step')===%q && !!window.VouchFlow && !window.VouchFlow.state.busy;})()`, name))
}

// host runs JavaScript in the host page.
func (r *run) host(js string) {
	r.t.Helper()
	_, err := chromedp.Run(r.ctx, chromedp.Evaluate[any](js))
	require.NoError(r.t, err, js)
}

// waitCallback waits until the host page's log has a callback named cb.
func (r *run) waitCallback(cb string) {
	r.t.Helper()
	_, err := chromedp.Run(r.ctx, chromedp.Poll[bool](fmt.Sprintf(`window.__log.some(function(e){return e.cb===%q})`, cb),
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(30*time.Second)))
	require.NoError(r.t, err, "waiting for "+cb)
}

// entry is one recorded callback.
type entry struct {
	Cb   string            `json:"cb"`
	Args []json.RawMessage `json:"args"`
}

// log returns the host page's callbacks.
func (r *run) log() []entry {
	r.t.Helper()
	raw, err := chromedp.Run(r.ctx, chromedp.Evaluate[string](`JSON.stringify(window.__log)`))
	require.NoError(r.t, err)
	var out []entry
	require.NoError(r.t, json.Unmarshal([]byte(raw), &out))
	return out
}

// names turns the log into "onLoad", "event:page-change:about-you"… for
// comparing the exact order of callbacks and events.
func names(log []entry) []string {
	var out []string
	for _, e := range log {
		if e.Cb != "onEvent" {
			out = append(out, e.Cb)
			continue
		}
		var name string
		_ = json.Unmarshal(e.Args[0], &name)
		if name == "page-change" && len(e.Args) > 1 {
			var m struct{ Name string }
			_ = json.Unmarshal(e.Args[1], &m)
			name += ":" + m.Name
		}
		out = append(out, "event:"+name)
	}
	return out
}

// arg decodes argument i of the last callback named cb.
func arg(t *testing.T, log []entry, cb string, i int) map[string]any {
	t.Helper()
	for j := len(log) - 1; j >= 0; j-- {
		if log[j].Cb == cb {
			var m map[string]any
			require.NoError(t, json.Unmarshal(log[j].Args[i], &m))
			return m
		}
	}
	t.Fatalf("no %s in the log", cb)
	return nil
}

// event returns the metadata of the last event called name.
func event(t *testing.T, log []entry, name string) map[string]any {
	t.Helper()
	for j := len(log) - 1; j >= 0; j-- {
		var n string
		if log[j].Cb == "onEvent" && json.Unmarshal(log[j].Args[0], &n) == nil && n == name {
			var m map[string]any
			if len(log[j].Args) > 1 {
				_ = json.Unmarshal(log[j].Args[1], &m)
			}
			return m
		}
	}
	t.Fatalf("no %s event in the log", name)
	return nil
}

// browserSlots bounds how many Chromiums run at once. Each one is several
// busy processes; on the two-core machines the suite runs on, more than one
// at a time only slows every package's tests down (and starves the timing
// of others), so by default the scenarios queue for one browser.
// VOUCH_E2E_BROWSERS raises the bound on bigger machines.
var browserSlots = func() chan struct{} {
	n, err := strconv.Atoi(os.Getenv("VOUCH_E2E_BROWSERS"))
	if err != nil || n < 1 {
		n = 1
	}
	return make(chan struct{}, n)
}()

// newBrowser waits for a browser slot and starts Chromium; the slot is
// given back after the browser is closed.
func newBrowser(t *testing.T, o browsertest.Options) context.Context {
	t.Helper()
	browserSlots <- struct{}{}
	t.Cleanup(func() { <-browserSlots })
	return browsertest.New(t, o)
}
