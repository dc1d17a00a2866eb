// SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

// webhook returns an enabled endpoint in env.
func webhook(env vouch.Environment, created time.Time) *vouch.WebhookEndpoint {
	return &vouch.WebhookEndpoint{
		ID: vouch.NewID(vouch.PrefixWebhook), Environment: env, URL: "https://hooks.example/in",
		EnabledEvents: []string{"*"}, Status: vouch.WebhookEnabled, SealedSecret: []byte("sealed secret"),
		CreatedAt: created, UpdatedAt: created,
	}
}

// testWebhook covers endpoints, deliveries and attempts: round trips
// without plaintext, the enabled list the outbox reads, and the filters.
func testWebhook(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()

	t.Run("EndpointRoundTrip", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		w := webhook(vouch.Sandbox, now())
		w.Secret, w.CustomHeaders = "wbhsec_clear", map[string]string{"Authorization": "clear"}
		w.SealedHeaders, w.SealedPreviousSecret = []byte("sealed headers"), []byte("sealed previous")
		w.PreviousSecretExpiresAt, w.FailingSince = ptr(now().Add(time.Hour)), ptr(now())
		update(t, s, func(tx vouch.Tx) error { return tx.WebhookInsert(ctx, w) })
		got, err := get(t, s, func(tx vouch.Tx) (*vouch.WebhookEndpoint, error) { return tx.WebhookGetByID(ctx, vouch.Sandbox, w.ID) })
		require.NoError(t, err)
		want := *w
		want.Secret, want.CustomHeaders = "", nil
		require.Equal(t, &want, got)
		_, err = get(t, s, func(tx vouch.Tx) (*vouch.WebhookEndpoint, error) {
			return tx.WebhookGetByID(ctx, vouch.Production, w.ID)
		})
		requireCode(t, err, vouch.ENOTFOUND)

		got.Status, got.DisabledReason, got.FailingSince = vouch.WebhookDisabled, vouch.WebhookReasonFailing, nil
		got.URL, got.EnabledEvents, got.SealedHeaders = "https://other.example", []string{vouch.EventInquiryCreated}, nil
		update(t, s, func(tx vouch.Tx) error {
			locked, err := tx.WebhookGetForUpdate(ctx, vouch.Sandbox, w.ID)
			require.NoError(t, err)
			require.Equal(t, w.ID, locked.ID)
			return tx.WebhookUpdate(ctx, got)
		})
		again, err := get(t, s, func(tx vouch.Tx) (*vouch.WebhookEndpoint, error) { return tx.WebhookGetByID(ctx, vouch.Sandbox, w.ID) })
		require.NoError(t, err)
		require.Equal(t, got, again)
	})

	t.Run("ListEnabled", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a, b, c, p := webhook(vouch.Sandbox, now()), webhook(vouch.Sandbox, now()), webhook(vouch.Sandbox, now()), webhook(vouch.Production, now())
		b.Status = vouch.WebhookDisabled
		c.Status = vouch.WebhookArchived
		update(t, s, func(tx vouch.Tx) error {
			for _, w := range []*vouch.WebhookEndpoint{a, b, c, p} {
				require.NoError(t, tx.WebhookInsert(ctx, w))
			}
			return nil
		})
		list, err := get(t, s, func(tx vouch.Tx) ([]*vouch.WebhookEndpoint, error) { return tx.WebhookListEnabled(ctx, vouch.Sandbox) })
		require.NoError(t, err)
		require.Len(t, list, 1)
		require.Equal(t, a.ID, list[0].ID)
		all, err := get(t, s, func(tx vouch.Tx) ([]*vouch.WebhookEndpoint, error) {
			l, _, err := tx.WebhookList(ctx, vouch.WebhookFilter{Environment: vouch.Sandbox})
			return l, err
		})
		require.NoError(t, err)
		require.Len(t, all, 3)
	})

	t.Run("DuplicateIsConflict", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		w := webhook(vouch.Sandbox, now())
		update(t, s, func(tx vouch.Tx) error { return tx.WebhookInsert(ctx, w) })
		requireCode(t, s.Update(ctx, func(tx vouch.Tx) error { return tx.WebhookInsert(ctx, w) }), vouch.ECONFLICT)
	})

	t.Run("DeliveriesAndAttempts", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		w := webhook(vouch.Sandbox, now())
		inq := inquiry(vouch.Sandbox, now())
		var ds []*vouch.WebhookDelivery
		t0 := now().Add(-time.Hour)
		update(t, s, func(tx vouch.Tx) error {
			require.NoError(t, tx.WebhookInsert(ctx, w))
			for i := range 3 {
				e := event(inq, vouch.EventInquiryCreated, int64(i+1), t0.Add(time.Duration(i)*time.Minute))
				require.NoError(t, tx.EventInsert(ctx, e))
				d := &vouch.WebhookDelivery{ID: vouch.NewID(vouch.PrefixWebhookDelivery), Environment: vouch.Sandbox,
					WebhookID: w.ID, EventID: e.ID, EventName: e.Name, Status: vouch.DeliveryPending, CreatedAt: e.CreatedAt}
				require.NoError(t, tx.WebhookDeliveryInsert(ctx, d))
				ds = append(ds, d)
			}
			return nil
		})
		d := ds[1]
		d.Status, d.Attempts, d.LastStatusCode, d.LastError = vouch.DeliveryFailed, 2, 503, "status 503"
		d.FirstAttemptedAt, d.LastAttemptedAt, d.CompletedAt = ptr(now()), ptr(now()), ptr(now())
		update(t, s, func(tx vouch.Tx) error {
			for n := 1; n <= 2; n++ {
				require.NoError(t, tx.WebhookAttemptInsert(ctx, &vouch.WebhookAttempt{DeliveryID: d.ID, Number: n,
					Environment: vouch.Sandbox, WebhookID: w.ID, AttemptedAt: now(), StatusCode: 503,
					Latency: 1500 * time.Microsecond, Error: "status 503"}))
			}
			return tx.WebhookDeliveryUpdate(ctx, d)
		})
		requireCode(t, s.Update(ctx, func(tx vouch.Tx) error {
			return tx.WebhookAttemptInsert(ctx, &vouch.WebhookAttempt{DeliveryID: d.ID, Number: 2,
				Environment: vouch.Sandbox, WebhookID: w.ID, AttemptedAt: now()})
		}), vouch.ECONFLICT)
		var got *vouch.WebhookDelivery
		update(t, s, func(tx vouch.Tx) error {
			var err error
			got, err = tx.WebhookDeliveryGetForUpdate(ctx, vouch.Sandbox, d.ID)
			return err
		})
		require.Equal(t, d, got)
		rec, err := get(t, s, func(tx vouch.Tx) (*vouch.DeliveryRecords, error) {
			return tx.WebhookDeliveryGetRecords(ctx, vouch.Sandbox, d.ID)
		})
		require.NoError(t, err)
		require.Equal(t, d, rec.Delivery)
		atts, err := get(t, s, func(tx vouch.Tx) ([]*vouch.WebhookAttempt, error) {
			return tx.WebhookAttemptList(ctx, vouch.Sandbox, d.ID)
		})
		require.NoError(t, err)
		require.Len(t, atts, 2)
		require.Equal(t, 1500*time.Microsecond, atts[0].Latency)

		failed := vouch.DeliveryFailed
		list := func(f vouch.WebhookDeliveryFilter) []string {
			f.Environment, f.WebhookID = vouch.Sandbox, w.ID
			l, err := get(t, s, func(tx vouch.Tx) ([]*vouch.WebhookDelivery, error) {
				l, _, err := tx.WebhookDeliveryList(ctx, f)
				return l, err
			})
			require.NoError(t, err)
			var ids []string
			for _, d := range l {
				ids = append(ids, d.ID)
			}
			return ids
		}
		require.Equal(t, []string{ds[2].ID, ds[1].ID, ds[0].ID}, list(vouch.WebhookDeliveryFilter{}))
		require.Equal(t, []string{ds[1].ID}, list(vouch.WebhookDeliveryFilter{Status: &failed}))
		require.Equal(t, []string{ds[2].ID, ds[1].ID}, list(vouch.WebhookDeliveryFilter{CreatedSince: &ds[1].CreatedAt}))
	})
	t.Run("DeliveryRecords", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		w := webhook(vouch.Sandbox, now())
		inq := inquiry(vouch.Sandbox, now())
		inq.WrappedKey = []byte{0, 1, 2, 0xff, 0}
		redacted := inquiry(vouch.Sandbox, now())
		about := event(inq, vouch.EventInquiryCreated, 1, now())
		aboutRedacted := event(redacted, vouch.EventInquiryCreated, 1, now())
		// An event about an endpoint has no inquiry.
		aboutEndpoint := &vouch.Event{ID: vouch.NewID(vouch.PrefixEvent), Environment: vouch.Sandbox,
			Name: vouch.EventWebhookDisabled, ObjectType: vouch.ObjectWebhook, ObjectID: w.ID, SealedSnapshot: []byte("sealed"), CreatedAt: now()}
		deliveries := map[*vouch.Event]*vouch.WebhookDelivery{}
		insertInquiries(t, s, inq, redacted)
		update(t, s, func(tx vouch.Tx) error {
			require.NoError(t, tx.WebhookInsert(ctx, w))
			for _, e := range []*vouch.Event{about, aboutRedacted, aboutEndpoint} {
				require.NoError(t, tx.EventInsert(ctx, e))
				d := &vouch.WebhookDelivery{ID: vouch.NewID(vouch.PrefixWebhookDelivery), Environment: vouch.Sandbox,
					WebhookID: w.ID, EventID: e.ID, EventName: e.Name, Status: vouch.DeliveryPending, CreatedAt: e.CreatedAt}
				require.NoError(t, tx.WebhookDeliveryInsert(ctx, d))
				deliveries[e] = d
			}
			return nil
		})
		records := func(env vouch.Environment, id string) (*vouch.DeliveryRecords, error) {
			return get(t, s, func(tx vouch.Tx) (*vouch.DeliveryRecords, error) {
				return tx.WebhookDeliveryGetRecords(ctx, env, id)
			})
		}
		for e, key := range map[*vouch.Event][]byte{about: inq.WrappedKey, aboutRedacted: nil, aboutEndpoint: nil} {
			got, err := records(vouch.Sandbox, deliveries[e].ID)
			require.NoError(t, err)
			require.Equal(t, deliveries[e], got.Delivery)
			require.Equal(t, w, got.Endpoint)
			require.Equal(t, e, got.Event)
			require.Equal(t, key, got.InquiryKey, e.ID)
		}
		_, err := records(vouch.Production, deliveries[about].ID)
		requireCode(t, err, vouch.ENOTFOUND)
		_, err = records(vouch.Sandbox, vouch.NewID(vouch.PrefixWebhookDelivery))
		requireCode(t, err, vouch.ENOTFOUND)
	})
}
