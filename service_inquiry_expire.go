// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"fmt"
)

// ExpirySweepBatch is how many due inquiries the expiry sweep lists per
// query. Each is then expired in its own short transaction, so the batch
// size bounds only the list, not how long the writer is held.
const ExpirySweepBatch = 100

// ExpireDueInquiries is the expiry sweep: it expires every open inquiry
// whose expires-at has passed, in both environments, oldest first, and
// returns how many it expired. Each one goes through ExpireInquiryIfDue, so
// its sessions expire, its undecided verifications are cancelled and
// inquiry.expired is written (with its webhooks) exactly as for any other
// expiry.
//
// One periodic sweep replaces the job per inquiry that earlier versions
// scheduled at creation and at every start or resume: inserting that job
// was a large share of an inquiry create's CPU, while the sweep costs one
// indexed query per run when nothing is due.
//
// Sweeps may overlap, in one process or several: each inquiry is locked and
// its status checked before it is expired, so a second sweep that finds the
// same inquiry finds it already expired and does nothing. An inquiry that
// fails to expire does not stop the others; the sweep goes on with the rest
// and returns the first error with the count of failures, and the next
// sweep tries that inquiry again.
func (s *Service) ExpireDueInquiries(ctx Context) (int, error) {
	expired := 0
	failed := map[string]bool{} // ids that failed in this sweep: not tried again
	var firstErr error
	for {
		due, err := s.dueInquiries(ctx, ExpirySweepBatch)
		if err != nil {
			return expired, err
		}
		progress := 0
		for _, ref := range due {
			if failed[ref.ID] {
				continue
			}
			if err := ctx.Err(); err != nil {
				return expired, err
			}
			ok, err := s.expireIfDue(ctx, ref.Environment, ref.ID)
			if err != nil {
				failed[ref.ID] = true
				if firstErr == nil {
					firstErr = fmt.Errorf("expire %s: %w", ref.ID, err)
				}
				continue
			}
			if ok {
				expired++
			}
			// A no-op counts as progress too: another sweep or a request
			// closed the inquiry, so the next list no longer holds it.
			progress++
		}
		// A short batch was the last one. A full batch in which every
		// inquiry had already failed would only list them again.
		if len(due) < ExpirySweepBatch || progress == 0 {
			break
		}
	}
	if firstErr != nil {
		return expired, fmt.Errorf("expiry sweep: %d inquiries failed to expire, first: %w", len(failed), firstErr)
	}
	return expired, nil
}

// dueInquiries lists up to limit inquiries due for expiry, on a read-only
// transaction so that on SQLite the single writer stays free.
func (s *Service) dueInquiries(ctx Context, limit int) ([]InquiryRef, error) {
	var due []InquiryRef
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		due, err = tx.InquiryListDue(ctx, s.now(), limit)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list due inquiries: %w", err)
	}
	return due, nil
}

// InquiriesDue reports whether an open inquiry is past its expires-at, with
// one indexed read and no write: the job queue asks it before each sweep
// so that a server with nothing to expire does not write a sweep job every
// second.
func (s *Service) InquiriesDue(ctx Context) (bool, error) {
	due, err := s.dueInquiries(ctx, 1)
	return len(due) > 0, err
}
