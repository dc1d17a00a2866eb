// SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

// event returns an event about inq with sequence number seq.
func event(inq *vouch.Inquiry, name string, seq int64, created time.Time) *vouch.Event {
	return &vouch.Event{
		ID: vouch.NewID(vouch.PrefixEvent), Environment: inq.Environment, Name: name,
		ObjectType: vouch.ObjectInquiry, ObjectID: inq.ID, InquiryID: inq.ID, Seq: seq,
		SealedSnapshot: []byte("sealed snapshot"), CreatedAt: created,
	}
}

// listEvents runs EventList in a read-only transaction.
func listEvents(t *testing.T, s vouch.Store, f vouch.EventFilter) ([]string, bool) {
	t.Helper()
	var (
		ids  []string
		more bool
	)
	view(t, s, func(tx vouch.Tx) error {
		evs, m, err := tx.EventList(context.Background(), f)
		for _, e := range evs {
			ids = append(ids, e.ID)
		}
		more = m
		return err
	})
	return ids, more
}

// testEvent covers events: the snapshot stays sealed, sequences are unique
// per inquiry, and the list filters work.
func testEvent(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()

	t.Run("RoundTripWithoutPlaintext", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		inq := inquiry(vouch.Sandbox, now())
		e := event(inq, vouch.EventInquiryCreated, 1, now())
		e.Snapshot = json.RawMessage(`{"inquiry":{"name":"secret"}}`)
		update(t, s, func(tx vouch.Tx) error { return tx.EventInsert(ctx, e) })
		got, err := get(t, s, func(tx vouch.Tx) (*vouch.Event, error) { return tx.EventGetByID(ctx, vouch.Sandbox, e.ID) })
		require.NoError(t, err)
		want := *e
		want.Snapshot = nil
		require.Equal(t, &want, got)
		_, err = get(t, s, func(tx vouch.Tx) (*vouch.Event, error) { return tx.EventGetByID(ctx, vouch.Production, e.ID) })
		requireCode(t, err, vouch.ENOTFOUND)
	})

	t.Run("SeqUniquePerInquiry", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		inq, other := inquiry(vouch.Sandbox, now()), inquiry(vouch.Sandbox, now())
		update(t, s, func(tx vouch.Tx) error {
			require.NoError(t, tx.EventInsert(ctx, event(inq, vouch.EventInquiryCreated, 1, now())))
			require.NoError(t, tx.EventInsert(ctx, event(other, vouch.EventInquiryCreated, 1, now())))
			// Events outside any inquiry all have inquiry id "" and seq 0.
			for range 2 {
				a := &vouch.Event{ID: vouch.NewID(vouch.PrefixEvent), Environment: vouch.Sandbox, Name: vouch.EventAccountCreated,
					ObjectType: vouch.ObjectAccount, ObjectID: vouch.NewID(vouch.PrefixAccount), CreatedAt: now()}
				require.NoError(t, tx.EventInsert(ctx, a))
			}
			return nil
		})
		err := s.Update(ctx, func(tx vouch.Tx) error { return tx.EventInsert(ctx, event(inq, vouch.EventInquiryStarted, 1, now())) })
		requireCode(t, err, vouch.ECONFLICT)
	})

	t.Run("InquiryKeepsItsLastSeq", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		inq := inquiry(vouch.Sandbox, now())
		inq.EventSeq = 1
		insertInquiries(t, s, inq)
		// A change that writes an event and does not save its inquiry
		// still leaves the inquiry's number where its next event starts.
		update(t, s, func(tx vouch.Tx) error {
			require.NoError(t, tx.EventInsert(ctx, event(inq, vouch.EventSessionStarted, 2, now())))
			return tx.EventInsert(ctx, event(inq, vouch.EventSessionExpired, 3, now()))
		})
		got, err := get(t, s, func(tx vouch.Tx) (*vouch.Inquiry, error) { return tx.InquiryGetByID(ctx, vouch.Sandbox, inq.ID) })
		require.NoError(t, err)
		require.Equal(t, int64(3), got.EventSeq)
		// The creation's event is written before the inquiry's row.
		fresh := inquiry(vouch.Sandbox, now())
		update(t, s, func(tx vouch.Tx) error {
			return tx.EventInsert(ctx, event(fresh, vouch.EventInquiryCreated, 1, now()))
		})
	})

	t.Run("List", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		base := now()
		inq, other := inquiry(vouch.Sandbox, base), inquiry(vouch.Sandbox, base)
		e1 := event(inq, vouch.EventInquiryCreated, 1, base)
		e2 := event(other, vouch.EventInquiryCreated, 1, base.Add(time.Second))
		e3 := event(inq, vouch.EventInquiryStarted, 2, base.Add(2*time.Second))
		e4 := event(inq, vouch.EventVerificationPassed, 3, base.Add(3*time.Second))
		e4.ObjectType, e4.ObjectID = vouch.ObjectVerification, vouch.NewID(vouch.PrefixVerification)
		prod := event(inquiry(vouch.Production, base), vouch.EventInquiryCreated, 1, base)
		acct := &vouch.Event{ID: vouch.NewID(vouch.PrefixEvent), Environment: vouch.Sandbox, Name: vouch.EventAccountCreated,
			ObjectType: vouch.ObjectAccount, ObjectID: vouch.NewID(vouch.PrefixAccount), CreatedAt: base.Add(-time.Second)}
		update(t, s, func(tx vouch.Tx) error {
			for _, e := range []*vouch.Event{e1, e2, e3, e4, prod, acct} {
				require.NoError(t, tx.EventInsert(ctx, e))
			}
			return nil
		})
		f := func(f vouch.EventFilter) vouch.EventFilter { f.Environment = vouch.Sandbox; return f }
		ids, more := listEvents(t, s, f(vouch.EventFilter{}))
		require.Equal(t, []string{e4.ID, e3.ID, e2.ID, e1.ID, acct.ID}, ids)
		require.False(t, more)
		ids, _ = listEvents(t, s, f(vouch.EventFilter{Names: []string{vouch.EventInquiryCreated}}))
		require.Equal(t, []string{e2.ID, e1.ID}, ids)
		ids, _ = listEvents(t, s, f(vouch.EventFilter{Names: []string{vouch.EventInquiryCreated, vouch.EventInquiryStarted}}))
		require.Equal(t, []string{e3.ID, e2.ID, e1.ID}, ids)
		ids, _ = listEvents(t, s, f(vouch.EventFilter{ObjectID: ptr(inq.ID)}))
		require.Equal(t, []string{e3.ID, e1.ID}, ids)
		ids, _ = listEvents(t, s, f(vouch.EventFilter{ObjectID: ptr(e4.ObjectID)}))
		require.Equal(t, []string{e4.ID}, ids, "an object of an inquiry")
		ids, _ = listEvents(t, s, f(vouch.EventFilter{ObjectID: ptr(acct.ObjectID)}))
		require.Equal(t, []string{acct.ID}, ids, "an object outside any inquiry")
		ids, _ = listEvents(t, s, f(vouch.EventFilter{ObjectID: ptr(inq.ID), InquiryID: ptr(inq.ID)}))
		require.Equal(t, []string{e3.ID, e1.ID}, ids)
		ids, _ = listEvents(t, s, f(vouch.EventFilter{InquiryID: ptr(inq.ID)}))
		require.Equal(t, []string{e4.ID, e3.ID, e1.ID}, ids)
		ids, more = listEvents(t, s, f(vouch.EventFilter{InquiryID: ptr(inq.ID), Limit: 1, After: e4.ID}))
		require.Equal(t, []string{e3.ID}, ids)
		require.True(t, more)
		ids, more = listEvents(t, s, f(vouch.EventFilter{Limit: 2, Before: e1.ID}))
		require.Equal(t, []string{e3.ID, e2.ID}, ids)
		require.True(t, more)
	})

	// Events written in one transaction share a time; the inquiry's
	// sequence numbers still order them, whatever their random ids.
	t.Run("SameTimeOrdersBySeq", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		at := now()
		inq := inquiry(vouch.Sandbox, at)
		var want []string
		update(t, s, func(tx vouch.Tx) error {
			for seq := int64(1); seq <= 12; seq++ {
				e := event(inq, vouch.EventInquiryStarted, seq, at)
				want = append([]string{e.ID}, want...)
				require.NoError(t, tx.EventInsert(ctx, e))
			}
			return nil
		})
		f := vouch.EventFilter{Environment: vouch.Sandbox, InquiryID: ptr(inq.ID), Limit: 5}
		page1, more := listEvents(t, s, f)
		require.True(t, more)
		require.Equal(t, want[:5], page1)
		f.After = page1[4]
		page2, more := listEvents(t, s, f)
		require.True(t, more)
		require.Equal(t, want[5:10], page2)
		f.After, f.Before = "", page2[0]
		back, more := listEvents(t, s, f)
		require.False(t, more)
		require.Equal(t, page1, back)
	})
}
