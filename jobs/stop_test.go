// SPDX-License-Identifier: Apache-2.0

package jobs

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

// blockingQueue starts a queue whose ExpireInquiry signals on started and
// then blocks until release is closed or its context ends, reporting that
// context's error on ended. It waits for River to stop fully on cleanup.
func blockingQueue(t *testing.T, db *sql.DB, dialect string, rec *recorder) (q *Queue, started chan struct{}, release chan struct{}, ended chan error) {
	t.Helper()
	started, release, ended = make(chan struct{}, 1), make(chan struct{}), make(chan error, 1)
	h := rec.handlers()
	h.ExpireInquiry = func(ctx context.Context, env vouch.Environment, id string) error {
		rec.record(KindInquiryExpire, env, id)
		started <- struct{}{}
		select {
		case <-release:
			ended <- nil
			return nil
		case <-ctx.Done():
			ended <- ctx.Err()
			return ctx.Err()
		}
	}
	q, err := New(db, dialect, Config{Workers: true, Handlers: h, JobDoneFunc: rec.jobDone, PollInterval: 50 * time.Millisecond, testOnly: true})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, q.Start(ctx))
	t.Cleanup(func() {
		cancel()
		select {
		case <-q.client.Stopped():
		case <-time.After(10 * time.Second):
			t.Error("River did not stop")
		}
	})
	return q, started, release, ended
}

func TestStop(t *testing.T) {
	t.Parallel()

	t.Run("WaitsForRunningJobs", func(t *testing.T) {
		t.Parallel()
		forEachEngine(t, func(t *testing.T, dialect string, db *sql.DB) {
			rec := newRecorder()
			q, started, release, ended := blockingQueue(t, db, dialect, rec)

			insert(t, db, q, vouch.InquiryExpireJob{InquiryID: "inq_slow", Environment: vouch.Sandbox}, vouch.JobOptions{})
			<-started

			stopped := make(chan error, 1)
			go func() {
				ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
				defer cancel()
				stopped <- q.Stop(ctx)
			}()
			select {
			case err := <-stopped:
				t.Fatalf("Stop returned while a job was running: %v", err)
			case <-time.After(300 * time.Millisecond):
			}

			close(release)
			require.NoError(t, <-ended, "the job's context was not cancelled")
			require.NoError(t, <-stopped)
			require.Equal(t, done{KindInquiryExpire, OutcomeCompleted}, rec.waitDone(t, time.Second))

			// The completion was recorded before Stop returned.
			var state string
			require.NoError(t, db.QueryRowContext(context.Background(),
				"SELECT state FROM river_job WHERE kind = '"+KindInquiryExpire+"'").Scan(&state))
			require.Equal(t, "completed", state)
		})
	})

	t.Run("BoundedByContext", func(t *testing.T) {
		t.Parallel()
		db := openSQLite(t)
		require.NoError(t, Migrate(context.Background(), db, DialectSQLite))
		rec := newRecorder()
		q, started, _, ended := blockingQueue(t, db, DialectSQLite, rec)

		insert(t, db, q, vouch.InquiryExpireJob{InquiryID: "inq_stuck", Environment: vouch.Sandbox}, vouch.JobOptions{})
		<-started

		ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
		defer cancel()
		begin := time.Now()
		err := q.Stop(ctx)
		require.ErrorIs(t, err, context.DeadlineExceeded)
		require.Less(t, time.Since(begin), 2*time.Second)

		// The running job's context was cancelled so it could give up.
		select {
		case err := <-ended:
			require.Error(t, err)
			require.True(t, errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded), "%v", err)
		case <-time.After(5 * time.Second):
			t.Fatal("the running job's context was never cancelled")
		}
	})

	t.Run("UnstartedAndInsertOnly", func(t *testing.T) {
		t.Parallel()
		db := openSQLite(t)
		q, err := New(db, DialectSQLite, Config{Workers: true, Handlers: newRecorder().handlers()})
		require.NoError(t, err)
		require.NoError(t, q.Stop(context.Background()))
	})
}
