// SPDX-License-Identifier: Apache-2.0

package vouch

import "time"

// Job is the arguments of a background job. Jobs carry ids only, never
// personal data: job rows are stored in clear. Kind strings are permanent.
type Job interface {
	Kind() string
}

// JobOptions tune when a job runs.
type JobOptions struct {
	// ScheduledAt delays the job; zero means now.
	ScheduledAt time.Time
}

// InquiryExpireJob is the per-inquiry expiry job of earlier versions,
// which scheduled one whenever expires-at was set. The service no longer
// inserts it: Service.ExpireDueInquiries, run periodically, expires due
// inquiries instead. The type remains because jobs of this kind may still
// be queued in existing databases, where they run ExpireInquiryIfDue (a
// no-op once the sweep has expired the inquiry), and its kind string is
// stored in their rows.
type InquiryExpireJob struct {
	InquiryID   string      `json:"inquiry_id"`
	Environment Environment `json:"environment"`
}

// Kind implements Job.
func (InquiryExpireJob) Kind() string { return "inquiry_expire" }

// VerificationDecideJob asks the engine for a submitted verification's
// type to decide it.
type VerificationDecideJob struct {
	VerificationID string      `json:"verification_id"`
	Environment    Environment `json:"environment"`
}

// Kind implements Job.
func (VerificationDecideJob) Kind() string { return "verification_decide" }
