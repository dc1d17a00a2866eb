// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"
	"strings"

	"github.com/vouch-id/vouch"
)

// authenticate returns the API key of "Authorization: Bearer <key>". Any
// problem is the same EUNAUTHORIZED, rendered as a bare 401 (spec §4.4), so
// a caller learns nothing about why a key was refused.
func (h *handler) authenticate(r *http.Request) (*vouch.APIKey, error) {
	scheme, secret, ok := strings.Cut(strings.TrimSpace(r.Header.Get("Authorization")), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return nil, vouch.Errorf(vouch.EUNAUTHORIZED, "An API key is required.")
	}
	return h.svc.AuthenticateAPIKey(r.Context(), strings.TrimSpace(secret))
}
