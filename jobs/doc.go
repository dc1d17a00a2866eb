// SPDX-License-Identifier: Apache-2.0

// Package jobs runs Vouch's background work (expiring inquiries, deciding
// verifications, pruning idempotency records, delivering webhooks) on the
// River job queue, in the same database as the store: River's SQLite
// driver for the embedded default and its database/sql PostgreSQL driver
// for larger deployments.
//
// River stays behind this package. Callers see a Queue with InsertTx,
// Start and Stop, the Migrate function and plain Go handlers; no River type
// appears in the exported API, so a small in-house job table could replace
// River (whose SQLite driver is still young) without touching the service,
// the store or cmd/vouch.
//
// # Transactional enqueueing
//
// The store's Tx.JobInsert calls Queue.InsertTx with the caller's *sql.Tx,
// so a job exists if and only if the transaction that wrote the state change
// commits: a rolled-back transaction leaves no job behind, and a committed
// one cannot lose its job.
//
// # Job arguments carry ids only
//
// Job rows are stored in clear, retried, kept after completion and shown by
// River's tooling, so their arguments hold identifiers and the environment,
// never personal data. A worker loads what it needs through the service,
// which unseals it. Kind strings ("inquiry_expire", "inquiry_expire_sweep",
// "verification_decide", "idempotency_prune", "webhook_deliver") and the
// JSON field names of the arguments are stored in job rows and are
// therefore permanent.
//
// # Periodic jobs
//
// Two kinds are inserted by River's periodic job enqueuer rather than by
// a transaction: inquiry_expire_sweep, every Config.ExpirySweepInterval
// (a second by default), expires every open inquiry whose expires-at has
// passed, and idempotency_prune, hourly, deletes old idempotent responses.
// River runs the enqueuer on the elected leader only, so with several
// processes one of them schedules each run, and only on a working queue:
// a process started with --workers=false never sweeps. A tick inserts a
// sweep only when Handlers.InquiriesDue last found an inquiry due (see
// sweepGate), so an idle server does not write a job every second. The sweep replaced
// a job per inquiry (inquiry_expire), whose insert in the create
// transaction cost far more than one indexed query a second; that kind's
// worker remains for jobs earlier versions left queued.
//
// # Webhook deliveries
//
// A webhook_deliver job carries a delivery id and its environment. It is
// inserted in the transaction that writes the event (a transactional
// outbox), and each run makes one HTTP attempt through
// Handlers.DeliverWebhook. The kind has its own retry schedule (Persona's,
// see WebhookRetryDelay, scaled by Config.WebhookRetryScale), eight
// attempts in all, and its own timeout (Config.WebhookJobTimeout, a little
// above the HTTP timeout), so that a run cut short by a crash is rescued
// once Config.RescueAfter has passed rather than after River's hour.
//
// # Which database handle to pass
//
// Both engines go through database/sql, so one *sql.DB type and one *sql.Tx
// type serve both, and River's client is a river.Client[*sql.Tx] either way.
//
//   - SQLite: pass the store's writer, the *sql.DB with SetMaxOpenConns(1)
//     opened with _txlock=immediate and a busy_timeout, to both New and
//     Migrate. River's fetch, completion, leader election and notification
//     polling then queue for that single connection alongside the store's
//     own writes, and InsertTx runs on the caller's transaction, which
//     already holds it. The tests in this package run workers against such
//     a one-connection handle while other goroutines keep inserting jobs in
//     transactions, and nothing deadlocks or starves. Never pass the
//     store's read-only reader pool: River writes on every fetch.
//   - PostgreSQL: pass the store's pool (pgx through database/sql) to both.
//     River's tables go in the schema the pool's search_path selects.
//
// On SQLite one connection serialises every write, River's included, so a
// job handler must not hold the connection while it waits for another one:
// handlers call the service, which opens its own short transactions, and
// never run inside a River transaction.
//
// # Polling
//
// River's SQLite driver has no LISTEN/NOTIFY: it writes notifications to an
// outbox table that its listener polls every 50 ms, and the database/sql
// PostgreSQL driver only polls. Config.PollInterval (100 ms by default)
// bounds how long a due job waits before it is fetched; webhook deliveries
// have their own queue, QueueWebhook, polled every WebhookPollInterval
// (20 ms by default) with its own workers. Jobs scheduled in the future,
// and retries more than a few seconds away, are made available by River's
// scheduler, which the elected leader runs every five seconds, so a
// scheduled job starts up to about five seconds after its time.
package jobs
