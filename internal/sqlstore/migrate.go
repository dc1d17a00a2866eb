// SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"time"
)

// Migration is one forward-only schema change, read from a file named
// NNN_snake_name.up.sql. Both engines ship the same numbers and names.
type Migration struct {
	Name string // "001_init": the file name without ".up.sql"
	SQL  string
}

var migrationName = regexp.MustCompile(`^[0-9]{3}_[a-z0-9_]+\.up\.sql$`)

// LoadMigrations reads the migrations in dir of fsys, sorted by number. A
// file that does not follow the naming rule, or a number used twice, is an
// error: a typo must not silently skip a migration.
func LoadMigrations(fsys fs.FS, dir string) ([]Migration, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []Migration
	seen := map[string]string{}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		if !migrationName.MatchString(e.Name()) {
			return nil, fmt.Errorf("migration file %q is not named NNN_snake_name.up.sql", e.Name())
		}
		num := e.Name()[:3]
		if prev, ok := seen[num]; ok {
			return nil, fmt.Errorf("migrations %q and %q share number %s", prev, e.Name(), num)
		}
		seen[num] = e.Name()
		b, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", e.Name(), err)
		}
		out = append(out, Migration{Name: strings.TrimSuffix(e.Name(), ".up.sql"), SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, nil
}

// MigrationNames returns the names of ms in order.
func MigrationNames(ms []Migration) []string {
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Name
	}
	return names
}

// Migrate applies, in one transaction on db, the migrations not yet
// recorded in the schema_migrations table, and returns their names. lock,
// when not empty, is run first inside the transaction so that concurrent
// starts apply each migration once (PostgreSQL takes an advisory lock;
// SQLite's BEGIN IMMEDIATE already excludes other writers). Either every
// pending migration is applied or none is.
func Migrate(ctx context.Context, db *sql.DB, d Dialect, lock string, ms []Migration) (applied []string, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("migrate: begin: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback() // the migration error is the one worth reporting
		}
	}()
	if lock != "" {
		if _, err := tx.ExecContext(ctx, lock); err != nil {
			return nil, fmt.Errorf("migrate: lock: %w", err)
		}
	}
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	record := "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)"
	if d.Rebind != nil {
		record = d.Rebind(record)
	}
	done := map[string]bool{}
	rows, err := tx.QueryContext(ctx, "SELECT name FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("migrate: read schema_migrations: %w", err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return nil, fmt.Errorf("migrate: read schema_migrations: %w", err)
		}
		done[name] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("migrate: read schema_migrations: %w", err)
	}
	for _, m := range ms {
		if done[m.Name] {
			continue
		}
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return nil, fmt.Errorf("migrate: apply %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, record,
			m.Name, time.Now().UnixMicro()); err != nil {
			return nil, fmt.Errorf("migrate: record %s: %w", m.Name, err)
		}
		applied = append(applied, m.Name)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("migrate: commit: %w", err)
	}
	return applied, nil
}
