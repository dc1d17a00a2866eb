// SPDX-License-Identifier: Apache-2.0

package sqlite_test

import (
	"context"
	"database/sql"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/sqlite"
	"github.com/vouch-id/vouch/storetest"
)

// mustOpen opens a fresh database in a temporary directory.
func mustOpen(t *testing.T) *sqlite.Store {
	t.Helper()
	return mustOpenAt(t, filepath.Join(t.TempDir(), "vouch.db"))
}

// mustOpenAt opens the database at path, closed when the test ends.
func mustOpenAt(t *testing.T, path string) *sqlite.Store {
	t.Helper()
	s, err := sqlite.Open(context.Background(), path)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

func TestStore(t *testing.T) {
	t.Parallel()
	storetest.Run(t, func(t *testing.T) vouch.Store { return mustOpen(t) })
}

func TestOpen(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("SetsPragmasOnEveryConnection", func(t *testing.T) {
		t.Parallel()
		s := mustOpen(t)
		want := map[string]string{"busy_timeout": "10000", "journal_mode": "wal", "synchronous": "2", "foreign_keys": "1"}
		for name, db := range map[string]*sql.DB{"writer": s.WriterDB(), "reader": s.ReaderDB()} {
			for pragma, v := range want {
				var got string
				require.NoError(t, db.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got), "%s %s", name, pragma)
				require.Equal(t, v, got, "%s %s", name, pragma)
			}
		}
		var queryOnly int
		require.NoError(t, s.ReaderDB().QueryRowContext(ctx, "PRAGMA query_only").Scan(&queryOnly))
		require.Equal(t, 1, queryOnly)
		require.Equal(t, 1, s.WriterDB().Stats().MaxOpenConnections)
	})

	t.Run("MigratesOnceAndReopens", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "vouch.db")
		s, err := sqlite.Open(ctx, path)
		require.NoError(t, err)
		require.Equal(t, path, s.Path())
		applied, err := s.Migrate(ctx)
		require.NoError(t, err)
		require.Empty(t, applied)
		require.NoError(t, s.Update(ctx, func(tx vouch.Tx) error { return tx.SettingSet(ctx, "k", "v") }))
		require.NoError(t, s.IntegrityCheck(ctx))
		require.NoError(t, s.Close())

		s, err = sqlite.Open(ctx, path)
		require.NoError(t, err)
		defer s.Close()
		var n int
		require.NoError(t, s.WriterDB().QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n))
		require.Len(t, sqlite.Migrations(), n)
		require.NoError(t, s.View(ctx, func(tx vouch.Tx) error {
			v, err := tx.SettingGet(ctx, "k")
			require.Equal(t, "v", v)
			return err
		}))
	})

	t.Run("RejectsBadPath", func(t *testing.T) {
		t.Parallel()
		for _, p := range []string{"", "a.db?mode=ro", "file:a.db", filepath.Join(t.TempDir(), "missing", "dir", "x.db")} {
			_, err := sqlite.Open(ctx, p)
			require.Error(t, err, p)
		}
	})

	// Two stores on one file stand for two processes: BEGIN IMMEDIATE and
	// the busy timeout make their writers queue instead of deadlocking.
	t.Run("TwoProcessesSerialiseWrites", func(t *testing.T) {
		t.Parallel()
		path := filepath.Join(t.TempDir(), "vouch.db")
		a, err := sqlite.Open(ctx, path)
		require.NoError(t, err)
		defer a.Close()
		b, err := sqlite.Open(ctx, path)
		require.NoError(t, err)
		defer b.Close()
		require.NoError(t, a.Update(ctx, func(tx vouch.Tx) error { return tx.SettingSet(ctx, "n", "0") }))
		var wg sync.WaitGroup
		errs := make(chan error, 100)
		for _, s := range []*sqlite.Store{a, b} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range 50 {
					errs <- s.Update(ctx, func(tx vouch.Tx) error {
						v, err := tx.SettingGet(ctx, "n")
						if err != nil {
							return err
						}
						n, _ := strconv.Atoi(v)
						return tx.SettingSet(ctx, "n", strconv.Itoa(n+1))
					})
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		require.NoError(t, b.View(ctx, func(tx vouch.Tx) error {
			v, err := tx.SettingGet(ctx, "n")
			require.Equal(t, "100", v)
			return err
		}))
	})
}
