// SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"context"
	"errors"
	"fmt"
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

	t.Run("ConcurrentUpdatesKeepTheirOwnOutcome", func(t *testing.T) {
		// Engines may run concurrent Update calls in one transaction
		// (SQLite's group commit): each must still commit or roll back alone,
		// and a panic must reach its own caller only.
		t.Parallel()
		s := newStore(t)
		const n = 40
		boom := errors.New("boom")
		var wg sync.WaitGroup
		errs := make([]error, n)
		panics := make([]any, n)
		canceled, cancel := context.WithCancel(ctx)
		cancel()
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer func() { panics[i] = recover() }()
				c := ctx
				if i == 7 {
					c = canceled
				}
				errs[i] = s.Update(c, func(tx vouch.Tx) error {
					if err := tx.SettingSet(ctx, fmt.Sprintf("k%d", i), "v"); err != nil {
						return err
					}
					switch {
					case i == 5:
						panic("fn panicked")
					case i%3 == 1:
						return boom
					}
					return nil
				})
			}()
		}
		wg.Wait()
		for i := range n {
			_, err := get(t, s, func(tx vouch.Tx) (string, error) { return tx.SettingGet(ctx, fmt.Sprintf("k%d", i)) })
			switch {
			case i == 5:
				require.Equal(t, "fn panicked", panics[i])
				requireCode(t, err, vouch.ENOTFOUND)
			case i == 7:
				require.ErrorIs(t, errs[i], context.Canceled)
				requireCode(t, err, vouch.ENOTFOUND)
			case i%3 == 1:
				require.ErrorIs(t, errs[i], boom, "call %d", i)
				requireCode(t, err, vouch.ENOTFOUND)
			default:
				require.NoError(t, errs[i], "call %d", i)
				require.Nil(t, panics[i])
				require.NoError(t, err, "call %d", i)
			}
		}
	})
}
