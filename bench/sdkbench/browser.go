// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// hostPage embeds the flow the way a customer's page does. __start takes
// the time just before new Client() and each callback records the time
// since then, measured in the page itself so that the polling from Go does
// not count.
const hostPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Host</title>
<script src="{{SRC}}"></script></head><body><h1>Host page</h1><script>
window.__marks = {};
window.__start = function (opts, host) {
  var t0 = performance.now();
  opts = Object.assign({}, opts, {
    onLoad: function () { __marks.load = performance.now() - t0; },
    onReady: function () { __marks.ready = performance.now() - t0; },
    onComplete: function () { __marks.complete = performance.now() - t0; },
    onError: function (e) { __marks.error = e; }
  });
  window.__client = {{CONSTRUCT}};
  window.__client.open();
  return true;
};
</script></body></html>`

// startHost serves one host page per SDK (/0, /1, …) and persona.js on
// 127.0.0.1, another site than the Vouch server on localhost.
func startHost(personaJS []byte, sdks []sdk) (string, func(), error) {
	mux := http.NewServeMux()
	for i, s := range sdks {
		page := strings.NewReplacer("{{SRC}}", s.script, "{{CONSTRUCT}}", s.construct).Replace(hostPage)
		mux.HandleFunc(fmt.Sprintf("GET /%d", i), func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			_, _ = w.Write([]byte(page))
		})
	}
	// persona.js is sent gzipped, as a CDN would send it.
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	_, _ = zw.Write(personaJS)
	_ = zw.Close()
	mux.HandleFunc("GET /persona.js", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/javascript")
		if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
			w.Header().Set("Content-Encoding", "gzip")
			_, _ = w.Write(gz.Bytes())
			return
		}
		_, _ = w.Write(personaJS)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// newBrowser starts headless Chromium on a new, empty profile.
func newBrowser(extra ...chromedp.ExecAllocatorOption) (context.Context, func(), error) {
	path := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			path = p
			break
		}
	}
	if path == "" {
		return nil, nil, errors.New("chromium is not installed")
	}
	dir, err := os.MkdirTemp("", "sdkbench-profile-")
	if err != nil {
		return nil, nil, err
	}
	opts := append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.UserDataDir(dir), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		// Loopback only: no other name resolves, so Chromium's own background
		// requests fail at once instead of leaving the machine.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"),
		chromedp.Flag("disable-domain-reliability", true),
		chromedp.Flag("no-pings", true),
		chromedp.Flag("disable-features", "MediaRouter,OptimizationHints,Translate,NetworkTimeServiceQuerying,"+
			"AutofillServerCommunication,CertificateTransparencyComponentUpdater"),
	}, extra...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx)
	cancel := func() {
		cancelCtx()
		cancelAlloc()
		_ = os.RemoveAll(dir)
	}
	if err := chromedp.Do(ctx); err != nil {
		cancel()
		return nil, nil, err
	}
	return ctx, cancel, nil
}

// marks are the page's timings of one client, in milliseconds.
type marks struct {
	Load, Ready, Complete float64
	Error                 any
}

// measure loads the host page, builds a client and waits for onReady.
func measure(ctx context.Context, page, vouchHost, opts string) (marks, error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
		return marks{}, err
	}
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf("__start(%s, %q)", opts, vouchHost))); err != nil {
		return marks{}, err
	}
	return waitMarks(ctx, "ready")
}

// waitMarks polls until __marks has key (or an error) and returns them.
func waitMarks(ctx context.Context, key string) (marks, error) {
	_, err := chromedp.Run(ctx, chromedp.Poll[bool](fmt.Sprintf(`__marks.%s !== undefined || __marks.error !== undefined`, key),
		chromedp.WithPollingInterval(10*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
	if err != nil {
		return marks{}, fmt.Errorf("waiting for %s: %w", key, err)
	}
	m, err := chromedp.Run(ctx, chromedp.Evaluate[marks](`__marks`))
	if err == nil && m.Error != nil {
		err = fmt.Errorf("onError: %v", m.Error)
	}
	return m, err
}

// timeRun measures one cold run (a new profile) and one warm run (the same
// profile, the page loaded again).
func timeRun(page string, vouchHost, opts string) (cold, warm marks, err error) {
	ctx, cancel, err := newBrowser()
	if err != nil {
		return cold, warm, err
	}
	defer cancel()
	if cold, err = measure(ctx, page, vouchHost, opts); err != nil {
		return cold, warm, err
	}
	warm, err = measure(ctx, page, vouchHost, opts)
	return cold, warm, err
}

// flowFrame attaches to the flow's iframe (another site, so its own target).
func flowFrame(ctx context.Context) (context.Context, error) {
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		infos, err := chromedp.Targets(ctx)
		if err != nil {
			return nil, err
		}
		for _, info := range infos {
			if info.Type == "iframe" && strings.Contains(info.URL, "/widget?") {
				fctx, _ := chromedp.NewContext(ctx, chromedp.WithTargetID(info.TargetID))
				return fctx, nil
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return nil, errors.New("the flow's iframe did not appear")
}

// inFrame runs js in the flow's iframe, then waits until it shows step.
func inFrame(fctx context.Context, js, step string) error {
	if _, err := chromedp.Run(fctx, chromedp.Evaluate[any](js)); err != nil {
		return err
	}
	_, err := chromedp.Run(fctx, chromedp.Poll[bool](fmt.Sprintf(`(function(){var s=document.getElementById('step');`+
		`return !!s && s.getAttribute('data-step')===%q && !!window.VouchFlow && !window.VouchFlow.state.busy;})()`, step),
		chromedp.WithPollingInterval(20*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
	return err
}
