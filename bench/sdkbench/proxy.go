// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"regexp"
	"sync"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/vouch-id/vouch/bench/internal/vouchproc"
)

// countingProxy is the browser's HTTP proxy for every request, loopback
// included: it forwards requests to loopback servers and counts the bytes
// each origin sent back (status line, headers and body as sent, so gzip
// counts as gzip). Requests anywhere else are refused and counted, which
// is how the benchmark shows that the flow needs no other origin.
type countingProxy struct {
	mu    sync.Mutex
	bytes map[string]int64 // host:port → bytes received
	other []string         // requests refused (not to loopback): their URLs
	rt    http.RoundTripper
}

func (p *countingProxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host, _, _ := net.SplitHostPort(r.URL.Host)
	if r.Method == http.MethodConnect || (host != "localhost" && host != "127.0.0.1") {
		p.mu.Lock()
		p.other = append(p.other, r.Method+" "+r.URL.String())
		p.mu.Unlock()
		http.Error(w, "only loopback", http.StatusForbidden)
		return
	}
	out := r.Clone(r.Context())
	out.RequestURI = ""
	out.Header.Del("Proxy-Connection")
	resp, err := p.rt.RoundTrip(out)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer resp.Body.Close()
	head := int64(len(fmt.Sprintf("HTTP/1.1 %s\r\n", resp.Status)) + 2)
	for k, vs := range resp.Header {
		for _, v := range vs {
			w.Header().Add(k, v)
			head += int64(len(k) + len(v) + 4)
		}
	}
	w.WriteHeader(resp.StatusCode)
	n, _ := io.Copy(w, resp.Body)
	p.mu.Lock()
	p.bytes[r.URL.Host] += head + n
	p.mu.Unlock()
}

// take returns the counts since the last take and resets them.
func (p *countingProxy) take() (map[string]int64, []string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b, o := p.bytes, p.other
	p.bytes, p.other = map[string]int64{}, nil
	return b, o
}

// step is the traffic of one step of the flow.
type step struct {
	name               string
	vouch, host, other int64
	browser            int64 // requests of Chromium itself, not of a page
}

// chromiumService matches the requests Chromium makes on its own (updates,
// sign-in) whatever the page does; they are counted apart.
var chromiumService = regexp.MustCompile(`^(GET|POST|CONNECT) (http:)?//(update\.googleapis\.com|accounts\.google\.com|clients2\.google\.com|content-autofill\.googleapis\.com)[:/]`)

// bytesRun walks the flow once in a new profile behind the counting proxy:
// host page and SDK, new Client() to onReady (the start step), Continue
// to the form, the form to the completion step, and Done to onComplete.
func bytesRun(hostURL string, page string, v *vouchproc.Process, opts string) ([]step, error) {
	p := &countingProxy{bytes: map[string]int64{}, rt: &http.Transport{DisableCompression: true}}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	ctx, cancel, err := newBrowser(chromedp.ProxyServer("http://"+ln.Addr().String()),
		chromedp.Flag("proxy-bypass-list", "<-loopback>"))
	if err != nil {
		return nil, err
	}
	defer cancel()
	ctx, cancelT := context.WithTimeout(ctx, 60*time.Second)
	defer cancelT()

	var steps []step
	hostHost := hostURL[len("http://"):]
	snap := func(name string) {
		b, o := p.take()
		s := step{name: name}
		for _, u := range o {
			if chromiumService.MatchString(u) {
				s.browser++
				continue
			}
			s.other++
			fmt.Fprintln(os.Stderr, "refused:", u)
		}
		for h, n := range b {
			switch h {
			case v.Host:
				s.vouch += n
			case hostHost:
				s.host += n
			default:
				s.other += n
			}
		}
		steps = append(steps, s)
	}
	if err := chromedp.Do(ctx, chromedp.Navigate(page)); err != nil {
		return nil, err
	}
	snap("host page and SDK script")
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](fmt.Sprintf("__start(%s, %q)", opts, v.Host))); err != nil {
		return nil, err
	}
	if _, err := waitMarks(ctx, "ready"); err != nil {
		return nil, err
	}
	fctx, err := flowFrame(ctx)
	if err != nil {
		return nil, err
	}
	if err := inFrame(fctx, `1`, "start"); err != nil {
		return nil, err
	}
	snap("start: new Client() → onReady")
	if err := inFrame(fctx, `document.getElementById('continue').click()`, "about-you"); err != nil {
		return nil, err
	}
	snap("form: Continue → form shown")
	if err := inFrame(fctx, `(function(){
	  document.getElementById('f-name_last').value = 'Doe';
	  document.getElementById('f-birthdate').value = '1990-01-31';
	  document.getElementById('continue').click();
	})()`, "done"); err != nil {
		return nil, err
	}
	snap("completion: form sent → done shown")
	if _, err := chromedp.Run(fctx, chromedp.Evaluate[any](`document.getElementById('done').click()`)); err != nil {
		return nil, err
	}
	if _, err := waitMarks(ctx, "complete"); err != nil {
		return nil, err
	}
	snap("complete: Done → onComplete")
	return steps, nil
}
