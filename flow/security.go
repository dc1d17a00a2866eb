// SPDX-License-Identifier: Apache-2.0

package flow

import (
	"crypto/rand"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/vouch-id/vouch"
)

// newNonce returns a fresh CSP nonce: 128 random bits.
func newNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return base64.RawStdEncoding.EncodeToString(b)
}

// originAllowed reports whether origin may embed (or receive redirects
// from) a flow of a template with cfg in env. Production accepts only the
// template's allowed origins; the sandbox also accepts any http://localhost
// or http://127.0.0.1 port, so developers can embed it without setup (spec
// §1.10: localhost only in the sandbox).
func originAllowed(origin string, cfg *vouch.TemplateConfig, env vouch.Environment) bool {
	if origin == "" {
		return false
	}
	for _, a := range cfg.AllowedOrigins {
		if o, err := vouch.ParseOrigin(a); err == nil && o == origin {
			return true
		}
	}
	if env != vouch.Sandbox {
		return false
	}
	u, err := url.Parse(origin)
	if err != nil || u.Scheme != "http" {
		return false
	}
	h := u.Hostname()
	return h == "localhost" || h == "127.0.0.1"
}

// frameAncestors builds the CSP frame-ancestors source list: iframe-origin
// and frame-ancestors[], each kept only when the template allows it. An
// empty result is 'none'.
func frameAncestors(p *Params, cfg *vouch.TemplateConfig, env vouch.Environment) string {
	var srcs []string
	seen := map[string]bool{}
	for _, o := range append([]string{p.IframeOrigin}, p.FrameAncestors...) {
		if !seen[o] && originAllowed(o, cfg, env) {
			seen[o] = true
			srcs = append(srcs, o)
		}
	}
	if len(srcs) == 0 {
		return "'none'"
	}
	return strings.Join(srcs, " ")
}

// setPageHeaders sends the headers of every flow document: a strict CSP
// (scripts and styles only from our origin and only with this response's
// nonce, no plugins, no <base>), no referrer (flow URLs carry session
// tokens), the camera allowed for our own origin only, and no caching.
// Flow pages deliberately send no X-Frame-Options: framing is governed by
// frame-ancestors alone.
func setPageHeaders(w http.ResponseWriter, nonce, ancestors string) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; "+
		"script-src 'nonce-"+nonce+"'; style-src 'self' 'nonce-"+nonce+"'; "+
		"img-src 'self' blob: data:; media-src 'self' blob:; connect-src 'self'; "+
		"form-action 'self'; object-src 'none'; base-uri 'none'; frame-ancestors "+ancestors)
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=()")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Cache-Control", "no-store")
	h.Del("X-Frame-Options")
}
