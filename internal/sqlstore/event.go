// SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"

	"github.com/vouch-id/vouch"
)

const eventColumns = `id, environment, name, object_type, object_id, inquiry_id, seq, sealed_snapshot, created_at`

// scanEvent reads one row of eventColumns. Snapshot stays nil: only its
// sealed form is stored, and the service opens it.
func scanEvent(sc scanner) (*vouch.Event, error) {
	var (
		e         vouch.Event
		env       string
		createdAt int64
	)
	if err := sc.Scan(&e.ID, &env, &e.Name, &e.ObjectType, &e.ObjectID, &e.InquiryID, &e.Seq, &e.SealedSnapshot, &createdAt); err != nil {
		return nil, err
	}
	e.Environment = vouch.Environment(env)
	e.SealedSnapshot = fromBlob(e.SealedSnapshot)
	e.CreatedAt = fromMicros(createdAt)
	return &e, nil
}

// EventInsert implements vouch.Tx. Snapshot, the plaintext, is never
// written. Two events of one inquiry with the same Seq are ECONFLICT.
func (t *Tx) EventInsert(ctx context.Context, e *vouch.Event) error {
	if err := checkEnv(e.Environment); err != nil {
		return err
	}
	return t.insert(ctx, "Event", e.ID, "INSERT INTO events ("+eventColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		e.ID, string(e.Environment), e.Name, e.ObjectType, e.ObjectID, e.InquiryID, e.Seq,
		blob(e.SealedSnapshot), micros(e.CreatedAt))
}

// EventGetByID implements vouch.Tx.
func (t *Tx) EventGetByID(ctx context.Context, env vouch.Environment, id string) (*vouch.Event, error) {
	row := t.queryRow(ctx, "SELECT "+eventColumns+" FROM events WHERE environment = ? AND id = ?", string(env), id)
	e, err := scanEvent(row)
	if err != nil {
		return nil, t.getErr(err, "Event", id)
	}
	return e, nil
}

// EventList implements vouch.Tx: newest first by created_at, then seq, then
// id.
func (t *Tx) EventList(ctx context.Context, f vouch.EventFilter) ([]*vouch.Event, bool, error) {
	// Events written in one transaction share created_at; seq keeps an
	// inquiry's events in the order they happened.
	q := listQuery{noun: "Event", table: "events", columns: eventColumns,
		env: f.Environment, after: f.After, before: f.Before, limit: f.Limit,
		order: []string{"created_at", "seq", "id"}}
	q.w.in("name", f.Names)
	if f.ObjectID != nil {
		q.w.add("object_id = ?", *f.ObjectID)
	}
	if f.InquiryID != nil {
		q.w.add("inquiry_id = ?", *f.InquiryID)
	}
	return list(ctx, t, q, scanEvent)
}
