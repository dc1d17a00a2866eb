// SPDX-License-Identifier: Apache-2.0

package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/vouch-id/vouch"
)

// Defaults for Config's zero values.
const (
	DefaultMaxWorkers   = 10
	DefaultPollInterval = 100 * time.Millisecond
)

// CompletedJobRetention is how long River keeps a completed job's row.
const CompletedJobRetention = time.Hour

// Handlers do the work of each job kind. They are plain functions so that
// this package does not depend on the service: cmd/vouch binds them to
// *vouch.Service methods.
//
// A handler's error decides what happens to the job. nil completes it. An
// error whose vouch.ErrorCode is ENOTFOUND or EINVALID cancels it, since no
// retry can make a missing or malformed object valid. Any other error is
// retried with River's exponential backoff until the kind's MaxAttempts is
// spent. A handler must therefore be idempotent: it may run again after a
// crash or a timeout even if an earlier run did its work. Error text is
// logged and kept in the job row in clear, so it must hold ids, never
// personal data.
type Handlers struct {
	// ExpireInquiry expires the inquiry if its expires-at has passed and
	// does nothing otherwise (a resume may have moved it). Only
	// inquiry_expire jobs queued by earlier versions call it; nothing
	// inserts that kind any more.
	ExpireInquiry func(ctx context.Context, env vouch.Environment, inquiryID string) error
	// ExpireDueInquiries expires every open inquiry past its expires-at and
	// returns how many it expired; the periodic inquiry_expire_sweep calls
	// it every Config.ExpirySweepInterval. It must be harmless when two
	// runs overlap. Optional: when nil no sweep is scheduled, and inquiries
	// do not expire on their own.
	ExpireDueInquiries func(ctx context.Context) (int, error)
	// InquiriesDue reports whether an open inquiry is past its
	// expires-at, reading only. Optional: with it, a tick of the sweep's
	// schedule inserts a sweep only when one is due (see sweepGate), so a
	// server with nothing to expire writes nothing for the sweep; without
	// it, every tick sweeps.
	InquiriesDue func(ctx context.Context) (bool, error)
	// DecideVerification asks the verification's engine for a decision.
	DecideVerification func(ctx context.Context, env vouch.Environment, verificationID string) error
	// DeliverWebhook makes one attempt of a webhook delivery; attempt is
	// this run's number (1-based) of maxAttempts. It returns nil once the
	// delivery is settled (succeeded, or failed on the last attempt) and
	// an error to be retried on River's schedule for webhooks. Optional:
	// without it, webhook jobs wait for a process that has it.
	DeliverWebhook func(ctx context.Context, env vouch.Environment, deliveryID string, attempt, maxAttempts int) error
	// PruneIdempotency deletes stored idempotent responses older than
	// vouch.IdempotencyTTL. Optional: when nil no periodic prune is run.
	PruneIdempotency func(ctx context.Context) error
}

// Config tunes a Queue. The zero value is an insert-only queue with the
// defaults above and River's logs discarded.
type Config struct {
	// Logger receives River's logs and ours; nil discards them.
	Logger *slog.Logger
	// Workers makes this process work jobs. False builds an insert-only
	// queue, for API-only replicas: InsertTx works, Start and Stop do
	// nothing, and Handlers may be empty.
	Workers bool
	// MaxWorkers bounds how many jobs run at once (DefaultMaxWorkers).
	MaxWorkers int
	// PollInterval is how often River looks for due jobs
	// (DefaultPollInterval). The database/sql PostgreSQL driver has no
	// LISTEN, so there it bounds how long a new job waits to start; on
	// SQLite River also polls its notification table every 50 ms, which
	// usually starts a new job sooner.
	PollInterval time.Duration
	// Handlers do the work; required when Workers is true, except
	// ExpireDueInquiries, PruneIdempotency and DeliverWebhook.
	Handlers Handlers
	// ExpirySweepInterval is how often the elected leader schedules the
	// inquiry expiry sweep (DefaultExpirySweepInterval); at least a second.
	ExpirySweepInterval time.Duration
	// JobDoneFunc, when set, is called after every run of a job with its
	// kind, its outcome and how long the handler took, for metrics. It runs
	// on the worker goroutine and must be quick.
	JobDoneFunc func(kind string, outcome Outcome, took time.Duration)

	// WebhookRetryScale multiplies the webhook retry schedule; 0 means 1.
	// Tests and benchmarks shrink it to run the schedule in seconds.
	WebhookRetryScale float64
	// WebhookJobTimeout bounds one delivery run (DefaultWebhookJobTimeout);
	// keep it a little above the HTTP timeout.
	WebhookJobTimeout time.Duration
	// WebhookMaxWorkers bounds how many deliveries run at once, besides
	// MaxWorkers (DefaultWebhookMaxWorkers). A delivery mostly waits on
	// its receiver, so many can run at once.
	WebhookMaxWorkers int
	// WebhookPollInterval is how often the webhook queue looks for due
	// deliveries (DefaultWebhookPollInterval); it bounds how long a new
	// delivery waits to start.
	WebhookPollInterval time.Duration
	// RescueAfter is how long a job may stay running before River's
	// rescuer, which runs every 30 s on the leader, treats it as cut short
	// by a crash and retries it; 0 means River's hour. It must exceed every
	// kind's timeout.
	RescueAfter time.Duration

	// testOnly turns off River's start-up jitter, for quicker tests.
	testOnly bool
}

// Queue is Vouch's job queue: River's client on the store's database.
type Queue struct {
	client   *river.Client[*sql.Tx]
	workers  bool
	handlers Handlers
	logger   *slog.Logger
	done     func(kind string, outcome Outcome, took time.Duration)
	// stopLooks ends the sweep gate's background reads on Stop.
	stopLooks context.CancelFunc
}

// New builds a Queue on db, which must already be migrated with Migrate.
// See the package doc for which *sql.DB to pass for each dialect.
func New(db *sql.DB, dialect string, cfg Config) (*Queue, error) {
	driver, err := newDriver(db, dialect)
	if err != nil {
		return nil, err
	}
	if cfg.Workers && (cfg.Handlers.ExpireInquiry == nil || cfg.Handlers.DecideVerification == nil) {
		return nil, errors.New("jobs: a working queue needs the ExpireInquiry and DecideVerification handlers")
	}
	if cfg.MaxWorkers < 0 || cfg.PollInterval < 0 {
		return nil, errors.New("jobs: MaxWorkers and PollInterval must not be negative")
	}
	sweepEvery := cfg.ExpirySweepInterval
	if sweepEvery == 0 {
		sweepEvery = DefaultExpirySweepInterval
	}
	if sweepEvery < time.Second {
		return nil, errors.New("jobs: ExpirySweepInterval must be at least a second")
	}
	logger := cfg.Logger
	if logger == nil {
		logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	q := &Queue{workers: cfg.Workers, handlers: cfg.Handlers, logger: logger, done: cfg.JobDoneFunc}

	// Workers are registered even on an insert-only queue, so that River
	// refuses to insert a kind that no Vouch process could work.
	workers := river.NewWorkers()
	river.AddWorker(workers, &inquiryExpireWorker{q: q})
	river.AddWorker(workers, &inquiryExpireSweepWorker{q: q})
	river.AddWorker(workers, &verificationDecideWorker{q: q})
	river.AddWorker(workers, &idempotencyPruneWorker{q: q})
	scale := cfg.WebhookRetryScale
	if scale <= 0 {
		scale = 1
	}
	webhookTimeout := cfg.WebhookJobTimeout
	if webhookTimeout <= 0 {
		webhookTimeout = DefaultWebhookJobTimeout
	}
	river.AddWorker(workers, &webhookDeliverWorker{q: q, scale: scale, timeout: webhookTimeout})

	rc := &river.Config{
		Logger:               slog.New(riverHandler{logger.Handler()}),
		Workers:              workers,
		TestOnly:             cfg.testOnly,
		RescueStuckJobsAfter: cfg.RescueAfter,
		// A completed job holds ids only, and what it did is recorded in
		// Vouch's own tables (deliveries and their attempts, events). River
		// keeps completed rows a day by default: at a few hundred webhook
		// deliveries a second, plus a sweep every second, that is tens of
		// millions of rows in the job table. An hour is enough to look at
		// recent work.
		CompletedJobRetentionPeriod: CompletedJobRetention,
	}
	// River wants the default job timeout (a minute) not to exceed the
	// rescue delay; kinds without their own timeout are quick, so a short
	// rescue delay shortens theirs too.
	if cfg.RescueAfter > 0 && cfg.RescueAfter < time.Minute {
		rc.JobTimeout = cfg.RescueAfter
	}
	if cfg.Workers {
		poll := cfg.PollInterval
		if poll == 0 {
			poll = DefaultPollInterval
		}
		maxWorkers := cfg.MaxWorkers
		if maxWorkers == 0 {
			maxWorkers = DefaultMaxWorkers
		}
		rc.FetchPollInterval = poll
		// River refuses a poll interval shorter than the cooldown.
		rc.FetchCooldown = min(river.FetchCooldownDefault, poll)
		webhookPoll := cfg.WebhookPollInterval
		if webhookPoll <= 0 {
			webhookPoll = DefaultWebhookPollInterval
		}
		webhookWorkers := cfg.WebhookMaxWorkers
		if webhookWorkers <= 0 {
			webhookWorkers = DefaultWebhookMaxWorkers
		}
		rc.Queues = map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: maxWorkers},
			QueueWebhook:       {MaxWorkers: webhookWorkers, FetchCooldown: webhookPoll, FetchPollInterval: webhookPoll},
		}
		// Periodic jobs exist only on a working queue: an insert-only
		// process (--workers=false) never sweeps or prunes.
		if cfg.Handlers.ExpireDueInquiries != nil {
			var open func() bool
			if cfg.Handlers.InquiriesDue != nil {
				ctx, cancel := context.WithCancel(context.Background())
				q.stopLooks = cancel
				open = newSweepGate(ctx, cfg.Handlers.InquiriesDue, sweepEvery).open
			}
			rc.PeriodicJobs = append(rc.PeriodicJobs, periodic(InquiryExpireSweepArgs{}, sweepEvery, open))
		}
		if cfg.Handlers.PruneIdempotency != nil {
			rc.PeriodicJobs = append(rc.PeriodicJobs, periodic(IdempotencyPruneArgs{}, IdempotencyPruneInterval, nil))
		}
	}
	client, err := river.NewClient(driver, rc)
	if err != nil {
		return nil, fmt.Errorf("jobs: river client: %w", err)
	}
	q.client = client
	return q, nil
}

// Start begins fetching and working jobs. Jobs run with contexts derived
// from ctx, so ctx should live as long as the process (not a request's);
// cancelling it stops the queue as Stop does. Start does nothing on an
// insert-only queue.
func (q *Queue) Start(ctx context.Context) error {
	if !q.workers {
		return nil
	}
	if err := q.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	return nil
}

// Stop stops fetching new jobs and waits for running ones to finish. If ctx
// ends first, the running jobs' contexts are cancelled and Stop returns
// ctx's error without waiting further; a job cut short that way is retried
// once River's rescuer finds it stuck (after an hour). Stop does nothing on
// an insert-only queue or one that was not started.
func (q *Queue) Stop(ctx context.Context) error {
	if !q.workers {
		return nil
	}
	if q.stopLooks != nil {
		defer q.stopLooks()
	}
	err := q.client.Stop(ctx)
	if err == nil {
		return nil
	}
	// StopAndCancel cancels the jobs' contexts before it looks at ctx, so
	// with ctx already done it returns at once.
	_ = q.client.StopAndCancel(ctx)
	return fmt.Errorf("jobs: stop: %w", err)
}

// InsertTx enqueues job in the caller's transaction: it runs only if tx
// commits. It is the store's job inserter (sqlstore.InsertJobFunc). A kind
// this package does not know is an error, as are arguments without an id
// or a valid environment. A ScheduledAt in the future delays the job; a zero
// or past one makes it due at once.
func (q *Queue) InsertTx(ctx context.Context, tx *sql.Tx, job vouch.Job, opts vouch.JobOptions) error {
	if tx == nil {
		return errors.New("jobs: insert: nil transaction")
	}
	args, err := riverArgs(job)
	if err != nil {
		return err
	}
	var ins river.InsertOpts
	if opts.ScheduledAt.After(time.Now()) {
		ins.ScheduledAt = opts.ScheduledAt
	}
	if _, err := q.client.InsertTx(ctx, tx, args, &ins); err != nil {
		return fmt.Errorf("jobs: insert %s: %w", args.Kind(), err)
	}
	return nil
}

// riverArgs maps a domain job to its River arguments, checking them on the
// way in so that a bad job fails its caller's transaction instead of
// failing later in a worker.
func riverArgs(job vouch.Job) (river.JobArgs, error) {
	switch j := job.(type) {
	// The service no longer inserts inquiry_expire (the periodic sweep
	// replaced it); the kind stays accepted so that tests can queue the
	// rows earlier versions left behind and prove they still run.
	case vouch.InquiryExpireJob:
		return newInquiryExpireArgs(j)
	case *vouch.InquiryExpireJob:
		if j == nil {
			return nil, errors.New("jobs: insert: nil job")
		}
		return newInquiryExpireArgs(*j)
	case vouch.VerificationDecideJob:
		return newVerificationDecideArgs(j)
	case *vouch.VerificationDecideJob:
		if j == nil {
			return nil, errors.New("jobs: insert: nil job")
		}
		return newVerificationDecideArgs(*j)
	case vouch.WebhookDeliverJob:
		return newWebhookDeliverArgs(j)
	case *vouch.WebhookDeliverJob:
		if j == nil {
			return nil, errors.New("jobs: insert: nil job")
		}
		return newWebhookDeliverArgs(*j)
	case nil:
		return nil, errors.New("jobs: insert: nil job")
	default:
		return nil, fmt.Errorf("jobs: insert: unknown job kind %q (%T)", job.Kind(), job)
	}
}

// checkIDs validates the arguments every id-carrying job shares.
func checkIDs(kind string, env vouch.Environment, id string) error {
	if !env.Valid() {
		return fmt.Errorf("jobs: %s: invalid environment %q", kind, env)
	}
	if id == "" {
		return fmt.Errorf("jobs: %s: empty id", kind)
	}
	return nil
}

// periodic schedules args every interval, with the job's kind as its id.
// River runs periodic jobs on the elected leader only, so however many
// processes work jobs, one inserts them (any of them may run one).
// RunOnStart inserts one at once when a process becomes leader, so an
// expiry sweep catches up after downtime and a process restarted often
// still prunes. A tick inserts nothing when open, if given, says no.
func periodic(args river.JobArgs, interval time.Duration, open func() bool) *river.PeriodicJob {
	return river.NewPeriodicJob(
		river.PeriodicInterval(interval),
		func() (river.JobArgs, *river.InsertOpts) {
			if open != nil && !open() {
				return nil, nil // River skips the tick
			}
			return args, nil
		},
		&river.PeriodicJobOpts{ID: args.Kind(), RunOnStart: true},
	)
}
