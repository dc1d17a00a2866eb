// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"fmt"
	"slices"
)

// detailsOf is details for one inquiry.
func (s *Service) detailsOf(ctx Context, tx Tx, env Environment, inq *Inquiry) (*InquiryDetails, error) {
	list, err := s.details(ctx, tx, env, inq)
	if err != nil {
		return nil, err
	}
	return list[0], nil
}

// details decrypts the inquiries, all of environment env, and loads what
// is rendered beside them. It reads each kind of row once for the whole
// list rather than once per inquiry: a page of 100 inquiries costs five
// queries, not five hundred round trips.
func (s *Service) details(ctx Context, tx Tx, env Environment, inqs ...*Inquiry) ([]*InquiryDetails, error) {
	out := make([]*InquiryDetails, len(inqs))
	byID := make(map[string]*InquiryDetails, len(inqs))
	ids := make([]string, len(inqs))
	templates := map[string]*Template{}
	keys := make(map[string][]byte, len(inqs))
	var accountIDs []string
	for i, inq := range inqs {
		dk, err := s.openInquiry(inq)
		if err != nil {
			return nil, err
		}
		keys[inq.ID] = dk
		t, ok := templates[inq.TemplateID]
		if !ok {
			if t, err = tx.TemplateGetByID(ctx, env, inq.TemplateID); err != nil {
				return nil, fmt.Errorf("template of %s: %w", inq.ID, err)
			}
			templates[inq.TemplateID] = t
		}
		d := &InquiryDetails{Inquiry: inq, Template: t}
		if d.Version, err = s.templateVersion(ctx, tx, env, inq.TemplateVersionID); err != nil {
			return nil, fmt.Errorf("template version of %s: %w", inq.ID, err)
		}
		if inq.AccountID != "" && !slices.Contains(accountIDs, inq.AccountID) {
			accountIDs = append(accountIDs, inq.AccountID)
		}
		out[i], byID[inq.ID], ids[i] = d, d, inq.ID
	}
	if err := s.attachAccounts(ctx, tx, env, out, accountIDs); err != nil {
		return nil, err
	}
	sessions, err := tx.SessionListByInquiry(ctx, env, ids...)
	if err != nil {
		return nil, err
	}
	for _, sess := range sessions {
		if d := byID[sess.InquiryID]; d != nil {
			d.Sessions = append(d.Sessions, sess)
		}
	}
	verifications, err := tx.VerificationListByInquiry(ctx, env, ids...)
	if err != nil {
		return nil, err
	}
	for _, v := range verifications {
		d := byID[v.InquiryID]
		if d == nil {
			continue
		}
		if err := s.openVerification(v, keys[v.InquiryID]); err != nil {
			return nil, err
		}
		d.Verifications = append(d.Verifications, v)
	}
	return out, nil
}

// attachAccounts sets the account of each inquiry in out that has one,
// reading them in one query.
func (s *Service) attachAccounts(ctx Context, tx Tx, env Environment, out []*InquiryDetails, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	list, _, err := tx.AccountList(ctx, AccountFilter{Environment: env, IDs: ids, Limit: len(ids)})
	if err != nil {
		return err
	}
	accounts := make(map[string]*Account, len(list))
	for _, a := range list {
		accounts[a.ID] = a
	}
	for _, d := range out {
		if id := d.Inquiry.AccountID; id != "" {
			if d.Account = accounts[id]; d.Account == nil {
				return Errorf(ENOTFOUND, "Account %s of %s not found.", id, d.Inquiry.ID)
			}
		}
	}
	return nil
}
