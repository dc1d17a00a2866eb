// SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"
	"time"

	"github.com/vouch-id/vouch"
)

const deliveryColumns = `id, environment, webhook_id, event_id, event_name, status, attempts,
	last_status_code, last_error, created_at, first_attempted_at, last_attempted_at, completed_at`

// deliveryRow holds the scan targets of deliveryColumns, so a query can
// read a delivery beside other rows.
type deliveryRow struct {
	d                       vouch.WebhookDelivery
	env, status             string
	createdAt               int64
	first, last, completion sql.NullInt64
}

func (r *deliveryRow) dest() []any {
	return []any{&r.d.ID, &r.env, &r.d.WebhookID, &r.d.EventID, &r.d.EventName, &r.status, &r.d.Attempts,
		&r.d.LastStatusCode, &r.d.LastError, &r.createdAt, &r.first, &r.last, &r.completion}
}

func (r *deliveryRow) value() *vouch.WebhookDelivery {
	d := r.d
	d.Environment, d.Status = vouch.Environment(r.env), vouch.DeliveryStatus(r.status)
	d.CreatedAt = fromMicros(r.createdAt)
	d.FirstAttemptedAt, d.LastAttemptedAt, d.CompletedAt = fromNullMicros(r.first), fromNullMicros(r.last), fromNullMicros(r.completion)
	return &d
}

// scanDelivery reads one row of deliveryColumns.
func scanDelivery(sc scanner) (*vouch.WebhookDelivery, error) {
	var r deliveryRow
	if err := sc.Scan(r.dest()...); err != nil {
		return nil, err
	}
	return r.value(), nil
}

// WebhookDeliveryInsert implements vouch.Tx. The endpoint must exist.
func (t *Tx) WebhookDeliveryInsert(ctx context.Context, d *vouch.WebhookDelivery) error {
	if err := checkEnv(d.Environment); err != nil {
		return err
	}
	return t.insert(ctx, "Webhook delivery", d.ID, "INSERT INTO webhook_deliveries ("+deliveryColumns+
		") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		d.ID, string(d.Environment), d.WebhookID, d.EventID, d.EventName, string(d.Status), d.Attempts,
		d.LastStatusCode, d.LastError, micros(d.CreatedAt), nullMicros(d.FirstAttemptedAt),
		nullMicros(d.LastAttemptedAt), nullMicros(d.CompletedAt))
}

// recordsQuery reads a delivery, its endpoint, its event and the wrapped
// key of the event's inquiry, if any, joined on primary keys.
var recordsQuery = "SELECT " + qualify("d", deliveryColumns) + ", " + qualify("w", webhookColumns) + ", " +
	qualify("e", eventColumns) + `, i.wrapped_key
	FROM webhook_deliveries d
	JOIN webhooks w ON w.environment = d.environment AND w.id = d.webhook_id
	JOIN events e ON e.environment = d.environment AND e.id = d.event_id
	LEFT JOIN inquiries i ON i.environment = e.environment AND i.id = e.inquiry_id
	WHERE d.environment = ? AND d.id = ?`

// WebhookDeliveryGetRecords implements vouch.Tx.
func (t *Tx) WebhookDeliveryGetRecords(ctx context.Context, env vouch.Environment, id string) (*vouch.DeliveryRecords, error) {
	var (
		d   deliveryRow
		w   webhookRow
		e   eventRow
		key []byte
	)
	dest := append(append(append(d.dest(), w.dest()...), e.dest()...), &key)
	if err := t.queryRow(ctx, recordsQuery, string(env), id).Scan(dest...); err != nil {
		return nil, t.getErr(err, "Webhook delivery", id)
	}
	r := &vouch.DeliveryRecords{Delivery: d.value(), Event: e.value(), InquiryKey: fromBlob(key)}
	var err error
	if r.Endpoint, err = w.value(); err != nil {
		return nil, err
	}
	return r, nil
}

// WebhookDeliveryGetForUpdate implements vouch.Tx.
func (t *Tx) WebhookDeliveryGetForUpdate(ctx context.Context, env vouch.Environment, id string) (*vouch.WebhookDelivery, error) {
	row := t.queryRow(ctx, "SELECT "+deliveryColumns+" FROM webhook_deliveries WHERE environment = ? AND id = ?"+t.s.d.ForUpdate, string(env), id)
	d, err := scanDelivery(row)
	if err != nil {
		return nil, t.getErr(err, "Webhook delivery", id)
	}
	return d, nil
}

// WebhookDeliveryUpdate implements vouch.Tx.
func (t *Tx) WebhookDeliveryUpdate(ctx context.Context, d *vouch.WebhookDelivery) error {
	return t.update(ctx, "Webhook delivery", d.ID, `UPDATE webhook_deliveries SET status = ?, attempts = ?,
		last_status_code = ?, last_error = ?, first_attempted_at = ?, last_attempted_at = ?, completed_at = ?
		WHERE environment = ? AND id = ?`,
		string(d.Status), d.Attempts, d.LastStatusCode, d.LastError, nullMicros(d.FirstAttemptedAt),
		nullMicros(d.LastAttemptedAt), nullMicros(d.CompletedAt), string(d.Environment), d.ID)
}

// WebhookDeliveryList implements vouch.Tx: one endpoint's deliveries,
// newest first.
func (t *Tx) WebhookDeliveryList(ctx context.Context, f vouch.WebhookDeliveryFilter) ([]*vouch.WebhookDelivery, bool, error) {
	q := listQuery{noun: "Webhook delivery", table: "webhook_deliveries", columns: deliveryColumns,
		env: f.Environment, after: f.After, before: f.Before, limit: f.Limit}
	q.w.add("webhook_id = ?", f.WebhookID)
	if f.Status != nil {
		q.w.add("status = ?", string(*f.Status))
	}
	if f.CreatedSince != nil {
		q.w.add("created_at >= ?", micros(*f.CreatedSince))
	}
	return list(ctx, t, q, scanDelivery)
}

const attemptColumns = `delivery_id, number, environment, webhook_id, attempted_at, status_code, latency, error`

// scanAttempt reads one row of attemptColumns.
func scanAttempt(sc scanner) (*vouch.WebhookAttempt, error) {
	var (
		a                  vouch.WebhookAttempt
		env                string
		attemptedAt, nanos int64
	)
	if err := sc.Scan(&a.DeliveryID, &a.Number, &env, &a.WebhookID, &attemptedAt, &a.StatusCode, &nanos, &a.Error); err != nil {
		return nil, err
	}
	a.Environment, a.AttemptedAt = vouch.Environment(env), fromMicros(attemptedAt)
	a.Latency = time.Duration(nanos)
	return &a, nil
}

// WebhookAttemptInsert implements vouch.Tx.
func (t *Tx) WebhookAttemptInsert(ctx context.Context, a *vouch.WebhookAttempt) error {
	if err := checkEnv(a.Environment); err != nil {
		return err
	}
	return t.insert(ctx, "Webhook attempt", a.DeliveryID, "INSERT INTO webhook_attempts ("+attemptColumns+
		") VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
		a.DeliveryID, a.Number, string(a.Environment), a.WebhookID, micros(a.AttemptedAt), a.StatusCode,
		int64(a.Latency), a.Error)
}

// WebhookAttemptList implements vouch.Tx: oldest first.
func (t *Tx) WebhookAttemptList(ctx context.Context, env vouch.Environment, deliveryID string) ([]*vouch.WebhookAttempt, error) {
	return all(ctx, t, "webhook_attempts", "SELECT "+attemptColumns+
		" FROM webhook_attempts WHERE environment = ? AND delivery_id = ? ORDER BY number",
		[]any{string(env), deliveryID}, scanAttempt)
}
