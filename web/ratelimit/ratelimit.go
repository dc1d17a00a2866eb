// SPDX-License-Identifier: Apache-2.0

// Package ratelimit counts requests in fixed windows per key: the REST
// API's limit per environment (spec §4.6) and the hosted flow's limit on
// inquiries created per client network.
package ratelimit

import (
	"sync"
	"time"
)

// maxKeys bounds the windows a Limiter tracks. Keys can come from clients
// (network addresses), so without a bound a crowd of them could grow the
// map without end; past it, the windows still open are dropped and their
// counts start again, which lets some requests through rather than holding
// memory.
const maxKeys = 100_000

// Limiter is a fixed-window rate limiter: a key's window opens at its first
// request and allows Limit requests until it ends. It lives in memory, so
// each process counts its own traffic; windows that have ended are swept
// once per window length.
type Limiter struct {
	Limit  int
	Window time.Duration
	now    func() time.Time

	mu      sync.Mutex
	windows map[string]*fixedWindow
	swept   time.Time
}

type fixedWindow struct {
	start time.Time
	count int
}

// New returns a Limiter of limit requests per window (both positive); now
// is its clock, nil meaning time.Now.
func New(limit int, window time.Duration, now func() time.Time) *Limiter {
	if now == nil {
		now = time.Now
	}
	return &Limiter{Limit: limit, Window: window, now: now, windows: map[string]*fixedWindow{}}
}

// Take counts one request against key's window and reports whether it is
// allowed, how many requests remain in the window, and when the window
// ends.
func (l *Limiter) Take(key string) (ok bool, remaining int, reset time.Duration) {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) >= l.Window || len(l.windows) >= maxKeys {
		for k, w := range l.windows {
			if now.Sub(w.start) >= l.Window {
				delete(l.windows, k)
			}
		}
		if len(l.windows) >= maxKeys {
			clear(l.windows)
		}
		l.swept = now
	}
	w := l.windows[key]
	if w == nil || now.Sub(w.start) >= l.Window {
		w = &fixedWindow{start: now}
		l.windows[key] = w
	}
	reset = w.start.Add(l.Window).Sub(now)
	if w.count >= l.Limit {
		return false, 0, reset
	}
	w.count++
	return true, l.Limit - w.count, reset
}

// RetryAfter is reset in whole seconds, rounded up: never invite an early
// retry.
func RetryAfter(reset time.Duration) int { return int((reset + time.Second - 1) / time.Second) }

// size returns the number of tracked windows (for tests).
func (l *Limiter) size() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.windows)
}
