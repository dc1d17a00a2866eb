// SPDX-License-Identifier: Apache-2.0

package webhook_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/blob"
	"github.com/vouch-id/vouch/engine/sandbox"
	"github.com/vouch-id/vouch/internal/sqlstore"
	"github.com/vouch-id/vouch/jobs"
	"github.com/vouch-id/vouch/postgres"
	"github.com/vouch-id/vouch/postgres/pgtest"
	"github.com/vouch-id/vouch/sqlite"
	"github.com/vouch-id/vouch/vouchtest"
	"github.com/vouch-id/vouch/webhook"
)

// harness is a real service on a real database with a running job queue
// whose webhook handler is a real Deliverer.
type harness struct {
	svc      *vouch.Service
	db       *sql.DB // the store's database, for tests that lock rows
	template string
	// failInsert, when set, makes the job inserter fail after inserting a
	// webhook_deliver job, to force a rollback of the whole transaction.
	failInsert atomic.Bool
}

type harnessOpts struct {
	retryScale   float64
	disableAfter time.Duration
	allowed      []string
	timeout      time.Duration
	// sandboxEngine decides simulated verifications with the sandbox
	// engine, as the binary does, so their payloads carry its checks.
	sandboxEngine bool
}

// forEachEngine runs fn as a parallel subtest on SQLite and PostgreSQL.
func forEachEngine(t *testing.T, fn func(t *testing.T, dialect string)) {
	for _, d := range []string{jobs.DialectSQLite, jobs.DialectPostgres} {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, d)
		})
	}
}

// newHarness opens a store of the dialect, its queue and a deliverer.
func newHarness(t *testing.T, dialect string, o harnessOpts) *harness {
	t.Helper()
	ctx := context.Background()
	type store interface {
		vouch.Store
		SetInsertJob(sqlstore.InsertJobFunc)
	}
	var st store
	var db *sql.DB
	if dialect == jobs.DialectSQLite {
		s, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "vouch.db"))
		require.NoError(t, err)
		st, db = s, s.WriterDB()
	} else {
		dsn := pgtest.DSN(t)
		s, err := postgres.Open(ctx, dsn)
		require.NoError(t, err)
		st, db = s, s.DB()
	}
	t.Cleanup(func() { _ = st.Close() })
	require.NoError(t, jobs.Migrate(ctx, db, dialect))
	blobs, err := blob.NewFS(t.TempDir())
	require.NoError(t, err)
	keys, err := vouch.NewKeyring(bytes.Repeat([]byte{7}, vouch.KeySize))
	require.NoError(t, err)
	h := &harness{svc: vouch.NewService(st, keys, blobs), db: db}
	if o.sandboxEngine {
		h.svc.SandboxEngine = sandbox.New()
	}
	if o.allowed == nil {
		o.allowed = []string{"127.0.0.1", "::1", "localhost"}
	}
	client, err := webhook.NewClient(webhook.ClientOptions{AllowedHosts: o.allowed, Timeout: o.timeout})
	require.NoError(t, err)
	d := &webhook.Deliverer{Service: h.svc, Client: client, DisableAfter: o.disableAfter}
	q, err := jobs.New(db, dialect, jobs.Config{
		Workers: true, MaxWorkers: 20, PollInterval: 20 * time.Millisecond,
		WebhookRetryScale: o.retryScale,
		Handlers: jobs.Handlers{
			ExpireInquiry:      h.svc.ExpireInquiryIfDue,
			DecideVerification: h.svc.DecideVerification,
			DeliverWebhook:     d.Deliver,
		},
	})
	require.NoError(t, err)
	st.SetInsertJob(func(ctx context.Context, tx *sql.Tx, job vouch.Job, opts vouch.JobOptions) error {
		if err := q.InsertTx(ctx, tx, job, opts); err != nil {
			return err
		}
		if job.Kind() == jobs.KindWebhookDeliver && h.failInsert.Load() {
			return errors.New("forced failure after the webhook job was inserted")
		}
		return nil
	})
	require.NoError(t, q.Start(ctx))
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = q.Stop(sctx)
	})
	tmpl, _, err := h.svc.CreateTemplate(ctx, vouch.Sandbox, "t", false, vouchtest.DemoConfig())
	require.NoError(t, err)
	h.template = tmpl.ID
	return h
}

// inquiry creates one inquiry and returns its id.
func (h *harness) inquiry(t *testing.T) string {
	d, _, err := h.svc.CreateInquiry(context.Background(), vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: h.template})
	require.NoError(t, err)
	return d.Inquiry.ID
}

// receiver is a local HTTP receiver that verifies every request and
// counts what it saw. status decides each answer.
type receiver struct {
	t       *testing.T
	secrets func() []string
	status  atomic.Int32 // answer; 0 means 200

	mu       sync.Mutex
	seen     map[string]int // event id → deliveries
	headers  []http.Header
	bad      int
	accepted int
}

func newReceiver(t *testing.T, secrets func() []string) *receiver {
	return &receiver{t: t, secrets: secrets, seen: map[string]int{}}
}

// ServeHTTP implements http.Handler.
func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	if s := rc.status.Load(); s != 0 {
		w.WriteHeader(int(s))
		return
	}
	var env struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.headers = append(rc.headers, r.Header.Clone())
	err := webhook.Verify(r.Header.Get(webhook.SignatureHeader), body, rc.secrets(), time.Minute, time.Now())
	if err != nil || json.Unmarshal(body, &env) != nil || env.Data.ID != r.Header.Get(webhook.HeaderEventID) {
		rc.bad++
		w.WriteHeader(http.StatusBadRequest)
		return
	}
	rc.seen[env.Data.ID]++
	rc.accepted++
	w.WriteHeader(http.StatusNoContent)
}

// counts returns distinct events, duplicates and bad requests.
func (rc *receiver) counts() (distinct, dups, bad int) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	for _, n := range rc.seen {
		dups += n - 1
	}
	return len(rc.seen), dups, rc.bad
}

// serve starts rc on ln and stops it when the test ends.
func serve(t *testing.T, ln net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
}

// listen opens a loopback listener.
func listen(t *testing.T) net.Listener {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return ln
}
