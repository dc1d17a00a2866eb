// SPDX-License-Identifier: Apache-2.0

package demo

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/web/static"
)

// csp is the demo page's policy: scripts only with this response's nonce
// (the SDK and demo.js, both from our origin), frames and fetches only of
// our own origin (the flow and the template list), nothing framing us.
func csp(nonce string) string {
	return "default-src 'none'; script-src 'nonce-" + nonce + "'; style-src 'unsafe-inline'; " +
		"connect-src 'self'; frame-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
}

// newNonce returns 128 random bits for the CSP.
func newNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand never fails on supported platforms
	return base64.RawStdEncoding.EncodeToString(b)
}

type nonceKey struct{}

func withNonce(ctx context.Context, nonce string) context.Context {
	return context.WithValue(ctx, nonceKey{}, nonce)
}

func (h *Handler) newView(r *http.Request) *view {
	nonce, _ := r.Context().Value(nonceKey{}).(string)
	return &view{PublicURL: h.publicURL, Nonce: nonce, SDK: static.SDKURL("vouch.js")}
}

// script serves demo.js, the page's live log and flow launcher.
func (h *Handler) script(w http.ResponseWriter, r *http.Request) {
	b, err := files.ReadFile("demo.js")
	if err != nil {
		http.Error(w, "missing demo.js", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(b)
}

// templateItem is one entry of the launcher's template list.
type templateItem struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status string `json:"status"`
}

// templates lists the templates the launcher may open in an environment:
// every active sandbox template (the sandbox flow accepts loopback
// origins), and the production templates whose allowed origins include the
// demo's own origin, since the production flow refuses to be framed by any
// other. The list is JSON for the page to fetch when the environment
// changes; the page's HTML itself names sandbox templates only.
func (h *Handler) templates(w http.ResponseWriter, r *http.Request) {
	env := vouch.Environment(r.URL.Query().Get("environment"))
	if env != vouch.Sandbox && env != vouch.Production {
		http.Error(w, "environment must be sandbox or production", http.StatusBadRequest)
		return
	}
	list, _, err := h.svc.FindTemplates(r.Context(), vouch.TemplateFilter{Environment: env, Limit: 100})
	if err != nil {
		http.Error(w, vouch.ErrorMessage(err), http.StatusInternalServerError)
		return
	}
	origins := map[string]bool{}
	for _, o := range []string{h.publicURL, scheme(r) + "://" + r.Host} {
		if po, err := vouch.ParseOrigin(o); err == nil {
			origins[po] = true
		}
	}
	out := []templateItem{}
	for _, t := range list {
		if t.Status != vouch.TemplateActive || t.LatestVersionID == "" {
			continue
		}
		if env == vouch.Production && !h.allows(r.Context(), t, origins) {
			continue
		}
		out = append(out, templateItem{ID: t.ID, Name: t.Name, Status: string(t.Status)})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(out)
}

// allows reports whether the template's latest version lets one of
// origins embed it.
func (h *Handler) allows(ctx context.Context, t *vouch.Template, origins map[string]bool) bool {
	v, err := h.svc.FindTemplateVersionByID(ctx, t.Environment, t.LatestVersionID)
	if err != nil {
		return false
	}
	for _, a := range v.Config.AllowedOrigins {
		if o, err := vouch.ParseOrigin(a); err == nil && origins[o] {
			return true
		}
	}
	return false
}

func scheme(r *http.Request) string {
	if r.TLS != nil {
		return "https"
	}
	return "http"
}
