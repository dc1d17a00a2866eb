// SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/vouch-id/vouch"
)

// API keys are looked up before the caller's environment is known (the key
// decides it), so these queries alone do not filter on environment.

const apiKeyColumns = `id, environment, name, hint, hash, created_at, last_used_at, revoked_at`

// scanAPIKey reads one row of apiKeyColumns.
func scanAPIKey(sc scanner) (*vouch.APIKey, error) {
	var (
		k             vouch.APIKey
		env           string
		createdAt     int64
		used, revoked sql.NullInt64
	)
	if err := sc.Scan(&k.ID, &env, &k.Name, &k.Hint, &k.Hash, &createdAt, &used, &revoked); err != nil {
		return nil, err
	}
	k.Environment = vouch.Environment(env)
	k.Hash = fromBlob(k.Hash)
	k.CreatedAt = fromMicros(createdAt)
	k.LastUsedAt, k.RevokedAt = fromNullMicros(used), fromNullMicros(revoked)
	return &k, nil
}

// APIKeyInsert implements vouch.Tx. A duplicate hash is ECONFLICT.
func (t *Tx) APIKeyInsert(ctx context.Context, k *vouch.APIKey) error {
	if err := checkEnv(k.Environment); err != nil {
		return err
	}
	if len(k.Hash) == 0 {
		return vouch.FieldError("hash", "an API key needs a hash")
	}
	return t.insert(ctx, "API key", k.ID, "INSERT INTO api_keys ("+apiKeyColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		k.ID, string(k.Environment), k.Name, k.Hint, k.Hash, micros(k.CreatedAt),
		nullMicros(k.LastUsedAt), nullMicros(k.RevokedAt))
}

// APIKeyGetByHash implements vouch.Tx.
func (t *Tx) APIKeyGetByHash(ctx context.Context, hash []byte) (*vouch.APIKey, error) {
	if len(hash) == 0 {
		return nil, vouch.Errorf(vouch.ENOTFOUND, "API key not found.")
	}
	k, err := scanAPIKey(t.queryRow(ctx, "SELECT "+apiKeyColumns+" FROM api_keys WHERE hash = ?", hash))
	if err != nil {
		// The hash is secret-derived: never quote it back.
		return nil, t.getErr(err, "API key", "with that hash")
	}
	return k, nil
}

// APIKeyGetByID implements vouch.Tx.
func (t *Tx) APIKeyGetByID(ctx context.Context, id string) (*vouch.APIKey, error) {
	k, err := scanAPIKey(t.queryRow(ctx, "SELECT "+apiKeyColumns+" FROM api_keys WHERE id = ?", id))
	if err != nil {
		return nil, t.getErr(err, "API key", id)
	}
	return k, nil
}

// APIKeyUpdate implements vouch.Tx: name, hint and the usage and revocation
// times. The hash and environment of a key never change.
func (t *Tx) APIKeyUpdate(ctx context.Context, k *vouch.APIKey) error {
	return t.update(ctx, "API key", k.ID, `UPDATE api_keys SET name = ?, hint = ?, last_used_at = ?, revoked_at = ? WHERE id = ?`,
		k.Name, k.Hint, nullMicros(k.LastUsedAt), nullMicros(k.RevokedAt), k.ID)
}

// APIKeyTouch implements vouch.Tx.
func (t *Tx) APIKeyTouch(ctx context.Context, id string, at time.Time) error {
	return t.update(ctx, "API key", id, "UPDATE api_keys SET last_used_at = ? WHERE id = ?", micros(at), id)
}

// APIKeyList implements vouch.Tx: every key of both environments, oldest
// first.
func (t *Tx) APIKeyList(ctx context.Context) ([]*vouch.APIKey, error) {
	return all(ctx, t, "api_keys", "SELECT "+apiKeyColumns+" FROM api_keys ORDER BY created_at ASC, id ASC", nil, scanAPIKey)
}
