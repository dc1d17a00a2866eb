// SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"

	"github.com/vouch-id/vouch"
)

const accountColumns = `id, environment, reference_id, created_at, updated_at`

// scanAccount reads one row of accountColumns.
func scanAccount(sc scanner) (*vouch.Account, error) {
	var (
		a                    vouch.Account
		env                  string
		createdAt, updatedAt int64
	)
	if err := sc.Scan(&a.ID, &env, &a.ReferenceID, &createdAt, &updatedAt); err != nil {
		return nil, err
	}
	a.Environment = vouch.Environment(env)
	a.CreatedAt, a.UpdatedAt = fromMicros(createdAt), fromMicros(updatedAt)
	return &a, nil
}

// AccountInsert implements vouch.Tx. A non-empty reference id is unique per
// environment: a second account with it is ECONFLICT.
func (t *Tx) AccountInsert(ctx context.Context, a *vouch.Account) error {
	if err := checkEnv(a.Environment); err != nil {
		return err
	}
	return t.insert(ctx, "Account", a.ID, "INSERT INTO accounts ("+accountColumns+") VALUES (?, ?, ?, ?, ?)",
		a.ID, string(a.Environment), a.ReferenceID, micros(a.CreatedAt), micros(a.UpdatedAt))
}

// AccountGetByID implements vouch.Tx.
func (t *Tx) AccountGetByID(ctx context.Context, env vouch.Environment, id string) (*vouch.Account, error) {
	row := t.queryRow(ctx, "SELECT "+accountColumns+" FROM accounts WHERE environment = ? AND id = ?", string(env), id)
	a, err := scanAccount(row)
	if err != nil {
		return nil, t.getErr(err, "Account", id)
	}
	return a, nil
}

// AccountGetByReferenceID implements vouch.Tx.
func (t *Tx) AccountGetByReferenceID(ctx context.Context, env vouch.Environment, referenceID string) (*vouch.Account, error) {
	if referenceID == "" {
		return nil, vouch.Errorf(vouch.ENOTFOUND, "Account with an empty reference id not found.")
	}
	// accounts_reference_id holds only accounts with a reference id; the
	// engines read a partial index only when the WHERE implies its
	// condition, which reference_id = ? alone does not.
	row := t.queryRow(ctx, "SELECT "+accountColumns+" FROM accounts WHERE environment = ? AND reference_id = ? AND reference_id <> ''", string(env), referenceID)
	a, err := scanAccount(row)
	if err != nil {
		return nil, t.getErr(err, "Account with reference id", referenceID)
	}
	return a, nil
}

// AccountList implements vouch.Tx.
func (t *Tx) AccountList(ctx context.Context, f vouch.AccountFilter) ([]*vouch.Account, bool, error) {
	q := listQuery{noun: "Account", table: "accounts", columns: accountColumns,
		env: f.Environment, after: f.After, before: f.Before, limit: f.Limit}
	if !q.w.ids(f.IDs) {
		return nil, false, nil
	}
	if f.ReferenceID != nil {
		q.w.add("reference_id = ?", *f.ReferenceID)
		if *f.ReferenceID != "" {
			q.w.add("reference_id <> ''") // see AccountGetByReferenceID
		}
	}
	return list(ctx, t, q, scanAccount)
}
