// SPDX-License-Identifier: Apache-2.0

package jobs

import (
	"context"
	"sync/atomic"
	"time"
)

// sweepGate decides whether a tick of the expiry sweep's schedule inserts
// a sweep. Each sweep is a River job: inserted, fetched and completed, three
// write transactions with their fsyncs. Every second, on a server where
// nothing expires, that was nearly all it wrote to disk (about 80 KB a
// second, several gigabytes a day, measured on an idle `vouch serve`). The
// gate lets a tick through only when an open inquiry is past its expiry,
// which Handlers.InquiriesDue tells with one indexed read.
//
// River's periodic enqueuer calls the constructor that asks the gate and
// requires it never to block, so the gate answers from its last look and
// starts the next look in the background. An inquiry is therefore swept at
// most about two intervals after its expires-at instead of one. When a look
// fails or has not finished yet the gate is open: a sweep too many costs a
// few writes, a sweep too few leaves an inquiry open past its time.
type sweepGate struct {
	due     func(context.Context) (bool, error)
	timeout time.Duration   // of one look
	ctx     context.Context // ends when the queue stops
	looking atomic.Bool     // a look is running
	idle    atomic.Bool     // the last look found nothing due
}

func newSweepGate(ctx context.Context, due func(context.Context) (bool, error), timeout time.Duration) *sweepGate {
	return &sweepGate{due: due, timeout: timeout, ctx: ctx}
}

// open reports whether this tick should sweep, and starts the next look
// unless one is still running.
func (g *sweepGate) open() bool {
	open := !g.idle.Load()
	if g.looking.CompareAndSwap(false, true) {
		go g.look()
	}
	return open
}

// look asks whether an inquiry is due and records the answer for the next
// tick. It runs on a goroutine of its own, where a panic would end the
// process: one leaves the gate open instead, as an error does.
func (g *sweepGate) look() {
	defer g.looking.Store(false)
	defer func() {
		if recover() != nil {
			g.idle.Store(false)
		}
	}()
	ctx, cancel := context.WithTimeout(g.ctx, g.timeout)
	defer cancel()
	due, err := g.due(ctx)
	g.idle.Store(err == nil && !due)
}
