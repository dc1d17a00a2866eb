// SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

// listDue runs InquiryListDue in a read-only transaction, as the expiry
// sweep does.
func listDue(t *testing.T, s vouch.Store, at time.Time, limit int) ([]vouch.InquiryRef, error) {
	t.Helper()
	var out []vouch.InquiryRef
	err := s.View(context.Background(), func(tx vouch.Tx) error {
		var err error
		out, err = tx.InquiryListDue(context.Background(), at, limit)
		return err
	})
	return out, err
}

// dueInquiry returns an inquiry in env with the given status and
// expires-at (nil for none).
func dueInquiry(env vouch.Environment, status vouch.InquiryStatus, expires *time.Time) *vouch.Inquiry {
	inq := inquiry(env, now().Add(-48*time.Hour))
	inq.Status, inq.ExpiresAt = status, expires
	return inq
}

// ref names inq as InquiryListDue returns it.
func ref(inq *vouch.Inquiry) vouch.InquiryRef {
	return vouch.InquiryRef{ID: inq.ID, Environment: inq.Environment}
}

// testInquiryDue covers InquiryListDue, the expiry sweep's query.
func testInquiryDue(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()

	t.Run("ListsOpenInquiriesPastExpiryOldestFirst", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		at := now()
		past := func(d time.Duration) *time.Time { return ptr(at.Add(-d)) }
		created := dueInquiry(vouch.Sandbox, vouch.InquiryCreated, past(time.Hour))
		pending := dueInquiry(vouch.Production, vouch.InquiryPending, past(2*time.Hour))
		exactly := dueInquiry(vouch.Sandbox, vouch.InquiryPending, ptr(at))
		insertInquiries(t, s, created, pending, exactly,
			// Not due yet.
			dueInquiry(vouch.Sandbox, vouch.InquiryCreated, ptr(at.Add(time.Microsecond))),
			dueInquiry(vouch.Production, vouch.InquiryPending, ptr(at.Add(time.Hour))),
			// No expiry at all.
			dueInquiry(vouch.Sandbox, vouch.InquiryCreated, nil),
		)
		// Closed inquiries keep their expires-at but are never due.
		for _, st := range vouch.InquiryStatuses {
			if !st.Open() {
				insertInquiries(t, s, dueInquiry(vouch.Sandbox, st, past(3*time.Hour)))
			}
		}

		got, err := listDue(t, s, at, 100)
		require.NoError(t, err)
		require.Equal(t, []vouch.InquiryRef{ref(pending), ref(created), ref(exactly)}, got)
	})

	t.Run("LimitTakesTheOldestAndIDBreaksTies", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		at := now()
		var all []*vouch.Inquiry
		for i := range 6 {
			// Pairs share an expires-at; the id orders each pair.
			all = append(all, dueInquiry(vouch.Sandbox, vouch.InquiryCreated, ptr(at.Add(-time.Duration(3-i/2)*time.Minute))))
		}
		insertInquiries(t, s, all...)
		for i := 0; i < len(all); i += 2 {
			if all[i].ID > all[i+1].ID {
				all[i], all[i+1] = all[i+1], all[i]
			}
		}

		got, err := listDue(t, s, at, 3)
		require.NoError(t, err)
		require.Equal(t, []vouch.InquiryRef{ref(all[0]), ref(all[1]), ref(all[2])}, got)
		got, err = listDue(t, s, at, 100)
		require.NoError(t, err)
		require.Len(t, got, 6)
	})

	t.Run("FollowsUpdates", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		at := now()
		inq := dueInquiry(vouch.Sandbox, vouch.InquiryCreated, ptr(at.Add(-time.Minute)))
		insertInquiries(t, s, inq)
		got, err := listDue(t, s, at, 10)
		require.NoError(t, err)
		require.Equal(t, []vouch.InquiryRef{ref(inq)}, got)

		// Expired: no longer open, although expires-at is unchanged.
		inq.Status, inq.ExpiredAt = vouch.InquiryExpired, ptr(at)
		update(t, s, func(tx vouch.Tx) error { return tx.InquiryUpdate(ctx, inq) })
		got, err = listDue(t, s, at, 10)
		require.NoError(t, err)
		require.Empty(t, got)

		// Resumed with a new expiry: due again only once that passes.
		inq.Status, inq.ExpiresAt = vouch.InquiryPending, ptr(at.Add(time.Hour))
		update(t, s, func(tx vouch.Tx) error { return tx.InquiryUpdate(ctx, inq) })
		got, err = listDue(t, s, at, 10)
		require.NoError(t, err)
		require.Empty(t, got)
		got, err = listDue(t, s, at.Add(time.Hour), 10)
		require.NoError(t, err)
		require.Equal(t, []vouch.InquiryRef{ref(inq)}, got)
	})

	t.Run("EmptyStoreAndBadLimit", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		got, err := listDue(t, s, now(), 10)
		require.NoError(t, err)
		require.Empty(t, got)
		_, err = listDue(t, s, now(), 0)
		require.Error(t, err)
	})
}
