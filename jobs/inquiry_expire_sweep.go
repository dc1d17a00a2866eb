// SPDX-License-Identifier: Apache-2.0

package jobs

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// KindInquiryExpireSweep is the permanent kind of the periodic job that
// expires every inquiry past its expires-at.
const KindInquiryExpireSweep = "inquiry_expire_sweep"

// DefaultExpirySweepInterval is how often the sweep runs unless
// Config.ExpirySweepInterval says otherwise. An inquiry therefore expires
// within about a second of its time (two with Handlers.InquiriesDue).
// River accepts no shorter period for a periodic job.
const DefaultExpirySweepInterval = time.Second

// InquiryExpireSweepArgs are the (empty) arguments of the sweep job.
type InquiryExpireSweepArgs struct{}

// Kind implements river.JobArgs.
func (InquiryExpireSweepArgs) Kind() string { return KindInquiryExpireSweep }

// InsertOpts implements river.JobArgsWithInsertOpts.
//
// One attempt: a failed sweep is not retried, because the next one, a
// second later, does the same work.
//
// Unique while queued or running: when a sweep takes longer than the
// interval (a backlog after downtime), the ticks that come meanwhile insert
// nothing instead of piling up sweeps that would race for the same
// inquiries. Completed sweeps do not count, or River would keep every
// later tick out until its cleaner removed them.
func (InquiryExpireSweepArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{
		MaxAttempts: 1,
		UniqueOpts: river.UniqueOpts{ByState: []rivertype.JobState{
			rivertype.JobStateAvailable, rivertype.JobStatePending,
			rivertype.JobStateRunning, rivertype.JobStateScheduled,
		}},
	}
}

// inquiryExpireSweepWorker calls Handlers.ExpireDueInquiries.
type inquiryExpireSweepWorker struct {
	river.WorkerDefaults[InquiryExpireSweepArgs]
	q *Queue
}

// Work implements river.Worker. A sweep left over from a process that had
// a sweep handler is completed without work by one that has none.
func (w *inquiryExpireSweepWorker) Work(ctx context.Context, job *river.Job[InquiryExpireSweepArgs]) error {
	return w.q.run(ctx, job.JobRow, func(ctx context.Context) error {
		if w.q.handlers.ExpireDueInquiries == nil {
			return nil
		}
		n, err := w.q.handlers.ExpireDueInquiries(ctx)
		if n > 0 {
			w.q.logger.DebugContext(ctx, "jobs: inquiries expired", slog.Int("count", n))
		}
		return err
	})
}
