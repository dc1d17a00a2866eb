// SPDX-License-Identifier: Apache-2.0

package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"

	"modernc.org/sqlite"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/internal/sqlstore"
)

// versionWatch reads PRAGMA data_version on one connection of its own.
//
// SQLite changes a connection's data_version whenever a transaction of any
// other connection commits, in this process (the writer, River) or in
// another one (a `vouch templates apply` beside the server). The value is
// only comparable with earlier values of the same connection, so the
// connection is pinned, and replacing it (after an error) starts a new
// DataVersion.Conn: no version read before can equal one read after.
//
// The pragma opens a read transaction, which takes the WAL index's shared
// lock with fcntl system calls: about 10 µs, the largest single cost of
// a cached API response in Vouch's own code. Callers that arrive together
// therefore share one read through a sqlstore.Batcher, as group commit
// shares one fsync: each caller gets a version read after it asked, which
// is all a version promises.
type versionWatch struct {
	db    *sql.DB
	reads *sqlstore.Batcher[*versionCall]

	// Touched by the running batch only.
	conn  *sql.Conn // nil until the first read and after an error
	conns uint64    // connections opened so far
}

// versionCall is one caller waiting for a version.
type versionCall struct {
	v    vouch.DataVersion
	err  error         // set, with v, before done is closed
	done chan struct{} // closed once the read is done
}

func newVersionWatch(path string) *versionWatch {
	db := sql.OpenDB(&connector{dsn: dsn(path, false), d: &sqlite.Driver{}})
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	w := &versionWatch{db: db}
	w.reads = sqlstore.NewBatcher(0, w.readFor)
	return w
}

// DataVersion implements vouch.VersionedStore. The read serves every caller of its batch, so no caller's context
// cancels it; it takes a few microseconds.
func (s *Store) DataVersion(context.Context) (vouch.DataVersion, error) {
	c := &versionCall{done: make(chan struct{})}
	s.watch.reads.Do(c, c.done)
	return c.v, c.err
}

// readFor reads the version once for the whole batch. Whatever happens to
// the read, even a panic, every caller gets an answer: otherwise it would
// wait forever.
func (w *versionWatch) readFor(batch []*versionCall) {
	v, err := vouch.DataVersion{}, errors.New("sqlite: data version: the read did not finish")
	defer func() {
		for _, c := range batch {
			c.v, c.err = v, err
			close(c.done)
		}
	}()
	v, err = w.read()
}

// read runs the pragma, reconnecting after an error.
func (w *versionWatch) read() (vouch.DataVersion, error) {
	ctx := context.Background()
	if w.conn == nil {
		c, err := w.db.Conn(ctx)
		if err != nil {
			return vouch.DataVersion{}, fmt.Errorf("sqlite: data version: %w", err)
		}
		w.conn = c
		w.conns++
	}
	// Straight to the driver: database/sql's rows cost a third of the read.
	var seq int64
	err := w.conn.Raw(func(dc any) error {
		q, ok := dc.(driver.QueryerContext)
		if !ok {
			return errors.New("the driver connection cannot query")
		}
		rows, err := q.QueryContext(ctx, "PRAGMA data_version", nil)
		if err != nil {
			return err
		}
		defer rows.Close()
		dest := make([]driver.Value, 1)
		if err := rows.Next(dest); err != nil {
			return err
		}
		n, ok := dest[0].(int64)
		if !ok {
			return fmt.Errorf("data_version is a %T", dest[0])
		}
		seq = n
		return nil
	})
	if err != nil {
		_ = w.conn.Close()
		w.conn = nil
		return vouch.DataVersion{}, fmt.Errorf("sqlite: data version: %w", err)
	}
	return vouch.DataVersion{Conn: w.conns, Seq: seq}, nil
}

// close releases the watch connection. No caller may be reading.
func (w *versionWatch) close() error {
	if w.conn != nil {
		_ = w.conn.Close()
		w.conn = nil
	}
	return w.db.Close()
}
