// SPDX-License-Identifier: Apache-2.0

package sqlite

import (
	"container/list"
	"context"
	"database/sql/driver"
	"errors"

	"modernc.org/sqlite"
)

// maxConnStmts bounds the statements each connection keeps. The store's and
// the job queue's queries are a few dozen texts; lists with a variable
// number of placeholders add some more, and the least recently used ones
// are closed past the bound.
const maxConnStmts = 256

// connector opens modernc connections that keep their prepared statements
// by SQL text. Neither database/sql nor the modernc driver does that for a
// query run without an explicit Prepare, so every such query was parsed and
// planned again: the job queue's SQLite driver runs all its queries that
// way, and parsing was about half the cost of its job insert and of its
// job completion.
type connector struct {
	dsn string
	d   *sqlite.Driver
	// observe, when set, sees the text of every statement run through
	// the cache; tests use it to check the plans of the store's queries.
	observe func(query string)
}

// Connect implements driver.Connector.
func (c *connector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.d.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &cachingConn{conn: conn, byQuery: map[string]*list.Element{}, lru: list.New(), observe: c.observe}, nil
}

// Driver implements driver.Connector.
func (c *connector) Driver() driver.Driver { return c.d }

// inner is the part of modernc's connection the wrapper uses.
type inner interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// cachingConn is one connection with its statement cache. database/sql
// uses a connection from one goroutine at a time, so the cache needs no
// lock; a statement whose rows are still open is busy, and the same query
// run meanwhile gets a statement of its own.
type cachingConn struct {
	conn    driver.Conn
	byQuery map[string]*list.Element // of *cachedStmt
	lru     *list.List               // front: most recently used
	observe func(query string)       // see connector
}

type cachedStmt struct {
	query  string
	stmt   driver.Stmt
	busy   bool // rows open
	closed bool // evicted while busy: close when the rows are
}

func (c *cachingConn) in() inner { return c.conn.(inner) }

// get returns the cached statement for query, preparing it when missing,
// or nil when it is busy.
func (c *cachingConn) get(ctx context.Context, query string) (*cachedStmt, error) {
	if c.observe != nil {
		c.observe(query)
	}
	if e, ok := c.byQuery[query]; ok {
		c.lru.MoveToFront(e)
		cs := e.Value.(*cachedStmt)
		if cs.busy {
			return nil, nil
		}
		return cs, nil
	}
	st, err := c.in().PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	cs := &cachedStmt{query: query, stmt: st}
	c.byQuery[query] = c.lru.PushFront(cs)
	for c.lru.Len() > maxConnStmts {
		old := c.lru.Back()
		c.lru.Remove(old)
		ocs := old.Value.(*cachedStmt)
		delete(c.byQuery, ocs.query)
		if ocs.busy {
			ocs.closed = true
		} else {
			_ = ocs.stmt.Close()
		}
	}
	return cs, nil
}

// ExecContext implements driver.ExecerContext.
func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, err := c.get(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.in().ExecContext(ctx, query, args)
	}
	return cs.stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

// QueryContext implements driver.QueryerContext.
func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, err := c.get(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.in().QueryContext(ctx, query, args)
	}
	rows, err := cs.stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	cs.busy = true
	return &cachedRows{Rows: rows, cs: cs}, nil
}

// cachedRows frees its statement for the next query when closed.
type cachedRows struct {
	driver.Rows
	cs *cachedStmt
}

// Close implements driver.Rows.
func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	if r.cs != nil {
		r.cs.busy = false
		if r.cs.closed {
			err = errors.Join(err, r.cs.stmt.Close())
		}
		r.cs = nil
	}
	return err
}

// Close implements driver.Conn: the statements first, then the connection.
func (c *cachingConn) Close() error {
	var err error
	for e := c.lru.Front(); e != nil; e = e.Next() {
		err = errors.Join(err, e.Value.(*cachedStmt).stmt.Close())
	}
	c.lru.Init()
	clear(c.byQuery)
	return errors.Join(err, c.conn.Close())
}

// Prepare implements driver.Conn. Explicitly prepared statements belong to
// their caller (database/sql's *sql.Stmt), not to the cache.
func (c *cachingConn) Prepare(query string) (driver.Stmt, error) { return c.conn.Prepare(query) }

// PrepareContext implements driver.ConnPrepareContext.
func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.in().PrepareContext(ctx, query)
}

// Begin implements driver.Conn.
func (c *cachingConn) Begin() (driver.Tx, error) {
	return c.in().BeginTx(context.Background(), driver.TxOptions{})
}

// BeginTx implements driver.ConnBeginTx.
func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	return c.in().BeginTx(ctx, opts)
}

// Ping implements driver.Pinger.
func (c *cachingConn) Ping(ctx context.Context) error { return c.in().Ping(ctx) }

// ResetSession implements driver.SessionResetter.
func (c *cachingConn) ResetSession(ctx context.Context) error { return c.in().ResetSession(ctx) }

// IsValid implements driver.Validator.
func (c *cachingConn) IsValid() bool { return c.in().IsValid() }
