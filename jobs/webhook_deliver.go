// SPDX-License-Identifier: Apache-2.0

package jobs

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"time"

	"github.com/riverqueue/river"

	"github.com/vouch-id/vouch"
)

// KindWebhookDeliver is the permanent kind of the webhook delivery job; it
// equals vouch.WebhookDeliverJob's Kind.
const KindWebhookDeliver = "webhook_deliver"

// DefaultWebhookJobTimeout bounds one delivery run when Config does not.
const DefaultWebhookJobTimeout = 30 * time.Second

// QueueWebhook is the River queue of webhook deliveries. Deliveries have
// their own queue because they differ from the other kinds: they are many
// (one per event and endpoint), they spend their time waiting on a
// receiver rather than on the CPU or the database, and a receiver expects
// them within a fraction of a second. The queue name is stored in job rows
// and is permanent; a webhook_deliver job in the default queue (written
// before this queue existed) still runs there.
const QueueWebhook = "webhook"

// Defaults of the webhook queue for Config's zero values. A fetch runs at
// most every DefaultWebhookPollInterval and takes up to as many jobs as
// there are free workers, so together they bound both how long a new
// delivery waits (the store inserts jobs inside its own transactions,
// which River does not announce to the process, and River's database/sql
// PostgreSQL driver has no LISTEN, so a new job waits for the next poll)
// and how many deliveries run a second. On the default queue (10 workers,
// 100 ms) delivery stalled below 60 a second with events arriving tens of
// seconds late (docs/benchmarks.md, "Webhooks"). Polling every 20 ms costs
// an idle SQLite server about 3 % of a core; 10 ms cost 7 %.
const (
	DefaultWebhookMaxWorkers   = 100
	DefaultWebhookPollInterval = 20 * time.Millisecond
)

// WebhookDeliverArgs are the stored arguments of a webhook_deliver job:
// ids only. The JSON names are permanent, like the kind.
type WebhookDeliverArgs struct {
	DeliveryID  string            `json:"delivery_id"`
	Environment vouch.Environment `json:"environment"`
}

// Kind implements river.JobArgs.
func (WebhookDeliverArgs) Kind() string { return KindWebhookDeliver }

// InsertOpts implements river.JobArgsWithInsertOpts: spec §5.3's eight
// attempts in all, on the webhook queue.
func (WebhookDeliverArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{MaxAttempts: vouch.WebhookMaxAttempts, Queue: QueueWebhook}
}

// newWebhookDeliverArgs checks and converts the domain job.
func newWebhookDeliverArgs(j vouch.WebhookDeliverJob) (WebhookDeliverArgs, error) {
	a := WebhookDeliverArgs{DeliveryID: j.DeliveryID, Environment: j.Environment}
	return a, checkIDs(KindWebhookDeliver, a.Environment, a.DeliveryID)
}

// WebhookRetryDelay is the wait after failed attempt n (1-based) before
// the next one, following Persona's schedule (spec §5.3): n⁶ seconds but at
// least 3 s, so 3 s, 64 s, 729 s, … 117649 s after the seventh failure;
// about two days in all. scale multiplies it (tests run the schedule in
// seconds) and ±10 % jitter spreads retries of a burst apart.
func WebhookRetryDelay(n int, scale float64) time.Duration {
	secs := math.Max(math.Pow(float64(n), 6), 3)
	jitter := 0.9 + 0.2*rand.Float64()
	return time.Duration(secs * scale * jitter * float64(time.Second))
}

// webhookDeliverWorker calls Handlers.DeliverWebhook.
type webhookDeliverWorker struct {
	river.WorkerDefaults[WebhookDeliverArgs]
	q       *Queue
	scale   float64
	timeout time.Duration
}

// NextRetry implements river.Worker with Persona's schedule.
func (w *webhookDeliverWorker) NextRetry(job *river.Job[WebhookDeliverArgs]) time.Time {
	return time.Now().Add(WebhookRetryDelay(job.Attempt, w.scale))
}

// Timeout implements river.Worker. It is short, a little more than the
// HTTP timeout, because River's rescuer only retries a job cut short by a
// crash once its timeout has passed.
func (w *webhookDeliverWorker) Timeout(*river.Job[WebhookDeliverArgs]) time.Duration {
	return w.timeout
}

// Work implements river.Worker. The handler learns which attempt of this
// run it is, counted by River (a run cut short by a crash counts), to fill
// the attempt headers and to know when to give up.
func (w *webhookDeliverWorker) Work(ctx context.Context, job *river.Job[WebhookDeliverArgs]) error {
	return w.q.run(ctx, job.JobRow, func(ctx context.Context) error {
		a := job.Args
		if err := checkIDs(KindWebhookDeliver, a.Environment, a.DeliveryID); err != nil {
			return invalidArgs(err)
		}
		if w.q.handlers.DeliverWebhook == nil {
			return errors.New("jobs: webhook_deliver: this process has no webhook handler")
		}
		return w.q.handlers.DeliverWebhook(ctx, a.Environment, a.DeliveryID, job.Attempt, job.MaxAttempts)
	})
}
