// SPDX-License-Identifier: Apache-2.0

package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"sync"

	"modernc.org/sqlite"

	"github.com/vouch-id/vouch"
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
// therefore share one read, as group commit shares one fsync: one caller
// (the leader) reads for every caller waiting when its read begins, then
// hands the lead to the first caller that arrived during the read. Every
// caller thus gets a version read after it asked, which is all a version
// promises.
type versionWatch struct {
	db *sql.DB

	mu      sync.Mutex
	waiting []chan versionReply // callers whose read has not begun
	leading bool                // a caller is reading or about to

	// Touched by the leader only.
	conn  *sql.Conn // nil until the first read and after an error
	conns uint64    // connections opened so far
}

// versionReply is a read's result, or the lead handed to a waiting caller.
type versionReply struct {
	v    vouch.DataVersion
	err  error
	lead bool
}

func newVersionWatch(path string) *versionWatch {
	db := sql.OpenDB(&connector{dsn: dsn(path, false), d: &sqlite.Driver{}})
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)
	return &versionWatch{db: db}
}

// DataVersion implements vouch.VersionedStore.
func (s *Store) DataVersion(ctx context.Context) (vouch.DataVersion, error) {
	return s.watch.version(ctx)
}

func (w *versionWatch) version(ctx context.Context) (vouch.DataVersion, error) {
	me := make(chan versionReply, 1)
	w.mu.Lock()
	w.waiting = append(w.waiting, me)
	lead := !w.leading
	w.leading = true
	w.mu.Unlock()
	if !lead {
		if r := <-me; !r.lead {
			return r.v, r.err
		}
	}
	w.mu.Lock()
	batch := w.waiting
	w.waiting = nil
	w.mu.Unlock()
	// Whatever happens to the read, even a panic, the batch gets an answer
	// and the lead passes on: otherwise every later caller would wait
	// forever.
	v, err := vouch.DataVersion{}, errors.New("sqlite: data version: the read did not finish")
	defer func() {
		for _, c := range batch {
			if c != me {
				c <- versionReply{v: v, err: err}
			}
		}
		w.mu.Lock()
		if len(w.waiting) > 0 {
			w.waiting[0] <- versionReply{lead: true}
		} else {
			w.leading = false
		}
		w.mu.Unlock()
	}()
	// The read serves the whole batch: one caller giving up must not fail
	// the others.
	v, err = w.read(context.WithoutCancel(ctx))
	return v, err
}

// read runs the pragma, reconnecting after an error.
func (w *versionWatch) read(ctx context.Context) (vouch.DataVersion, error) {
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
