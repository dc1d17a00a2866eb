// SPDX-License-Identifier: Apache-2.0

// Package demo serves /demo, a page for trying Vouch in a browser on a
// fresh install: it opens the flow with the Vouch SDK and shows every
// callback and event live, and it creates sandbox inquiries on the server.
// What it creates itself is sandbox only, so it never makes real personal
// data; it can open a production flow only for templates that allow the
// demo's origin, as any embedding page could. VOUCH_DEMO turns it off.
package demo

import (
	"embed"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/vouch-id/vouch"
)

//go:embed demo.html demo.js
var files embed.FS

var page = template.Must(template.ParseFS(files, "demo.html"))

// Handler serves the demo page and its one action.
type Handler struct {
	svc       *vouch.Service
	publicURL string
	mux       *http.ServeMux
}

// NewHandler returns the demo surface for svc. publicURL is shown in the
// curl examples.
func NewHandler(svc *vouch.Service, publicURL string) *Handler {
	h := &Handler{svc: svc, publicURL: publicURL, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /demo", h.index)
	h.mux.HandleFunc("POST /demo/inquiries", h.createInquiry)
	h.mux.HandleFunc("GET /demo/demo.js", h.script)
	h.mux.HandleFunc("GET /demo/templates", h.templates)
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	nonce := newNonce()
	w.Header().Set("Content-Security-Policy", csp(nonce))
	w.Header().Set("Referrer-Policy", "no-referrer")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	h.mux.ServeHTTP(w, r.WithContext(withNonce(r.Context(), nonce)))
}

type view struct {
	PublicURL string
	Nonce     string // of this response's CSP, for its <script> elements
	SDK       string // the content-hashed URL of the Vouch SDK
	Templates []*vouch.Template
	Inquiry   *vouch.InquiryDetails
	Token     string
	Error     string
}

func (h *Handler) index(w http.ResponseWriter, r *http.Request) {
	v := h.newView(r)
	list, _, err := h.svc.FindTemplates(r.Context(), vouch.TemplateFilter{Environment: vouch.Sandbox, Limit: 100})
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	v.Templates = list
	if id := r.URL.Query().Get("inquiry"); id != "" {
		if v.Inquiry, err = h.svc.FindInquiryByID(r.Context(), vouch.Sandbox, id); err != nil {
			v.Error = vouch.ErrorMessage(err)
		}
	}
	h.render(w, http.StatusOK, v)
}

// createInquiry creates a sandbox inquiry from the chosen template. Only
// same-origin form posts are accepted, so other sites cannot drive it.
func (h *Handler) createInquiry(w http.ResponseWriter, r *http.Request) {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		http.Error(w, "cross-site request refused", http.StatusForbidden)
		return
	}
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		if u, err := url.Parse(o); err != nil || u.Host != r.Host {
			http.Error(w, "cross-origin request refused", http.StatusForbidden)
			return
		}
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4096)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	d, token, err := h.svc.CreateInquiry(r.Context(), vouch.Sandbox, vouch.CreateInquiryInput{
		TemplateID:        r.PostForm.Get("template"),
		ReferenceID:       "demo-user",
		AutoCreateSession: false,
	})
	v := h.newView(r)
	v.Inquiry, v.Token = d, token
	if err != nil {
		h.fail(w, r, v, err)
		return
	}
	http.Redirect(w, r, "/demo?inquiry="+url.QueryEscape(d.Inquiry.ID), http.StatusSeeOther)
}

func (h *Handler) fail(w http.ResponseWriter, r *http.Request, v *view, err error) {
	if vouch.ErrorCode(err) == vouch.EINTERNAL {
		slog.Default().Error("demo page", "error", err)
	}
	v.Error = vouch.ErrorMessage(err)
	h.render(w, http.StatusBadRequest, v)
}

func (h *Handler) render(w http.ResponseWriter, status int, v *view) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_ = page.Execute(w, v)
}
