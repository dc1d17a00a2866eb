// SPDX-License-Identifier: Apache-2.0

package sqlite

import (
	"context"
	"fmt"

	"github.com/vouch-id/vouch/internal/sqlstore"
)

// Migrations returns the names of the embedded migrations in order. They
// match the postgres package's list one for one; a test checks it.
func Migrations() []string {
	ms, err := sqlstore.LoadMigrations(migrationFS, "migration")
	if err != nil {
		panic(err) // the embedded files are fixed at build time; tests catch a bad name
	}
	return sqlstore.MigrationNames(ms)
}

// Migrate applies the pending migrations in one transaction on the writer
// and returns the names of those it applied. Open calls it; `vouch migrate`
// may call it explicitly. BEGIN IMMEDIATE on the writer keeps two
// processes from migrating at once.
func (s *Store) Migrate(ctx context.Context) ([]string, error) {
	ms, err := sqlstore.LoadMigrations(migrationFS, "migration")
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	applied, err := sqlstore.Migrate(ctx, s.writer, Dialect, "", ms)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	return applied, nil
}
