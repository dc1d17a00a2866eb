// SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

// testTx covers transaction semantics: rollback, read-only views, jobs in
// the same transaction, and row locking.
func testTx(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()

	t.Run("RollsBackOnError", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		inq := inquiry(vouch.Sandbox, now())
		boom := errors.New("boom")
		err := s.Update(ctx, func(tx vouch.Tx) error {
			require.NoError(t, tx.InquiryInsert(ctx, inq))
			require.NoError(t, tx.SettingSet(ctx, "k", "v"))
			_, err := tx.InquiryGetByID(ctx, vouch.Sandbox, inq.ID) // visible inside
			require.NoError(t, err)
			return boom
		})
		require.ErrorIs(t, err, boom)
		_, err = get(t, s, func(tx vouch.Tx) (*vouch.Inquiry, error) { return tx.InquiryGetByID(ctx, vouch.Sandbox, inq.ID) })
		requireCode(t, err, vouch.ENOTFOUND)
		_, err = get(t, s, func(tx vouch.Tx) (string, error) { return tx.SettingGet(ctx, "k") })
		requireCode(t, err, vouch.ENOTFOUND)
	})

	t.Run("ViewCannotWrite", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		inq := inquiry(vouch.Sandbox, now())
		err := s.View(ctx, func(tx vouch.Tx) error { return tx.InquiryInsert(ctx, inq) })
		require.Error(t, err)
		err = s.View(ctx, func(tx vouch.Tx) error { return tx.SettingSet(ctx, "k", "v") })
		require.Error(t, err)
		_, err = get(t, s, func(tx vouch.Tx) (*vouch.Inquiry, error) { return tx.InquiryGetByID(ctx, vouch.Sandbox, inq.ID) })
		requireCode(t, err, vouch.ENOTFOUND)
	})

	t.Run("JobInsertWithoutInserter", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		err := s.Update(ctx, func(tx vouch.Tx) error {
			return tx.JobInsert(ctx, vouch.InquiryExpireJob{InquiryID: "inq_x", Environment: vouch.Sandbox}, vouch.JobOptions{})
		})
		require.Error(t, err)
	})

	t.Run("JobInsertSharesTransaction", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		sink, ok := s.(jobSink)
		if !ok {
			t.Skip("store has no SetInsertJob")
		}
		var calls atomic.Int64
		sink.SetInsertJob(recordingSink(&calls))
		job := vouch.VerificationDecideJob{VerificationID: "ver_x", Environment: vouch.Sandbox}

		// Rolled back: the job's write disappears with the transaction.
		err := s.Update(ctx, func(tx vouch.Tx) error {
			require.NoError(t, tx.JobInsert(ctx, job, vouch.JobOptions{ScheduledAt: time.Now().Add(time.Hour)}))
			return errors.New("abort")
		})
		require.Error(t, err)
		require.Equal(t, int64(1), calls.Load())
		_, err = get(t, s, func(tx vouch.Tx) (string, error) { return tx.SettingGet(ctx, "job:"+job.Kind()) })
		requireCode(t, err, vouch.ENOTFOUND)

		// Committed: it is there.
		update(t, s, func(tx vouch.Tx) error { return tx.JobInsert(ctx, job, vouch.JobOptions{}) })
		require.Equal(t, int64(2), calls.Load())
		v, err := get(t, s, func(tx vouch.Tx) (string, error) { return tx.SettingGet(ctx, "job:"+job.Kind()) })
		require.NoError(t, err)
		require.Equal(t, "queued", v)
	})

	t.Run("GetForUpdateSerialises", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		inq := inquiry(vouch.Sandbox, now())
		insertInquiries(t, s, inq)
		const workers, rounds = 2, 50
		var wg sync.WaitGroup
		errs := make(chan error, workers*rounds)
		for range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for range rounds {
					errs <- s.Update(ctx, func(tx vouch.Tx) error {
						got, err := tx.InquiryGetForUpdate(ctx, vouch.Sandbox, inq.ID)
						if err != nil {
							return err
						}
						got.EventSeq++
						return tx.InquiryUpdate(ctx, got)
					})
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
		got, err := get(t, s, func(tx vouch.Tx) (*vouch.Inquiry, error) { return tx.InquiryGetByID(ctx, vouch.Sandbox, inq.ID) })
		require.NoError(t, err)
		require.Equal(t, int64(workers*rounds), got.EventSeq)
	})

	t.Run("ViewSeesCommittedWrites", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		inq := inquiry(vouch.Sandbox, now())
		insertInquiries(t, s, inq)
		inq.Status = vouch.InquiryPending
		update(t, s, func(tx vouch.Tx) error { return tx.InquiryUpdate(ctx, inq) })
		got, err := get(t, s, func(tx vouch.Tx) (*vouch.Inquiry, error) { return tx.InquiryGetByID(ctx, vouch.Sandbox, inq.ID) })
		require.NoError(t, err)
		require.Equal(t, vouch.InquiryPending, got.Status)
	})
}
