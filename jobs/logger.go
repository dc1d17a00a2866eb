// SPDX-License-Identifier: Apache-2.0

package jobs

import (
	"context"
	"log/slog"
)

// riverHandler is the log handler River writes to: ours, with River's
// informational records demoted to debug. River logs one at info on every
// tick of a periodic job whose constructor inserts nothing, which the
// expiry sweep's does every second while nothing is due; its other info
// lines (client started, leader elected) ask nothing of an operator.
// Warnings and errors keep their level.
type riverHandler struct{ slog.Handler }

func demote(l slog.Level) slog.Level {
	if l >= slog.LevelInfo && l < slog.LevelWarn {
		return slog.LevelDebug
	}
	return l
}

func (h riverHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.Handler.Enabled(ctx, demote(l))
}

func (h riverHandler) Handle(ctx context.Context, r slog.Record) error {
	r.Level = demote(r.Level)
	return h.Handler.Handle(ctx, r)
}

func (h riverHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return riverHandler{h.Handler.WithAttrs(as)}
}

func (h riverHandler) WithGroup(name string) slog.Handler {
	return riverHandler{h.Handler.WithGroup(name)}
}
