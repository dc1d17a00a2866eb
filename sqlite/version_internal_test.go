// SPDX-License-Identifier: Apache-2.0

package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// openTemp opens a store on a fresh file and returns it with the file's path.
func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vouch.db")
	s, err := Open(context.Background(), path)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s, path
}

// TestParseWALHeader reads a header SQLite wrote and then spoils it in each
// way the checks must catch: another index version, an index not yet
// initialised, a bit flipped anywhere under the checksum.
func TestParseWALHeader(t *testing.T) {
	t.Parallel()
	_, path := openTemp(t)
	b, err := os.ReadFile(path + "-shm")
	require.NoError(t, err)
	var h [walHeaderSize]byte
	copy(h[:], b)
	v, err := parseWALHeader(h)
	require.NoError(t, err)
	require.NotZero(t, v.Seq)

	spoilt := func(at int, bit byte) [walHeaderSize]byte {
		c := h
		c[at] ^= bit
		return c
	}
	_, err = parseWALHeader(spoilt(0, 1))
	require.ErrorContains(t, err, "WAL index version")
	_, err = parseWALHeader(spoilt(walHeaderIsInit, 1))
	require.ErrorContains(t, err, "not initialised")
	for _, at := range []int{walHeaderChanges, walHeaderFrames, walHeaderSalts + 5, walHeaderCksum, walHeaderCksum + 7} {
		_, err = parseWALHeader(spoilt(at, 0x10))
		require.ErrorContains(t, err, "checksum", "byte %d", at)
	}
}

// TestWALIndexHoldsTheFile checks that the store's own pools may close
// every connection they have without the -shm file changing under the
// index: its pinned connection keeps SQLite from deleting the file.
func TestWALIndexHoldsTheFile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, path := openTemp(t)
	before, err := os.Stat(path + "-shm")
	require.NoError(t, err)
	// Close every pooled connection, as idle timeouts may.
	s.reader.SetMaxIdleConns(0)
	s.writer.SetMaxIdleConns(0)
	s.reader.SetMaxIdleConns(4)
	s.writer.SetMaxIdleConns(1)
	require.Zero(t, s.reader.Stats().OpenConnections+s.writer.Stats().OpenConnections)
	v, err := s.DataVersion(ctx)
	require.NoError(t, err)
	_, err = s.writer.ExecContext(ctx, "CREATE TABLE t (x)")
	require.NoError(t, err)
	after, err := os.Stat(path + "-shm")
	require.NoError(t, err)
	require.True(t, os.SameFile(before, after), "the -shm file was replaced")
	next, err := s.DataVersion(ctx)
	require.NoError(t, err)
	require.NotEqual(t, v, next)
}

// TestWALIndexTornHeader lays out the -shm file as a header write left
// half done would (the second copy newer than the first, or the second
// copy itself torn) and checks which version comes out.
func TestWALIndexTornHeader(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, path := openTemp(t)
	header := func() []byte {
		b, err := os.ReadFile(path + "-shm")
		require.NoError(t, err)
		return b[:walHeaderSize]
	}
	older := header()
	_, err := s.writer.ExecContext(ctx, "CREATE TABLE t (x)")
	require.NoError(t, err)
	newer := header()
	olderV, err := parseWALHeader([walHeaderSize]byte(older))
	require.NoError(t, err)
	newerV, err := parseWALHeader([walHeaderSize]byte(newer))
	require.NoError(t, err)
	require.NotEqual(t, olderV, newerV)

	torn := append(append([]byte{}, newer[:20]...), older[20:]...)
	for _, c := range []struct {
		name          string
		first, second []byte
		want          *[walHeaderSize]byte
	}{
		{"second copy written, first not yet", older, newer, (*[walHeaderSize]byte)(newer)},
		{"second copy half written", older, torn, (*[walHeaderSize]byte)(older)},
		{"both torn", torn, append(append([]byte{}, older[:20]...), newer[20:]...), nil},
	} {
		file := filepath.Join(t.TempDir(), "shm")
		require.NoError(t, os.WriteFile(file, append(append([]byte{}, c.first...), c.second...), 0o600))
		f, err := os.Open(file)
		require.NoError(t, err)
		mem, err := mapHeader(f)
		require.NoError(t, err)
		w := &walIndex{shm: f, mem: mem}
		v, err := w.version()
		require.NoError(t, unmapHeader(mem))
		f.Close()
		if c.want == nil {
			require.ErrorIs(t, err, errWALHeaderTorn, c.name)
			continue
		}
		require.NoError(t, err, c.name)
		want, err := parseWALHeader(*c.want)
		require.NoError(t, err)
		require.Equal(t, want, v, c.name)
	}
}
