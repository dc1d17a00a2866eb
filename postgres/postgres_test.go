// SPDX-License-Identifier: Apache-2.0

package postgres_test

import (
	"context"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/postgres"
	"github.com/vouch-id/vouch/postgres/pgtest"
	"github.com/vouch-id/vouch/sqlite"
	"github.com/vouch-id/vouch/storetest"
)

// mustOpen opens a store in a fresh schema.
func mustOpen(t *testing.T) *postgres.Store {
	t.Helper()
	dsn := pgtest.DSN(t)
	s, err := postgres.Open(context.Background(), dsn)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

func TestStore(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("PostgreSQL conformance runs without -short")
	}
	storetest.Run(t, func(t *testing.T) vouch.Store { return mustOpen(t) })
}

// TestMigrationParity keeps both engines' migration lists identical, so a
// schema change is never made to one engine only.
func TestMigrationParity(t *testing.T) {
	t.Parallel()
	require.NotEmpty(t, postgres.Migrations())
	require.Equal(t, sqlite.Migrations(), postgres.Migrations())
}

func TestOpen(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("needs PostgreSQL")
	}
	ctx := context.Background()

	t.Run("ConcurrentStartsMigrateOnce", func(t *testing.T) {
		t.Parallel()
		dsn := pgtest.DSN(t)
		var wg sync.WaitGroup
		stores := make([]*postgres.Store, 4)
		errs := make([]error, len(stores))
		for i := range stores {
			wg.Add(1)
			go func() {
				defer wg.Done()
				stores[i], errs[i] = postgres.Open(ctx, dsn)
			}()
		}
		wg.Wait()
		for i, s := range stores {
			require.NoError(t, errs[i])
			defer s.Close()
		}
		var n int
		require.NoError(t, stores[0].DB().QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n))
		require.Len(t, postgres.Migrations(), n)
		applied, err := stores[1].Migrate(ctx)
		require.NoError(t, err)
		require.Empty(t, applied)
	})

	t.Run("RejectsUnreachableServer", func(t *testing.T) {
		t.Parallel()
		_, err := postgres.Open(ctx, "postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=2")
		require.Error(t, err)
		_, err = postgres.Open(ctx, "::not a dsn::")
		require.Error(t, err)
	})
}
