// SPDX-License-Identifier: Apache-2.0

// Package postgres is the vouch.Store on PostgreSQL, through pgx v5's
// database/sql driver, so that River's riverdatabasesql driver and the
// store share one *sql.Tx type.
//
// Unlike SQLite, PostgreSQL handles concurrent writers itself: one pool
// serves both read-write and read-only transactions, and rows read with
// InquiryGetForUpdate are locked with SELECT … FOR UPDATE. The queries are
// shared with the sqlite package in internal/sqlstore.
package postgres

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver

	"github.com/vouch-id/vouch/internal/sqlstore"
)

//go:embed migration/*.up.sql
var migrationFS embed.FS

// SQLSTATE codes of the constraint violations the store maps to domain
// errors.
const (
	uniqueViolation     = "23505"
	foreignKeyViolation = "23503"
)

// Dialect is PostgreSQL's sqlstore dialect.
var Dialect = sqlstore.Dialect{
	Name:                  "postgres",
	Rebind:                sqlstore.RebindDollar,
	ForUpdate:             " FOR UPDATE",
	ReadCommitted:         true,
	IsUniqueViolation:     func(err error) bool { return hasCode(err, uniqueViolation) },
	IsForeignKeyViolation: func(err error) bool { return hasCode(err, foreignKeyViolation) },
}

// hasCode reports whether err is a PostgreSQL error with SQLSTATE code.
func hasCode(err error, code string) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && e.Code == code
}

// Store is the PostgreSQL vouch.Store. Its methods come from the embedded
// *sqlstore.Store, including SetInsertJob for the job queue.
type Store struct {
	*sqlstore.Store
	db *sql.DB
}

// Open connects to the database at dsn (a postgres:// URL or key=value
// string that pgx accepts), checks the connection and applies pending
// migrations. Objects are created in the first schema of the connection's
// search_path, so a DSN with search_path set isolates a deployment or a
// test.
func Open(ctx context.Context, dsn string) (*Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("postgres: open: %w", err)
	}
	// Keep as many idle connections as may be open: a pool that closes
	// connections after each burst pays a new server process, a TLS
	// handshake and every prepared statement again on the next one.
	// Idle ones are closed after five minutes.
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(20)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("postgres: connect: %w", err)
	}
	s := &Store{Store: sqlstore.New(db, db, Dialect, sqlstore.Options{}), db: db}
	if _, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// DB returns the connection pool. The River driver uses it, so that jobs
// are inserted in the store's own transactions.
func (s *Store) DB() *sql.DB { return s.db }
