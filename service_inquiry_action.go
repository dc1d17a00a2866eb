// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"fmt"
)

// transition moves inq to status to, sets the matching timestamps, writes
// the event and schedules what follows. The caller holds inq locked and
// writes it afterwards.
func (s *Service) transition(ctx Context, tx Tx, w *work, inq *Inquiry, dk []byte, to InquiryStatus) error {
	from := inq.Status
	if !from.CanTransition(to) {
		return transitionError(from, to)
	}
	now := s.now()
	inq.Status, inq.UpdatedAt = to, now
	switch to {
	case InquiryPending:
		if from == InquiryExpired {
			inq.ExpiresAt = timePtr(now.Add(inq.ExpireAfterResume))
		} else {
			inq.ExpiresAt = timePtr(now.Add(inq.ExpireAfterStart))
		}
		if inq.StartedAt == nil {
			inq.StartedAt = timePtr(now)
		}
	case InquiryCompleted:
		inq.CompletedAt = timePtr(now)
	case InquiryFailed:
		inq.FailedAt = timePtr(now)
	case InquiryExpired:
		inq.ExpiredAt = timePtr(now)
		if err := s.expireSessions(ctx, tx, inq, dk); err != nil {
			return err
		}
		if err := s.cancelVerifications(ctx, tx, inq, dk); err != nil {
			return err
		}
	case InquiryNeedsReview:
		inq.MarkedForReviewAt = timePtr(now)
	case InquiryApproved, InquiryDeclined:
		inq.DecisionedAt = timePtr(now)
	}
	w.transitions = append(w.transitions, [2]InquiryStatus{from, to})
	return s.emit(ctx, tx, inq, dk, to.EventName(), EventSnapshot{Inquiry: copyInquiry(inq)})
}

// changeStatus is the common body of the status-changing API actions.
func (s *Service) changeStatus(ctx Context, env Environment, id string, to InquiryStatus, comment *string) (*InquiryDetails, error) {
	if comment != nil && len(*comment) > MaxNoteLength {
		return nil, FieldError("comment", "comment must be at most %d characters.", MaxNoteLength)
	}
	err := s.update(ctx, func(tx Tx, w *work) error {
		inq, dk, err := s.lockInquiry(ctx, tx, env, id)
		if err != nil {
			return err
		}
		if comment != nil && *comment != "" {
			inq.ReviewerComment = *comment
		}
		if err := s.transition(ctx, tx, w, inq, dk, to); err != nil {
			return err
		}
		return tx.InquiryUpdate(ctx, inq)
	})
	if err != nil {
		return nil, err
	}
	return s.FindInquiryByID(ctx, env, id)
}

// ApproveInquiry records an approval. Decisions are final: approving an
// approved or declined inquiry is a conflict.
func (s *Service) ApproveInquiry(ctx Context, env Environment, id, comment string) (*InquiryDetails, error) {
	return s.changeStatus(ctx, env, id, InquiryApproved, &comment)
}

// DeclineInquiry records a decline. Decisions are final.
func (s *Service) DeclineInquiry(ctx Context, env Environment, id, comment string) (*InquiryDetails, error) {
	return s.changeStatus(ctx, env, id, InquiryDeclined, &comment)
}

// MarkInquiryForReview sends the inquiry to manual review; refused for
// decided inquiries.
func (s *Service) MarkInquiryForReview(ctx Context, env Environment, id, comment string) (*InquiryDetails, error) {
	return s.changeStatus(ctx, env, id, InquiryNeedsReview, &comment)
}

// ExpireInquiry expires a created or pending inquiry with its sessions and
// cancels its undecided verifications. It can be resumed later.
func (s *Service) ExpireInquiry(ctx Context, env Environment, id string) (*InquiryDetails, error) {
	return s.changeStatus(ctx, env, id, InquiryExpired, nil)
}

// StartInquiry moves a created inquiry to pending (the individual began
// submitting data).
func (s *Service) StartInquiry(ctx Context, env Environment, id string) (*InquiryDetails, error) {
	return s.changeStatus(ctx, env, id, InquiryPending, nil)
}

// CompleteInquiry marks an inquiry completed (the individual reached the
// completion screen with every required verification passed).
func (s *Service) CompleteInquiry(ctx Context, env Environment, id string) (*InquiryDetails, error) {
	return s.changeStatus(ctx, env, id, InquiryCompleted, nil)
}

// FailInquiry marks an inquiry failed (verification attempts exhausted).
func (s *Service) FailInquiry(ctx Context, env Environment, id string) (*InquiryDetails, error) {
	return s.changeStatus(ctx, env, id, InquiryFailed, nil)
}

// ExpireInquiryIfDue expires the inquiry if it is still open and its
// expires-at has passed, and does nothing otherwise: the inquiry may have
// been completed, resumed or expired by someone else since it was found
// due. The expiry sweep (ExpireDueInquiries) calls it for each due
// inquiry, and inquiry_expire jobs queued by earlier versions still run it.
func (s *Service) ExpireInquiryIfDue(ctx Context, env Environment, id string) error {
	_, err := s.expireIfDue(ctx, env, id)
	return err
}

// expireIfDue is ExpireInquiryIfDue, also reporting whether it expired the
// inquiry. The status check runs on the locked row, so of two sweeps that
// find the same inquiry due only the first expires it and writes
// inquiry.expired; the second sees it expired and does nothing.
func (s *Service) expireIfDue(ctx Context, env Environment, id string) (bool, error) {
	expired := false
	err := s.update(ctx, func(tx Tx, w *work) error {
		expired = false // in case the transaction is retried
		inq, dk, err := s.lockInquiry(ctx, tx, env, id)
		if ErrorCode(err) == ENOTFOUND {
			return nil // nothing to expire; do not retry
		} else if err != nil {
			return err
		}
		if !inq.Status.Open() || inq.ExpiresAt == nil || s.now().Before(*inq.ExpiresAt) {
			return nil
		}
		if err := s.transition(ctx, tx, w, inq, dk, InquiryExpired); err != nil {
			return err
		}
		if err := tx.InquiryUpdate(ctx, inq); err != nil {
			return err
		}
		expired = true
		return nil
	})
	return expired && err == nil, err
}

// ResumeInquiry returns a session token for a pending or expired inquiry,
// moving an expired one back to pending (spec §3.3). ECONFLICT for any
// other status, for a redacted inquiry, and past the session cap.
func (s *Service) ResumeInquiry(ctx Context, env Environment, id string) (*InquiryDetails, string, error) {
	var token string
	err := s.update(ctx, func(tx Tx, w *work) error {
		inq, dk, err := s.lockInquiry(ctx, tx, env, id)
		if err != nil {
			return err
		}
		if inq.Redacted() {
			return Errorf(ECONFLICT, "Inquiry %s has been redacted and cannot be resumed.", id)
		}
		switch inq.Status {
		case InquiryPending:
			// The resume interval runs from every resume (spec §3.2), so
			// the token handed out now lives as long as that interval
			// (spec §3.3: a session expires with its inquiry as it stands
			// when the session opens). Sessions already open keep theirs.
			now := s.now()
			inq.ExpiresAt, inq.UpdatedAt = timePtr(now.Add(inq.ExpireAfterResume)), now
		case InquiryExpired:
			if err := s.transition(ctx, tx, w, inq, dk, InquiryPending); err != nil {
				return err
			}
		default:
			return Errorf(ECONFLICT, "Only pending or expired inquiries can be resumed; %s is %s.", id, inq.Status)
		}
		if _, token, err = s.issueSession(ctx, tx, inq, true); err != nil {
			return err
		}
		return tx.InquiryUpdate(ctx, inq)
	})
	if err != nil {
		return nil, "", err
	}
	d, err := s.FindInquiryByID(ctx, env, id)
	return d, token, err
}

// RedactInquiry destroys an inquiry's personal data for good: its data key
// (which makes every sealed copy unreadable, including event snapshots and
// old database pages), its fields, its verifications' extracted data, its
// images and any stored idempotent responses about it. Status and
// timestamps stay; redacted-at is set. Redacting twice is a no-op.
func (s *Service) RedactInquiry(ctx Context, env Environment, id string) (*InquiryDetails, error) {
	err := s.update(ctx, func(tx Tx, w *work) error {
		inq, dk, err := s.lockInquiry(ctx, tx, env, id)
		if err != nil || inq.Redacted() {
			return err
		}
		now := s.now()
		if err := s.expireSessions(ctx, tx, inq, dk); err != nil {
			return err
		}
		vs, err := tx.VerificationListByInquiry(ctx, env, id)
		if err != nil {
			return err
		}
		for _, v := range vs {
			v.SealedData, v.Data, v.Blobs, v.RedactedAt = nil, nil, nil, timePtr(now)
			if err := tx.VerificationUpdate(ctx, v); err != nil {
				return err
			}
		}
		if err := tx.IdempotencyDeleteByObject(ctx, id); err != nil {
			return err
		}
		inq.WrappedKey, inq.SealedFields, inq.Fields = nil, nil, nil
		inq.RedactedAt, inq.UpdatedAt = timePtr(now), now
		// The redaction event carries no personal data, so it is sealed
		// with the derived key (dk is being destroyed).
		if err := s.emit(ctx, tx, inq, nil, EventInquiryRedacted, EventSnapshot{Inquiry: copyInquiry(inq)}); err != nil {
			return err
		}
		if err := tx.InquiryUpdate(ctx, inq); err != nil {
			return err
		}
		// Images go last: if this fails the transaction rolls back and the
		// redaction can be retried; sealed blobs left behind are unreadable
		// once the key is gone anyway.
		if s.Blobs != nil {
			if err := s.Blobs.DeletePrefix(ctx, blobPrefix(inq)); err != nil {
				return fmt.Errorf("delete images of %s: %w", id, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return s.FindInquiryByID(ctx, env, id)
}

// blobPrefix is the blob-store folder of an inquiry's images.
func blobPrefix(inq *Inquiry) string {
	return string(inq.Environment) + "/" + inq.ID + "/"
}
