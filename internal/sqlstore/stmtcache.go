// SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"sync"
)

// maxCachedStmts bounds the cache. The package's queries are a fixed set
// plus a few filter combinations of the list queries, far below it; past
// the bound a query is simply prepared each time.
const maxCachedStmts = 512

// stmtCache prepares each query once per pool and keeps it, for a driver
// that does not keep prepared statements itself (Dialect.CachesStatements
// false: the PostgreSQL store). A *sql.Stmt remembers the statement per
// connection, and Tx.StmtContext reuses it inside a transaction. The
// queries are keyed by their text before rebinding. A nil *stmtCache
// caches nothing.
//
// A query seen for the first time runs unprepared and is only noted: it is
// prepared on the pool after the transaction ends. Preparing on the pool
// inside a transaction would wait for a free connection, which a pool with
// a single connection would never have.
type stmtCache struct {
	db      *sql.DB
	rebind  func(string) string
	mu      sync.RWMutex
	m       map[string]*sql.Stmt
	pending map[string]bool
}

func newStmtCache(db *sql.DB, rebind func(string) string) *stmtCache {
	return &stmtCache{db: db, rebind: rebind, m: map[string]*sql.Stmt{}, pending: map[string]bool{}}
}

// stmt returns the cached statement for query bound to tx (or the pool's
// own with a nil tx), or nil when it is not cached yet or c is nil (the
// caller then runs the query directly).
func (c *stmtCache) stmt(ctx context.Context, tx *sql.Tx, query string) *sql.Stmt {
	if c == nil {
		return nil
	}
	c.mu.RLock()
	st, ok := c.m[query]
	c.mu.RUnlock()
	if ok {
		if tx == nil {
			return st
		}
		return tx.StmtContext(ctx, st)
	}
	c.mu.Lock()
	if len(c.m)+len(c.pending) < maxCachedStmts {
		c.pending[query] = true
	}
	c.mu.Unlock()
	return nil
}

// preparePending prepares the queries noted since the last call. Call it
// when no transaction of the caller holds a connection of the pool.
func (c *stmtCache) preparePending(ctx context.Context) {
	if c == nil {
		return
	}
	c.mu.RLock()
	n := len(c.pending)
	c.mu.RUnlock()
	if n == 0 {
		return
	}
	c.mu.Lock()
	queries := make([]string, 0, len(c.pending))
	for q := range c.pending {
		queries = append(queries, q)
		delete(c.pending, q)
	}
	c.mu.Unlock()
	for _, q := range queries {
		// Preparing on the pool checks the SQL once; database/sql then
		// prepares it lazily on each connection that runs it.
		p, err := c.db.PrepareContext(ctx, c.rebind(q))
		if err != nil {
			continue // it keeps running unprepared; the error shows there
		}
		c.mu.Lock()
		_, dup := c.m[q]
		if !dup {
			c.m[q] = p
		}
		c.mu.Unlock()
		if dup {
			// Closed only once the cache is unlocked: Close waits for each
			// connection the statement was prepared on, and the goroutine
			// using that connection may be waiting for the cache itself,
			// directly or through a row lock held by a transaction that is.
			// Under load on PostgreSQL that cycle hung every writer.
			_ = p.Close()
		}
	}
}

// close closes every cached statement.
func (c *stmtCache) close() error {
	if c == nil {
		return nil
	}
	c.mu.Lock()
	stmts := make([]*sql.Stmt, 0, len(c.m))
	for q, st := range c.m {
		stmts = append(stmts, st)
		delete(c.m, q)
	}
	c.mu.Unlock()
	// Closed outside the lock, as in preparePending.
	var err error
	for _, st := range stmts {
		err = errors.Join(err, st.Close())
	}
	return err
}
