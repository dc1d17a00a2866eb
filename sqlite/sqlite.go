// SPDX-License-Identifier: Apache-2.0

// Package sqlite is the vouch.Store on SQLite, through the pure-Go
// modernc.org/sqlite driver, so the binary builds with CGO_ENABLED=0 and a
// single-file deployment needs no database server.
//
// Writes go through one connection that begins every transaction with
// BEGIN IMMEDIATE: writers queue for the database lock instead of failing
// with SQLITE_BUSY when two deferred transactions both try to upgrade a
// read lock. Reads go through a separate pool of read-only connections and,
// thanks to WAL mode, never wait for the writer.
//
// The queries themselves are shared with the postgres package in
// internal/sqlstore.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/vouch-id/vouch/internal/sqlstore"
)

//go:embed migration/*.up.sql
var migrationFS embed.FS

// Dialect is SQLite's sqlstore dialect. There is no FOR UPDATE: the single
// writer connection already serialises read-write transactions.
var Dialect = sqlstore.Dialect{
	Name: "sqlite",
	IsUniqueViolation: func(err error) bool {
		return hasCode(err, sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY)
	},
	IsForeignKeyViolation: func(err error) bool { return hasCode(err, sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY) },
	// Open's connector keeps each connection's statements (stmtcache.go).
	CachesStatements: true,
}

// hasCode reports whether err is a SQLite error with one of the extended
// result codes.
func hasCode(err error, codes ...int) bool {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return false
	}
	for _, c := range codes {
		if e.Code() == c {
			return true
		}
	}
	return false
}

// Store is the SQLite vouch.Store. Its methods come from the embedded
// *sqlstore.Store, including SetInsertJob for the job queue.
type Store struct {
	*sqlstore.Store
	path   string
	writer *sql.DB
	reader *sql.DB
	wal    *walIndex // nil until migrated
}

// Open opens (creating if needed) the database file at path and applies
// pending migrations. Every connection gets, in this order:
// busy_timeout(10000) so a locked database is waited for rather than
// reported; WAL journaling so readers and the writer do not block each
// other; synchronous(FULL) so a committed transaction survives power loss
// (NORMAL may lose the last commits, which we do not accept for identity
// decisions); foreign key enforcement; and temporary storage in memory.
func Open(ctx context.Context, path string) (*Store, error) {
	return open(ctx, path, nil)
}

// open is Open, with observe (when not nil) seeing every statement the
// writer and the readers run.
func open(ctx context.Context, path string, observe func(query string)) (*Store, error) {
	if path == "" || strings.ContainsAny(path, "?#") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("sqlite: invalid database path %q", path)
	}
	writer := sql.OpenDB(&connector{dsn: dsn(path, true), d: &sqlite.Driver{}, observe: observe})
	// One writer connection: SQLite allows one writer at a time anyway, and
	// queuing in database/sql is cheaper and fairer than busy-waiting.
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxLifetime(0)
	writer.SetConnMaxIdleTime(0)
	if err := writer.PingContext(ctx); err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	reader := sql.OpenDB(&connector{dsn: dsn(path, false), d: &sqlite.Driver{}, observe: observe})
	n := max(4, runtime.NumCPU())
	reader.SetMaxOpenConns(n)
	reader.SetMaxIdleConns(n)
	s := &Store{
		Store:  sqlstore.New(writer, reader, Dialect, sqlstore.Options{GroupCommit: true}),
		path:   path,
		writer: writer,
		reader: reader,
	}
	if _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	wal, err := openWALIndex(ctx, path)
	if err != nil {
		s.Close()
		return nil, err
	}
	s.wal = wal
	return s, nil
}

// dsn builds the modernc DSN for path. The writer begins transactions with
// BEGIN IMMEDIATE (_txlock, honoured by modernc for non-read-only
// transactions); reader connections are query_only, so a write attempted
// through View fails instead of silently succeeding.
func dsn(path string, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(ON)")
	// The writer runs each grouped Update in a savepoint, whose
	// statement journal would otherwise spill to a temporary file.
	q.Add("_pragma", "temp_store(MEMORY)")
	if writer {
		q.Set("_txlock", "immediate")
	} else {
		q.Set("_query_only", "1")
	}
	return path + "?" + q.Encode()
}

// Close closes the store's connections.
func (s *Store) Close() error {
	err := s.Store.Close()
	if s.wal != nil {
		err = errors.Join(err, s.wal.close())
	}
	return err
}

// WriterDB returns the single-connection writer pool. The River driver uses
// it, so that jobs are inserted in the store's own transactions.
func (s *Store) WriterDB() *sql.DB { return s.writer }

// ReaderDB returns the read-only pool, for diagnostics and tests.
func (s *Store) ReaderDB() *sql.DB { return s.reader }

// Path returns the database file's path.
func (s *Store) Path() string { return s.path }

// IntegrityCheck runs PRAGMA integrity_check and returns an error unless
// SQLite reports the file intact.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	rows, err := s.reader.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("sqlite: integrity check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("sqlite: integrity check: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: integrity check: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("sqlite: integrity check failed: %s", strings.Join(problems, "; "))
	}
	return nil
}
