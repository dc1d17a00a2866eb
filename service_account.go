// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"fmt"
	"time"
)

// FindAccountByID returns an account. ENOTFOUND when it does not exist.
func (s *Service) FindAccountByID(ctx Context, env Environment, id string) (*Account, error) {
	if !HasIDPrefix(id, PrefixAccount) {
		return nil, Errorf(ENOTFOUND, "Account %s not found.", id)
	}
	var a *Account
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		a, err = tx.AccountGetByID(ctx, env, id)
		return err
	})
	return a, err
}

// FindAccounts lists accounts newest first.
func (s *Service) FindAccounts(ctx Context, f AccountFilter) ([]*Account, bool, error) {
	var list []*Account
	var more bool
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		list, more, err = tx.AccountList(ctx, f)
		return err
	})
	return list, more, err
}

// CreateAccount creates an account for a reference id, or with none
// (POST /accounts), and writes account.created. A reference id names one
// account per environment: ECONFLICT when it already has one.
func (s *Service) CreateAccount(ctx Context, env Environment, referenceID string) (*Account, error) {
	if len(referenceID) > MaxReferenceIDLength {
		return nil, FieldError("reference-id", "reference-id must be at most %d characters.", MaxReferenceIDLength)
	}
	var a *Account
	err := s.update(ctx, func(tx Tx, w *work) error {
		if referenceID != "" {
			_, err := tx.AccountGetByReferenceID(ctx, env, referenceID)
			if err == nil {
				return Errorf(ECONFLICT, "An account with reference-id %s already exists.", referenceID)
			} else if ErrorCode(err) != ENOTFOUND {
				return err
			}
		}
		var err error
		a, err = s.insertAccount(ctx, tx, env, referenceID, s.now())
		return err
	})
	if ErrorCode(err) == ECONFLICT && referenceID != "" {
		// Two creates raced on PostgreSQL and the unique index refused
		// the second: the same answer as when the first had committed.
		return nil, Errorf(ECONFLICT, "An account with reference-id %s already exists.", referenceID)
	}
	return a, err
}

// insertAccount inserts a new account in tx and writes account.created.
func (s *Service) insertAccount(ctx Context, tx Tx, env Environment, referenceID string, now time.Time) (*Account, error) {
	a := &Account{ID: NewSortableID(PrefixAccount, now), Environment: env, ReferenceID: referenceID,
		CreatedAt: now, UpdatedAt: now}
	if err := tx.AccountInsert(ctx, a); err != nil {
		return nil, fmt.Errorf("insert account: %w", err)
	}
	return a, s.emit(ctx, tx, nil, nil, EventAccountCreated, EventSnapshot{Account: a})
}
