// SPDX-License-Identifier: Apache-2.0

package vouch

import "time"

// VerificationType is the JSON:API type of a verification (spec §6.1).
type VerificationType string

// The verification types Vouch decides.
const (
	VerificationGovernmentID VerificationType = "verification/government-id"
	VerificationSelfie       VerificationType = "verification/selfie"
)

// Valid reports whether t is a type Vouch supports.
func (t VerificationType) Valid() bool {
	return t == VerificationGovernmentID || t == VerificationSelfie
}

// VerificationStatus is the state of a verification (spec §6.2).
type VerificationStatus string

// The verification statuses.
const (
	VerificationInitiated VerificationStatus = "initiated"
	VerificationSubmitted VerificationStatus = "submitted"
	VerificationPassed    VerificationStatus = "passed"
	VerificationFailed    VerificationStatus = "failed"
	VerificationCanceled  VerificationStatus = "canceled"
)

// verificationTransitions: data is frozen once submitted, and a decision
// is final.
var verificationTransitions = map[VerificationStatus][]VerificationStatus{
	VerificationInitiated: {VerificationSubmitted, VerificationCanceled},
	VerificationSubmitted: {VerificationPassed, VerificationFailed, VerificationCanceled},
}

// CanTransition reports whether s → to is allowed.
func (s VerificationStatus) CanTransition(to VerificationStatus) bool {
	for _, t := range verificationTransitions[s] {
		if t == to {
			return true
		}
	}
	return false
}

// Decided reports whether the verification has reached a final status.
func (s VerificationStatus) Decided() bool {
	return s == VerificationPassed || s == VerificationFailed || s == VerificationCanceled
}

// CheckStatus is the outcome of one check.
type CheckStatus string

// The check statuses.
const (
	CheckPassed        CheckStatus = "passed"
	CheckFailed        CheckStatus = "failed"
	CheckNotApplicable CheckStatus = "not_applicable"
)

// Check requirements.
const (
	RequirementRequired    = "required"
	RequirementNotRequired = "not_required"
)

// Check is one named test a verification ran (spec §6.3). Names are the
// snake_case ones of spec §6.4 and §6.5. Metadata must hold no personal
// data: checks are stored in clear.
type Check struct {
	Name        string         `json:"name"`
	Status      CheckStatus    `json:"status"`
	Reasons     []string       `json:"reasons"`
	Requirement string         `json:"requirement"`
	Metadata    map[string]any `json:"metadata"`
}

// ChecksPass reports whether no required check failed: the rule by which a
// verification passes.
func ChecksPass(checks []Check) bool {
	for _, c := range checks {
		if c.Requirement == RequirementRequired && c.Status == CheckFailed {
			return false
		}
	}
	return true
}

// Verification is one check of the individual's identity within an inquiry.
type Verification struct {
	ID          string
	Environment Environment
	InquiryID   string
	Type        VerificationType
	Status      VerificationStatus
	// Attempt counts verifications of this type on the inquiry, from 1.
	Attempt     int
	CountryCode string
	// Checks are the decision's details, in clear (no personal data).
	Checks []Check
	// Data holds extracted document data and capture details (personal
	// data); it is decrypted in memory only. SealedData is its stored form.
	Data       map[string]any
	SealedData []byte `json:"-"`
	// Blobs lists the keys of the images stored for this verification.
	Blobs []string

	CreatedAt   time.Time
	SubmittedAt *time.Time
	CompletedAt *time.Time
	RedactedAt  *time.Time
}

// VerificationDecision is what an engine (or the sandbox) decides.
type VerificationDecision struct {
	Status VerificationStatus // passed or failed
	Checks []Check
	// Data is merged into the verification's extracted data.
	Data map[string]any
}

// Engine decides verifications of one type. Engines run in jobs, never in a
// request; they return an error only when they could not decide at all
// (the job is then retried).
type Engine interface {
	Type() VerificationType
	Decide(ctx Context, v *Verification, blobs map[string][]byte) (*VerificationDecision, error)
}
