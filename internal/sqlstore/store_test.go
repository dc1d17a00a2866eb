// SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestRebindDollar(t *testing.T) {
	t.Parallel()
	require.Equal(t, "SELECT a FROM t WHERE b = $1 AND (c, d) < ($2, $3) LIMIT $4",
		RebindDollar("SELECT a FROM t WHERE b = ? AND (c, d) < (?, ?) LIMIT ?"))
	require.Equal(t, "SELECT 1", RebindDollar("SELECT 1"))
}

func TestWhere(t *testing.T) {
	t.Parallel()
	var w where
	require.Empty(t, w.String())
	w.in("status", nil)
	require.Empty(t, w.String())
	w.add("a = ?", 1)
	w.in("status", []string{"x", "y"})
	require.Equal(t, " WHERE a = ? AND status IN (?, ?)", w.String())
	require.Equal(t, []any{1, "x", "y"}, w.args)
}

func TestClampLimit(t *testing.T) {
	t.Parallel()
	for in, want := range map[int]int{-1: 10, 0: 10, 1: 1, 50: 50, 100: 100, 101: 100} {
		require.Equal(t, want, clampLimit(in), "limit %d", in)
	}
}

func TestCheckText(t *testing.T) {
	t.Parallel()
	require.NoError(t, checkText([]any{"ok", 1, []byte{0}, "é"}))
	require.ErrorIs(t, checkText([]any{"a\x00b"}), errInvalidText)
	require.ErrorIs(t, checkText([]any{"\xff"}), errInvalidText)
}
