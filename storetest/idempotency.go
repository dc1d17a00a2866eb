// SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

// testIdempotency covers stored idempotent responses.
func testIdempotency(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()

	t.Run("InsertGetDelete", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		base := now()
		r := &vouch.IdempotencyRecord{APIKeyID: "key_a", Key: "idem-1", RequestHash: vouch.HashSecret("req"),
			Status: 201, SealedBody: []byte("sealed body"), ObjectID: "inq_a", CreatedAt: base}
		old := &vouch.IdempotencyRecord{APIKeyID: "key_a", Key: "idem-0", Status: 200, CreatedAt: base.Add(-25 * time.Hour)}
		other := &vouch.IdempotencyRecord{APIKeyID: "key_b", Key: "idem-1", Status: 200, ObjectID: "inq_b", CreatedAt: base}

		_, err := get(t, s, func(tx vouch.Tx) (*vouch.IdempotencyRecord, error) { return tx.IdempotencyGet(ctx, "key_a", "idem-1") })
		requireCode(t, err, vouch.ENOTFOUND)
		update(t, s, func(tx vouch.Tx) error {
			for _, rec := range []*vouch.IdempotencyRecord{r, old, other} {
				require.NoError(t, tx.IdempotencyInsert(ctx, rec))
			}
			return nil
		})
		got, err := get(t, s, func(tx vouch.Tx) (*vouch.IdempotencyRecord, error) { return tx.IdempotencyGet(ctx, "key_a", "idem-1") })
		require.NoError(t, err)
		require.Equal(t, r, got)
		got, err = get(t, s, func(tx vouch.Tx) (*vouch.IdempotencyRecord, error) { return tx.IdempotencyGet(ctx, "key_a", "idem-0") })
		require.NoError(t, err)
		require.Equal(t, old, got)

		err = s.Update(ctx, func(tx vouch.Tx) error { return tx.IdempotencyInsert(ctx, r) })
		requireCode(t, err, vouch.ECONFLICT)
		err = s.Update(ctx, func(tx vouch.Tx) error { return tx.IdempotencyInsert(ctx, &vouch.IdempotencyRecord{Key: "x"}) })
		requireCode(t, err, vouch.EINVALID)

		var n int64
		update(t, s, func(tx vouch.Tx) error {
			var err error
			n, err = tx.IdempotencyDeleteBefore(ctx, base.Add(-vouch.IdempotencyTTL))
			return err
		})
		require.Equal(t, int64(1), n)
		_, err = get(t, s, func(tx vouch.Tx) (*vouch.IdempotencyRecord, error) { return tx.IdempotencyGet(ctx, "key_a", "idem-0") })
		requireCode(t, err, vouch.ENOTFOUND)

		update(t, s, func(tx vouch.Tx) error {
			require.NoError(t, tx.IdempotencyDeleteByObject(ctx, ""))
			require.NoError(t, tx.IdempotencyDeleteByObject(ctx, "\x00"))
			return tx.IdempotencyDeleteByObject(ctx, "inq_a")
		})
		_, err = get(t, s, func(tx vouch.Tx) (*vouch.IdempotencyRecord, error) { return tx.IdempotencyGet(ctx, "key_a", "idem-1") })
		requireCode(t, err, vouch.ENOTFOUND)
		_, err = get(t, s, func(tx vouch.Tx) (*vouch.IdempotencyRecord, error) { return tx.IdempotencyGet(ctx, "key_b", "idem-1") })
		require.NoError(t, err)
	})
}

// testSetting covers the key-value settings.
func testSetting(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()
	t.Run("SetGetReplace", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		_, err := get(t, s, func(tx vouch.Tx) (string, error) { return tx.SettingGet(ctx, "branding") })
		requireCode(t, err, vouch.ENOTFOUND)
		update(t, s, func(tx vouch.Tx) error { return tx.SettingSet(ctx, "branding", `{"color":"#fff"}`) })
		v, err := get(t, s, func(tx vouch.Tx) (string, error) { return tx.SettingGet(ctx, "branding") })
		require.NoError(t, err)
		require.JSONEq(t, `{"color":"#fff"}`, v)
		update(t, s, func(tx vouch.Tx) error { return tx.SettingSet(ctx, "branding", "") })
		v, err = get(t, s, func(tx vouch.Tx) (string, error) { return tx.SettingGet(ctx, "branding") })
		require.NoError(t, err)
		require.Empty(t, v)
		err = s.Update(ctx, func(tx vouch.Tx) error { return tx.SettingSet(ctx, "bad", "\xff") })
		requireCode(t, err, vouch.EINVALID)
	})
}
