// SPDX-License-Identifier: Apache-2.0

package api

import "net/http"

// getVerification is GET /verifications/{id}. Extracted data is rendered
// beside the standard attributes until the inquiry is redacted.
func (h *handler) getVerification(r *http.Request, c *call) (*reply, error) {
	v, err := h.svc.FindVerificationByID(r.Context(), c.env, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return &reply{status: http.StatusOK, doc: single(RenderVerification(v))}, nil
}
