// SPDX-License-Identifier: Apache-2.0

package api

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/sqlite"
	"github.com/vouch-id/vouch/vouchtest"
)

func TestResponseCache(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 11, 26, 0, 0, 0, 0, time.UTC)
	v1, v2 := vouch.DataVersion{Epoch: 1, Seq: 1}, vouch.DataVersion{Epoch: 1, Seq: 2}

	t.Run("KeepsUntilTheVersionMoves", func(t *testing.T) {
		t.Parallel()
		var c responseCache
		_, ok := c.get(v1, "k", now)
		require.False(t, ok)
		c.put(v1, "k", []byte("a"), now)
		body, ok := c.get(v1, "k", now.Add(time.Second))
		require.True(t, ok)
		require.Equal(t, "a", string(body))
		_, ok = c.get(v2, "k", now)
		require.False(t, ok, "a commit came between")
		_, ok = c.get(v1, "k", now)
		require.False(t, ok, "the entries of the old version are gone")
		require.Zero(t, c.bytes)
	})

	t.Run("DropsABodyRenderedBeforeACommit", func(t *testing.T) {
		t.Parallel()
		var c responseCache
		_, _ = c.get(v1, "k", now) // a request reads v1, renders…
		_, _ = c.get(v2, "j", now) // …while another sees the next commit
		c.put(v1, "k", []byte("old"), now)
		_, ok := c.get(v2, "k", now)
		require.False(t, ok)
	})

	t.Run("ExpiresByAge", func(t *testing.T) {
		t.Parallel()
		var c responseCache
		_, _ = c.get(v1, "k", now)
		c.put(v1, "k", []byte("a"), now)
		_, ok := c.get(v1, "k", now.Add(cacheMaxAge))
		require.False(t, ok)
	})

	t.Run("BoundsMemory", func(t *testing.T) {
		t.Parallel()
		var c responseCache
		_, _ = c.get(v1, "", now)
		big := bytes.Repeat([]byte("x"), cacheMaxBytes/32)
		for i := range 100 {
			c.put(v1, string(rune('a'+i)), big, now)
			require.LessOrEqual(t, c.bytes, cacheMaxBytes)
		}
		c.put(v1, "huge", bytes.Repeat([]byte("x"), cacheMaxBytes/8), now)
		_, ok := c.get(v1, "huge", now)
		require.False(t, ok, "one body may not take a large share")
		c.put(v1, string(rune('a'+99)), []byte("small"), now)
		require.LessOrEqual(t, c.bytes, cacheMaxBytes)
	})
}

// TestCachedRoute runs a route behind the cache on a real SQLite store:
// it is called again only after a commit, and its errors and non-200
// replies are never kept.
func TestCachedRoute(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "vouch.db"))
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	keys, err := vouch.NewKeyring(bytes.Repeat([]byte{7}, vouch.KeySize))
	require.NoError(t, err)
	svc := vouch.NewService(st, keys, nil)
	clock := &vouchtest.Clock{}
	h := &handler{svc: svc, now: clock.Now}

	calls := 0
	status := http.StatusOK
	fn := h.cached(func(r *http.Request, c *call) (*reply, error) {
		calls++
		return &reply{status: status, doc: map[string]int{"calls": calls}}, nil
	})
	get := func(env vouch.Environment, uri string) string {
		t.Helper()
		rep, err := fn(httptest.NewRequest("GET", uri, nil), &call{env: env})
		require.NoError(t, err)
		body, ok := rep.doc.(rendered)
		require.True(t, ok)
		return string(body)
	}
	require.JSONEq(t, `{"calls":1}`, get(vouch.Sandbox, "/a"))
	require.JSONEq(t, `{"calls":1}`, get(vouch.Sandbox, "/a"), "served from the cache")
	require.JSONEq(t, `{"calls":2}`, get(vouch.Production, "/a"), "another environment")
	require.JSONEq(t, `{"calls":3}`, get(vouch.Sandbox, "/a?include=x"), "another query")

	_, _, err = svc.CreateAPIKey(ctx, vouch.Sandbox, "a commit")
	require.NoError(t, err)
	require.JSONEq(t, `{"calls":4}`, get(vouch.Sandbox, "/a"), "after a commit")
	require.JSONEq(t, `{"calls":4}`, get(vouch.Sandbox, "/a"))

	clock.Advance(cacheMaxAge)
	require.JSONEq(t, `{"calls":5}`, get(vouch.Sandbox, "/a"), "after the maximum age")

	status = http.StatusAccepted
	rep, err := fn(httptest.NewRequest("GET", "/b", nil), &call{env: vouch.Sandbox})
	require.NoError(t, err)
	require.Equal(t, http.StatusAccepted, rep.status)
	status = http.StatusOK
	require.JSONEq(t, `{"calls":7}`, get(vouch.Sandbox, "/b"), "a non-200 reply is not kept")
}
