// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/web/ratelimit"
)

// Rate-limit defaults, as in Persona's API (spec §4.6).
const (
	DefaultRateLimit  = 300
	DefaultRateWindow = time.Minute
)

// newLimiter returns the API's limiter: one fixed window per environment,
// as Persona's (spec §4.6), whichever of its API keys sends the requests.
// It is nil (disabled) when limit is negative; 0 means the defaults.
func newLimiter(limit int, window time.Duration, now func() time.Time) *ratelimit.Limiter {
	if limit < 0 {
		return nil
	}
	if limit == 0 {
		limit = DefaultRateLimit
	}
	if window <= 0 {
		window = DefaultRateWindow
	}
	return ratelimit.New(limit, window, now)
}

// rateLimit counts the request against its API key's environment and sets
// the ratelimit-* headers; past the limit it returns an ERATELIMITED error.
func (h *handler) rateLimit(w http.ResponseWriter, key *vouch.APIKey) error {
	if h.limiter == nil {
		return nil
	}
	ok, remaining, reset := h.limiter.Take(string(key.Environment))
	secs := ratelimit.RetryAfter(reset)
	hd := w.Header()
	hd.Set("Ratelimit-Limit", strconv.Itoa(h.limiter.Limit))
	hd.Set("Ratelimit-Remaining", strconv.Itoa(remaining))
	hd.Set("Ratelimit-Reset", strconv.Itoa(secs))
	if !ok {
		hd.Set("Retry-After", strconv.Itoa(secs))
		return vouch.Errorf(vouch.ERATELIMITED, "Rate limit of %d requests per %s exceeded; retry in %d seconds.",
			h.limiter.Limit, h.limiter.Window, secs)
	}
	return nil
}
