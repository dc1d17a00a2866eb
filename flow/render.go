// SPDX-License-Identifier: Apache-2.0

package flow

import (
	"bytes"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"github.com/vouch-id/vouch"
)

// viewFuncs are the helpers the views may call.
var viewFuncs = template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
}

// shellView is what views/shell.html renders: the document that lives as
// long as the iframe, around the current step.
type shellView struct {
	Nonce   string
	Lang    string
	T       func(id string, args ...any) string
	Config  map[string]any // read by flow.js from data-config
	Step    *stepView
	Error   *FlowError
	Sandbox bool
}

// stepView is one step's fragment (views/step.html).
type stepView struct {
	Name      string
	Type      vouch.StepType
	Index     int // 1-based position among the template's steps
	Total     int
	Title     string
	Body      string
	Legacy    bool // a legacy start screen: Continue creates the inquiry
	Fields    []fieldView
	FormError bool
	Status    vouch.InquiryStatus
	// Meta is the message flow.js posts for this step (complete/fail on
	// the completion screen), as JSON.
	Meta        string
	RedirectURL string
	Sandbox     bool
	Capture     *captureView
	T           func(id string, args ...any) string
}

// t returns the translator of lang.
func (h *Handler) t(lang string) func(id string, args ...any) string {
	c := h.catalogues[lang]
	if c == nil {
		c = h.catalogues[Languages[0]]
	}
	return c.translate
}

// shellView builds the page around sv.
func (h *Handler) shellView(nonce, lang string, p *Params, o *opened, hosted bool, sv *stepView, fe *FlowError) *shellView {
	cfg := map[string]any{
		"containerId":       p.ContainerID,
		"templateId":        p.EchoTemplateID(),
		"templateVersionId": p.TemplateVersionID,
		"targetOrigin":      targetOrigin(p),
		"iframeOrigin":      p.IframeOrigin,
		"hosted":            hosted,
		"legacy":            p.Legacy(),
		"language":          lang,
		"webview":           p.IsWebview,
	}
	v := &shellView{Nonce: nonce, Lang: lang, T: h.t(lang), Config: cfg, Step: sv, Error: fe}
	if o != nil {
		cfg["environment"] = string(o.env)
		if o.template != nil {
			cfg["legacy"] = o.template.Legacy
		}
		v.Sandbox = o.env == vouch.Sandbox
		if o.details != nil {
			cfg["inquiryId"] = o.details.Inquiry.ID
			cfg["sessionToken"] = o.token
			cfg["inquiryStatus"] = string(o.details.Inquiry.Status)
			cfg["verifications"] = verificationRefs(o.details)
			if p.IsWebview {
				cfg["redirectUri"] = o.details.Inquiry.RedirectURI
			}
		}
		if p.Legacy() && o.details == nil {
			cfg["createQuery"] = createQuery(p)
		}
	}
	if fe != nil {
		cfg["error"] = fe
	}
	return v
}

// targetOrigin is where the flow's messages go: message-target-origin when
// given, else the embedding page's origin; never "*".
func targetOrigin(p *Params) string {
	if p.MessageTargetOrigin != "" {
		return p.MessageTargetOrigin
	}
	return p.IframeOrigin
}

// createQuery is the query a legacy start screen sends back on Continue:
// the page's own parameters, which the server parses again.
func createQuery(p *Params) string {
	q := url.Values{}
	q.Set("template-id", p.LegacyTemplateID)
	if p.Environment != "" {
		q.Set("environment", string(p.Environment))
	}
	if p.ReferenceID != "" {
		q.Set("reference-id", p.ReferenceID)
	}
	if p.AccountID != "" {
		q.Set("account-id", p.AccountID)
	}
	if p.RedirectURI != "" {
		q.Set("redirect-uri", p.RedirectURI)
	}
	addFields(q, "fields", p.Fields)
	return q.Encode()
}

// addFields writes nested values back in bracket notation.
func addFields(q url.Values, prefix string, v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			addFields(q, prefix+"["+k+"]", c)
		}
	case []any:
		for i, c := range x {
			addFields(q, prefix+"["+itoa(i)+"]", c)
		}
	case string:
		q.Set(prefix, x)
	}
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

// renderPageError renders the shell with an error in place of a step.
func (h *Handler) renderPageError(w http.ResponseWriter, r *http.Request, nonce string, p *Params, hosted bool, err error, ancestors string) {
	logInternal(r, err)
	fe := ErrorFor(err)
	lang := pickLanguage(p.Language, r.Header.Get("Accept-Language"), nil)
	setPageHeaders(w, nonce, ancestors)
	h.renderShell(w, fe.httpStatus(), h.shellView(nonce, lang, p, nil, hosted, nil, &fe))
}

// renderShell writes the flow document.
func (h *Handler) renderShell(w http.ResponseWriter, status int, v *shellView) {
	h.renderView(w, status, "shell.html", v)
}

// renderView executes a view into a buffer first, so a template error
// becomes a clean 500 rather than half a page.
func (h *Handler) renderView(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := h.views.ExecuteTemplate(&buf, name, data); err != nil {
		h.cfg.Logger.Error("flow view", "view", name, "error", err.Error())
		http.Error(w, "Internal error.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// renderFragment returns a step's HTML.
func (h *Handler) renderFragment(sv *stepView) (string, error) {
	var buf bytes.Buffer
	if err := h.views.ExecuteTemplate(&buf, "step", sv); err != nil {
		return "", err
	}
	return buf.String(), nil
}

// redirectAllowed reports whether the hosted flow may send the browser to
// uri when it ends (spec §2.1): the template's own redirect-uri, or an
// http(s) URL on one of its allowed origins (localhost too in the
// sandbox). Anything else would make Vouch an open redirect.
func redirectAllowed(uri string, cfg *vouch.TemplateConfig, env vouch.Environment) bool {
	if cfg.RedirectURI != "" && uri == cfg.RedirectURI {
		return true
	}
	u, err := url.Parse(uri)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return false
	}
	return originAllowed(strings.ToLower(u.Scheme+"://"+u.Host), cfg, env)
}
