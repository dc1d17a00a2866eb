// SPDX-License-Identifier: Apache-2.0

package jobs

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

func TestIdempotencyPrune(t *testing.T) {
	t.Parallel()

	t.Run("RunsOnStart", func(t *testing.T) {
		t.Parallel()
		forEachEngine(t, func(t *testing.T, dialect string, db *sql.DB) {
			rec := newRecorder()
			pruned := make(chan struct{}, 10)
			h := rec.handlers()
			h.PruneIdempotency = func(context.Context) error {
				pruned <- struct{}{}
				return nil
			}
			startQueue(t, db, dialect, Config{Handlers: h, JobDoneFunc: rec.jobDone})

			select {
			case <-pruned:
			case <-time.After(15 * time.Second):
				t.Fatal("the periodic prune did not run on start")
			}
			require.Equal(t, done{KindIdempotencyPrune, OutcomeCompleted}, rec.waitDone(t, 5*time.Second))
		})
	})

	t.Run("SkippedWithoutHandler", func(t *testing.T) {
		t.Parallel()
		db := openSQLite(t)
		require.NoError(t, Migrate(context.Background(), db, DialectSQLite))
		q, err := New(db, DialectSQLite, Config{Workers: true, Handlers: newRecorder().handlers()})
		require.NoError(t, err)
		require.False(t, q.client.PeriodicJobs().RemoveByID(KindIdempotencyPrune), "a prune was scheduled without a handler")

		q, err = New(db, DialectSQLite, Config{Workers: true, Handlers: Handlers{
			ExpireInquiry:      func(context.Context, vouch.Environment, string) error { return nil },
			DecideVerification: func(context.Context, vouch.Environment, string) error { return nil },
			PruneIdempotency:   func(context.Context) error { return nil },
		}})
		require.NoError(t, err)
		require.True(t, q.client.PeriodicJobs().RemoveByID(KindIdempotencyPrune))
	})
}
