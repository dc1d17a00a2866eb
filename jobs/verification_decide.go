// SPDX-License-Identifier: Apache-2.0

package jobs

import (
	"context"
	"time"

	"github.com/riverqueue/river"

	"github.com/vouch-id/vouch"
)

// KindVerificationDecide is the permanent kind of the verification decision
// job; it equals vouch.VerificationDecideJob's Kind.
const KindVerificationDecide = "verification_decide"

// VerificationDecideArgs are the stored arguments of a verification_decide
// job: ids only. The JSON names are permanent, like the kind.
type VerificationDecideArgs struct {
	VerificationID string            `json:"verification_id"`
	Environment    vouch.Environment `json:"environment"`
}

// Kind implements river.JobArgs.
func (VerificationDecideArgs) Kind() string { return KindVerificationDecide }

// InsertOpts implements river.JobArgsWithInsertOpts. An engine may depend
// on a vendor that is down for hours, and a verification left undecided
// blocks its inquiry, so this kind keeps trying for longer: fifteen
// attempts of River's attempt⁴-second backoff cover about a day and a half.
func (VerificationDecideArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: 15}
}

// newVerificationDecideArgs checks and converts the domain job.
func newVerificationDecideArgs(j vouch.VerificationDecideJob) (VerificationDecideArgs, error) {
	a := VerificationDecideArgs{VerificationID: j.VerificationID, Environment: j.Environment}
	return a, checkIDs(KindVerificationDecide, a.Environment, a.VerificationID)
}

// verificationDecideWorker calls Handlers.DecideVerification.
type verificationDecideWorker struct {
	river.WorkerDefaults[VerificationDecideArgs]
	q *Queue
}

// Timeout implements river.Worker: an engine may call out to a vendor, so
// a run gets more than River's default minute before its context ends.
func (w *verificationDecideWorker) Timeout(*river.Job[VerificationDecideArgs]) time.Duration {
	return 5 * time.Minute
}

// Work implements river.Worker.
func (w *verificationDecideWorker) Work(ctx context.Context, job *river.Job[VerificationDecideArgs]) error {
	return w.q.run(ctx, job.JobRow, func(ctx context.Context) error {
		a := job.Args
		if err := checkIDs(KindVerificationDecide, a.Environment, a.VerificationID); err != nil {
			return invalidArgs(err)
		}
		return w.q.handlers.DecideVerification(ctx, a.Environment, a.VerificationID)
	})
}
