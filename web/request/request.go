// SPDX-License-Identifier: Apache-2.0

// Package request carries what the shared middleware learns about a request
// (its id, a logger that names it) to the handlers and writers below it,
// and tells where a request came from (ClientAddr). It
// is a leaf package so that both web and web/response can import it without
// a cycle.
package request

import (
	"context"
	"log/slog"
)

// ctxKey is unexported so no other package can collide with or forge the
// values stored here.
type ctxKey int

const (
	idKey ctxKey = iota
	loggerKey
)

// WithID returns ctx carrying the request id. The web middleware calls it
// once per request; handlers only read.
func WithID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, idKey, id)
}

// ID returns the request id ("req_…") of ctx, or "" outside a request. It is
// the same id the client sees in the Request-Id header, so a support ticket
// can be matched to the logs.
func ID(ctx context.Context) string {
	id, _ := ctx.Value(idKey).(string)
	return id
}

// WithLogger returns ctx carrying l, the logger of the server that serves
// the request. Logger adds the request id to it.
func WithLogger(ctx context.Context, l *slog.Logger) context.Context {
	return context.WithValue(ctx, loggerKey, l)
}

// Logger returns the request's logger, or slog.Default() outside the
// middleware (in unit tests of a single handler, for instance), naming the
// request id when there is one so that every line a handler logs can be
// traced to a request. The id is added here, when a handler logs (rarely:
// errors), rather than once per request, which would cost every request a
// copy of the logger's handler.
func Logger(ctx context.Context) *slog.Logger {
	l, ok := LoggerFrom(ctx)
	if !ok {
		l = slog.Default()
	}
	if id := ID(ctx); id != "" {
		return l.With("request_id", id)
	}
	return l
}

// LoggerFrom returns the request's logger and whether one was set, for a
// handler that has a better fallback than slog.Default().
func LoggerFrom(ctx context.Context) (*slog.Logger, bool) {
	l, ok := ctx.Value(loggerKey).(*slog.Logger)
	return l, ok && l != nil
}
