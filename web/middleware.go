// SPDX-License-Identifier: Apache-2.0

package web

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"strings"
	"time"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/web/request"
	"github.com/vouch-id/vouch/web/response"
)

// RequestIDHeader names the response header that carries the request id,
// as in Persona's API (spec §4.1).
const RequestIDHeader = "Request-Id"

// Middleware returns the wrapper every Vouch handler is served through. It
// gives the request an id (sent as Request-Id on every response and kept in
// the context, see request.ID), recovers a panic into a 500 JSON error,
// writes one access-log line and, when metrics is not nil, counts the
// request.
//
// It is one wrapper rather than a chain on purpose: ServeMux records the
// matched pattern on the *http.Request it is given, and only a wrapper that
// passes that same request on can read the pattern back afterwards. Any
// middleware that must change the context therefore belongs inside the
// routed handler, not between this wrapper and the mux.
func Middleware(logger *slog.Logger, metrics *Metrics) func(http.Handler) http.Handler {
	if logger == nil {
		logger = slog.Default()
	}
	return func(next http.Handler) http.Handler {
		return &middleware{next: next, logger: logger, metrics: metrics}
	}
}

type middleware struct {
	next    http.Handler
	logger  *slog.Logger
	metrics *Metrics
}

// ServeHTTP implements http.Handler.
func (m *middleware) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := vouch.NewID(vouch.PrefixRequest)
	w.Header().Set(RequestIDHeader, id)
	r = r.WithContext(request.WithLogger(request.WithID(r.Context(), id), m.logger))
	sw := &statusWriter{ResponseWriter: w}

	defer func() {
		p := recover()
		if p != nil && p != http.ErrAbortHandler { //nolint:errorlint // sentinel compared as net/http does
			request.Logger(r.Context()).ErrorContext(r.Context(), "panic serving request",
				"method", r.Method, "route", r.Pattern, "panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			if !sw.wrote {
				status, doc := response.ErrorBody(errors.New("panic"))
				response.JSON(sw, status, doc)
			}
		}
		route, method := RouteLabel(r.Pattern), MethodLabel(r.Method)
		elapsed := time.Since(start)
		// Only the route pattern is logged: raw paths may hold tokens and
		// query strings may hold personal data.
		m.logger.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("request_id", id),
			slog.String("method", method), slog.String("route", route),
			slog.Int("status", sw.Status()), slog.Duration("duration", elapsed))
		m.metrics.observe(route, method, sw.Status(), elapsed)
		if p == http.ErrAbortHandler { //nolint:errorlint // see above
			panic(p) // let net/http abort the connection as it was asked to
		}
	}()
	m.next.ServeHTTP(sw, r)
}

// RouteLabel turns a ServeMux pattern ("GET /api/v1/inquiries/{id}") into
// the route used in logs and metrics ("/api/v1/inquiries/{id}"). Unmatched
// requests share one label, so arbitrary paths cannot grow the metrics.
func RouteLabel(pattern string) string {
	if pattern == "" {
		return "unmatched"
	}
	if i := strings.IndexByte(pattern, ' '); i >= 0 {
		pattern = strings.TrimLeft(pattern[i+1:], " \t")
	}
	return pattern
}

// knownMethods bounds the method label: a client may send any token.
var knownMethods = map[string]bool{
	http.MethodGet: true, http.MethodHead: true, http.MethodPost: true, http.MethodPut: true,
	http.MethodPatch: true, http.MethodDelete: true, http.MethodOptions: true,
}

// MethodLabel returns m if it is a standard method, else "OTHER".
func MethodLabel(m string) string {
	if knownMethods[m] {
		return m
	}
	return "OTHER"
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
	wrote  bool
}

// WriteHeader implements http.ResponseWriter.
func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote && code >= 200 {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

// Write implements http.ResponseWriter.
func (w *statusWriter) Write(b []byte) (int, error) {
	if !w.wrote {
		w.status, w.wrote = http.StatusOK, true
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Status returns the status sent, 200 if the handler wrote nothing (as
// net/http then sends).
func (w *statusWriter) Status() int {
	if !w.wrote {
		return http.StatusOK
	}
	return w.status
}
