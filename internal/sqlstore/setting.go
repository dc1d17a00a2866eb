// SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"errors"
	"fmt"
)

// SettingGet implements vouch.Tx: ENOTFOUND when the key was never set.
func (t *Tx) SettingGet(ctx context.Context, key string) (string, error) {
	var v string
	if err := t.queryRow(ctx, "SELECT value FROM settings WHERE key = ?", key).Scan(&v); err != nil {
		return "", t.getErr(err, "Setting", key)
	}
	return v, nil
}

// SettingSet implements vouch.Tx, inserting or replacing the value. The
// upsert syntax is the same on SQLite and PostgreSQL.
func (t *Tx) SettingSet(ctx context.Context, key, value string) error {
	_, err := t.exec(ctx, "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", key, value)
	if errors.Is(err, errInvalidText) {
		return invalidText("The setting")
	} else if err != nil {
		return fmt.Errorf("%s: set setting %s: %w", t.s.d.Name, clip(key), err)
	}
	return nil
}
