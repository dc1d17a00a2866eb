// SPDX-License-Identifier: Apache-2.0

package jobs

import (
	"context"

	"github.com/riverqueue/river"

	"github.com/vouch-id/vouch"
)

// KindInquiryExpire is the permanent kind of the per-inquiry expiry job of
// earlier versions; it equals vouch.InquiryExpireJob's Kind.
//
// Nothing inserts this kind any more: the periodic inquiry_expire_sweep
// expires due inquiries instead (see inquiry_expire_sweep.go). Its worker
// stays registered because databases written by earlier versions still
// hold such jobs, scheduled at their inquiry's expires-at, and they must
// run (or River would leave them queued forever). Running one after the
// sweep has expired its inquiry does nothing.
const KindInquiryExpire = "inquiry_expire"

// InquiryExpireArgs are the stored arguments of an inquiry_expire job: ids
// only. The JSON names are permanent, like the kind.
type InquiryExpireArgs struct {
	InquiryID   string            `json:"inquiry_id"`
	Environment vouch.Environment `json:"environment"`
}

// Kind implements river.JobArgs.
func (InquiryExpireArgs) Kind() string { return KindInquiryExpire }

// InsertOpts implements river.JobArgsWithInsertOpts. Ten attempts spread
// River's backoff (attempt⁴ seconds) over about four hours, plenty to ride
// out a restart or a locked database; after that the inquiry simply stays
// open until someone looks at it.
func (InquiryExpireArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 10}
}

// newInquiryExpireArgs checks and converts the domain job.
func newInquiryExpireArgs(j vouch.InquiryExpireJob) (InquiryExpireArgs, error) {
	a := InquiryExpireArgs{InquiryID: j.InquiryID, Environment: j.Environment}
	return a, checkIDs(KindInquiryExpire, a.Environment, a.InquiryID)
}

// inquiryExpireWorker calls Handlers.ExpireInquiry for inquiry_expire jobs
// left queued by earlier versions.
type inquiryExpireWorker struct {
	river.WorkerDefaults[InquiryExpireArgs]
	q *Queue
}

// Work implements river.Worker.
func (w *inquiryExpireWorker) Work(ctx context.Context, job *river.Job[InquiryExpireArgs]) error {
	return w.q.run(ctx, job.JobRow, func(ctx context.Context) error {
		a := job.Args
		if err := checkIDs(KindInquiryExpire, a.Environment, a.InquiryID); err != nil {
			return invalidArgs(err)
		}
		return w.q.handlers.ExpireInquiry(ctx, a.Environment, a.InquiryID)
	})
}
