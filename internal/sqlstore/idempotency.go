// SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/vouch-id/vouch"
)

const idempotencyColumns = `api_key_id, idempotency_key, request_hash, status, sealed_body, object_id, created_at`

// IdempotencyGet implements vouch.Tx: ENOTFOUND when the key has no stored
// response.
func (t *Tx) IdempotencyGet(ctx context.Context, apiKeyID, key string) (*vouch.IdempotencyRecord, error) {
	var (
		r         vouch.IdempotencyRecord
		createdAt int64
	)
	err := t.queryRow(ctx, "SELECT "+idempotencyColumns+" FROM idempotency_records WHERE api_key_id = ? AND idempotency_key = ?",
		apiKeyID, key).Scan(&r.APIKeyID, &r.Key, &r.RequestHash, &r.Status, &r.SealedBody, &r.ObjectID, &createdAt)
	if err != nil {
		return nil, t.getErr(err, "Idempotency key", key)
	}
	r.RequestHash, r.SealedBody = fromBlob(r.RequestHash), fromBlob(r.SealedBody)
	r.CreatedAt = fromMicros(createdAt)
	return &r, nil
}

// IdempotencyInsert implements vouch.Tx: ECONFLICT when the API key already
// stored a response under the same idempotency key.
func (t *Tx) IdempotencyInsert(ctx context.Context, r *vouch.IdempotencyRecord) error {
	if r.APIKeyID == "" || r.Key == "" {
		return vouch.FieldError("idempotency-key", "an idempotency record needs an API key and a key")
	}
	return t.insert(ctx, "Idempotency key", r.Key, "INSERT INTO idempotency_records ("+idempotencyColumns+") VALUES (?, ?, ?, ?, ?, ?, ?)",
		r.APIKeyID, r.Key, blob(r.RequestHash), r.Status, blob(r.SealedBody), r.ObjectID, micros(r.CreatedAt))
}

// IdempotencyDeleteByObject implements vouch.Tx.
func (t *Tx) IdempotencyDeleteByObject(ctx context.Context, objectID string) error {
	if objectID == "" {
		return nil // records about no object are not about this one
	}
	// The repeated condition lets the engines read the partial index
	// idempotency_records_object instead of the whole table.
	if _, err := t.exec(ctx, "DELETE FROM idempotency_records WHERE object_id = ? AND object_id <> ''", objectID); errors.Is(err, errInvalidText) {
		return nil // no stored record can name such an object
	} else if err != nil {
		return fmt.Errorf("%s: delete idempotency records: %w", t.s.d.Name, err)
	}
	return nil
}

// IdempotencyDeleteBefore implements vouch.Tx and returns how many records
// it deleted.
func (t *Tx) IdempotencyDeleteBefore(ctx context.Context, before time.Time) (int64, error) {
	res, err := t.exec(ctx, "DELETE FROM idempotency_records WHERE created_at < ?", micros(before))
	if err != nil {
		return 0, fmt.Errorf("%s: prune idempotency records: %w", t.s.d.Name, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("%s: prune idempotency records: %w", t.s.d.Name, err)
	}
	return n, nil
}
