// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"

	"github.com/vouch-id/vouch"
)

// getVerification is GET /verifications/{id}. Extracted data is rendered
// beside the standard attributes until the inquiry is redacted.
func (h *handler) getVerification(r *http.Request, c *call) (*reply, error) {
	return h.verification(r, c, "")
}

// getGovernmentIDVerification is GET /verification/government-ids/{id},
// Persona's typed route: the same answer, for that type only.
func (h *handler) getGovernmentIDVerification(r *http.Request, c *call) (*reply, error) {
	return h.verification(r, c, vouch.VerificationGovernmentID)
}

// getSelfieVerification is GET /verification/selfies/{id}.
func (h *handler) getSelfieVerification(r *http.Request, c *call) (*reply, error) {
	return h.verification(r, c, vouch.VerificationSelfie)
}

// verification answers with the verification of the path, which must be
// of type typ unless typ is empty; one of another type is not found.
func (h *handler) verification(r *http.Request, c *call, typ vouch.VerificationType) (*reply, error) {
	id := r.PathValue("id")
	v, err := h.svc.FindVerificationByID(r.Context(), c.env, id)
	if err != nil {
		return nil, err
	}
	if typ != "" && v.Type != typ {
		return nil, vouch.Errorf(vouch.ENOTFOUND, "Verification %s not found.", id)
	}
	return &reply{status: http.StatusOK, doc: single(RenderVerification(v))}, nil
}
