// SPDX-License-Identifier: Apache-2.0

package api

import (
	"fmt"
	"net/http"
	"slices"

	"github.com/vouch-id/vouch"
)

// simulateRequest is the body of perform-simulate-actions (spec §6.6):
// {"meta": {"simulate-actions": [{"type": "start_inquiry"}, …]}}.
type simulateRequest struct {
	Meta struct {
		SimulateActions []simulateAction `json:"simulate-actions"`
	} `json:"meta"`
}

// simulateAction is one action. data is only for the verification actions:
// verification-type picks the type Vouch creates; verification-template-id
// is Persona's way to pick it and is accepted for compatibility but not
// used, as Vouch has no verification templates.
type simulateAction struct {
	Type string `json:"type"`
	Data *struct {
		VerificationTemplateID string `json:"verification-template-id"`
		VerificationType       string `json:"verification-type"`
	} `json:"data"`
}

// simulateVerificationTypes maps the accepted verification-type values to
// Vouch's types: the short names and the JSON:API types.
var simulateVerificationTypes = map[string]vouch.VerificationType{
	"government-id":                        vouch.VerificationGovernmentID,
	string(vouch.VerificationGovernmentID): vouch.VerificationGovernmentID,
	"selfie":                               vouch.VerificationSelfie,
	string(vouch.VerificationSelfie):       vouch.VerificationSelfie,
}

// performSimulateActions runs sandbox simulate actions on an inquiry and
// answers with the inquiry as GET /inquiries/{id} does.
func (h *handler) performSimulateActions(r *http.Request, c *call) (*reply, error) {
	if c.env != vouch.Sandbox {
		return nil, vouch.Errorf(vouch.EFORBIDDEN, "Simulate actions are only available with a sandbox API key.")
	}
	var req simulateRequest
	if err := decodeBody(c.body, &req, false); err != nil {
		return nil, err
	}
	include, err := inquiryIncludes(r, c)
	if err != nil {
		return nil, err
	}
	list := req.Meta.SimulateActions
	if len(list) == 0 {
		return nil, pointerError("/meta/simulate-actions", "simulate-actions must list at least one action.")
	}
	if len(list) > vouch.MaxSimulateActions {
		return nil, pointerError("/meta/simulate-actions",
			fmt.Sprintf("simulate-actions may list at most %d actions.", vouch.MaxSimulateActions))
	}
	actions := make([]vouch.SimulateAction, len(list))
	for i, a := range list {
		ptr := fmt.Sprintf("/meta/simulate-actions/%d", i)
		actions[i] = vouch.SimulateAction{Type: a.Type}
		if !slices.Contains(vouch.SimulateActionTypes, a.Type) {
			return nil, pointerError(ptr+"/type", vouch.ErrorMessage(actions[i].Validate()))
		}
		if !actions[i].IsVerification() {
			if a.Data != nil {
				return nil, pointerError(ptr+"/data", fmt.Sprintf("Simulate action %s takes no data.", a.Type))
			}
			continue
		}
		typ := "government-id" // the default when only a verification template is named
		if a.Data != nil && a.Data.VerificationType != "" {
			typ = a.Data.VerificationType
		}
		vt, ok := simulateVerificationTypes[typ]
		if !ok {
			return nil, pointerError(ptr+"/data/verification-type",
				fmt.Sprintf("verification-type must be government-id or selfie, not %q.", clip(typ)))
		}
		actions[i].VerificationType = vt
	}
	d, err := h.svc.SimulateInquiryActions(r.Context(), c.env, r.PathValue("id"), actions)
	if err != nil {
		return nil, err
	}
	return inquiryReply(http.StatusOK, d, include), nil
}
