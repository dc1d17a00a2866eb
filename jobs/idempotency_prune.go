// SPDX-License-Identifier: Apache-2.0

package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"
)

// KindIdempotencyPrune is the permanent kind of the periodic job that
// deletes expired idempotency records.
const KindIdempotencyPrune = "idempotency_prune"

// IdempotencyPruneInterval is how often the prune runs. Records live for
// vouch.IdempotencyTTL (a day), so an hourly sweep keeps at most an hour of
// expired responses, which are sealed anyway.
const IdempotencyPruneInterval = time.Hour

// IdempotencyPruneArgs are the (empty) arguments of the prune job.
type IdempotencyPruneArgs struct{}

// Kind implements river.JobArgs.
func (IdempotencyPruneArgs) Kind() string { return KindIdempotencyPrune }

// InsertOpts implements river.JobArgsWithInsertOpts. A few attempts are
// enough: the next hourly run sweeps whatever this one missed.
func (IdempotencyPruneArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 3}
}

// idempotencyPruneWorker calls Handlers.PruneIdempotency.
type idempotencyPruneWorker struct {
	river.WorkerDefaults[IdempotencyPruneArgs]
	q *Queue
}

// Work implements river.Worker. A job left over from a process that had a
// prune handler is completed without work by one that has none.
func (w *idempotencyPruneWorker) Work(ctx context.Context, job *river.Job[IdempotencyPruneArgs]) error {
	return w.q.run(ctx, job.JobRow, func(ctx context.Context) error {
		if w.q.handlers.PruneIdempotency == nil {
			return nil
		}
		return w.q.handlers.PruneIdempotency(ctx)
	})
}
