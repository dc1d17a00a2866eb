// SPDX-License-Identifier: Apache-2.0

package postgres

import (
	"context"
	"fmt"

	"github.com/vouch-id/vouch/internal/sqlstore"
)

// migrationLock takes a transaction-scoped advisory lock, keyed by the
// current schema, so that servers starting together apply each migration
// once while tests in separate schemas do not wait for one another.
const migrationLock = `SELECT pg_advisory_xact_lock(hashtext('vouch migrate ' || current_schema()))`

// Migrations returns the names of the embedded migrations in order. They
// match the sqlite package's list one for one; a test checks it.
func Migrations() []string {
	ms, err := sqlstore.LoadMigrations(migrationFS, "migration")
	if err != nil {
		panic(err) // the embedded files are fixed at build time; tests catch a bad name
	}
	return sqlstore.MigrationNames(ms)
}

// Migrate applies the pending migrations in one transaction, under the
// advisory lock, and returns the names of those it applied. Open calls it;
// `vouch migrate` may call it explicitly.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	ms, err := sqlstore.LoadMigrations(migrationFS, "migration")
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	applied, err := sqlstore.Migrate(ctx, s.db, Dialect, migrationLock, ms)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	return applied, nil
}
