// SPDX-License-Identifier: Apache-2.0

package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

// TestWebhookQueue checks that deliveries run on their own queue, with
// their own workers and poll interval, so a burst of them neither waits
// for nor is limited by the default queue's settings; and that a delivery
// job left in the default queue by an older version still runs.
func TestWebhookQueue(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, dialect string, db *sql.DB) {
		ctx := context.Background()
		var mu sync.Mutex
		done := map[string]bool{}
		var running, peak atomic.Int32
		rec := newRecorder()
		h := rec.handlers()
		h.DeliverWebhook = func(_ context.Context, _ vouch.Environment, id string, _, _ int) error {
			n := running.Add(1)
			defer running.Add(-1)
			for p := peak.Load(); n > p && !peak.CompareAndSwap(p, n); p = peak.Load() {
			}
			time.Sleep(100 * time.Millisecond) // a receiver taking its time
			mu.Lock()
			done[id] = true
			mu.Unlock()
			return nil
		}
		// The default queue has one worker and polls every five seconds.
		q := startQueue(t, db, dialect, Config{MaxWorkers: 1, PollInterval: 5 * time.Second, Handlers: h})

		const n = 40
		tx, err := db.BeginTx(ctx, nil)
		require.NoError(t, err)
		for i := range n {
			require.NoError(t, q.InsertTx(ctx, tx, vouch.WebhookDeliverJob{DeliveryID: fmt.Sprintf("whdel_%d", i), Environment: vouch.Sandbox}, vouch.JobOptions{}))
		}
		// A delivery written by a version without the webhook queue.
		_, err = q.client.InsertTx(ctx, tx, WebhookDeliverArgs{DeliveryID: "whdel_old", Environment: vouch.Sandbox},
			&river.InsertOpts{Queue: river.QueueDefault})
		require.NoError(t, err)
		require.NoError(t, tx.Commit())

		query := "SELECT count(*) FROM river_job WHERE kind = ? AND queue = ?"
		if dialect == DialectPostgres {
			query = "SELECT count(*) FROM river_job WHERE kind = $1 AND queue = $2"
		}
		var inQueue int
		require.NoError(t, db.QueryRowContext(ctx, query, KindWebhookDeliver, QueueWebhook).Scan(&inQueue))
		require.Equal(t, n, inQueue)

		// Through the default queue, 40 runs of 100 ms would take four
		// seconds after a poll of up to five.
		require.Eventually(t, func() bool {
			mu.Lock()
			defer mu.Unlock()
			for i := range n {
				if !done[fmt.Sprintf("whdel_%d", i)] {
					return false
				}
			}
			return true
		}, 4*time.Second, 10*time.Millisecond)
		require.Greater(t, peak.Load(), int32(1), "deliveries run side by side")
		require.Eventually(t, func() bool {
			mu.Lock()
			defer mu.Unlock()
			return done["whdel_old"]
		}, 15*time.Second, 50*time.Millisecond, "the old job runs on the default queue")
	})
}
