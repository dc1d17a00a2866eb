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

// InquiryExpireJob expires an inquiry when its expires-at passes. It is
// scheduled whenever expires-at is set; a run that finds expires-at moved
// (for example by a resume) does nothing, since a newer job exists.
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
