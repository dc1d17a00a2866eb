// SPDX-License-Identifier: Apache-2.0

package jobs

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch/vouchtest"
)

// sweepCalls records runs of an ExpireDueInquiries handler.
type sweepCalls struct {
	mu  sync.Mutex
	at  []time.Time
	run chan struct{}
}

func newSweepCalls() *sweepCalls { return &sweepCalls{run: make(chan struct{}, 100)} }

func (c *sweepCalls) record() {
	c.mu.Lock()
	c.at = append(c.at, time.Now())
	c.mu.Unlock()
	c.run <- struct{}{}
}

// wait waits for n more runs.
func (c *sweepCalls) wait(t *testing.T, n int, timeout time.Duration) {
	t.Helper()
	deadline := time.After(timeout)
	for range n {
		select {
		case <-c.run:
		case <-deadline:
			t.Fatalf("the expiry sweep did not run %d times within %s", n, timeout)
		}
	}
}

func (c *sweepCalls) times() []time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]time.Time(nil), c.at...)
}

func TestInquiryExpireSweep(t *testing.T) {
	t.Parallel()

	t.Run("RunsOnStartThenEveryInterval", func(t *testing.T) {
		t.Parallel()
		forEachEngine(t, func(t *testing.T, dialect string, db *sql.DB) {
			rec, calls := newRecorder(), newSweepCalls()
			h := rec.handlers()
			h.ExpireDueInquiries = func(context.Context) (int, error) { calls.record(); return 0, nil }
			startQueue(t, db, dialect, Config{Handlers: h, JobDoneFunc: rec.jobDone})

			calls.wait(t, 4, 15*time.Second)
			at := calls.times()
			// The run on start, then one a second: four runs span about
			// three seconds. The bound leaves room for River inserting a
			// periodic job up to 100 ms early and for a busy machine
			// starting the first run late, and still fails a schedule that
			// runs the sweep on every poll (about 0.3 s for four runs).
			require.Greater(t, at[3].Sub(at[0]), 1500*time.Millisecond)
			require.Equal(t, done{KindInquiryExpireSweep, OutcomeCompleted}, rec.waitDone(t, 5*time.Second))
		})
	})

	t.Run("TicksWithNothingDueInsertNothing", func(t *testing.T) {
		t.Parallel()
		forEachEngine(t, func(t *testing.T, dialect string, db *sql.DB) {
			var due atomic.Bool
			var looks atomic.Int32
			calls := newSweepCalls()
			h := newRecorder().handlers()
			h.ExpireDueInquiries = func(context.Context) (int, error) { calls.record(); return 0, nil }
			h.InquiriesDue = func(context.Context) (bool, error) { looks.Add(1); return due.Load(), nil }
			logs := &vouchtest.LogBuffer{}
			startQueue(t, db, dialect, Config{Handlers: h, Logger: slog.New(slog.NewTextHandler(logs, nil))})

			// The run on start goes ahead: nothing has been looked at yet.
			calls.wait(t, 1, 15*time.Second)
			time.Sleep(3500 * time.Millisecond)
			require.Len(t, calls.times(), 1, "a tick swept with nothing due")
			require.GreaterOrEqual(t, looks.Load(), int32(3), "each tick looks")
			var sweeps int
			require.NoError(t, db.QueryRow("SELECT count(*) FROM river_job WHERE kind = '"+KindInquiryExpireSweep+"'").Scan(&sweeps))
			require.Equal(t, 1, sweeps, "a tick with nothing due wrote a job")
			require.NotContains(t, logs.String(), "level=INFO", "a quiet tick logged at info")

			// Something falls due: a sweep follows within two ticks.
			due.Store(true)
			calls.wait(t, 1, 5*time.Second)
		})
	})

	t.Run("NeverOverlaps", func(t *testing.T) {
		t.Parallel()
		forEachEngine(t, func(t *testing.T, dialect string, db *sql.DB) {
			// A sweep slower than the interval, worked by two processes on
			// PostgreSQL (one on SQLite, its deployment): the ticks that
			// fall during a run insert nothing, so runs never overlap.
			var active, most atomic.Int32
			calls := newSweepCalls()
			h := newRecorder().handlers()
			h.ExpireDueInquiries = func(ctx context.Context) (int, error) {
				n := active.Add(1)
				defer active.Add(-1)
				for {
					m := most.Load()
					if n <= m || most.CompareAndSwap(m, n) {
						break
					}
				}
				select {
				case <-time.After(1500 * time.Millisecond):
				case <-ctx.Done():
				}
				calls.record()
				return 0, nil
			}
			processes := 1
			if dialect == DialectPostgres {
				processes = 2
			}
			for range processes {
				startQueue(t, db, dialect, Config{Handlers: h})
			}
			calls.wait(t, 3, 20*time.Second)
			require.Equal(t, int32(1), most.Load(), "two sweeps ran at once")
		})
	})

	t.Run("FailedSweepIsNotRetriedButTheNextOneRuns", func(t *testing.T) {
		t.Parallel()
		db := openSQLite(t)
		require.NoError(t, Migrate(context.Background(), db, DialectSQLite))
		rec, calls := newRecorder(), newSweepCalls()
		h := rec.handlers()
		var runs atomic.Int32
		h.ExpireDueInquiries = func(context.Context) (int, error) {
			defer calls.record()
			if runs.Add(1) == 1 {
				return 0, errors.New("database is busy")
			}
			return 2, nil
		}
		startQueue(t, db, DialectSQLite, Config{Handlers: h, JobDoneFunc: rec.jobDone})

		calls.wait(t, 2, 15*time.Second)
		require.Equal(t, done{KindInquiryExpireSweep, OutcomeDiscarded}, rec.waitDone(t, 5*time.Second))
		require.Equal(t, done{KindInquiryExpireSweep, OutcomeCompleted}, rec.waitDone(t, 5*time.Second))
	})

	t.Run("ScheduledOnlyWithAHandlerOnAWorkingQueue", func(t *testing.T) {
		t.Parallel()
		db := openSQLite(t)
		require.NoError(t, Migrate(context.Background(), db, DialectSQLite))
		q, err := New(db, DialectSQLite, Config{Workers: true, Handlers: newRecorder().handlers()})
		require.NoError(t, err)
		require.False(t, q.client.PeriodicJobs().RemoveByID(KindInquiryExpireSweep), "a sweep was scheduled without a handler")

		h := newRecorder().handlers()
		h.ExpireDueInquiries = func(context.Context) (int, error) { return 0, nil }
		q, err = New(db, DialectSQLite, Config{Workers: true, Handlers: h})
		require.NoError(t, err)
		require.True(t, q.client.PeriodicJobs().RemoveByID(KindInquiryExpireSweep))

		// An insert-only queue (--workers=false) never sweeps.
		calls := newSweepCalls()
		h.ExpireDueInquiries = func(context.Context) (int, error) { calls.record(); return 0, nil }
		q, err = New(db, DialectSQLite, Config{Handlers: h})
		require.NoError(t, err)
		require.NoError(t, q.Start(context.Background()))
		time.Sleep(2 * time.Second)
		require.Empty(t, calls.times())
		require.NoError(t, q.Stop(context.Background()))
	})

	t.Run("IntervalOfAtLeastASecond", func(t *testing.T) {
		t.Parallel()
		db := openSQLite(t)
		_, err := New(db, DialectSQLite, Config{ExpirySweepInterval: 500 * time.Millisecond})
		require.Error(t, err)
		_, err = New(db, DialectSQLite, Config{ExpirySweepInterval: time.Minute})
		require.NoError(t, err)
	})
}
