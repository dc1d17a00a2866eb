// SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

// account returns an account in env with a reference id.
func account(env vouch.Environment, ref string, created time.Time) *vouch.Account {
	return &vouch.Account{ID: vouch.NewID(vouch.PrefixAccount), Environment: env, ReferenceID: ref, CreatedAt: created, UpdatedAt: created.Add(time.Second)}
}

// testAccount covers accounts and the reference id uniqueness rule.
func testAccount(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()

	t.Run("RoundTripAndLookups", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := account(vouch.Sandbox, "user-1", now())
		update(t, s, func(tx vouch.Tx) error { return tx.AccountInsert(ctx, a) })
		view(t, s, func(tx vouch.Tx) error {
			got, err := tx.AccountGetByID(ctx, vouch.Sandbox, a.ID)
			require.NoError(t, err)
			require.Equal(t, a, got)
			got, err = tx.AccountGetByReferenceID(ctx, vouch.Sandbox, "user-1")
			require.NoError(t, err)
			require.Equal(t, a, got)
			_, err = tx.AccountGetByID(ctx, vouch.Production, a.ID)
			requireCode(t, err, vouch.ENOTFOUND)
			_, err = tx.AccountGetByReferenceID(ctx, vouch.Production, "user-1")
			requireCode(t, err, vouch.ENOTFOUND)
			_, err = tx.AccountGetByReferenceID(ctx, vouch.Sandbox, "")
			requireCode(t, err, vouch.ENOTFOUND)
			return nil
		})
	})

	t.Run("ReferenceIDUniquePerEnvironment", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		update(t, s, func(tx vouch.Tx) error {
			require.NoError(t, tx.AccountInsert(ctx, account(vouch.Sandbox, "user-1", now())))
			require.NoError(t, tx.AccountInsert(ctx, account(vouch.Production, "user-1", now())))
			require.NoError(t, tx.AccountInsert(ctx, account(vouch.Sandbox, "", now())))
			return tx.AccountInsert(ctx, account(vouch.Sandbox, "", now()))
		})
		err := s.Update(ctx, func(tx vouch.Tx) error { return tx.AccountInsert(ctx, account(vouch.Sandbox, "user-1", now())) })
		requireCode(t, err, vouch.ECONFLICT)
	})

	t.Run("ConflictLeavesTransactionUsable", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a := account(vouch.Sandbox, "user-1", now())
		update(t, s, func(tx vouch.Tx) error { return tx.AccountInsert(ctx, a) })
		// Find-or-create: the insert loses the race, the read finds the winner.
		update(t, s, func(tx vouch.Tx) error {
			err := tx.AccountInsert(ctx, account(vouch.Sandbox, "user-1", now()))
			requireCode(t, err, vouch.ECONFLICT)
			got, err := tx.AccountGetByReferenceID(ctx, vouch.Sandbox, "user-1")
			require.NoError(t, err)
			require.Equal(t, a.ID, got.ID)
			return tx.SettingSet(ctx, "after-conflict", "ok")
		})
		v, err := get(t, s, func(tx vouch.Tx) (string, error) { return tx.SettingGet(ctx, "after-conflict") })
		require.NoError(t, err)
		require.Equal(t, "ok", v)
	})

	t.Run("List", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		base := now()
		a1 := account(vouch.Sandbox, "a", base)
		a2 := account(vouch.Sandbox, "b", base.Add(time.Second))
		a3 := account(vouch.Sandbox, "c", base.Add(2*time.Second))
		update(t, s, func(tx vouch.Tx) error {
			for _, a := range []*vouch.Account{a1, a2, a3, account(vouch.Production, "a", base)} {
				require.NoError(t, tx.AccountInsert(ctx, a))
			}
			return nil
		})
		list := func(f vouch.AccountFilter) ([]*vouch.Account, bool) {
			var (
				out  []*vouch.Account
				more bool
			)
			f.Environment = vouch.Sandbox
			view(t, s, func(tx vouch.Tx) error {
				var err error
				out, more, err = tx.AccountList(ctx, f)
				return err
			})
			return out, more
		}
		got, more := list(vouch.AccountFilter{})
		require.Equal(t, []*vouch.Account{a3, a2, a1}, got)
		require.False(t, more)
		got, more = list(vouch.AccountFilter{Limit: 1, After: a3.ID})
		require.Equal(t, []*vouch.Account{a2}, got)
		require.True(t, more)
		got, more = list(vouch.AccountFilter{Limit: 1, Before: a1.ID})
		require.Equal(t, []*vouch.Account{a2}, got)
		require.True(t, more)
		got, more = list(vouch.AccountFilter{ReferenceID: ptr("a")})
		require.Equal(t, []*vouch.Account{a1}, got)
		require.False(t, more)
		got, _ = list(vouch.AccountFilter{IDs: []string{a1.ID, a3.ID, "act_missing"}})
		require.Equal(t, []*vouch.Account{a3, a1}, got)
		got, _ = list(vouch.AccountFilter{IDs: []string{}})
		require.Empty(t, got, "an empty id list matches nothing")
		err := s.View(ctx, func(tx vouch.Tx) error {
			_, _, err := tx.AccountList(ctx, vouch.AccountFilter{Environment: vouch.Sandbox, Before: "act_missing"})
			return err
		})
		requireCode(t, err, vouch.EINVALID)
	})
}
