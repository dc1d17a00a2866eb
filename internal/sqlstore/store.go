// SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/vouch-id/vouch"
)

// Dialect describes what differs between the engines, so that the queries
// can be written once.
type Dialect struct {
	// Name identifies the engine in error messages ("sqlite", "postgres").
	Name string
	// Rebind turns the queries' ? placeholders into the engine's own; nil
	// leaves them unchanged. RebindDollar suits PostgreSQL.
	Rebind func(query string) string
	// ForUpdate is appended to InquiryGetForUpdate's query: " FOR UPDATE"
	// on PostgreSQL, "" on SQLite, where the single writer connection
	// already serialises read-write transactions.
	ForUpdate string
	// IsUniqueViolation reports whether err is a unique or primary key
	// violation; inserts turn it into ECONFLICT.
	IsUniqueViolation func(err error) bool
	// IsForeignKeyViolation reports whether err is a foreign key violation
	// (a row naming a parent that does not exist); inserts turn it into
	// EINVALID. Nil means the engine never reports one.
	IsForeignKeyViolation func(err error) bool
	// ReadCommitted says that a read-only transaction sees nothing more
	// consistent than separate statements do: under PostgreSQL's default
	// READ COMMITTED each statement takes its own snapshot, in a
	// transaction or not. View then runs its queries on the pool without
	// BEGIN and COMMIT, two round trips fewer. SQLite's read transaction
	// is one snapshot for all its queries, so it keeps it.
	ReadCommitted bool
	// CachesStatements says that the driver keeps each connection's
	// prepared statements itself (the sqlite package's connector does), so
	// the store runs its queries by text instead of through a second
	// cache of *sql.Stmt.
	CachesStatements bool
}

// RebindDollar rewrites ? placeholders as $1, $2, … for PostgreSQL. The
// queries of this package never contain a literal question mark.
func RebindDollar(query string) string {
	var b strings.Builder
	b.Grow(len(query) + 16)
	n := 0
	for i := 0; i < len(query); i++ {
		if query[i] == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(query[i])
	}
	return b.String()
}

// InsertJobFunc enqueues a job inside the given transaction, so that the job
// exists if and only if the transaction commits. cmd/vouch provides one
// backed by River's InsertTx.
type InsertJobFunc func(ctx context.Context, tx *sql.Tx, job vouch.Job, opts vouch.JobOptions) error

// Options are the optional parts of a Store.
type Options struct {
	// InsertJob is what Tx.JobInsert calls. It may also be attached after
	// construction with SetInsertJob, because River needs the store's
	// *sql.DB before it can build an inserter.
	InsertJob InsertJobFunc
	// GroupCommit runs concurrent Update calls in shared transactions, one
	// savepoint each, committed together (see groupCommit). For SQLite's
	// single writer connection; PostgreSQL commits concurrently anyway.
	GroupCommit bool
}

// Store implements vouch.Store on two database/sql pools: read-write
// transactions on the writer, read-only ones on the reader. Both may be the
// same pool (PostgreSQL).
type Store struct {
	writer    *sql.DB
	reader    *sql.DB
	d         Dialect
	insertJob atomic.Pointer[InsertJobFunc]
	// One statement cache per pool: a *sql.Stmt belongs to one *sql.DB.
	writerStmts *stmtCache
	readerStmts *stmtCache
	group       *groupCommit // nil unless Options.GroupCommit
}

// New returns a Store. On SQLite, writer must have exactly one connection
// and begin transactions with BEGIN IMMEDIATE, so that writers queue for the
// lock instead of failing to upgrade a read lock.
func New(writer, reader *sql.DB, d Dialect, opts Options) *Store {
	if d.Rebind == nil {
		d.Rebind = func(q string) string { return q }
	}
	if d.IsUniqueViolation == nil {
		d.IsUniqueViolation = func(error) bool { return false }
	}
	if d.IsForeignKeyViolation == nil {
		d.IsForeignKeyViolation = func(error) bool { return false }
	}
	s := &Store{writer: writer, reader: reader, d: d}
	if !d.CachesStatements {
		s.writerStmts = newStmtCache(writer, d.Rebind)
		s.readerStmts = s.writerStmts
		if reader != writer {
			s.readerStmts = newStmtCache(reader, d.Rebind)
		}
	}
	s.SetInsertJob(opts.InsertJob)
	if opts.GroupCommit {
		s.group = newGroupCommit(s)
	}
	return s
}

// SetInsertJob attaches (or, with nil, detaches) the job inserter used by
// Tx.JobInsert. It is safe to call while the store is in use.
func (s *Store) SetInsertJob(f InsertJobFunc) {
	if f == nil {
		s.insertJob.Store(nil)
		return
	}
	s.insertJob.Store(&f)
}

// Dialect returns the store's dialect.
func (s *Store) Dialect() Dialect { return s.d }

// Update runs fn in a read-write transaction on the writer pool and commits
// if fn returns nil. fn's error is returned unchanged, after a rollback.
// Nothing is retried. Do not call Update from inside fn: on SQLite the one
// writer connection is already taken and the call would wait forever.
func (s *Store) Update(ctx context.Context, fn func(vouch.Tx) error) error {
	if s.group != nil {
		return s.group.update(ctx, fn)
	}
	return s.run(ctx, s.writer, s.writerStmts, nil, fn)
}

// View runs fn in a read-only transaction on the reader pool, or, with
// Dialect.ReadCommitted, with each query on its own on the pool. Writes
// fail.
func (s *Store) View(ctx context.Context, fn func(vouch.Tx) error) error {
	return s.run(ctx, s.reader, s.readerStmts, &sql.TxOptions{ReadOnly: true}, fn)
}

// run is the body of Update and View.
func (s *Store) run(ctx context.Context, db *sql.DB, stmts *stmtCache, opts *sql.TxOptions, fn func(vouch.Tx) error) (err error) {
	if opts != nil && opts.ReadOnly && s.d.ReadCommitted {
		defer stmts.preparePending(context.WithoutCancel(ctx))
		return fn(&Tx{db: db, s: s, stmts: stmts})
	}
	return s.runTx(ctx, db, stmts, opts, fn)
}

// runTx runs fn in a transaction, committed if fn returns nil.
func (s *Store) runTx(ctx context.Context, db *sql.DB, stmts *stmtCache, opts *sql.TxOptions, fn func(vouch.Tx) error) (err error) {
	sqlTx, err := db.BeginTx(ctx, opts)
	if err != nil {
		return fmt.Errorf("%s: begin: %w", s.d.Name, err)
	}
	done := false
	defer func() {
		// Runs after the commit or the rollback below (defers run last in,
		// first out), once the connection is back in the pool.
		stmts.preparePending(context.WithoutCancel(ctx))
	}()
	defer func() {
		if !done {
			if rerr := sqlTx.Rollback(); rerr != nil && !errors.Is(rerr, sql.ErrTxDone) && err != nil {
				err = errors.Join(err, fmt.Errorf("%s: rollback: %w", s.d.Name, rerr))
			}
		}
	}()
	if err := fn(&Tx{tx: sqlTx, s: s, stmts: stmts}); err != nil {
		return err
	}
	done = true
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("%s: commit: %w", s.d.Name, err)
	}
	return nil
}

// Close closes the cached statements and both pools.
func (s *Store) Close() error {
	err := s.writerStmts.close()
	if s.readerStmts != s.writerStmts {
		err = errors.Join(err, s.readerStmts.close())
	}
	err = errors.Join(err, s.writer.Close())
	if s.reader != s.writer {
		err = errors.Join(err, s.reader.Close())
	}
	return err
}
