// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/vouch-id/vouch"
)

// Rate-limit defaults, as in Persona's API (spec §4.6).
const (
	DefaultRateLimit  = 300
	DefaultRateWindow = time.Minute
)

// limiter is a fixed-window rate limiter per environment, as Persona's
// (spec §4.6): a window opens at the environment's first request and allows
// limit requests, whichever of its API keys sends them, until it ends. It
// lives in memory, so each replica counts its own traffic; windows that
// have ended are swept once per window length.
type limiter struct {
	limit  int
	window time.Duration
	now    func() time.Time

	mu      sync.Mutex
	windows map[string]*fixedWindow
	swept   time.Time
}

type fixedWindow struct {
	start time.Time
	count int
}

// newLimiter returns a limiter, or nil when limit is negative (disabled).
func newLimiter(limit int, window time.Duration, now func() time.Time) *limiter {
	if limit < 0 {
		return nil
	}
	if limit == 0 {
		limit = DefaultRateLimit
	}
	if window <= 0 {
		window = DefaultRateWindow
	}
	return &limiter{limit: limit, window: window, now: now, windows: map[string]*fixedWindow{}}
}

// take counts one request against key's window and reports whether it is
// allowed, how many requests remain in the window, and when the window
// ends.
func (l *limiter) take(key string) (ok bool, remaining int, reset time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) >= l.window {
		for k, w := range l.windows {
			if now.Sub(w.start) >= l.window {
				delete(l.windows, k)
			}
		}
		l.swept = now
	}
	w := l.windows[key]
	if w == nil || now.Sub(w.start) >= l.window {
		w = &fixedWindow{start: now}
		l.windows[key] = w
	}
	reset = w.start.Add(l.window).Sub(now)
	if w.count >= l.limit {
		return false, 0, reset
	}
	w.count++
	return true, l.limit - w.count, reset
}

// size returns the number of tracked windows (for tests).
func (l *limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.windows)
}

// rateLimit counts the request against its API key's environment and sets
// the ratelimit-* headers; past the limit it returns an ERATELIMITED error.
func (h *handler) rateLimit(w http.ResponseWriter, key *vouch.APIKey) error {
	if h.limiter == nil {
		return nil
	}
	ok, remaining, reset := h.limiter.take(string(key.Environment))
	secs := int((reset + time.Second - 1) / time.Second) // round up: never invite an early retry
	hd := w.Header()
	hd.Set("Ratelimit-Limit", strconv.Itoa(h.limiter.limit))
	hd.Set("Ratelimit-Remaining", strconv.Itoa(remaining))
	hd.Set("Ratelimit-Reset", strconv.Itoa(secs))
	if !ok {
		hd.Set("Retry-After", strconv.Itoa(secs))
		return vouch.Errorf(vouch.ERATELIMITED, "Rate limit of %d requests per %s exceeded; retry in %d seconds.",
			h.limiter.limit, h.limiter.window, secs)
	}
	return nil
}
