// SPDX-License-Identifier: Apache-2.0

package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"modernc.org/sqlite"
)

// openCaching opens a one-connection pool of caching connections.
func openCaching(t *testing.T) *sql.DB {
	t.Helper()
	db := sql.OpenDB(&connector{dsn: dsn(filepath.Join(t.TempDir(), "c.db"), true), d: &sqlite.Driver{}})
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	_, err := db.Exec("CREATE TABLE t (v INTEGER)")
	require.NoError(t, err)
	for i := range 5 {
		_, err := db.Exec("INSERT INTO t (v) VALUES (?)", i)
		require.NoError(t, err)
	}
	return db
}

// cached returns how many statements the pool's one connection keeps.
func cached(t *testing.T, db *sql.DB) int {
	t.Helper()
	c, err := db.Conn(context.Background())
	require.NoError(t, err)
	defer c.Close()
	n := -1
	require.NoError(t, c.Raw(func(dc any) error {
		n = len(dc.(*cachingConn).byQuery)
		return nil
	}))
	return n
}

func TestStmtCacheReusesAndNests(t *testing.T) {
	t.Parallel()
	db := openCaching(t)
	const q = "SELECT v FROM t WHERE v >= ? ORDER BY v"
	tx, err := db.Begin()
	require.NoError(t, err)
	rows, err := tx.Query(q, 0)
	require.NoError(t, err)
	var outer, inner []int
	for rows.Next() {
		var v int
		require.NoError(t, rows.Scan(&v))
		outer = append(outer, v)
		// The same text while its cached statement still has open rows:
		// it must run on a statement of its own, not reset the outer one.
		var n int
		require.NoError(t, tx.QueryRow("SELECT count(*) FROM ("+q+")", v).Scan(&n))
		require.NoError(t, tx.QueryRow(q, v).Scan(&n))
		inner = append(inner, n)
	}
	require.NoError(t, rows.Err())
	require.NoError(t, rows.Close())
	require.NoError(t, tx.Commit())
	require.Equal(t, []int{0, 1, 2, 3, 4}, outer)
	require.Equal(t, []int{0, 1, 2, 3, 4}, inner)

	// Run again: the cached statements give the same answers.
	for i := range 3 {
		var v int
		require.NoError(t, db.QueryRow(q, i).Scan(&v))
		require.Equal(t, i, v)
	}
	require.Equal(t, 4, cached(t, db), "CREATE, INSERT, the query and the count")
}

func TestStmtCacheBoundAndSchemaChange(t *testing.T) {
	t.Parallel()
	db := openCaching(t)
	tx, err := db.Begin()
	require.NoError(t, err)
	// An open result of the first query survives its eviction.
	rows, err := tx.Query("SELECT v FROM t ORDER BY v")
	require.NoError(t, err)
	for i := range maxConnStmts + 20 {
		var v int
		require.NoError(t, tx.QueryRow(fmt.Sprintf("SELECT v + %d FROM t WHERE v = 1", i)).Scan(&v))
		require.Equal(t, i+1, v)
	}
	var got []int
	for rows.Next() {
		var v int
		require.NoError(t, rows.Scan(&v))
		got = append(got, v)
	}
	require.NoError(t, rows.Close())
	require.NoError(t, tx.Commit())
	require.Equal(t, []int{0, 1, 2, 3, 4}, got)
	require.LessOrEqual(t, cached(t, db), maxConnStmts)

	// A cached statement follows a change of the table it reads.
	var n int
	row := db.QueryRow("SELECT * FROM t LIMIT 1")
	require.NoError(t, row.Scan(&n))
	_, err = db.Exec("ALTER TABLE t ADD COLUMN w TEXT DEFAULT 'x'")
	require.NoError(t, err)
	var w string
	require.NoError(t, db.QueryRow("SELECT * FROM t LIMIT 1").Scan(&n, &w))
	require.Equal(t, "x", w)
}
