// SPDX-License-Identifier: Apache-2.0

package jobs

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/stretchr/testify/require"
	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/vouch-id/vouch"
)

// defaultTestDSN is the PostgreSQL the tests use when TEST_DATABASE_URL is
// unset.
const defaultTestDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"

// engine is one database the tests run against.
type engine struct {
	dialect string
	open    func(t *testing.T) *sql.DB
}

// engines lists both databases; every behaviour test runs on each.
var engines = []engine{
	{DialectSQLite, openSQLite},
	{DialectPostgres, openPostgres},
}

// forEachEngine runs fn as a parallel subtest per engine, on a fresh,
// migrated database.
func forEachEngine(t *testing.T, fn func(t *testing.T, dialect string, db *sql.DB)) {
	t.Helper()
	for _, e := range engines {
		t.Run(e.dialect, func(t *testing.T) {
			t.Parallel()
			db := e.open(t)
			require.NoError(t, Migrate(context.Background(), db, e.dialect))
			fn(t, e.dialect, db)
		})
	}
}

// openSQLite opens a SQLite file in a temp dir exactly as the store opens
// its writer: one connection, BEGIN IMMEDIATE, a busy timeout, WAL.
func openSQLite(t *testing.T) *sql.DB {
	t.Helper()
	path := filepath.Join(t.TempDir(), "vouch.db")
	db, err := sql.Open("sqlite", "file:"+path+
		"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_txlock=immediate")
	require.NoError(t, err)
	db.SetMaxOpenConns(1)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db
}

// openPostgres returns a pool whose search_path is a fresh schema, dropped
// on cleanup, so parallel tests (and River's tables) never meet. It skips
// when PostgreSQL is unreachable, except under CI=true.
func openPostgres(t *testing.T) *sql.DB {
	t.Helper()
	dsn := os.Getenv("TEST_DATABASE_URL")
	if dsn == "" {
		dsn = defaultTestDSN
	}
	admin, err := sql.Open("pgx", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { _ = admin.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL unreachable under CI: %v", err)
		}
		t.Skipf("PostgreSQL unreachable: %v", err)
	}

	schema := "test_" + randomHex(t, 8)
	_, err = admin.ExecContext(ctx, "CREATE SCHEMA "+schema)
	require.NoError(t, err)
	t.Cleanup(func() {
		_, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
		require.NoError(t, err)
	})

	u, err := url.Parse(dsn)
	require.NoError(t, err)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := sql.Open("pgx", u.String())
	require.NoError(t, err)
	db.SetMaxOpenConns(10)
	// Registered after the schema's cleanup, so it runs before the drop.
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db
}

// randomHex returns n random bytes as hex.
func randomHex(t *testing.T, n int) string {
	t.Helper()
	b := make([]byte, n)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return hex.EncodeToString(b)
}

// call is one handler invocation seen by a recorder.
type call struct {
	Kind string
	Env  vouch.Environment
	ID   string
	At   time.Time
}

// done is one JobDoneFunc report.
type done struct {
	Kind    string
	Outcome Outcome
}

// recorder collects handler calls and outcomes; its handlers succeed
// unless a test overrides them.
type recorder struct {
	dones chan done
	mu    sync.Mutex
	seen  []call
	taken map[string]int // calls per id already returned by waitCall
}

func newRecorder() *recorder {
	return &recorder{dones: make(chan done, 10000), taken: map[string]int{}}
}

func (r *recorder) record(kind string, env vouch.Environment, id string) {
	c := call{Kind: kind, Env: env, ID: id, At: time.Now()}
	r.mu.Lock()
	r.seen = append(r.seen, c)
	r.mu.Unlock()
}

// count returns how many times the handler ran for id.
func (r *recorder) count(id string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, c := range r.seen {
		if c.ID == id {
			n++
		}
	}
	return n
}

// handlers returns Handlers that record and succeed.
func (r *recorder) handlers() Handlers {
	return Handlers{
		ExpireInquiry: func(_ context.Context, env vouch.Environment, id string) error {
			r.record(KindInquiryExpire, env, id)
			return nil
		},
		DecideVerification: func(_ context.Context, env vouch.Environment, id string) error {
			r.record(KindVerificationDecide, env, id)
			return nil
		},
	}
}

// jobDone is a Config.JobDoneFunc feeding r.dones.
func (r *recorder) jobDone(kind string, outcome Outcome, _ time.Duration) {
	r.dones <- done{Kind: kind, Outcome: outcome}
}

// waitCall waits for the next handler call for id not yet returned by
// waitCall, failing after timeout.
func (r *recorder) waitCall(t *testing.T, id string, timeout time.Duration) call {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		r.mu.Lock()
		n := r.taken[id]
		for _, c := range r.seen {
			if c.ID != id {
				continue
			}
			if n == 0 {
				r.taken[id]++
				r.mu.Unlock()
				return c
			}
			n--
		}
		r.mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatalf("no handler call for %s within %s", id, timeout)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitDone waits for the next outcome report.
func (r *recorder) waitDone(t *testing.T, timeout time.Duration) done {
	t.Helper()
	select {
	case d := <-r.dones:
		return d
	case <-time.After(timeout):
		t.Fatalf("no job outcome within %s", timeout)
		return done{}
	}
}

// startQueue builds a working queue with cfg's handlers (the recorder's
// when unset) and starts it; it is stopped on cleanup.
func startQueue(t *testing.T, db *sql.DB, dialect string, cfg Config) *Queue {
	t.Helper()
	cfg.Workers = true
	cfg.testOnly = true
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 50 * time.Millisecond
	}
	q, err := New(db, dialect, cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	require.NoError(t, q.Start(ctx))
	t.Cleanup(func() {
		stopCtx, stopCancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer stopCancel()
		require.NoError(t, q.Stop(stopCtx))
		cancel()
	})
	return q
}

// insert enqueues job in its own committed transaction.
func insert(t *testing.T, db *sql.DB, q *Queue, job vouch.Job, opts vouch.JobOptions) {
	t.Helper()
	ctx := context.Background()
	tx, err := db.BeginTx(ctx, nil)
	require.NoError(t, err)
	defer func() { _ = tx.Rollback() }()
	require.NoError(t, q.InsertTx(ctx, tx, job, opts))
	require.NoError(t, tx.Commit())
}

// jobCount counts River's rows of kind whose arguments mention id.
func jobCount(t *testing.T, db *sql.DB, dialect, kind, id string) int {
	t.Helper()
	query := "SELECT count(*) FROM river_job WHERE kind = ? AND CAST(args AS TEXT) LIKE ?"
	if dialect == DialectPostgres {
		query = "SELECT count(*) FROM river_job WHERE kind = $1 AND CAST(args AS TEXT) LIKE $2"
	}
	var n int
	require.NoError(t, db.QueryRowContext(context.Background(), query, kind, "%"+id+"%").Scan(&n))
	return n
}
