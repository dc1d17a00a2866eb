// SPDX-License-Identifier: Apache-2.0

package webhook_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/jobs"
)

// TestRecordAttemptLocksEndpointOnlyWhenNeeded checks, on PostgreSQL, that
// recording a successful attempt for an endpoint that is not failing does
// not wait for the endpoint's row lock, so deliveries to one endpoint are
// recorded side by side; a failed attempt, which changes the endpoint's
// failure run, still waits for it.
func TestRecordAttemptLocksEndpointOnlyWhenNeeded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, jobs.DialectPostgres, harnessOpts{retryScale: 100}) // no retry during the test
	// An endpoint nothing listens on and two deliveries, whose first
	// attempts fail; the test then records attempts of its own.
	ln := listen(t)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	w, err := h.svc.CreateWebhook(ctx, vouch.Sandbox, "http://"+addr+"/hook", []string{vouch.EventInquiryCreated}, nil)
	require.NoError(t, err)
	h.inquiry(t)
	h.inquiry(t)
	var ds []*vouch.WebhookDelivery
	waitFor(t, 10*time.Second, "two deliveries attempted", func() bool {
		ds, _, err = h.svc.FindWebhookDeliveries(ctx, vouch.WebhookDeliveryFilter{Environment: vouch.Sandbox, WebhookID: w.ID, Limit: 10})
		require.NoError(t, err)
		return len(ds) == 2 && ds[0].Attempts > 0 && ds[1].Attempts > 0
	})
	// The failures started a failure run; a success ends it.
	ok := vouch.WebhookAttempt{DeliveryID: ds[0].ID, AttemptedAt: time.Now().UTC(), StatusCode: 200}
	_, err = h.svc.RecordWebhookAttempt(ctx, vouch.Sandbox, ok, false, 0)
	require.NoError(t, err)
	got, err := h.svc.FindWebhookByID(ctx, vouch.Sandbox, w.ID)
	require.NoError(t, err)
	require.Nil(t, got.FailingSince)

	// Another transaction holds the endpoint's row.
	lock, err := h.db.BeginTx(ctx, nil)
	require.NoError(t, err)
	defer func() { _ = lock.Rollback() }()
	_, err = lock.ExecContext(ctx, "SELECT id FROM webhooks WHERE id = $1 FOR UPDATE", w.ID)
	require.NoError(t, err)

	short, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	ok.DeliveryID = ds[1].ID
	_, err = h.svc.RecordWebhookAttempt(short, vouch.Sandbox, ok, false, 0)
	require.NoError(t, err, "a success for a healthy endpoint does not wait for its row")

	failed := make(chan error, 1)
	go func() {
		a := vouch.WebhookAttempt{DeliveryID: ds[0].ID, AttemptedAt: time.Now().UTC(), Error: "status 500", StatusCode: 500}
		_, err := h.svc.RecordWebhookAttempt(ctx, vouch.Sandbox, a, false, 0)
		failed <- err
	}()
	select {
	case err := <-failed:
		t.Fatalf("a failure was recorded while the endpoint's row was locked (err %v)", err)
	case <-time.After(300 * time.Millisecond):
	}
	require.NoError(t, lock.Rollback())
	require.NoError(t, <-failed)
	got, err = h.svc.FindWebhookByID(ctx, vouch.Sandbox, w.ID)
	require.NoError(t, err)
	require.NotNil(t, got.FailingSince, "the failure started a failure run")
}
