// SPDX-License-Identifier: Apache-2.0

package blob_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/blob"
)

// mustFS returns a store in a fresh temporary folder.
func mustFS(t *testing.T) *blob.FS {
	t.Helper()
	s, err := blob.NewFS(filepath.Join(t.TempDir(), "blobs"))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

func TestPutGet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := mustFS(t)

	require.NoError(t, s.Put(ctx, "inq_a/ver_1/front.jpg", []byte("front")))
	got, err := s.Get(ctx, "inq_a/ver_1/front.jpg")
	require.NoError(t, err)
	require.Equal(t, []byte("front"), got)

	require.NoError(t, s.Put(ctx, "inq_a/ver_1/front.jpg", []byte("replaced")))
	got, err = s.Get(ctx, "inq_a/ver_1/front.jpg")
	require.NoError(t, err)
	require.Equal(t, []byte("replaced"), got)

	require.NoError(t, s.Put(ctx, "top-level.bin", nil))
	got, err = s.Get(ctx, "top-level.bin")
	require.NoError(t, err)
	require.Empty(t, got)

	info, err := os.Stat(filepath.Join(s.Dir(), "inq_a", "ver_1", "front.jpg"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	for _, d := range []string{s.Dir(), filepath.Join(s.Dir(), "inq_a"), filepath.Join(s.Dir(), "inq_a", "ver_1")} {
		info, err := os.Stat(d)
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o700), info.Mode().Perm(), d)
	}
	entries, err := os.ReadDir(filepath.Join(s.Dir(), "inq_a", "ver_1"))
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file is left behind")
}

func TestGetMissing(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := mustFS(t)
	require.NoError(t, s.Put(ctx, "inq_a/front.jpg", []byte("x")))
	for _, k := range []string{"nope", "inq_a", "inq_a/back.jpg", "inq_a/front.jpg/deeper"} {
		_, err := s.Get(ctx, k)
		require.Equal(t, vouch.ENOTFOUND, vouch.ErrorCode(err), "key %q: %v", k, err)
	}
}

func TestRejectsBadKeys(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := mustFS(t)
	bad := []string{"", "/etc/passwd", "../escape", "a/../b", "a/..", "..", "a//b", "a/", "./a", "a/./b",
		"sp ace", "semi;colon", "tilde~", "nul\x00", "uni✓", "back\\slash", strings.Repeat("a", blob.MaxKeyLength+1),
		strings.Repeat("a", blob.MaxSegmentLength+1)}
	for _, k := range bad {
		err := s.Put(ctx, k, []byte("x"))
		require.Equal(t, vouch.EINVALID, vouch.ErrorCode(err), "put %q: %v", k, err)
		_, err = s.Get(ctx, k)
		require.Equal(t, vouch.EINVALID, vouch.ErrorCode(err), "get %q: %v", k, err)
	}
	for _, p := range []string{"", "/", "../", "a/../"} {
		err := s.DeletePrefix(ctx, p)
		require.Equal(t, vouch.EINVALID, vouch.ErrorCode(err), "delete %q: %v", p, err)
	}
	long := strings.Repeat("a", blob.MaxSegmentLength) + "/" + strings.Repeat("b", blob.MaxKeyLength-blob.MaxSegmentLength-3) + "/c"
	require.Len(t, long, blob.MaxKeyLength)
	require.NoError(t, s.Put(ctx, long, []byte("x")))
	require.NoError(t, s.Put(ctx, "A-z_0.9/x.y-z", []byte("x")))
}

// TestStaysInsideRoot plants a symbolic link to a folder outside the root:
// following it would let a key read or write outside.
func TestStaysInsideRoot(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := mustFS(t)
	outside := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(outside, "secret"), []byte("secret"), 0o600))
	require.NoError(t, os.Symlink(outside, filepath.Join(s.Dir(), "link")))
	_, err := s.Get(ctx, "link/secret")
	require.Error(t, err)
	require.Error(t, s.Put(ctx, "link/planted", []byte("x")))
	_, err = os.Stat(filepath.Join(outside, "planted"))
	require.ErrorIs(t, err, os.ErrNotExist)
}

func TestDeletePrefix(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := mustFS(t)
	keys := []string{"inq_a/ver_1/front.jpg", "inq_a/ver_1/back.jpg", "inq_a/ver_2/selfie.jpg",
		"inq_a/other.bin", "inq_ab/ver_9/front.jpg", "inq_b/ver_3/front.jpg"}
	for _, k := range keys {
		require.NoError(t, s.Put(ctx, k, []byte(k)))
	}
	// A leftover of an interrupted write inside the deleted folder.
	require.NoError(t, os.WriteFile(filepath.Join(s.Dir(), "inq_a", "ver_1", "~put-dead"), nil, 0o600))

	require.NoError(t, s.DeletePrefix(ctx, "inq_a/ver_"))
	exists := func(k string) bool { _, err := s.Get(ctx, k); return err == nil }
	require.False(t, exists("inq_a/ver_1/front.jpg"))
	require.False(t, exists("inq_a/ver_2/selfie.jpg"))
	require.True(t, exists("inq_a/other.bin"))
	require.True(t, exists("inq_ab/ver_9/front.jpg"))
	_, err := os.Stat(filepath.Join(s.Dir(), "inq_a", "ver_1"))
	require.ErrorIs(t, err, os.ErrNotExist, "empty folders are removed")

	require.NoError(t, s.DeletePrefix(ctx, "inq_a/"))
	require.False(t, exists("inq_a/other.bin"))
	require.True(t, exists("inq_ab/ver_9/front.jpg"))
	_, err = os.Stat(filepath.Join(s.Dir(), "inq_a"))
	require.ErrorIs(t, err, os.ErrNotExist)

	require.NoError(t, s.DeletePrefix(ctx, "inq_missing/"))
	require.NoError(t, s.DeletePrefix(ctx, "inq_"))
	entries, err := os.ReadDir(s.Dir())
	require.NoError(t, err)
	require.Empty(t, entries)
	_, err = os.Stat(s.Dir())
	require.NoError(t, err, "the root itself stays")
}

func TestConcurrentPuts(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := mustFS(t)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			require.NoError(t, s.Put(ctx, "inq_c/same.bin", []byte(strings.Repeat("x", 1000+i))))
		}()
	}
	wg.Wait()
	got, err := s.Get(ctx, "inq_c/same.bin")
	require.NoError(t, err)
	require.Equal(t, strings.Repeat("x", len(got)), string(got), "one complete write wins")
}

func TestCanceledContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	s := mustFS(t)
	require.ErrorIs(t, s.Put(ctx, "a", nil), context.Canceled)
	_, err := s.Get(ctx, "a")
	require.ErrorIs(t, err, context.Canceled)
	require.ErrorIs(t, s.DeletePrefix(ctx, "a"), context.Canceled)
}
