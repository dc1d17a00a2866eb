// SPDX-License-Identifier: Apache-2.0

package sqlite_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/sqlite"
)

// TestDataVersion shows the promise the API's response cache relies on:
// the version stays put while only reads run and moves on every commit
// (it may move without a visible change too, which only costs a cache
// miss), whether the commit came through this
// store, through its writer pool directly (as River's do), or through
// another store on the same file (another process).
func TestDataVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vouch.db")
	s, other := mustOpenAt(t, path), mustOpenAt(t, path)

	var _ vouch.VersionedStore = s
	version := func() vouch.DataVersion {
		t.Helper()
		v, err := s.DataVersion(ctx)
		require.NoError(t, err)
		return v
	}
	v := version()
	require.Equal(t, v, version(), "nothing committed")

	require.NoError(t, s.View(ctx, func(tx vouch.Tx) error {
		_, err := tx.SettingGet(ctx, "k")
		if vouch.ErrorCode(err) == vouch.ENOTFOUND {
			return nil
		}
		return err
	}))
	require.Equal(t, v, version(), "a read commits nothing")

	changes := map[string]func() error{
		"this store": func() error {
			return s.Update(ctx, func(tx vouch.Tx) error { return tx.SettingSet(ctx, "k", "1") })
		},
		"its writer pool": func() error {
			_, err := s.WriterDB().ExecContext(ctx, "UPDATE settings SET value = '2' WHERE key = 'k'")
			return err
		},
		"another store on the file": func() error {
			return other.Update(ctx, func(tx vouch.Tx) error { return tx.SettingSet(ctx, "k", "3") })
		},
	}
	for _, name := range []string{"this store", "its writer pool", "another store on the file"} {
		require.NoError(t, changes[name]())
		next := version()
		require.NotEqual(t, v, next, "a commit through %s", name)
		require.Equal(t, next, version(), "after %s, nothing more committed", name)
		v = next
	}
}

// TestDataVersionUnderLoad checks the version while other goroutines
// keep reading it and commits keep coming, across WAL restarts: a version
// read after a commit returned is never one read before it.
func TestDataVersionUnderLoad(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := mustOpen(t)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := s.DataVersion(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	defer func() { close(stop); wg.Wait() }()
	seen := map[vouch.DataVersion]int{}
	for i := range 300 {
		if i%50 == 49 {
			// The next commit starts the WAL again from its first frame.
			_, err := s.WriterDB().ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
			require.NoError(t, err)
		}
		require.NoError(t, s.Update(ctx, func(tx vouch.Tx) error { return tx.SettingSet(ctx, "k", strconv.Itoa(i)) }))
		v, err := s.DataVersion(ctx)
		require.NoError(t, err)
		if j, ok := seen[v]; ok {
			t.Fatalf("commit %d has the version of commit %d: %+v", i, j, v)
		}
		seen[v] = i
	}
}

// TestDataVersionOtherProcess commits from another process, which has its
// own connections and its own mapping of the WAL index, and closes them
// all when it exits: the version must move for each of its commits, and
// still for this process's own commits once it is gone.
func TestDataVersionOtherProcess(t *testing.T) {
	if path := os.Getenv("VOUCH_TEST_COMMIT_TO"); path != "" {
		ctx := context.Background()
		s, err := sqlite.Open(ctx, path)
		require.NoError(t, err)
		require.NoError(t, s.Update(ctx, func(tx vouch.Tx) error { return tx.SettingSet(ctx, "k", "other process") }))
		require.NoError(t, s.Close())
		return
	}
	t.Parallel()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "vouch.db")
	s := mustOpenAt(t, path)
	v, err := s.DataVersion(ctx)
	require.NoError(t, err)
	for i := range 3 {
		cmd := exec.Command(os.Args[0], "-test.run=^TestDataVersionOtherProcess$", "-test.count=1")
		cmd.Env = append(os.Environ(), "VOUCH_TEST_COMMIT_TO="+path)
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "%s", out)
		next, err := s.DataVersion(ctx)
		require.NoError(t, err)
		require.NotEqual(t, v, next, "commit %d of the other process", i)
		v = next

		require.NoError(t, s.Update(ctx, func(tx vouch.Tx) error { return tx.SettingSet(ctx, "k", "this process") }))
		next, err = s.DataVersion(ctx)
		require.NoError(t, err)
		require.NotEqual(t, v, next, "commit %d of this process, the other one gone", i)
		v = next
	}
}

// TestDataVersionAfterClose checks that a read after Close, or racing
// with it, is an error and never a stale version.
func TestDataVersionAfterClose(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "vouch.db"))
	require.NoError(t, err)
	_, err = s.DataVersion(ctx)
	require.NoError(t, err)
	require.NoError(t, s.Close())
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.DataVersion(ctx)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		require.Error(t, err)
	}
}

// BenchmarkDataVersion measures a read of the data version, which every
// cached API response costs, from 16 goroutines as the API's benchmark
// clients make them ("header"), beside PRAGMA data_version, the SQL way to
// learn of other connections' commits, for the ratio ("pragma").
func BenchmarkDataVersion(b *testing.B) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, filepath.Join(b.TempDir(), "vouch.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	for name, read := range map[string]func() error{
		"header": func() error {
			_, err := s.DataVersion(ctx)
			return err
		},
		"pragma": func() error {
			var n int64
			return s.ReaderDB().QueryRowContext(ctx, "PRAGMA data_version").Scan(&n)
		},
	} {
		b.Run(name, func(b *testing.B) {
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := read(); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
