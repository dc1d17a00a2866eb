// SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/vouch-id/vouch"
)

const webhookColumns = `id, environment, url, enabled_events, status, disabled_reason, failing_since,
	sealed_secret, sealed_previous_secret, previous_secret_expires_at, sealed_headers, created_at, updated_at`

// webhookRow holds the scan targets of webhookColumns, so a query can
// read an endpoint beside other rows.
type webhookRow struct {
	w                    vouch.WebhookEndpoint
	env, events, status  string
	failing, prevExpires sql.NullInt64
	createdAt, updatedAt int64
}

func (r *webhookRow) dest() []any {
	return []any{&r.w.ID, &r.env, &r.w.URL, &r.events, &r.status, &r.w.DisabledReason, &r.failing,
		&r.w.SealedSecret, &r.w.SealedPreviousSecret, &r.prevExpires, &r.w.SealedHeaders, &r.createdAt, &r.updatedAt}
}

// value returns the endpoint. The clear secrets and headers stay empty:
// only their sealed forms are stored.
func (r *webhookRow) value() (*vouch.WebhookEndpoint, error) {
	w := r.w
	w.Environment, w.Status = vouch.Environment(r.env), vouch.WebhookStatus(r.status)
	if err := fromJSON(r.events, &w.EnabledEvents, "enabled_events"); err != nil {
		return nil, err
	}
	w.FailingSince, w.PreviousSecretExpiresAt = fromNullMicros(r.failing), fromNullMicros(r.prevExpires)
	w.SealedSecret, w.SealedPreviousSecret = fromBlob(w.SealedSecret), fromBlob(w.SealedPreviousSecret)
	w.SealedHeaders = fromBlob(w.SealedHeaders)
	w.CreatedAt, w.UpdatedAt = fromMicros(r.createdAt), fromMicros(r.updatedAt)
	return &w, nil
}

// scanWebhook reads one row of webhookColumns.
func scanWebhook(sc scanner) (*vouch.WebhookEndpoint, error) {
	var r webhookRow
	if err := sc.Scan(r.dest()...); err != nil {
		return nil, err
	}
	return r.value()
}

// WebhookInsert implements vouch.Tx.
func (t *Tx) WebhookInsert(ctx context.Context, w *vouch.WebhookEndpoint) error {
	if err := checkEnv(w.Environment); err != nil {
		return err
	}
	events, err := jsonText(w.EnabledEvents)
	if err != nil {
		return fmt.Errorf("webhook events: %w", err)
	}
	t.cache.wroteWebhooks()
	return t.insert(ctx, "Webhook", w.ID, "INSERT INTO webhooks ("+webhookColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		w.ID, string(w.Environment), w.URL, events, string(w.Status), w.DisabledReason, nullMicros(w.FailingSince),
		blob(w.SealedSecret), blob(w.SealedPreviousSecret), nullMicros(w.PreviousSecretExpiresAt), blob(w.SealedHeaders),
		micros(w.CreatedAt), micros(w.UpdatedAt))
}

// WebhookGetByID implements vouch.Tx.
func (t *Tx) WebhookGetByID(ctx context.Context, env vouch.Environment, id string) (*vouch.WebhookEndpoint, error) {
	return t.webhookGet(ctx, env, id, "")
}

// WebhookGetForUpdate implements vouch.Tx: the row stays locked on
// PostgreSQL; SQLite's single writer already serialises writers.
func (t *Tx) WebhookGetForUpdate(ctx context.Context, env vouch.Environment, id string) (*vouch.WebhookEndpoint, error) {
	return t.webhookGet(ctx, env, id, t.s.d.ForUpdate)
}

func (t *Tx) webhookGet(ctx context.Context, env vouch.Environment, id, suffix string) (*vouch.WebhookEndpoint, error) {
	row := t.queryRow(ctx, "SELECT "+webhookColumns+" FROM webhooks WHERE environment = ? AND id = ?"+suffix, string(env), id)
	w, err := scanWebhook(row)
	if err != nil {
		return nil, t.getErr(err, "Webhook", id)
	}
	return w, nil
}

// WebhookUpdate implements vouch.Tx.
func (t *Tx) WebhookUpdate(ctx context.Context, w *vouch.WebhookEndpoint) error {
	events, err := jsonText(w.EnabledEvents)
	if err != nil {
		return fmt.Errorf("webhook events: %w", err)
	}
	t.cache.wroteWebhooks()
	return t.update(ctx, "Webhook", w.ID, `UPDATE webhooks SET url = ?, enabled_events = ?, status = ?,
		disabled_reason = ?, failing_since = ?, sealed_secret = ?, sealed_previous_secret = ?,
		previous_secret_expires_at = ?, sealed_headers = ?, updated_at = ? WHERE environment = ? AND id = ?`,
		w.URL, events, string(w.Status), w.DisabledReason, nullMicros(w.FailingSince), blob(w.SealedSecret),
		blob(w.SealedPreviousSecret), nullMicros(w.PreviousSecretExpiresAt), blob(w.SealedHeaders),
		micros(w.UpdatedAt), string(w.Environment), w.ID)
}

// WebhookList implements vouch.Tx: newest first.
func (t *Tx) WebhookList(ctx context.Context, f vouch.WebhookFilter) ([]*vouch.WebhookEndpoint, bool, error) {
	q := listQuery{noun: "Webhook", table: "webhooks", columns: webhookColumns,
		env: f.Environment, after: f.After, before: f.Before, limit: f.Limit}
	return list(ctx, t, q, scanWebhook)
}

// WebhookListEnabled implements vouch.Tx, on the webhooks_enabled index.
func (t *Tx) WebhookListEnabled(ctx context.Context, env vouch.Environment) ([]*vouch.WebhookEndpoint, error) {
	if list, ok := t.cache.enabledWebhooks(env); ok {
		return list, nil
	}
	list, err := all(ctx, t, "webhooks", "SELECT "+webhookColumns+
		" FROM webhooks WHERE environment = ? AND status = 'enabled' ORDER BY created_at, id",
		[]any{string(env)}, scanWebhook)
	if err == nil {
		t.cache.putEnabledWebhooks(env, list)
	}
	return list, err
}
