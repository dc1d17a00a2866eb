// SPDX-License-Identifier: Apache-2.0

package flow

import (
	"context"

	"github.com/vouch-id/vouch"
)

// currentStep is the step a freshly loaded page shows: the inquiry's
// current step, or, for a legacy template before Continue, its first.
func (h *Handler) currentStep(ctx context.Context, o *opened, p *Params, lang string, hosted bool) (*stepView, error) {
	if o.details == nil {
		sv := h.baseStep(&o.version.Config, &o.version.Config.Steps[0], lang)
		sv.Legacy = true
		sv.Sandbox = o.env == vouch.Sandbox
		return sv, nil
	}
	d, err := h.settle(ctx, o.env, o.details)
	if err != nil {
		return nil, err
	}
	o.details = d
	return h.stepFor(d, lang), nil
}

// baseStep fills what every step view shows.
func (h *Handler) baseStep(cfg *vouch.TemplateConfig, s *vouch.Step, lang string) *stepView {
	sv := &stepView{Name: s.Name, Type: s.Type, Title: s.Title, Body: s.Body, Total: len(cfg.Steps), T: h.t(lang)}
	for i := range cfg.Steps {
		if cfg.Steps[i].Name == s.Name {
			sv.Index = i + 1
		}
	}
	return sv
}

// stepFor builds the view of the inquiry's current step. A finished
// inquiry always shows its completion screen.
func (h *Handler) stepFor(d *vouch.InquiryDetails, lang string) *stepView {
	cfg := &d.Version.Config
	s := cfg.StepByName(d.Inquiry.CurrentStep)
	if !d.Inquiry.Status.Open() || s == nil {
		for i := range cfg.Steps {
			if cfg.Steps[i].Type == vouch.StepCompletion {
				s = &cfg.Steps[i]
			}
		}
	}
	if s == nil {
		s = &vouch.Step{Name: "completion", Type: vouch.StepCompletion}
	}
	sv := h.baseStep(cfg, s, lang)
	sv.Status = d.Inquiry.Status
	sv.Sandbox = d.Inquiry.Environment == vouch.Sandbox
	switch s.Type {
	case vouch.StepForm:
		sv.Fields = formFields(cfg, s, d.Inquiry.Fields, nil, nil)
	case vouch.StepGovernmentID, vouch.StepSelfie:
		sv.Capture = captureFor(d, s)
		if sv.Capture.Processing {
			sv.Type = stepProcessing
		}
	case vouch.StepCompletion:
		if d.Inquiry.Status.Open() {
			sv.Type = stepProcessing // verifications are still being decided
		} else {
			completion(sv, d)
		}
	}
	return sv
}

// stepProcessing is the view type of the processing screen, shown while
// verifications are decided; it is not a template step type.
const stepProcessing vouch.StepType = "processing"
