// SPDX-License-Identifier: Apache-2.0

package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/api"
)

// Delivery headers (spec §5.3), besides the signature.
const (
	HeaderAttemptsMade     = "Persona-Webhook-Attempts-Made"
	HeaderAttemptsLeft     = "Persona-Webhook-Attempts-Left"
	HeaderFirstAttemptedAt = "Persona-Webhook-First-Attempted-At"
	// HeaderEventID repeats data.id, so receivers can deduplicate without
	// parsing the body (deliveries may arrive more than once).
	HeaderEventID = "Vouch-Event-Id"
)

// Deliverer makes delivery attempts. Its Deliver method is the
// webhook_deliver job's handler.
type Deliverer struct {
	Service *vouch.Service
	// Client must come from NewClient.
	Client *http.Client
	// DisableAfter disables an endpoint that has failed for this long
	// without a success; 0 never does.
	DisableAfter time.Duration
	Metrics      *Metrics // nil records nothing
	Logger       *slog.Logger
	// Now is the clock of signatures and attempt times; nil is time.Now.
	Now func() time.Time
}

// Body renders the request body of an event: the JSON:API document that
// GET /api/v1/events/{id} returns, so the two are always equal.
func Body(e *vouch.Event, snap *vouch.EventSnapshot) ([]byte, error) {
	b, err := json.Marshal(&api.Document{Data: api.RenderEvent(e, snap), Included: []*api.Resource{}})
	if err != nil {
		return nil, fmt.Errorf("webhook: encode event %s: %w", e.ID, err)
	}
	return b, nil
}

// Deliver makes attempt number attempt (of maxAttempts in this run) of a
// delivery. It returns nil when the delivery is settled: delivered, given
// up after the last attempt, or no longer wanted (the endpoint was
// disabled). It returns an error for a failed attempt that will be retried.
func (d *Deliverer) Deliver(ctx context.Context, env vouch.Environment, deliveryID string, attempt, maxAttempts int) error {
	send, err := d.Service.PrepareWebhookDelivery(ctx, env, deliveryID)
	if err != nil || send == nil {
		return err
	}
	body, err := Body(send.Event, send.Snapshot)
	if err != nil {
		return err
	}
	now := d.now()
	if send.Delivery.Attempts == 0 {
		d.Metrics.lag(now.Sub(send.Delivery.CreatedAt))
	}
	first := now
	if send.Delivery.FirstAttemptedAt != nil {
		first = *send.Delivery.FirstAttemptedAt
	}
	status, took, sendErr := d.post(ctx, send, body, now, first, attempt, maxAttempts)
	a := vouch.WebhookAttempt{DeliveryID: deliveryID, AttemptedAt: now, StatusCode: status, Latency: took}
	switch {
	case sendErr != nil:
		a.Error = describe(sendErr)
	case status < 200 || status > 299:
		a.Error = "status " + strconv.Itoa(status)
	}
	final := attempt >= maxAttempts
	res, err := d.Service.RecordWebhookAttempt(context.WithoutCancel(ctx), env, a, final, d.DisableAfter)
	if err != nil {
		return fmt.Errorf("webhook: record attempt of %s: %w", deliveryID, err)
	}
	d.Metrics.attempt(&a, final, took)
	if res.Disabled {
		d.Metrics.disabled()
		d.logger().WarnContext(ctx, "webhook endpoint disabled after failing", slog.String("webhook_id", send.Endpoint.ID))
	}
	if a.Succeeded() || final {
		return nil
	}
	return fmt.Errorf("webhook: delivery %s attempt %d: %s", deliveryID, attempt, a.Error)
}

// post sends one request and returns the status (0 without a response).
func (d *Deliverer) post(ctx context.Context, send *vouch.WebhookSend, body []byte, now, first time.Time, attempt, maxAttempts int) (int, time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, send.Endpoint.URL, bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	for k, v := range send.Endpoint.CustomHeaders {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Vouch-Webhooks/1")
	req.Header.Set(SignatureHeader, Sign(body, send.Endpoint.SigningSecrets(now), now))
	req.Header.Set(HeaderAttemptsMade, strconv.Itoa(attempt))
	req.Header.Set(HeaderAttemptsLeft, strconv.Itoa(max(maxAttempts-attempt, 0)))
	req.Header.Set(HeaderFirstAttemptedAt, strconv.FormatInt(first.Unix(), 10))
	req.Header.Set(HeaderEventID, send.Event.ID)
	start := time.Now()
	resp, err := d.Client.Do(req)
	if err != nil {
		return 0, time.Since(start), err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxResponseBytes))
	_ = resp.Body.Close()
	return resp.StatusCode, time.Since(start), nil
}

// describe turns a transport error into attempt text without the URL,
// which may embed a token in its path or query.
func describe(err error) string {
	var netErr net.Error
	switch {
	case errors.Is(err, ErrAddressNotAllowed):
		return "address not allowed"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return "connection error: " + opErr.Op
	}
	return "request error"
}

func (d *Deliverer) now() time.Time {
	if d.Now != nil {
		return d.Now().UTC().Truncate(time.Microsecond)
	}
	return time.Now().UTC().Truncate(time.Microsecond)
}

func (d *Deliverer) logger() *slog.Logger {
	if d.Logger != nil {
		return d.Logger
	}
	return slog.Default()
}
