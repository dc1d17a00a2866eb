// SPDX-License-Identifier: Apache-2.0

package webhook_test

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

// waitFor polls cond until it holds or the timeout passes.
func waitFor(t *testing.T, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestOutageBurst sends a burst of 1,000 events to a receiver that first
// refuses connections, then answers 503, then recovers: every event
// arrives, every signature verifies, and duplicates are counted.
func TestOutageBurst(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		h := newHarness(t, dialect, harnessOpts{retryScale: 0.002})
		// Reserve a port, then close it: connections are refused.
		ln := listen(t)
		addr := ln.Addr().String()
		require.NoError(t, ln.Close())
		w, err := h.svc.CreateWebhook(ctx, vouch.Sandbox, "http://"+addr+"/hook", []string{vouch.EventInquiryCreated}, nil)
		require.NoError(t, err)
		rc := newReceiver(t, func() []string { return []string{w.Secret} })

		const n = 1000
		ids := make(chan string, n)
		var wg sync.WaitGroup
		for g := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := g; i < n; i += 8 {
					ids <- h.inquiry(t)
				}
			}()
		}
		time.Sleep(time.Second) // refused for a while
		rc.status.Store(http.StatusServiceUnavailable)
		ln2, err := net.Listen("tcp", addr)
		require.NoError(t, err)
		serve(t, ln2, rc)
		time.Sleep(time.Second) // 503 for a while
		rc.status.Store(0)
		wg.Wait()
		close(ids)

		waitFor(t, 90*time.Second, "all events", func() bool { d, _, _ := rc.counts(); return d >= n })
		distinct, dups, bad := rc.counts()
		require.Equal(t, n, distinct)
		require.Zero(t, bad, "every signature verifies")
		t.Logf("%s: %d events delivered through an outage, %d duplicates", dialect, distinct, dups)

		// Every delivery is recorded as succeeded, with its failed attempts.
		waitFor(t, 10*time.Second, "deliveries settled", func() bool {
			l, _, err := h.svc.FindWebhookDeliveries(ctx, vouch.WebhookDeliveryFilter{Environment: vouch.Sandbox,
				WebhookID: w.ID, Status: ptr(vouch.DeliveryPending), Limit: 1})
			require.NoError(t, err)
			return len(l) == 0
		})
		retried, total, after := 0, 0, ""
		for {
			l, more, err := h.svc.FindWebhookDeliveries(ctx, vouch.WebhookDeliveryFilter{Environment: vouch.Sandbox,
				WebhookID: w.ID, Limit: 100, After: after})
			require.NoError(t, err)
			for _, d := range l {
				total++
				require.Equal(t, vouch.DeliverySucceeded, d.Status)
				require.Len(t, d.AttemptList, d.Attempts)
				if d.Attempts > 1 {
					retried++
					require.NotEmpty(t, d.AttemptList[0].Error)
				}
				after = d.ID
			}
			if !more {
				break
			}
		}
		require.Equal(t, n, total)
		require.NotZero(t, retried, "the outage made some deliveries retry")
		t.Logf("%s: %d of %d deliveries needed retries", dialect, retried, total)
	})
}

// TestRollbackDeliversNothing forces the transaction of a state change to
// fail after its event, delivery and job were written: nothing is
// delivered, while the next committed change is.
func TestRollbackDeliversNothing(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		h := newHarness(t, dialect, harnessOpts{retryScale: 0.001})
		var w *vouch.WebhookEndpoint
		rc := newReceiver(t, func() []string { return []string{w.Secret} })
		ln := listen(t)
		serve(t, ln, rc)
		w, err := h.svc.CreateWebhook(ctx, vouch.Sandbox, "http://"+ln.Addr().String(), []string{"*"}, nil)
		require.NoError(t, err)

		h.failInsert.Store(true)
		for range 20 {
			_, _, err := h.svc.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: h.template})
			require.Error(t, err)
		}
		h.failInsert.Store(false)
		id := h.inquiry(t)
		waitFor(t, 30*time.Second, "the committed event", func() bool { d, _, _ := rc.counts(); return d >= 1 })
		time.Sleep(500 * time.Millisecond) // room for any phantom to arrive
		events, _, _, err := h.svc.FindEvents(ctx, vouch.EventFilter{Environment: vouch.Sandbox, Limit: 100})
		require.NoError(t, err)
		distinct, _, bad := rc.counts()
		require.Equal(t, len(events), distinct, "only committed events are delivered")
		require.Zero(t, bad)
		for _, e := range events {
			require.Equal(t, id, e.InquiryID)
		}
	})
}

// TestGivesUpAfterLastAttempt runs the whole retry schedule, scaled down,
// against a receiver that always fails: eight attempts with the attempt
// headers, then the delivery is failed; redelivery starts a new run.
func TestGivesUpAfterLastAttempt(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		h := newHarness(t, dialect, harnessOpts{retryScale: 0.00001})
		var w *vouch.WebhookEndpoint
		rc := newReceiver(t, func() []string { return []string{w.Secret} })
		rc.status.Store(http.StatusInternalServerError)
		var mu sync.Mutex
		var made, left []string
		ln := listen(t)
		serve(t, ln, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
			mu.Lock()
			made = append(made, r.Header.Get("Persona-Webhook-Attempts-Made"))
			left = append(left, r.Header.Get("Persona-Webhook-Attempts-Left"))
			mu.Unlock()
			rc.ServeHTTP(rw, r)
		}))
		w, err := h.svc.CreateWebhook(ctx, vouch.Sandbox, "http://"+ln.Addr().String(), []string{vouch.EventInquiryCreated}, nil)
		require.NoError(t, err)
		h.inquiry(t)
		failed := vouch.DeliveryFailed
		var d *vouch.WebhookDelivery
		waitFor(t, 60*time.Second, "the delivery to fail", func() bool {
			l, _, err := h.svc.FindWebhookDeliveries(ctx, vouch.WebhookDeliveryFilter{Environment: vouch.Sandbox, WebhookID: w.ID, Status: &failed})
			require.NoError(t, err)
			if len(l) == 1 {
				d = l[0]
			}
			return d != nil
		})
		require.Equal(t, vouch.WebhookMaxAttempts, d.Attempts)
		require.Len(t, d.AttemptList, vouch.WebhookMaxAttempts)
		require.Equal(t, 500, d.LastStatusCode)
		require.Equal(t, "status 500", d.AttemptList[7].Error)
		mu.Lock()
		require.Equal(t, []string{"1", "2", "3", "4", "5", "6", "7", "8"}, made)
		require.Equal(t, []string{"7", "6", "5", "4", "3", "2", "1", "0"}, left)
		mu.Unlock()

		rc.status.Store(0)
		n, err := h.svc.RedeliverFailedWebhooks(ctx, vouch.Sandbox, w.ID, d.CreatedAt)
		require.NoError(t, err)
		require.Equal(t, 1, n)
		waitFor(t, 30*time.Second, "the redelivery", func() bool { d, _, _ := rc.counts(); return d == 1 })
		_, err = h.svc.RedeliverWebhookDelivery(ctx, vouch.Sandbox, w.ID, d.ID)
		if err != nil { // still pending until the attempt is recorded
			require.Equal(t, vouch.ECONFLICT, vouch.ErrorCode(err))
		}
	})
}

// TestDisablesFailingEndpoint checks that an endpoint failing for longer
// than the configured period is disabled, with a webhook.disabled event
// delivered to the other endpoints.
func TestDisablesFailingEndpoint(t *testing.T) {
	t.Parallel()
	forEachEngine(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		h := newHarness(t, dialect, harnessOpts{retryScale: 0.0001, disableAfter: 300 * time.Millisecond})
		bad := listen(t)
		serve(t, bad, http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) { rw.WriteHeader(http.StatusBadGateway) }))
		failing, err := h.svc.CreateWebhook(ctx, vouch.Sandbox, "http://"+bad.Addr().String(), []string{vouch.EventInquiryCreated}, nil)
		require.NoError(t, err)
		var watcher *vouch.WebhookEndpoint
		rc := newReceiver(t, func() []string { return []string{watcher.Secret} })
		good := listen(t)
		serve(t, good, rc)
		watcher, err = h.svc.CreateWebhook(ctx, vouch.Sandbox, "http://"+good.Addr().String(), []string{vouch.EventWebhookDisabled}, nil)
		require.NoError(t, err)
		for range 3 {
			h.inquiry(t)
		}
		waitFor(t, 60*time.Second, "the endpoint to be disabled", func() bool {
			got, err := h.svc.FindWebhookByID(ctx, vouch.Sandbox, failing.ID)
			require.NoError(t, err)
			return got.Status == vouch.WebhookDisabled
		})
		got, err := h.svc.FindWebhookByID(ctx, vouch.Sandbox, failing.ID)
		require.NoError(t, err)
		require.Equal(t, vouch.WebhookReasonFailing, got.DisabledReason)
		waitFor(t, 30*time.Second, "webhook.disabled", func() bool { d, _, _ := rc.counts(); return d == 1 })
		// Pending retries stop: every delivery settles as failed.
		waitFor(t, 30*time.Second, "retries to stop", func() bool {
			l, _, err := h.svc.FindWebhookDeliveries(ctx, vouch.WebhookDeliveryFilter{Environment: vouch.Sandbox,
				WebhookID: failing.ID, Status: ptr(vouch.DeliveryPending)})
			require.NoError(t, err)
			return len(l) == 0
		})
		rc.mu.Lock()
		require.Equal(t, strconv.Itoa(1), rc.headers[0].Get("Persona-Webhook-Attempts-Made"))
		rc.mu.Unlock()
	})
}

func ptr[T any](v T) *T { return &v }
