// SPDX-License-Identifier: Apache-2.0

package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"

	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
)

// The dialects New and Migrate accept. They match the scheme cmd/vouch
// reads from the database URL.
const (
	DialectSQLite   = "sqlite"
	DialectPostgres = "postgres"
)

// newDriver returns River's driver for the dialect. Both drivers work on
// database/sql, which is what lets the store hand River its own *sql.Tx.
func newDriver(db *sql.DB, dialect string) (riverdriver.Driver[*sql.Tx], error) {
	if db == nil {
		return nil, fmt.Errorf("jobs: nil database handle")
	}
	switch dialect {
	case DialectSQLite:
		return riversqlite.New(db), nil
	case DialectPostgres:
		return riverdatabasesql.New(db), nil
	default:
		return nil, fmt.Errorf("jobs: unknown dialect %q (want %q or %q)", dialect, DialectSQLite, DialectPostgres)
	}
}

// Migrate brings River's own tables (river_job, river_leader, …) up to
// date in db. It is idempotent: applied versions are recorded in River's
// river_migration table and skipped. cmd/vouch runs it on start and from
// `vouch migrate`, with the same *sql.DB it passes to New (see the package
// doc). On PostgreSQL the tables go in the schema of the pool's
// search_path.
func Migrate(ctx context.Context, db *sql.DB, dialect string) error {
	return migrate(ctx, db, dialect, nil)
}

// migrate is Migrate with an optional logger for River's migration output;
// nil discards it, since a successful run has nothing to say.
func migrate(ctx context.Context, db *sql.DB, dialect string, logger *slog.Logger) error {
	driver, err := newDriver(db, dialect)
	if err != nil {
		return err
	}
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	m, err := rivermigrate.New(driver, &rivermigrate.Config{Logger: logger})
	if err != nil {
		return fmt.Errorf("jobs: migrator: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate %s: %w", dialect, err)
	}
	return nil
}
