// SPDX-License-Identifier: Apache-2.0

package flow

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/web/response"
)

// stepReply is the JSON answer of every flow route that moves the flow:
// the HTML of the step to show now, and what flow.js needs to announce it.
type stepReply struct {
	HTML         string     `json:"html"`
	Step         string     `json:"step"`
	Type         string     `json:"type"`
	Status       string     `json:"status"`
	InquiryID    string     `json:"inquiryId"`
	SessionToken string     `json:"sessionToken,omitempty"` // only when the inquiry was just created
	Stale        bool       `json:"stale,omitempty"`        // the page was behind; this is the real step
	Error        *FlowError `json:"error,omitempty"`
	// Submitted is the verification this request submitted, and
	// Verifications the status of every verification: legacy flows
	// announce each change as verification-change.
	Submitted     string            `json:"submitted,omitempty"`
	Verifications []verificationRef `json:"verifications,omitempty"`
}

// verificationRef is a verification's id and status.
type verificationRef struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// verificationRefs lists the inquiry's verifications.
func verificationRefs(d *vouch.InquiryDetails) []verificationRef {
	out := make([]verificationRef, 0, len(d.Verifications))
	for _, v := range d.Verifications {
		out = append(out, verificationRef{ID: v.ID, Status: string(v.Status)})
	}
	return out
}

// writeError answers a flow route with an error; flow.js posts it to the
// parent as an error event and shows it.
func (h *Handler) writeError(w http.ResponseWriter, r *http.Request, err error) {
	logInternal(r, err)
	fe := ErrorFor(err)
	lang := pickLanguage(r.Header.Get(LanguageHeader), r.Header.Get("Accept-Language"), nil)
	var buf bytes.Buffer
	_ = h.views.ExecuteTemplate(&buf, "error", &shellView{T: h.t(lang), Error: &fe}) // fixed view, fixed data
	w.Header().Set("Cache-Control", "no-store")
	response.JSON(w, fe.httpStatus(), stepReply{HTML: buf.String(), Error: &fe})
}

// writeStep answers with sv.
func (h *Handler) writeStep(w http.ResponseWriter, r *http.Request, status int, d *vouch.InquiryDetails, sv *stepView, token string, stale bool) {
	h.writeReply(w, r, status, d, sv, stepReply{SessionToken: token, Stale: stale})
}

// writeReply answers with sv and the fields already set in rep.
func (h *Handler) writeReply(w http.ResponseWriter, r *http.Request, status int, d *vouch.InquiryDetails, sv *stepView, rep stepReply) {
	html, err := h.renderFragment(sv)
	if err != nil {
		h.writeError(w, r, fmt.Errorf("render step %s: %w", sv.Name, err))
		return
	}
	w.Header().Set("Cache-Control", "no-store")
	rep.HTML, rep.Step, rep.Type = html, sv.Name, string(sv.Type)
	rep.Status, rep.InquiryID, rep.Verifications = string(d.Inquiry.Status), d.Inquiry.ID, verificationRefs(d)
	response.JSON(w, status, rep)
}

// authorize checks the request's session token against the inquiry of
// the route and loads the inquiry.
func (h *Handler) authorize(r *http.Request) (vouch.Environment, *vouch.InquiryDetails, string, error) {
	env, err := vouch.ParseEnvironment(r.PathValue("env"))
	if err != nil {
		return "", nil, "", vouch.Errorf(vouch.EUNAUTHORIZED, "Unknown environment.")
	}
	id := r.PathValue("id")
	if _, err := h.svc.AuthenticateSession(r.Context(), env, id, r.Header.Get(SessionHeader)); err != nil {
		return "", nil, "", err
	}
	d, err := h.svc.FindInquiryByID(r.Context(), env, id)
	if err != nil {
		return "", nil, "", err
	}
	lang := pickLanguage(r.Header.Get(LanguageHeader), r.Header.Get("Accept-Language"), d.Version.Config.EnabledLocales)
	return env, d, lang, nil
}

// submitStep handles the form of the inquiry's current step and answers
// with the step to show next (the same one, with errors, when the input
// was not accepted). A page that was behind gets the real current step.
func (h *Handler) submitStep(w http.ResponseWriter, r *http.Request) {
	env, d, lang, err := h.authorize(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	name := r.PathValue("step")
	step := d.Version.Config.StepByName(name)
	if step == nil || d.Inquiry.CurrentStep != name || !d.Inquiry.Status.Open() {
		h.writeStep(w, r, http.StatusOK, d, h.stepFor(d, lang), "", true)
		return
	}
	var again *stepView // the same step with its problems
	switch step.Type {
	case vouch.StepForm:
		again, err = h.submitForm(r, env, d, step, lang)
	case vouch.StepGovernmentID, vouch.StepSelfie:
		if again, err = h.submitCapture(r, env, d, step, lang); err == nil && again == nil {
			h.afterCapture(w, r, env, d.Inquiry.ID, step, lang)
			return
		}
	case vouch.StepCompletion:
		h.writeStep(w, r, http.StatusOK, d, h.stepFor(d, lang), "", false)
		return
	}
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if again != nil {
		h.writeStep(w, r, http.StatusUnprocessableEntity, d, again, "", false)
		return
	}
	if d, err = h.advance(r.Context(), env, d); err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeStep(w, r, http.StatusOK, d, h.stepFor(d, lang), "", false)
}

// afterCapture answers a submitted capture step: the processing screen,
// or, when the decision came first, whatever follows it.
func (h *Handler) afterCapture(w http.ResponseWriter, r *http.Request, env vouch.Environment, id string, step *vouch.Step, lang string) {
	d, err := h.svc.FindInquiryByID(r.Context(), env, id)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	rep := stepReply{}
	if last := lastVerification(d, verificationType(step)); last != nil {
		rep.Submitted = last.ID
	}
	if d, err = h.settle(r.Context(), env, d); err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeReply(w, r, http.StatusOK, d, h.stepFor(d, lang), rep)
}

// state answers with the inquiry's current step; the processing screen
// polls it while verifications are being decided.
func (h *Handler) state(w http.ResponseWriter, r *http.Request) {
	env, d, lang, err := h.authorize(r)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	if d, err = h.settle(r.Context(), env, d); err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeStep(w, r, http.StatusOK, d, h.stepFor(d, lang), "", false)
}

// advance moves the inquiry past its current step and, on reaching the
// completion step, completes it.
func (h *Handler) advance(ctx context.Context, env vouch.Environment, d *vouch.InquiryDetails) (*vouch.InquiryDetails, error) {
	steps := d.Version.Config.Steps
	for i, s := range steps {
		if s.Name != d.Inquiry.CurrentStep || i+1 >= len(steps) {
			continue
		}
		if _, err := h.svc.MoveInquiryStep(ctx, env, d.Inquiry.ID, s.Name, steps[i+1].Name); err != nil {
			return nil, err
		}
		d, err := h.svc.FindInquiryByID(ctx, env, d.Inquiry.ID)
		if err != nil {
			return nil, err
		}
		return h.settle(ctx, env, d)
	}
	return d, nil
}

// settle completes an open inquiry standing on its completion step once
// no verification is still being decided.
func (h *Handler) settle(ctx context.Context, env vouch.Environment, d *vouch.InquiryDetails) (*vouch.InquiryDetails, error) {
	step := d.Version.Config.StepByName(d.Inquiry.CurrentStep)
	if step != nil && d.Inquiry.Status.Open() && (step.Type == vouch.StepGovernmentID || step.Type == vouch.StepSelfie) {
		d, _, err := h.settleCapture(ctx, env, d, step)
		return d, err
	}
	if step == nil || step.Type != vouch.StepCompletion || !d.Inquiry.Status.Open() || pendingVerification(d) {
		return d, nil
	}
	return h.svc.CompleteInquiry(ctx, env, d.Inquiry.ID)
}

// pendingVerification reports whether a verification awaits its decision.
func pendingVerification(d *vouch.InquiryDetails) bool {
	for _, v := range d.Verifications {
		if v.Status == vouch.VerificationSubmitted {
			return true
		}
	}
	return false
}

// legacyCreate creates the inquiry of a legacy template when the
// individual presses Continue on its start screen (the moment legacy
// flows send start). The body carries the page's parameters again.
func (h *Handler) legacyCreate(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	var body struct {
		Query string `json:"query"`
	}
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
		h.writeError(w, r, vouch.Errorf(vouch.EINVALID, "Malformed request."))
		return
	}
	p, err := parseQuery(body.Query)
	if err != nil || !p.Legacy() {
		h.writeError(w, r, vouch.Errorf(vouch.EINVALID, "Malformed request."))
		return
	}
	env, err := vouch.ParseEnvironment(r.PathValue("env"))
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	p.Environment = env
	if err := h.countCreate(r); err != nil {
		h.writeError(w, r, err)
		return
	}
	in := createInput(p)
	d, token, err := h.svc.CreateInquiry(r.Context(), env, in)
	if err != nil {
		h.writeError(w, r, err)
		return
	}
	lang := pickLanguage(r.Header.Get(LanguageHeader), r.Header.Get("Accept-Language"), d.Version.Config.EnabledLocales)
	// The start screen was the step the individual just left.
	if d, err = h.advance(r.Context(), env, d); err != nil {
		h.writeError(w, r, err)
		return
	}
	h.writeStep(w, r, http.StatusCreated, d, h.stepFor(d, lang), token, false)
}
