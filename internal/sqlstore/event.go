// SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"

	"github.com/vouch-id/vouch"
)

const eventColumns = `id, environment, name, object_type, object_id, inquiry_id, seq, sealed_snapshot, created_at`

// eventRow holds the scan targets of eventColumns, so a query can read
// an event beside other rows.
type eventRow struct {
	e         vouch.Event
	env       string
	createdAt int64
}

func (r *eventRow) dest() []any {
	return []any{&r.e.ID, &r.env, &r.e.Name, &r.e.ObjectType, &r.e.ObjectID, &r.e.InquiryID, &r.e.Seq, &r.e.SealedSnapshot, &r.createdAt}
}

// value returns the event. Snapshot stays nil: only its sealed form is
// stored, and the service opens it.
func (r *eventRow) value() *vouch.Event {
	e := r.e
	e.Environment = vouch.Environment(r.env)
	e.SealedSnapshot = fromBlob(e.SealedSnapshot)
	e.CreatedAt = fromMicros(r.createdAt)
	return &e
}

// scanEvent reads one row of eventColumns.
func scanEvent(sc scanner) (*vouch.Event, error) {
	var r eventRow
	if err := sc.Scan(r.dest()...); err != nil {
		return nil, err
	}
	return r.value(), nil
}

// EventInsert implements vouch.Tx. Snapshot, the plaintext, is never
// written. Two events of one inquiry with the same Seq are ECONFLICT.
//
// An inquiry's event also records its Seq as the inquiry's event_seq, the
// number its next event starts from, so that no change can write an event
// and leave that number behind for the next one to collide with. Seq 1 is
// the inquiry's creation, written before the inquiry's row, whose insert
// records it.
func (t *Tx) EventInsert(ctx context.Context, e *vouch.Event) error {
	if err := checkEnv(e.Environment); err != nil {
		return err
	}
	if err := t.insert(ctx, "Event", e.ID, "INSERT INTO events ("+eventColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
		e.ID, string(e.Environment), e.Name, e.ObjectType, e.ObjectID, e.InquiryID, e.Seq,
		blob(e.SealedSnapshot), micros(e.CreatedAt)); err != nil {
		return err
	}
	if e.InquiryID == "" || e.Seq <= 1 {
		return nil
	}
	if _, err := t.exec(ctx, "UPDATE inquiries SET event_seq = ? WHERE environment = ? AND id = ?",
		e.Seq, string(e.Environment), e.InquiryID); err != nil {
		return t.writeErr(err, "Inquiry", e.InquiryID, "update")
	}
	return nil
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
	// These conditions match the partial indexes of migrations 005 and
	// 006: an engine uses a partial index only when the query states its
	// WHERE. An event is about its inquiry exactly when its object is that
	// inquiry, so an inquiry's id finds its events by inquiry_id.
	inquiry := f.InquiryID
	switch {
	case f.ObjectID != nil && vouch.HasIDPrefix(*f.ObjectID, vouch.PrefixInquiry):
		q.w.add("inquiry_id = ? AND inquiry_id <> '' AND object_id = inquiry_id", *f.ObjectID)
		inquiry = f.ObjectID
	case f.ObjectID != nil:
		q.w.add("object_id = ? AND object_id <> inquiry_id", *f.ObjectID)
	}
	if f.InquiryID != nil {
		q.w.add("inquiry_id = ? AND inquiry_id <> ''", *f.InquiryID)
	}
	// One inquiry's events are in seq order, the order they happened in
	// (created_at follows it, unless the clock stepped back), and that is
	// the order events_inquiry_seq holds them in: sorting by created_at
	// first would make the engines prefer walking the environment's
	// events in time order. seq is unique in an inquiry, so id after it
	// only keeps the order total for a cursor from another inquiry.
	if inquiry != nil {
		q.order = []string{"seq", "id"}
	}
	return list(ctx, t, q, scanEvent)
}
