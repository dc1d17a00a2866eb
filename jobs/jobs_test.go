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

func TestInsertTx(t *testing.T) {
	t.Parallel()

	t.Run("CommittedJobRuns", func(t *testing.T) {
		t.Parallel()
		forEachEngine(t, func(t *testing.T, dialect string, db *sql.DB) {
			rec := newRecorder()
			q := startQueue(t, db, dialect, Config{Handlers: rec.handlers()})

			insert(t, db, q, vouch.InquiryExpireJob{InquiryID: "inq_commit", Environment: vouch.Sandbox}, vouch.JobOptions{})
			insert(t, db, q, &vouch.VerificationDecideJob{VerificationID: "ver_commit", Environment: vouch.Production}, vouch.JobOptions{})

			c := rec.waitCall(t, "inq_commit", 5*time.Second)
			require.Equal(t, call{Kind: KindInquiryExpire, Env: vouch.Sandbox, ID: "inq_commit", At: c.At}, c)
			c = rec.waitCall(t, "ver_commit", 5*time.Second)
			require.Equal(t, call{Kind: KindVerificationDecide, Env: vouch.Production, ID: "ver_commit", At: c.At}, c)
		})
	})

	t.Run("RolledBackJobNeverRuns", func(t *testing.T) {
		t.Parallel()
		forEachEngine(t, func(t *testing.T, dialect string, db *sql.DB) {
			rec := newRecorder()
			q := startQueue(t, db, dialect, Config{Handlers: rec.handlers()})
			ctx := context.Background()

			tx, err := db.BeginTx(ctx, nil)
			require.NoError(t, err)
			require.NoError(t, q.InsertTx(ctx, tx, vouch.InquiryExpireJob{InquiryID: "inq_rollback", Environment: vouch.Sandbox}, vouch.JobOptions{}))
			require.NoError(t, tx.Rollback())

			// A job committed afterwards runs; by then the rolled-back one
			// would have run too, had it existed.
			insert(t, db, q, vouch.InquiryExpireJob{InquiryID: "inq_after", Environment: vouch.Sandbox}, vouch.JobOptions{})
			rec.waitCall(t, "inq_after", 5*time.Second)
			time.Sleep(200 * time.Millisecond)
			require.Zero(t, rec.count("inq_rollback"))
			require.Zero(t, jobCount(t, db, dialect, KindInquiryExpire, "inq_rollback"))
		})
	})

	t.Run("ScheduledJobWaitsForItsTime", func(t *testing.T) {
		t.Parallel()
		forEachEngine(t, func(t *testing.T, dialect string, db *sql.DB) {
			rec := newRecorder()
			q := startQueue(t, db, dialect, Config{Handlers: rec.handlers()})

			at := time.Now().Add(1500 * time.Millisecond)
			insert(t, db, q, vouch.InquiryExpireJob{InquiryID: "inq_later", Environment: vouch.Sandbox}, vouch.JobOptions{ScheduledAt: at})
			insert(t, db, q, vouch.InquiryExpireJob{InquiryID: "inq_now", Environment: vouch.Sandbox}, vouch.JobOptions{ScheduledAt: time.Now().Add(-time.Hour)})

			// A past ScheduledAt means now.
			rec.waitCall(t, "inq_now", 5*time.Second)
			require.Zero(t, rec.count("inq_later"))

			// River's scheduler runs every five seconds on the leader.
			c := rec.waitCall(t, "inq_later", 15*time.Second)
			require.False(t, c.At.Before(at), "ran at %s, before its time %s", c.At, at)
		})
	})

	t.Run("RefusesUnknownAndInvalidJobs", func(t *testing.T) {
		t.Parallel()
		db := openSQLite(t)
		ctx := context.Background()
		require.NoError(t, Migrate(ctx, db, DialectSQLite))
		q, err := New(db, DialectSQLite, Config{})
		require.NoError(t, err)

		tx, err := db.BeginTx(ctx, nil)
		require.NoError(t, err)
		defer func() { _ = tx.Rollback() }()
		for _, job := range []vouch.Job{
			unknownJob{},
			nil,
			(*vouch.InquiryExpireJob)(nil),
			vouch.InquiryExpireJob{Environment: vouch.Sandbox},
			vouch.InquiryExpireJob{InquiryID: "inq_1", Environment: "staging"},
			vouch.VerificationDecideJob{VerificationID: "ver_1"},
		} {
			require.Error(t, q.InsertTx(ctx, tx, job, vouch.JobOptions{}), "%#v", job)
		}
		require.Error(t, q.InsertTx(ctx, nil, vouch.InquiryExpireJob{InquiryID: "inq_1", Environment: vouch.Sandbox}, vouch.JobOptions{}))
	})

	t.Run("InsertOnlyQueue", func(t *testing.T) {
		t.Parallel()
		forEachEngine(t, func(t *testing.T, dialect string, db *sql.DB) {
			q, err := New(db, dialect, Config{})
			require.NoError(t, err)
			require.NoError(t, q.Start(context.Background()))
			insert(t, db, q, vouch.VerificationDecideJob{VerificationID: "ver_io", Environment: vouch.Sandbox}, vouch.JobOptions{})
			require.Equal(t, 1, jobCount(t, db, dialect, KindVerificationDecide, "ver_io"))
			require.NoError(t, q.Stop(context.Background()))
		})
	})
}

// unknownJob is a kind this package has no worker for.
type unknownJob struct{}

func (unknownJob) Kind() string { return "unknown_kind" }

func TestHandlerErrors(t *testing.T) {
	t.Parallel()

	t.Run("FailureIsRetried", func(t *testing.T) {
		t.Parallel()
		forEachEngine(t, func(t *testing.T, dialect string, db *sql.DB) {
			rec := newRecorder()
			h := rec.handlers()
			h.ExpireInquiry = func(_ context.Context, env vouch.Environment, id string) error {
				rec.record(KindInquiryExpire, env, id)
				if rec.count(id) == 1 {
					return errors.New("database is busy")
				}
				return nil
			}
			q := startQueue(t, db, dialect, Config{Handlers: h, JobDoneFunc: rec.jobDone})

			insert(t, db, q, vouch.InquiryExpireJob{InquiryID: "inq_retry", Environment: vouch.Sandbox}, vouch.JobOptions{})
			first := rec.waitCall(t, "inq_retry", 5*time.Second)
			require.Equal(t, done{KindInquiryExpire, OutcomeRetry}, rec.waitDone(t, 5*time.Second))
			// River's first retry comes after about a second.
			second := rec.waitCall(t, "inq_retry", 10*time.Second)
			require.Equal(t, done{KindInquiryExpire, OutcomeCompleted}, rec.waitDone(t, 5*time.Second))
			require.Greater(t, second.At.Sub(first.At), 500*time.Millisecond)
		})
	})

	t.Run("PermanentErrorCancels", func(t *testing.T) {
		t.Parallel()
		forEachEngine(t, func(t *testing.T, dialect string, db *sql.DB) {
			rec := newRecorder()
			h := rec.handlers()
			h.DecideVerification = func(_ context.Context, env vouch.Environment, id string) error {
				rec.record(KindVerificationDecide, env, id)
				return vouch.Errorf(vouch.ENOTFOUND, "Verification not found.")
			}
			q := startQueue(t, db, dialect, Config{Handlers: h, JobDoneFunc: rec.jobDone})

			insert(t, db, q, vouch.VerificationDecideJob{VerificationID: "ver_gone", Environment: vouch.Sandbox}, vouch.JobOptions{})
			rec.waitCall(t, "ver_gone", 5*time.Second)
			require.Equal(t, done{KindVerificationDecide, OutcomeCancelled}, rec.waitDone(t, 5*time.Second))
			time.Sleep(1500 * time.Millisecond)
			require.Equal(t, 1, rec.count("ver_gone"))
		})
	})

	t.Run("PanicIsAFailure", func(t *testing.T) {
		t.Parallel()
		db := openSQLite(t)
		require.NoError(t, Migrate(context.Background(), db, DialectSQLite))
		rec := newRecorder()
		h := rec.handlers()
		h.ExpireInquiry = func(_ context.Context, env vouch.Environment, id string) error {
			rec.record(KindInquiryExpire, env, id)
			panic("boom")
		}
		q := startQueue(t, db, DialectSQLite, Config{Handlers: h, JobDoneFunc: rec.jobDone})

		insert(t, db, q, vouch.InquiryExpireJob{InquiryID: "inq_panic", Environment: vouch.Sandbox}, vouch.JobOptions{})
		rec.waitCall(t, "inq_panic", 5*time.Second)
		require.Equal(t, done{KindInquiryExpire, OutcomeRetry}, rec.waitDone(t, 5*time.Second))
	})
}

func TestNew(t *testing.T) {
	t.Parallel()
	db := openSQLite(t)

	_, err := New(db, "mysql", Config{})
	require.Error(t, err)
	_, err = New(nil, DialectSQLite, Config{})
	require.Error(t, err)
	_, err = New(db, DialectSQLite, Config{Workers: true})
	require.Error(t, err, "a working queue needs handlers")
	_, err = New(db, DialectSQLite, Config{MaxWorkers: -1})
	require.Error(t, err)
	require.Error(t, Migrate(context.Background(), db, "mysql"))
}

func TestMigrateIsIdempotent(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, dialect string, db *sql.DB) {
		// forEachEngine has migrated once already.
		require.NoError(t, Migrate(context.Background(), db, dialect))
		require.Zero(t, jobCount(t, db, dialect, KindInquiryExpire, ""))
	})
}

func TestKindsMatchTheDomain(t *testing.T) {
	t.Parallel()
	// Kinds are stored in job rows: they must never change.
	require.Equal(t, "inquiry_expire", KindInquiryExpire)
	require.Equal(t, "verification_decide", KindVerificationDecide)
	require.Equal(t, "idempotency_prune", KindIdempotencyPrune)
	require.Equal(t, "inquiry_expire_sweep", KindInquiryExpireSweep)
	require.Equal(t, vouch.InquiryExpireJob{}.Kind(), InquiryExpireArgs{}.Kind())
	require.Equal(t, vouch.VerificationDecideJob{}.Kind(), VerificationDecideArgs{}.Kind())
}
