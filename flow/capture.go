// SPDX-License-Identifier: Apache-2.0

package flow

import (
	"net/http"

	"github.com/vouch-id/vouch"
)

// captureView is what the government ID and selfie steps show.
type captureView struct {
	// Processing is true while the step's last verification awaits its
	// decision: the processing screen is shown instead.
	Processing bool
}

// captureFor builds the capture view of step s.
func captureFor(d *vouch.InquiryDetails, s *vouch.Step) *captureView {
	return &captureView{}
}

// submitCapture handles the images of a government ID or selfie step.
func (h *Handler) submitCapture(r *http.Request, env vouch.Environment, d *vouch.InquiryDetails, s *vouch.Step, lang string) (*stepView, error) {
	return nil, vouch.Errorf(vouch.ECONFLICT, "This step cannot be completed in this version.")
}
