// SPDX-License-Identifier: Apache-2.0

// Package browsertest starts Debian's Chromium for tests that must run in
// a real browser: the hosted flow, the JavaScript SDK and the official
// persona SDK against a real Vouch server. test.sh installs Chromium when
// it is missing; a test run without it skips these tests, except under
// CI=true, where a missing browser must fail rather than hide them.
package browsertest

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Options tune the browser of one test.
type Options struct {
	// FakeCamera is a .y4m file Chromium plays as the camera (see Y4M).
	// Empty means Chromium's own fake test pattern.
	FakeCamera string
	// DenyCamera makes getUserMedia fail as if the person refused access.
	DenyCamera bool
	// Timeout bounds the whole browser session (default 60 s).
	Timeout time.Duration
	// Size is the window size (default 1280×900).
	Width, Height int
}

// ExecPath returns Chromium's path, or skips the test when there is none
// (failing instead under CI=true).
func ExecPath(t testing.TB) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("Chromium is required under CI=true (test.sh installs the chromium package)")
	}
	t.Skip("Chromium is not installed (apt-get install chromium, or run ./test.sh)")
	return ""
}

// New starts a fresh headless Chromium (its own profile folder) and
// returns a context for its first tab. Everything is torn down when the
// test ends.
func New(t testing.TB, o Options) context.Context {
	t.Helper()
	if o.Timeout == 0 {
		o.Timeout = 60 * time.Second
	}
	if o.Width == 0 {
		o.Width, o.Height = 1280, 900
	}
	flags := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(ExecPath(t)),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Headless,
		chromedp.NoSandbox, // tests run as root in CI
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.WindowSize(o.Width, o.Height),
		// The machines that run the tests have no internet: keep Chromium
		// from trying to reach Google's services at start.
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-features", "MediaRouter,OptimizationHints,Translate"),
		// Resolve no name but loopback: whatever Chromium still tries to
		// reach on its own (update checks, sign-in) fails at once, and
		// nothing a test page does can leave the machine by name.
		chromedp.Flag("host-resolver-rules", "MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"),
		chromedp.Flag("use-fake-device-for-media-stream", true),
	}
	if o.DenyCamera {
		flags = append(flags, chromedp.Flag("deny-permission-prompts", true))
	} else {
		flags = append(flags, chromedp.Flag("use-fake-ui-for-media-stream", true))
	}
	if o.FakeCamera != "" {
		flags = append(flags, chromedp.Flag("use-file-for-fake-video-capture", o.FakeCamera))
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), flags...)
	ctx, cancelCtx := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	// The first call starts the browser, which lives as long as the
	// context of that call: it must carry no timeout of its own.
	if err := chromedp.Do(ctx); err != nil {
		cancelCtx()
		cancelAlloc()
		t.Fatalf("start chromium: %v", err)
	}
	tctx, cancelTimeout := context.WithTimeout(ctx, o.Timeout)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
	})
	return tctx
}
