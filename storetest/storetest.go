// SPDX-License-Identifier: Apache-2.0

// Package storetest is the conformance suite of vouch.Store. The sqlite and
// postgres packages run it unchanged, which is what lets the rest of Vouch
// treat the two engines as one: any behaviour the service relies on is
// written down here as a test.
package storetest

import (
	"context"
	"database/sql"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/internal/sqlstore"
)

// NewStoreFunc returns a fresh, empty, migrated store for one test and
// arranges for it to be closed when the test ends.
type NewStoreFunc func(t *testing.T) vouch.Store

// Run runs the whole suite against stores made by newStore. Each subtest
// gets its own store, so they run in parallel without seeing each other.
func Run(t *testing.T, newStore func(t *testing.T) vouch.Store) {
	groups := []struct {
		name string
		fn   func(*testing.T, NewStoreFunc)
	}{
		{"Inquiry", testInquiry},
		{"InquiryList", testInquiryList},
		{"InquiryDue", testInquiryDue},
		{"Template", testTemplate},
		{"Account", testAccount},
		{"Session", testSession},
		{"Verification", testVerification},
		{"Event", testEvent},
		{"Webhook", testWebhook},
		{"APIKey", testAPIKey},
		{"Idempotency", testIdempotency},
		{"Setting", testSetting},
		{"Tx", testTx},
		{"Reread", testReread},
	}
	for _, g := range groups {
		t.Run(g.name, func(t *testing.T) {
			t.Parallel()
			g.fn(t, newStore)
		})
	}
}

// jobSink is implemented by stores built on internal/sqlstore; the suite
// uses it to attach a recording job inserter.
type jobSink interface {
	SetInsertJob(f sqlstore.InsertJobFunc)
}

// now returns the current time as the store returns it: UTC, truncated to
// the microsecond.
func now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }

// ptr returns a pointer to v.
func ptr[T any](v T) *T { return &v }

// update runs fn in a read-write transaction and fails the test on error.
func update(t *testing.T, s vouch.Store, fn func(vouch.Tx) error) {
	t.Helper()
	require.NoError(t, s.Update(context.Background(), fn))
}

// view runs fn in a read-only transaction and fails the test on error.
func view(t *testing.T, s vouch.Store, fn func(vouch.Tx) error) {
	t.Helper()
	require.NoError(t, s.View(context.Background(), fn))
}

// requireCode checks that err is a *vouch.Error with the given code.
func requireCode(t *testing.T, err error, code string) {
	t.Helper()
	require.Error(t, err)
	require.Equal(t, code, vouch.ErrorCode(err), "error: %v", err)
}

// get reads one object in a read-only transaction.
func get[T any](t *testing.T, s vouch.Store, fn func(vouch.Tx) (T, error)) (T, error) {
	t.Helper()
	var out T
	err := s.View(context.Background(), func(tx vouch.Tx) error {
		var err error
		out, err = fn(tx)
		return err
	})
	return out, err
}

// inquiry returns a minimal valid inquiry in env created at created.
func inquiry(env vouch.Environment, created time.Time) *vouch.Inquiry {
	return &vouch.Inquiry{
		ID:          vouch.NewID(vouch.PrefixInquiry),
		Environment: env,
		Status:      vouch.InquiryCreated,
		TemplateID:  vouch.NewID(vouch.PrefixTemplate),
		CreatedAt:   created,
		UpdatedAt:   created,
	}
}

// fullInquiry returns an inquiry with every member set, including the
// plaintext Fields that the store must not keep.
func fullInquiry(env vouch.Environment) *vouch.Inquiry {
	t0 := now()
	at := func(d time.Duration) *time.Time { return ptr(t0.Add(d)) }
	return &vouch.Inquiry{
		ID:                vouch.NewID(vouch.PrefixInquiry),
		Environment:       env,
		Status:            vouch.InquiryApproved,
		TemplateID:        vouch.NewID(vouch.PrefixTemplate),
		TemplateVersionID: vouch.NewID(vouch.PrefixTemplateVersion),
		AccountID:         vouch.NewID(vouch.PrefixAccount),
		ReferenceID:       "user-42",
		Note:              "a note with unicode: é ✓",
		Tags:              []string{"vip", "manual"},
		RedirectURI:       "https://example.com/done",
		Fields:            vouch.Fields{"name-first": {Type: vouch.FieldString, Value: "Alex"}},
		ReviewerComment:   "looks fine",
		CurrentStep:       "selfie",
		PreviousStep:      "government_id",
		ExpireAfterCreate: 24 * time.Hour,
		ExpireAfterStart:  2*time.Hour + time.Nanosecond,
		ExpireAfterResume: 90 * time.Minute,
		EventSeq:          7,
		CreatedAt:         t0,
		UpdatedAt:         t0.Add(8 * time.Second),
		StartedAt:         at(time.Second),
		ExpiresAt:         at(24 * time.Hour),
		CompletedAt:       at(2 * time.Second),
		FailedAt:          at(3 * time.Second),
		MarkedForReviewAt: at(4 * time.Second),
		DecisionedAt:      at(5 * time.Second),
		ExpiredAt:         at(6 * time.Second),
		RedactedAt:        at(7 * time.Second),
		WrappedKey:        []byte{0, 1, 2, 0xff, 0},
		SealedFields:      []byte("sealed\x00fields"),
	}
}

// insertInquiries inserts the inquiries in one transaction.
func insertInquiries(t *testing.T, s vouch.Store, inqs ...*vouch.Inquiry) {
	t.Helper()
	update(t, s, func(tx vouch.Tx) error {
		for _, inq := range inqs {
			if err := tx.InquiryInsert(context.Background(), inq); err != nil {
				return fmt.Errorf("insert %s: %w", inq.ID, err)
			}
		}
		return nil
	})
}

// listOfManyInquiries checks a store's list of the rows of several
// inquiries at once (sessions, verifications): the rows of the inquiries
// asked for, oldest first, none of another inquiry, and nothing for no
// inquiry. newRow makes a row of an inquiry at a time; key picks what of
// a row must match (the whole row, or its id where other fields are not
// kept as given).
func listOfManyInquiries[T any](t *testing.T, newStore NewStoreFunc,
	newRow func(*vouch.Inquiry, time.Time) T,
	insert func(vouch.Tx, context.Context, T) error,
	list func(vouch.Tx, context.Context, vouch.Environment, ...string) ([]T, error),
	key func(T) any,
) {
	t.Helper()
	ctx := context.Background()
	s := newStore(t)
	a, b, other := inquiry(vouch.Sandbox, now()), inquiry(vouch.Sandbox, now()), inquiry(vouch.Sandbox, now())
	insertInquiries(t, s, a, b, other)
	base := now()
	ra, rb, ro := newRow(a, base.Add(time.Second)), newRow(b, base), newRow(other, base)
	update(t, s, func(tx vouch.Tx) error {
		for _, r := range []T{ra, rb, ro} {
			require.NoError(t, insert(tx, ctx, r))
		}
		return nil
	})
	keys := func(inquiryIDs ...string) []any {
		rows, err := get(t, s, func(tx vouch.Tx) ([]T, error) { return list(tx, ctx, vouch.Sandbox, inquiryIDs...) })
		require.NoError(t, err)
		out := []any{}
		for _, r := range rows {
			out = append(out, key(r))
		}
		return out
	}
	require.Equal(t, []any{key(rb), key(ra)}, keys(a.ID, b.ID))
	require.Empty(t, keys())
}

// recordingSink returns a job inserter that counts its calls and proves it
// shares the store's transaction by writing a setting through it.
func recordingSink(calls *atomic.Int64) sqlstore.InsertJobFunc {
	return func(ctx context.Context, tx *sql.Tx, job vouch.Job, _ vouch.JobOptions) error {
		calls.Add(1)
		_, err := tx.ExecContext(ctx, "INSERT INTO settings (key, value) VALUES ('job:"+job.Kind()+"', 'queued')")
		return err
	}
}
