// SPDX-License-Identifier: Apache-2.0

package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

// countingHandler is a slog handler that keeps every record at warn level
// or above, so a test can show River met no trouble.
type countingHandler struct {
	mu      sync.Mutex
	records []string
}

func (h *countingHandler) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelWarn }

func (h *countingHandler) Handle(_ context.Context, r slog.Record) error {
	msg := r.Level.String() + " " + r.Message
	r.Attrs(func(a slog.Attr) bool {
		msg += " " + a.String()
		return true
	})
	h.mu.Lock()
	h.records = append(h.records, msg)
	h.mu.Unlock()
	return nil
}

func (h *countingHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *countingHandler) WithGroup(string) slog.Handler      { return h }

func (h *countingHandler) all() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.records...)
}

// TestSQLiteSharedWriter proves the arrangement the package doc prescribes:
// River shares the store's one-connection SQLite writer. Workers run and
// themselves write through that connection (as the service will), while
// several goroutines keep writing application rows and enqueueing jobs in
// their own transactions, some of them slow and some rolled back. Every
// committed job must run exactly once, no rolled-back job may run, and
// River must log no warning or error beyond leadership changes.
func TestSQLiteSharedWriter(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	db := openSQLite(t)
	require.NoError(t, Migrate(ctx, db, DialectSQLite))
	_, err := db.ExecContext(ctx, "CREATE TABLE app_row (id TEXT PRIMARY KEY)")
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, "CREATE TABLE handled (id TEXT NOT NULL)")
	require.NoError(t, err)

	// Handlers write in their own transaction on the same connection.
	var mu sync.Mutex
	runs := map[string]int{}
	work := func(ctx context.Context, id string) error {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return fmt.Errorf("begin: %w", err)
		}
		defer func() { _ = tx.Rollback() }()
		if _, err := tx.ExecContext(ctx, "INSERT INTO handled (id) VALUES (?)", id); err != nil {
			return fmt.Errorf("insert: %w", err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("commit: %w", err)
		}
		mu.Lock()
		runs[id]++
		mu.Unlock()
		return nil
	}
	logs := &countingHandler{}
	q := startQueue(t, db, DialectSQLite, Config{
		Logger: slog.New(logs),
		Handlers: Handlers{
			ExpireInquiry:      func(ctx context.Context, _ vouch.Environment, id string) error { return work(ctx, id) },
			DecideVerification: func(ctx context.Context, _ vouch.Environment, id string) error { return work(ctx, id) },
		},
	})

	const writers, perWriter = 8, 15
	committed := make(chan string, writers*perWriter)
	var wg sync.WaitGroup
	begin := time.Now()
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				id := fmt.Sprintf("obj_%d_%d", w, i)
				var job vouch.Job = vouch.InquiryExpireJob{InquiryID: id, Environment: vouch.Sandbox}
				if i%2 == 1 {
					job = vouch.VerificationDecideJob{VerificationID: id, Environment: vouch.Production}
				}
				tx, err := db.BeginTx(ctx, nil)
				if !enqueueStep(t, err) {
					return
				}
				_, err = tx.ExecContext(ctx, "INSERT INTO app_row (id) VALUES (?)", id)
				if !enqueueStep(t, err) {
					_ = tx.Rollback()
					return
				}
				if !enqueueStep(t, q.InsertTx(ctx, tx, job, vouch.JobOptions{})) {
					_ = tx.Rollback()
					return
				}
				if i%10 == 3 {
					// A slow request holds the only connection a while.
					time.Sleep(50 * time.Millisecond)
				}
				if i%5 == 4 {
					enqueueStep(t, tx.Rollback())
					continue
				}
				if enqueueStep(t, tx.Commit()) {
					committed <- id
				}
			}
		})
	}
	wg.Wait()
	close(committed)
	enqueued := time.Since(begin)

	want := map[string]int{}
	for id := range committed {
		want[id] = 1
	}
	require.Len(t, want, writers*perWriter*4/5)

	require.Eventually(t, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(runs) >= len(want)
	}, 30*time.Second, 20*time.Millisecond, "not every committed job ran")
	drained := time.Since(begin)
	time.Sleep(300 * time.Millisecond) // room for a stray duplicate or rolled-back job

	mu.Lock()
	require.Equal(t, want, runs)
	mu.Unlock()
	var handled, appRows int
	require.NoError(t, db.QueryRowContext(ctx, "SELECT count(*) FROM handled").Scan(&handled))
	require.NoError(t, db.QueryRowContext(ctx, "SELECT count(*) FROM app_row").Scan(&appRows))
	require.Equal(t, len(want), handled)
	require.Equal(t, len(want), appRows)
	// Leadership may change hands when the machine is very busy: the
	// elector's queries queue behind the one writer connection and can miss
	// their deadline. That is River recovering, not a fault of the
	// arrangement; any other warning or error is.
	var trouble []string
	for _, r := range logs.all() {
		if !strings.Contains(r, "Elector:") {
			trouble = append(trouble, r)
		}
	}
	require.Empty(t, trouble)
	t.Logf("%d transactions (%d committed) enqueued in %s; all jobs done after %s",
		writers*perWriter, len(want), enqueued, drained)
}

// enqueueStep reports whether err is nil, recording it as a test error
// otherwise (from a writer goroutine, where FailNow is not allowed).
func enqueueStep(t *testing.T, err error) bool {
	t.Helper()
	if err != nil {
		t.Errorf("writer: %v", err)
		return false
	}
	return true
}
