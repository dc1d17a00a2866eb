// SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

// apiKey returns a key of env created at created.
func apiKey(env vouch.Environment, created time.Time) *vouch.APIKey {
	secret := vouch.NewAPIKeySecret(env)
	return &vouch.APIKey{ID: vouch.NewID(vouch.PrefixAPIKey), Environment: env, Name: "server",
		Hint: vouch.APIKeyHint(secret), Hash: vouch.HashSecret(secret), CreatedAt: created}
}

// testAPIKey covers API keys, which are looked up across environments.
func testAPIKey(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()

	t.Run("RoundTripUpdateList", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		base := now()
		k1, k2 := apiKey(vouch.Production, base.Add(time.Second)), apiKey(vouch.Sandbox, base)
		update(t, s, func(tx vouch.Tx) error {
			require.NoError(t, tx.APIKeyInsert(ctx, k1))
			return tx.APIKeyInsert(ctx, k2)
		})
		view(t, s, func(tx vouch.Tx) error {
			got, err := tx.APIKeyGetByHash(ctx, k1.Hash)
			require.NoError(t, err)
			require.Equal(t, k1, got)
			got, err = tx.APIKeyGetByID(ctx, k2.ID)
			require.NoError(t, err)
			require.Equal(t, k2, got)
			_, err = tx.APIKeyGetByHash(ctx, vouch.HashSecret("nope"))
			requireCode(t, err, vouch.ENOTFOUND)
			_, err = tx.APIKeyGetByHash(ctx, nil)
			requireCode(t, err, vouch.ENOTFOUND)
			_, err = tx.APIKeyGetByID(ctx, "key_missing")
			requireCode(t, err, vouch.ENOTFOUND)
			return nil
		})

		k1.Name, k1.LastUsedAt, k1.RevokedAt = "renamed", ptr(base.Add(time.Hour)), ptr(base.Add(2*time.Hour))
		update(t, s, func(tx vouch.Tx) error { return tx.APIKeyUpdate(ctx, k1) })
		list, err := get(t, s, func(tx vouch.Tx) ([]*vouch.APIKey, error) { return tx.APIKeyList(ctx) })
		require.NoError(t, err)
		require.Equal(t, []*vouch.APIKey{k2, k1}, list)

		err = s.Update(ctx, func(tx vouch.Tx) error { return tx.APIKeyUpdate(ctx, apiKey(vouch.Sandbox, base)) })
		requireCode(t, err, vouch.ENOTFOUND)

		// A use recorded after the revocation keeps it.
		used := base.Add(3 * time.Hour)
		update(t, s, func(tx vouch.Tx) error { return tx.APIKeyTouch(ctx, k1.ID, used) })
		got, err := get(t, s, func(tx vouch.Tx) (*vouch.APIKey, error) { return tx.APIKeyGetByID(ctx, k1.ID) })
		require.NoError(t, err)
		require.Equal(t, used, *got.LastUsedAt)
		require.Equal(t, k1.RevokedAt, got.RevokedAt)
		requireCode(t, s.Update(ctx, func(tx vouch.Tx) error { return tx.APIKeyTouch(ctx, "key_missing", used) }), vouch.ENOTFOUND)
	})

	t.Run("HashUnique", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		k := apiKey(vouch.Sandbox, now())
		update(t, s, func(tx vouch.Tx) error { return tx.APIKeyInsert(ctx, k) })
		dup := *k
		dup.ID = vouch.NewID(vouch.PrefixAPIKey)
		err := s.Update(ctx, func(tx vouch.Tx) error { return tx.APIKeyInsert(ctx, &dup) })
		requireCode(t, err, vouch.ECONFLICT)
		dup.Hash = nil
		err = s.Update(ctx, func(tx vouch.Tx) error { return tx.APIKeyInsert(ctx, &dup) })
		requireCode(t, err, vouch.EINVALID)
	})
}
