// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/blob"
	"github.com/vouch-id/vouch/engine/sandbox"
	"github.com/vouch-id/vouch/internal/sqlstore"
	"github.com/vouch-id/vouch/jobs"
	"github.com/vouch-id/vouch/postgres"
	"github.com/vouch-id/vouch/sqlite"
	"github.com/vouch-id/vouch/webhook"
)

// App is the wired program: every part is built here, explicitly, in the
// order its dependencies need (wtf's Main). Subcommands open what they use.
type App struct {
	Config  *Config
	Logger  *slog.Logger
	Store   vouch.Store
	Service *vouch.Service
	Queue   *jobs.Queue
	// Webhooks makes delivery attempts; serve attaches its metrics.
	Webhooks *webhook.Deliverer

	db      *sql.DB // the writer handle River shares
	dialect string
	sqlite  *sqlite.Store // set on SQLite, for integrity checks
}

// storeWithJobs is what both concrete stores offer beyond vouch.Store.
type storeWithJobs interface {
	vouch.Store
	SetInsertJob(sqlstore.InsertJobFunc)
}

// newLogger builds the process logger. Logs never carry personal data or
// secrets: handlers log ids and codes only.
func newLogger(c *Config, w io.Writer) *slog.Logger {
	lvl := map[string]slog.Level{"debug": slog.LevelDebug, "info": slog.LevelInfo,
		"warn": slog.LevelWarn, "error": slog.LevelError}[c.LogLevel]
	opts := &slog.HandlerOptions{Level: lvl}
	if c.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}

// OpenApp opens the store (migrating it), the job queue and the service.
// withWorkers false builds an insert-only queue (CLI commands, API-only
// replicas).
func OpenApp(ctx context.Context, c *Config, logger *slog.Logger, withWorkers bool) (*App, error) {
	a := &App{Config: c, Logger: logger}
	if err := os.MkdirAll(c.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("data folder: %w", err)
	}
	key, err := loadMasterKey(c, logger)
	if err != nil {
		return nil, err
	}
	keys, err := vouch.NewKeyring(key)
	if err != nil {
		return nil, err
	}
	var st storeWithJobs
	var dsn string
	a.dialect, dsn = c.dialect()
	switch a.dialect {
	case "sqlite":
		if err := os.MkdirAll(filepath.Dir(dsn), 0o700); err != nil {
			return nil, fmt.Errorf("database folder: %w", err)
		}
		s, err := sqlite.Open(ctx, dsn)
		if err != nil {
			return nil, fmt.Errorf("open sqlite: %w", err)
		}
		st, a.db, a.sqlite = s, s.WriterDB(), s
	default:
		s, err := postgres.Open(ctx, dsn)
		if err != nil {
			return nil, fmt.Errorf("open postgres: %w", err)
		}
		st, a.db = s, s.DB()
	}
	a.Store = st
	if err := jobs.Migrate(ctx, a.db, a.dialect); err != nil {
		a.Store.Close()
		return nil, fmt.Errorf("migrate job queue: %w", err)
	}
	blobs, err := blob.NewFS(filepath.Join(c.DataDir, "blobs"))
	if err != nil {
		a.Store.Close()
		return nil, err
	}
	svc := vouch.NewService(st, keys, blobs)
	svc.Logger = logger
	svc.Issuer = c.PublicURL
	// Sandbox verifications get the outcome the tester chose; production
	// ones only ever see svc.Engines.
	svc.SandboxEngine = sandbox.New()
	a.Service = svc
	client, err := webhook.NewClient(webhook.ClientOptions{Timeout: c.WebhookTimeout, AllowedHosts: c.WebhookAllowedHosts})
	if err != nil {
		a.Store.Close()
		return nil, err
	}
	a.Webhooks = &webhook.Deliverer{Service: svc, Client: client, DisableAfter: c.WebhookDisableAfter, Logger: logger}
	a.Queue, err = jobs.New(a.db, a.dialect, jobs.Config{
		Logger:     logger,
		Workers:    withWorkers,
		MaxWorkers: c.MaxWorkers,
		Handlers: jobs.Handlers{
			ExpireInquiry:      svc.ExpireInquiryIfDue,
			ExpireDueInquiries: svc.ExpireDueInquiries,
			InquiriesDue:       svc.InquiriesDue,
			DecideVerification: svc.DecideVerification,
			PruneIdempotency:   svc.PruneIdempotency,
			DeliverWebhook:     a.Webhooks.Deliver,
		},
		ExpirySweepInterval: c.ExpirySweepInterval,
		WebhookRetryScale:   c.WebhookRetryScale,
		WebhookJobTimeout:   c.WebhookTimeout + 5*time.Second,
		RescueAfter:         c.JobRescueAfter,
	})
	if err != nil {
		a.Store.Close()
		return nil, fmt.Errorf("job queue: %w", err)
	}
	st.SetInsertJob(a.Queue.InsertTx)
	return a, nil
}

// Close releases the store. Stop the queue first.
func (a *App) Close() error { return a.Store.Close() }
