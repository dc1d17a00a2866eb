// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"fmt"
	"slices"
	"strings"
)

// Simulate action types of perform-simulate-actions (spec §6.6). They are
// Persona's names and a public contract: never rename one.
const (
	SimulateStartInquiry             = "start_inquiry"
	SimulateCompleteInquiry          = "complete_inquiry"
	SimulateFailInquiry              = "fail_inquiry"
	SimulateExpireInquiry            = "expire_inquiry"
	SimulateMarkForReviewInquiry     = "mark_for_review_inquiry"
	SimulateApproveInquiry           = "approve_inquiry"
	SimulateDeclineInquiry           = "decline_inquiry"
	SimulateCreatePassedVerification = "create_passed_verification"
	SimulateCreateFailedVerification = "create_failed_verification"
)

// simulateTransitions maps each inquiry action to the status it moves to.
var simulateTransitions = map[string]InquiryStatus{
	SimulateStartInquiry:         InquiryPending,
	SimulateCompleteInquiry:      InquiryCompleted,
	SimulateFailInquiry:          InquiryFailed,
	SimulateExpireInquiry:        InquiryExpired,
	SimulateMarkForReviewInquiry: InquiryNeedsReview,
	SimulateApproveInquiry:       InquiryApproved,
	SimulateDeclineInquiry:       InquiryDeclined,
}

// SimulateActionTypes lists every simulate action type, in the order of
// spec §6.6.
var SimulateActionTypes = []string{
	SimulateStartInquiry, SimulateCompleteInquiry, SimulateFailInquiry, SimulateExpireInquiry,
	SimulateMarkForReviewInquiry, SimulateApproveInquiry, SimulateDeclineInquiry,
	SimulateCreatePassedVerification, SimulateCreateFailedVerification,
}

// MaxSimulateActions bounds one request's list, so one call cannot hold
// the inquiry's lock for long.
const MaxSimulateActions = 50

// SimulateAction is one step of a simulation.
type SimulateAction struct {
	// Type is one of SimulateActionTypes.
	Type string
	// VerificationType is the type of verification the two verification
	// actions create; other actions leave it empty.
	VerificationType VerificationType
}

// IsVerification reports whether the action creates a verification.
func (a SimulateAction) IsVerification() bool {
	return a.Type == SimulateCreatePassedVerification || a.Type == SimulateCreateFailedVerification
}

// Validate checks the action's type and, for verification actions, its
// verification type. EINVALID.
func (a SimulateAction) Validate() error {
	if !slices.Contains(SimulateActionTypes, a.Type) {
		return Errorf(EINVALID, "Unknown simulate action type %q; use one of %s.", a.Type, strings.Join(SimulateActionTypes, ", "))
	}
	if a.IsVerification() && !a.VerificationType.Valid() {
		return Errorf(EINVALID, "Simulate action %s needs a verification type (government-id or selfie).", a.Type)
	}
	if !a.IsVerification() && a.VerificationType != "" {
		return Errorf(EINVALID, "Simulate action %s takes no verification type.", a.Type)
	}
	return nil
}

// SimulateInquiryActions drives a sandbox inquiry through actions, in
// order, as if the individual and a reviewer had done them, writing the
// same events a real run writes (perform-simulate-actions, spec §6.6).
//
// It is all or nothing: every action runs in one transaction, so when one
// is refused (an illegal transition, no verification attempts left) the
// inquiry is left exactly as it was and the error names the action.
// Verification actions create, submit and decide a verification at once
// (verification.created, verification.submitted, verification.passed or
// verification.failed), with the sandbox engine's checks and data when
// SandboxEngine is set; a failure that uses the last attempt fails the
// inquiry, as in a real run.
//
// EFORBIDDEN outside the sandbox, before the inquiry is looked up;
// EINVALID for an empty, too long or malformed list; ENOTFOUND; ECONFLICT.
func (s *Service) SimulateInquiryActions(ctx Context, env Environment, id string, actions []SimulateAction) (*InquiryDetails, error) {
	if env != Sandbox {
		return nil, Errorf(EFORBIDDEN, "Simulate actions are only available in the sandbox environment.")
	}
	if len(actions) == 0 {
		return nil, Errorf(EINVALID, "simulate-actions must list at least one action.")
	}
	if len(actions) > MaxSimulateActions {
		return nil, Errorf(EINVALID, "simulate-actions may list at most %d actions.", MaxSimulateActions)
	}
	for _, a := range actions {
		if err := a.Validate(); err != nil {
			return nil, err
		}
	}
	err := s.update(ctx, func(tx Tx, w *work) error {
		inq, dk, err := s.lockInquiry(ctx, tx, env, id)
		if err != nil {
			return err
		}
		for i, a := range actions {
			if err := s.simulate(ctx, tx, w, inq, dk, a); err != nil {
				return actionError(i, a, err)
			}
		}
		return tx.InquiryUpdate(ctx, inq)
	})
	if err != nil {
		return nil, err
	}
	return s.FindInquiryByID(ctx, env, id)
}

// simulate runs one action on the locked inquiry.
func (s *Service) simulate(ctx Context, tx Tx, w *work, inq *Inquiry, dk []byte, a SimulateAction) error {
	if to, ok := simulateTransitions[a.Type]; ok {
		return s.transition(ctx, tx, w, inq, dk, to)
	}
	v, err := s.createVerification(ctx, tx, w, inq, dk, a.VerificationType)
	if err != nil {
		return err
	}
	outcome := SandboxPass
	if a.Type == SimulateCreateFailedVerification {
		outcome = SandboxFail
	}
	now := s.now()
	v.Data, v.Status, v.SubmittedAt = map[string]any{SandboxOutcomeKey: outcome}, VerificationSubmitted, timePtr(now)
	if err := s.sealVerification(v, dk); err != nil {
		return err
	}
	if err := tx.VerificationUpdate(ctx, v); err != nil {
		return err
	}
	if err := s.emit(ctx, tx, inq, dk, EventVerificationSubmitted, EventSnapshot{Verification: v}); err != nil {
		return err
	}
	d, err := s.simulatedDecision(ctx, v, outcome)
	if err != nil {
		return err
	}
	return s.applyDecision(ctx, tx, w, inq, dk, v, d)
}

// simulatedDecision asks the sandbox engine for the decision, so simulated
// verifications look like those the flow's sandbox bar produces; without
// one it is the bare status.
func (s *Service) simulatedDecision(ctx Context, v *Verification, outcome string) (*VerificationDecision, error) {
	want := VerificationPassed
	if outcome == SandboxFail {
		want = VerificationFailed
	}
	if s.SandboxEngine == nil {
		return &VerificationDecision{Status: want}, nil
	}
	d, err := s.SandboxEngine.Decide(ctx, v, nil)
	if err != nil {
		return nil, fmt.Errorf("sandbox engine: %w", err)
	}
	if d == nil || d.Status != want {
		return nil, fmt.Errorf("sandbox engine did not decide %s", want)
	}
	return d, nil
}

// actionError prefixes a refusal with the action it stopped at, keeping
// its code; other errors pass through.
func actionError(i int, a SimulateAction, err error) error {
	code := ErrorCode(err)
	if code == EINTERNAL {
		return err
	}
	return fmt.Errorf("%w (%w)", Errorf(code, "Simulate action %d (%s) refused: %s", i+1, a.Type, ErrorMessage(err)), err)
}
