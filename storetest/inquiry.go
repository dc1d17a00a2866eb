// SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

// testInquiry covers the inquiry round trip, lookups and updates.
func testInquiry(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()

	t.Run("RoundTripsEveryField", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		inq := fullInquiry(vouch.Sandbox)
		insertInquiries(t, s, inq)

		want := *inq
		want.Fields = nil // plaintext is never stored
		got, err := get(t, s, func(tx vouch.Tx) (*vouch.Inquiry, error) { return tx.InquiryGetByID(ctx, vouch.Sandbox, inq.ID) })
		require.NoError(t, err)
		require.Equal(t, &want, got)
		require.Equal(t, time.UTC, got.CreatedAt.Location())

		update(t, s, func(tx vouch.Tx) error {
			got, err := tx.InquiryGetForUpdate(ctx, vouch.Sandbox, inq.ID)
			require.NoError(t, err)
			require.Equal(t, &want, got)
			return nil
		})
	})

	t.Run("RoundTripsUnsetOptionals", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		inq := inquiry(vouch.Production, now())
		insertInquiries(t, s, inq)
		got, err := get(t, s, func(tx vouch.Tx) (*vouch.Inquiry, error) { return tx.InquiryGetByID(ctx, vouch.Production, inq.ID) })
		require.NoError(t, err)
		require.Equal(t, inq, got)
		require.Nil(t, got.Tags)
		require.Nil(t, got.StartedAt)
		require.Nil(t, got.WrappedKey)
	})

	t.Run("KeepsEmptyTagsEmpty", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		inq := inquiry(vouch.Sandbox, now())
		inq.Tags = []string{}
		insertInquiries(t, s, inq)
		got, err := get(t, s, func(tx vouch.Tx) (*vouch.Inquiry, error) { return tx.InquiryGetByID(ctx, vouch.Sandbox, inq.ID) })
		require.NoError(t, err)
		require.NotNil(t, got.Tags)
		require.Empty(t, got.Tags)
	})

	t.Run("NotFound", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		inq := inquiry(vouch.Sandbox, now())
		insertInquiries(t, s, inq)
		view(t, s, func(tx vouch.Tx) error {
			_, err := tx.InquiryGetByID(ctx, vouch.Sandbox, "inq_missing")
			requireCode(t, err, vouch.ENOTFOUND)
			require.Contains(t, vouch.ErrorMessage(err), "inq_missing")
			_, err = tx.InquiryGetByID(ctx, vouch.Production, inq.ID)
			requireCode(t, err, vouch.ENOTFOUND)
			_, err = tx.InquiryGetByID(ctx, "", inq.ID)
			requireCode(t, err, vouch.ENOTFOUND)
			return nil
		})
		update(t, s, func(tx vouch.Tx) error {
			_, err := tx.InquiryGetForUpdate(ctx, vouch.Production, inq.ID)
			requireCode(t, err, vouch.ENOTFOUND)
			return nil
		})
	})

	t.Run("RejectsDuplicateID", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		inq := inquiry(vouch.Sandbox, now())
		insertInquiries(t, s, inq)
		err := s.Update(ctx, func(tx vouch.Tx) error {
			dup := *inq
			dup.Environment = vouch.Production
			return tx.InquiryInsert(ctx, &dup)
		})
		requireCode(t, err, vouch.ECONFLICT)
	})

	t.Run("RejectsInvalidEnvironment", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		err := s.Update(ctx, func(tx vouch.Tx) error { return tx.InquiryInsert(ctx, inquiry("staging", now())) })
		requireCode(t, err, vouch.EINVALID)
	})

	t.Run("RejectsBadTextCleanly", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		for _, bad := range []string{"inq_\x00", "inq_\xff\xfe", "inq_" + strings.Repeat("x", 5000)} {
			_, err := get(t, s, func(tx vouch.Tx) (*vouch.Inquiry, error) { return tx.InquiryGetByID(ctx, vouch.Sandbox, bad) })
			requireCode(t, err, vouch.ENOTFOUND)
		}
		inq := inquiry(vouch.Sandbox, now())
		inq.Note = "nul \x00 byte"
		err := s.Update(ctx, func(tx vouch.Tx) error { return tx.InquiryInsert(ctx, inq) })
		requireCode(t, err, vouch.EINVALID)
		_, _, err = listInquiries(t, s, vouch.InquiryFilter{Environment: vouch.Sandbox, ReferenceID: ptr("\xff")})
		requireCode(t, err, vouch.EINVALID)
	})

	t.Run("UpdatesEveryMutableField", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		inq := inquiry(vouch.Sandbox, now())
		insertInquiries(t, s, inq)

		changed := fullInquiry(vouch.Sandbox)
		changed.ID, changed.CreatedAt = inq.ID, inq.CreatedAt
		update(t, s, func(tx vouch.Tx) error { return tx.InquiryUpdate(ctx, changed) })
		want := *changed
		want.Fields = nil
		got, err := get(t, s, func(tx vouch.Tx) (*vouch.Inquiry, error) { return tx.InquiryGetByID(ctx, vouch.Sandbox, inq.ID) })
		require.NoError(t, err)
		require.Equal(t, &want, got)

		// And back to unset optionals (redaction clears the sealed columns).
		update(t, s, func(tx vouch.Tx) error { return tx.InquiryUpdate(ctx, inq) })
		got, err = get(t, s, func(tx vouch.Tx) (*vouch.Inquiry, error) { return tx.InquiryGetByID(ctx, vouch.Sandbox, inq.ID) })
		require.NoError(t, err)
		require.Equal(t, inq, got)
	})

	t.Run("UpdateNotFound", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		inq := inquiry(vouch.Sandbox, now())
		err := s.Update(ctx, func(tx vouch.Tx) error { return tx.InquiryUpdate(ctx, inq) })
		requireCode(t, err, vouch.ENOTFOUND)

		insertInquiries(t, s, inq)
		other := *inq
		other.Environment = vouch.Production
		err = s.Update(ctx, func(tx vouch.Tx) error { return tx.InquiryUpdate(ctx, &other) })
		requireCode(t, err, vouch.ENOTFOUND)
	})
}
