// SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

// verification returns an initiated verification of inq.
func verification(inq *vouch.Inquiry, created time.Time) *vouch.Verification {
	return &vouch.Verification{
		ID: vouch.NewID(vouch.PrefixVerification), Environment: inq.Environment, InquiryID: inq.ID,
		Type: vouch.VerificationGovernmentID, Status: vouch.VerificationInitiated, Attempt: 1, CreatedAt: created,
	}
}

// testVerification covers verifications, including their JSON members.
func testVerification(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()

	t.Run("RoundTripUpdateList", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		inq := inquiry(vouch.Sandbox, now())
		insertInquiries(t, s, inq)
		base := now()
		v1, v2 := verification(inq, base), verification(inq, base.Add(time.Second))
		v2.Type = vouch.VerificationSelfie
		v2.Data = map[string]any{"name-first": "Alex"} // plaintext: never stored
		update(t, s, func(tx vouch.Tx) error {
			require.NoError(t, tx.VerificationInsert(ctx, v2))
			return tx.VerificationInsert(ctx, v1)
		})
		got, err := get(t, s, func(tx vouch.Tx) (*vouch.Verification, error) {
			return tx.VerificationGetByID(ctx, vouch.Sandbox, v2.ID)
		})
		require.NoError(t, err)
		want := *v2
		want.Data = nil
		require.Equal(t, &want, got)

		v1.Status, v1.Attempt, v1.CountryCode = vouch.VerificationPassed, 2, "US"
		v1.Checks = []vouch.Check{
			{Name: "id_expired_detection", Status: vouch.CheckPassed, Reasons: []string{}, Requirement: vouch.RequirementRequired,
				Metadata: map[string]any{"score": 0.5, "nested": map[string]any{"ok": true}, "list": []any{"a"}}},
			{Name: "id_barcode_detection", Status: vouch.CheckNotApplicable, Reasons: []string{"no_barcode"}, Requirement: vouch.RequirementNotRequired},
		}
		v1.SealedData, v1.Blobs = []byte{9, 0, 9}, []string{"inq/ver/front.jpg", "inq/ver/back.jpg"}
		v1.SubmittedAt, v1.CompletedAt, v1.RedactedAt = ptr(base.Add(time.Minute)), ptr(base.Add(2*time.Minute)), ptr(base.Add(3*time.Minute))
		update(t, s, func(tx vouch.Tx) error { return tx.VerificationUpdate(ctx, v1) })
		got, err = get(t, s, func(tx vouch.Tx) (*vouch.Verification, error) {
			return tx.VerificationGetByID(ctx, vouch.Sandbox, v1.ID)
		})
		require.NoError(t, err)
		require.Equal(t, v1, got)

		list, err := get(t, s, func(tx vouch.Tx) ([]*vouch.Verification, error) {
			return tx.VerificationListByInquiry(ctx, vouch.Sandbox, inq.ID)
		})
		require.NoError(t, err)
		require.Equal(t, []string{v1.ID, v2.ID}, []string{list[0].ID, list[1].ID})
		require.Len(t, list, 2)
		list, err = get(t, s, func(tx vouch.Tx) ([]*vouch.Verification, error) {
			return tx.VerificationListByInquiry(ctx, vouch.Production, inq.ID)
		})
		require.NoError(t, err)
		require.Empty(t, list)
	})

	t.Run("ListOfManyInquiries", func(t *testing.T) {
		t.Parallel()
		listOfManyInquiries(t, newStore, verification, vouch.Tx.VerificationInsert, vouch.Tx.VerificationListByInquiry,
			func(v *vouch.Verification) any { return v.ID })
	})

	t.Run("Errors", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		inq := inquiry(vouch.Sandbox, now())
		insertInquiries(t, s, inq)
		v := verification(inq, now())
		update(t, s, func(tx vouch.Tx) error { return tx.VerificationInsert(ctx, v) })
		_, err := get(t, s, func(tx vouch.Tx) (*vouch.Verification, error) {
			return tx.VerificationGetByID(ctx, vouch.Production, v.ID)
		})
		requireCode(t, err, vouch.ENOTFOUND)
		err = s.Update(ctx, func(tx vouch.Tx) error { return tx.VerificationInsert(ctx, v) })
		requireCode(t, err, vouch.ECONFLICT)
		orphan := verification(&vouch.Inquiry{ID: "inq_missing", Environment: vouch.Sandbox}, now())
		err = s.Update(ctx, func(tx vouch.Tx) error { return tx.VerificationInsert(ctx, orphan) })
		requireCode(t, err, vouch.EINVALID)
		err = s.Update(ctx, func(tx vouch.Tx) error { return tx.VerificationUpdate(ctx, orphan) })
		requireCode(t, err, vouch.ENOTFOUND)
	})
}
