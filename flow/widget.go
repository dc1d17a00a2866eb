// SPDX-License-Identifier: Apache-2.0

package flow

import (
	"context"
	"net/http"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/web/ratelimit"
	"github.com/vouch-id/vouch/web/request"
)

// WebviewCallback is where the hosted flow in WebView mode (is-webview=true)
// ends without a redirect-uri: the apps of Persona's WebView samples
// intercept it (spec §2.2).
const WebviewCallback = "https://personacallback"

// opened is what a flow page found or created for its parameters.
type opened struct {
	env      vouch.Environment
	template *vouch.Template
	version  *vouch.TemplateVersion
	details  *vouch.InquiryDetails // nil for a legacy template before Continue
	token    string
	created  bool // the inquiry was created by this page load
}

// widget serves /widget: the embedded and inline flow inside the SDK's
// iframe.
func (h *Handler) widget(w http.ResponseWriter, r *http.Request) { h.page(w, r, false) }

// verify serves /verify: the hosted flow, a top-level page that may not
// be framed at all and ends on redirect-uri.
func (h *Handler) verify(w http.ResponseWriter, r *http.Request) { h.page(w, r, true) }

// page renders the shell of a flow and its current step. Errors are
// rendered too (with the error posted to the parent by flow.js), framed
// only by the page's declared origins: before a template is known they
// show nothing but the error.
func (h *Handler) page(w http.ResponseWriter, r *http.Request, hosted bool) {
	nonce := newNonce()
	p, err := ParseParams(r.URL.Query())
	if err != nil {
		h.renderPageError(w, r, nonce, &Params{}, hosted, err, ancestorsBeforeTemplate(r, hosted))
		return
	}
	p.IsWebview = p.IsWebview && hosted
	if p.IsWebview && p.RedirectURI == "" {
		p.RedirectURI = WebviewCallback
	}
	if !hosted && p.Code != "" {
		// Spec §7: a one-time link is for a browser; the SDKs take an
		// inquiry id and a session token.
		err := configError("code", "A one-time link opens in the hosted flow (/verify) only.")
		h.renderPageError(w, r, nonce, p, hosted, err, ancestorsBeforeTemplate(r, hosted))
		return
	}
	if !hosted && p.IframeOrigin == "" {
		err := configError("iframe-origin", "iframe-origin is required.")
		h.renderPageError(w, r, nonce, p, hosted, err, "'none'")
		return
	}
	if hosted && p.Code != "" {
		h.redeemLink(w, r, nonce, p)
		return
	}
	var o *opened
	if hosted && p.InquiryID != "" && p.SessionToken == "" {
		o, err = h.openWithLinkCookie(w, r, p)
	} else {
		o, err = h.open(r, p)
	}
	if o == nil || o.version == nil {
		h.renderPageError(w, r, nonce, p, hosted, err, ancestorsBeforeTemplate(r, hosted))
		return
	}
	ancestors := "'none'"
	if !hosted {
		ancestors = frameAncestors(p, &o.version.Config, o.env)
		if !originAllowed(p.IframeOrigin, &o.version.Config, o.env) {
			// The embedding page is not on the template's list: the CSP
			// keeps the browser from showing the flow at all, and the
			// body explains why to whoever opens the URL directly.
			err := vouch.Errorf(vouch.EFORBIDDEN, "This page may not embed the verification.")
			h.renderPageError(w, r, nonce, p, hosted, err, "'none'")
			return
		}
	}
	if err != nil {
		h.renderPageError(w, r, nonce, p, hosted, err, ancestors)
		return
	}
	lang := pickLanguage(p.Language, r.Header.Get("Accept-Language"), o.version.Config.EnabledLocales)
	sv, err := h.currentStep(r.Context(), o, p, lang, hosted)
	if err != nil {
		logInternal(r, err)
		h.renderPageError(w, r, nonce, p, hosted, err, ancestors)
		return
	}
	setPageHeaders(w, nonce, ancestors)
	h.renderShell(w, http.StatusOK, h.shellView(nonce, lang, p, o, hosted, sv, nil))
}

// ancestorsBeforeTemplate is the frame-ancestors of an error shown before
// any template is known: the declared iframe-origin (if it parses), so the
// embedding page receives the error event. Nothing but the error is shown.
func ancestorsBeforeTemplate(r *http.Request, hosted bool) string {
	if hosted {
		return "'none'"
	}
	if o, err := vouch.ParseOrigin(r.URL.Query().Get("iframe-origin")); err == nil {
		return o
	}
	return "'none'"
}

// open finds or creates the inquiry the parameters describe (spec §1.5):
// a new inquiry from a Dynamic Flow template, an existing one by id (a
// created one needs no token; any other needs a valid session token), or,
// for a legacy template, only the template: its inquiry is created on
// Continue. It returns what it found even with an error, so the error can
// be framed by the template's origins.
func (h *Handler) open(r *http.Request, p *Params) (*opened, error) {
	ctx := r.Context()
	if p.InquiryID != "" {
		return h.openInquiry(ctx, p)
	}
	o, err := h.findTemplate(ctx, p)
	if err != nil {
		return o, err
	}
	// CreateInquiry checks this too; checking first also covers legacy
	// templates, whose inquiry is created only on Continue, so that no one
	// fills in a start screen that cannot lead anywhere.
	if err := h.svc.CheckClientSideCreation(ctx, o.env, o.template, o.version); err != nil {
		return o, err
	}
	if _, err := vouch.CoerceFields(o.version.Config.Fields, p.Fields); err != nil {
		return o, err
	}
	if p.RedirectURI != "" && p.RedirectURI != WebviewCallback && !redirectAllowed(p.RedirectURI, &o.version.Config, o.env) {
		return o, configError("redirect-uri", "redirect-uri is not on the template's allowed origins.")
	}
	if p.Legacy() {
		return o, nil
	}
	if err := h.countCreate(r); err != nil {
		return o, err
	}
	in := createInput(p)
	if p.TemplateVersionID != "" {
		in.TemplateID = ""
	}
	d, token, err := h.svc.CreateInquiry(ctx, o.env, in)
	if err != nil {
		return o, err
	}
	o.details, o.token, o.created = d, token, true
	return o, nil
}

// createInput is the creation request of a flow's parameters.
func createInput(p *Params) vouch.CreateInquiryInput {
	return vouch.CreateInquiryInput{
		TemplateID:        p.TemplateID,
		TemplateVersionID: p.TemplateVersionID,
		LegacyTemplateID:  p.LegacyTemplateID,
		AccountID:         p.AccountID,
		ReferenceID:       p.ReferenceID,
		Fields:            p.Fields,
		RedirectURI:       p.RedirectURI,
		AutoCreateSession: true,
		ClientSide:        true,
	}
}

// environments lists where to look for an id: the one the URL names, else
// production then sandbox (ids are random, so at most one matches; the SDK
// defaults to production when it says nothing).
func environments(p *Params) []vouch.Environment {
	if p.Environment != "" {
		return []vouch.Environment{p.Environment}
	}
	return []vouch.Environment{vouch.Production, vouch.Sandbox}
}

// findTemplate resolves the template (and the version it pins) of p.
func (h *Handler) findTemplate(ctx context.Context, p *Params) (*opened, error) {
	for _, env := range environments(p) {
		var v *vouch.TemplateVersion
		var err error
		id := p.EchoTemplateID()
		if p.TemplateVersionID != "" {
			if v, err = h.svc.FindTemplateVersionByID(ctx, env, p.TemplateVersionID); err == nil {
				if id != "" && id != v.TemplateID {
					return nil, configError("inquiry-template-version-id",
						"Version %s does not belong to template %s.", v.ID, id)
				}
				id = v.TemplateID
			}
		}
		if vouch.ErrorCode(err) == vouch.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		t, err := h.svc.FindTemplateByID(ctx, env, id)
		if vouch.ErrorCode(err) == vouch.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		if t.Legacy != p.Legacy() {
			return nil, configError("template-id", "Template %s must be given as %s.", t.ID, map[bool]string{true: "template-id", false: "inquiry-template-id"}[t.Legacy])
		}
		if v == nil {
			if t.LatestVersionID == "" {
				return nil, configError("inquiry-template-id", "Template %s has no published version.", t.ID)
			}
			if v, err = h.svc.FindTemplateVersionByID(ctx, env, t.LatestVersionID); err != nil {
				return nil, err
			}
		}
		return &opened{env: env, template: t, version: v}, nil
	}
	return nil, configError("inquiry-template-id", "Template %s does not exist.", p.EchoTemplateID()+p.TemplateVersionID)
}

// openInquiry opens an existing inquiry. Every token problem is the same
// unauthenticated answer (spec §1.9).
func (h *Handler) openInquiry(ctx context.Context, p *Params) (*opened, error) {
	for _, env := range environments(p) {
		d, err := h.svc.FindInquiryByID(ctx, env, p.InquiryID)
		if vouch.ErrorCode(err) == vouch.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		o := &opened{env: env, template: d.Template, version: d.Version, details: d}
		switch {
		case p.SessionToken != "":
			if _, err := h.svc.AuthenticateSession(ctx, env, d.Inquiry.ID, p.SessionToken); err != nil {
				return o, err
			}
			o.token = p.SessionToken
		case d.Inquiry.Status == vouch.InquiryCreated:
			// Anyone holding the id of a created inquiry may open it
			// (spec §3.3); the page gets its own session.
			_, tok, err := h.svc.CreateSession(ctx, env, d.Inquiry.ID)
			if err != nil {
				return o, err
			}
			o.token = tok
		default:
			return o, vouch.Errorf(vouch.EUNAUTHORIZED, "A session token is required.")
		}
		return o, nil
	}
	return nil, configError("inquiry-id", "Inquiry %s does not exist.", p.InquiryID)
}

// preload serves /preload, which the SDK loads in a hidden iframe to warm
// the browser's cache (spec §1.6): it references the flow's script and
// style and nothing else, so any page may frame it.
func (h *Handler) preload(w http.ResponseWriter, r *http.Request) {
	nonce := newNonce()
	setPageHeaders(w, nonce, "*")
	w.Header().Set("Cache-Control", "public, max-age=300")
	lang := pickLanguage(r.URL.Query().Get("language"), r.Header.Get("Accept-Language"), nil)
	h.renderView(w, http.StatusOK, "preload.html", map[string]any{"Nonce": nonce, "Lang": lang, "T": h.t(lang)})
}

// countCreate counts an inquiry the flow is about to create against the
// client network of r (Config.CreateLimit). Past the limit it is
// ERATELIMITED, which the flow reports as unknown/429.
func (h *Handler) countCreate(r *http.Request) error {
	l := h.cfg.CreateLimit
	if l == nil {
		return nil
	}
	network := request.Network(request.ClientAddr(r, h.cfg.TrustedProxies))
	if ok, _, reset := l.Take(network); !ok {
		return vouch.Errorf(vouch.ERATELIMITED, "Too many verifications were started from this network; try again in %d seconds.",
			ratelimit.RetryAfter(reset))
	}
	return nil
}
