// SPDX-License-Identifier: Apache-2.0

package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/vouch-id/vouch"
)

// Outcome is what became of one run of a job, as reported to
// Config.JobDoneFunc. The values are stable metric label values.
type Outcome string

// The outcomes of a run.
const (
	// OutcomeCompleted: the handler succeeded; the job is done.
	OutcomeCompleted Outcome = "completed"
	// OutcomeRetry: the handler failed and the job will run again.
	OutcomeRetry Outcome = "retry"
	// OutcomeDiscarded: the handler failed on the job's last attempt; the
	// job will not run again. Worth an alert.
	OutcomeDiscarded Outcome = "discarded"
	// OutcomeCancelled: the handler reported a permanent error (ENOTFOUND
	// or EINVALID), or the arguments were invalid; the job is dropped.
	OutcomeCancelled Outcome = "cancelled"
)

// run calls fn for the job in row and turns its result into River's terms:
// a permanent error cancels the job, any other error lets River retry it.
// It also recovers a panicking handler (River would too, but then the run
// would escape JobDoneFunc) and reports the outcome.
func (q *Queue) run(ctx context.Context, row *rivertype.JobRow, fn func(context.Context) error) error {
	start := time.Now()
	err := q.call(ctx, row, fn)
	took := time.Since(start)

	outcome := OutcomeCompleted
	switch {
	case err == nil:
	case isPermanent(err):
		outcome = OutcomeCancelled
		err = river.JobCancel(err)
	case row.Attempt >= row.MaxAttempts:
		outcome = OutcomeDiscarded
	default:
		outcome = OutcomeRetry
	}
	// River logs each failed attempt at info; a job given up on deserves
	// more, since whatever it was meant to do will now not happen.
	if outcome == OutcomeCancelled || outcome == OutcomeDiscarded {
		q.logger.WarnContext(ctx, "jobs: job given up",
			slog.String("kind", row.Kind),
			slog.Int64("job_id", row.ID),
			slog.Int("attempt", row.Attempt),
			slog.String("outcome", string(outcome)),
			slog.String("error", err.Error()),
		)
	}
	if q.done != nil {
		q.done(row.Kind, outcome, took)
	}
	return err
}

// call runs fn, turning a panic into an error so one bad job cannot take
// the process down or skip the outcome report.
func (q *Queue) call(ctx context.Context, row *rivertype.JobRow, fn func(context.Context) error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			q.logger.ErrorContext(ctx, "jobs: handler panicked",
				slog.String("kind", row.Kind),
				slog.Int64("job_id", row.ID),
				slog.Any("panic", r),
				slog.String("stack", string(debug.Stack())),
			)
			if perr, ok := r.(error); ok {
				err = fmt.Errorf("handler panicked: %w", perr)
			} else {
				err = fmt.Errorf("handler panicked: %v", r)
			}
		}
	}()
	return fn(ctx)
}

// isPermanent reports whether retrying cannot help: the object is gone or
// the request about it is malformed.
func isPermanent(err error) bool {
	switch vouch.ErrorCode(err) {
	case vouch.ENOTFOUND, vouch.EINVALID:
		return true
	}
	return false
}

// invalidArgs marks err, about a job's stored arguments, as permanent:
// only a corrupted or hand-edited row can have bad ones, since InsertTx
// checks them, and no retry would repair it.
func invalidArgs(err error) error {
	return &vouch.Error{Code: vouch.EINVALID, Message: err.Error()}
}
