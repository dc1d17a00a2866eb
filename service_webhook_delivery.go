// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"fmt"
	"time"
)

// FindWebhookDeliveries lists an endpoint's deliveries newest first, each
// with its attempts. ENOTFOUND when the endpoint does not exist.
func (s *Service) FindWebhookDeliveries(ctx Context, f WebhookDeliveryFilter) ([]*WebhookDelivery, bool, error) {
	if !HasIDPrefix(f.WebhookID, PrefixWebhook) {
		return nil, false, Errorf(ENOTFOUND, "Webhook %s not found.", clipText(f.WebhookID))
	}
	var list []*WebhookDelivery
	var more bool
	err := s.Store.View(ctx, func(tx Tx) error {
		if _, err := tx.WebhookGetByID(ctx, f.Environment, f.WebhookID); err != nil {
			return err
		}
		var err error
		if list, more, err = tx.WebhookDeliveryList(ctx, f); err != nil {
			return err
		}
		for _, d := range list {
			if d.AttemptList, err = tx.WebhookAttemptList(ctx, d.Environment, d.ID); err != nil {
				return err
			}
		}
		return nil
	})
	return list, more, err
}

// RedeliverWebhookDelivery queues a finished delivery again, with a fresh
// run of WebhookMaxAttempts attempts. A pending one is ECONFLICT: it is
// already queued.
func (s *Service) RedeliverWebhookDelivery(ctx Context, env Environment, webhookID, deliveryID string) (*WebhookDelivery, error) {
	if !HasIDPrefix(deliveryID, PrefixWebhookDelivery) {
		return nil, Errorf(ENOTFOUND, "Webhook delivery %s not found.", clipText(deliveryID))
	}
	var d *WebhookDelivery
	err := s.Store.Update(ctx, func(tx Tx) error {
		var err error
		if d, err = tx.WebhookDeliveryGetForUpdate(ctx, env, deliveryID); err != nil {
			return err
		}
		if d.WebhookID != webhookID {
			return Errorf(ENOTFOUND, "Webhook delivery %s not found.", deliveryID)
		}
		if d.Status == DeliveryPending {
			return Errorf(ECONFLICT, "Webhook delivery %s is already pending.", d.ID)
		}
		return s.requeue(ctx, tx, d)
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// RedeliverFailedWebhooks queues again every failed delivery of an endpoint
// whose event was written at or after since, and returns how many. Each
// listed delivery is locked and read again before it is queued: one
// redelivered by another request meanwhile is pending already and must not
// get a second job.
func (s *Service) RedeliverFailedWebhooks(ctx Context, env Environment, webhookID string, since time.Time) (int, error) {
	if !HasIDPrefix(webhookID, PrefixWebhook) {
		return 0, Errorf(ENOTFOUND, "Webhook %s not found.", clipText(webhookID))
	}
	failed := DeliveryFailed
	n := 0
	// Pages of 100 in their own transactions, so a long backlog does not
	// hold SQLite's writer for long. Requeued ones leave the filter.
	for {
		var page []*WebhookDelivery
		queued := 0
		err := s.Store.Update(ctx, func(tx Tx) error {
			queued = 0
			if _, err := tx.WebhookGetByID(ctx, env, webhookID); err != nil {
				return err
			}
			var err error
			page, _, err = tx.WebhookDeliveryList(ctx, WebhookDeliveryFilter{Environment: env, WebhookID: webhookID,
				Status: &failed, CreatedSince: &since, Limit: 100})
			if err != nil {
				return err
			}
			for _, listed := range page {
				d, err := tx.WebhookDeliveryGetForUpdate(ctx, env, listed.ID)
				if err != nil {
					return err
				}
				if d.Status != DeliveryFailed {
					continue
				}
				if err := s.requeue(ctx, tx, d); err != nil {
					return err
				}
				queued++
			}
			return nil
		})
		if err != nil {
			return n, err
		}
		n += queued
		if len(page) < 100 {
			return n, nil
		}
	}
}

// requeue marks d pending and inserts its job in tx.
func (s *Service) requeue(ctx Context, tx Tx, d *WebhookDelivery) error {
	d.Status, d.CompletedAt = DeliveryPending, nil
	if err := tx.WebhookDeliveryUpdate(ctx, d); err != nil {
		return err
	}
	return tx.JobInsert(ctx, WebhookDeliverJob{DeliveryID: d.ID, Environment: d.Environment}, JobOptions{})
}

// WebhookSend is what a delivery attempt needs: the delivery, its endpoint
// with secrets and headers opened, and its event with the snapshot (nil
// once the inquiry was redacted).
type WebhookSend struct {
	Delivery *WebhookDelivery
	Endpoint *WebhookEndpoint
	Event    *Event
	Snapshot *EventSnapshot
}

// PrepareWebhookDelivery loads what an attempt sends. It returns nil, and
// nothing is to be sent, when the delivery is no longer pending, or when
// its endpoint is no longer enabled, in which case the delivery is marked
// failed: disabling an endpoint cancels its pending retries.
func (s *Service) PrepareWebhookDelivery(ctx Context, env Environment, deliveryID string) (*WebhookSend, error) {
	var send WebhookSend
	err := s.Store.View(ctx, func(tx Tx) error {
		r, err := tx.WebhookDeliveryGetRecords(ctx, env, deliveryID)
		if err != nil {
			return err
		}
		send.Delivery, send.Endpoint, send.Event = r.Delivery, r.Endpoint, r.Event
		keys := map[string][]byte{}
		if r.Event.InquiryID != "" {
			dk, err := s.dataKey(&Inquiry{ID: r.Event.InquiryID, WrappedKey: r.InquiryKey})
			if err != nil {
				return err
			}
			keys[r.Event.InquiryID] = dk
		}
		send.Snapshot, err = s.openSnapshot(ctx, tx, send.Event, keys)
		return err
	})
	if err != nil {
		return nil, err
	}
	if send.Delivery.Status != DeliveryPending {
		return nil, nil
	}
	if send.Endpoint.Status != WebhookEnabled {
		return nil, s.Store.Update(ctx, func(tx Tx) error {
			d, err := tx.WebhookDeliveryGetForUpdate(ctx, env, deliveryID)
			if err != nil || d.Status != DeliveryPending {
				return err
			}
			d.Status, d.LastError, d.CompletedAt = DeliveryFailed, "endpoint "+string(send.Endpoint.Status), timePtr(s.now())
			return tx.WebhookDeliveryUpdate(ctx, d)
		})
	}
	if err := s.openWebhookSecrets(send.Endpoint); err != nil {
		return nil, err
	}
	if err := s.openWebhookHeaders(send.Endpoint); err != nil {
		return nil, err
	}
	return &send, nil
}

// AttemptResult is what RecordWebhookAttempt did.
type AttemptResult struct {
	Delivery *WebhookDelivery
	// Disabled is true when this failure disabled the endpoint.
	Disabled bool
}

// RecordWebhookAttempt writes one attempt and its consequences in one
// transaction: the delivery succeeds, stays pending, or fails for good when
// final; the endpoint's failure run starts or ends; and an endpoint failing
// for at least disableAfter (0: never) is disabled with a webhook.disabled
// event.
func (s *Service) RecordWebhookAttempt(ctx Context, env Environment, a WebhookAttempt, final bool, disableAfter time.Duration) (*AttemptResult, error) {
	res := &AttemptResult{}
	err := s.Store.Update(ctx, func(tx Tx) error {
		d, err := tx.WebhookDeliveryGetForUpdate(ctx, env, a.DeliveryID)
		if err != nil {
			return err
		}
		// Most attempts succeed for an endpoint that is not failing and
		// leave it as it is; locking its row for those would serialise
		// every delivery to one endpoint. Only an attempt that may change
		// the failure run locks it, and trackFailures decides on the
		// locked row.
		w, err := tx.WebhookGetByID(ctx, env, d.WebhookID)
		if err != nil {
			return err
		}
		if !a.Succeeded() || w.FailingSince != nil {
			if w, err = tx.WebhookGetForUpdate(ctx, env, d.WebhookID); err != nil {
				return err
			}
		}
		d.Attempts++
		a.Number, a.Environment, a.WebhookID = d.Attempts, env, w.ID
		if err := tx.WebhookAttemptInsert(ctx, &a); err != nil {
			return fmt.Errorf("insert webhook attempt: %w", err)
		}
		if d.FirstAttemptedAt == nil {
			d.FirstAttemptedAt = timePtr(a.AttemptedAt)
		}
		d.LastAttemptedAt, d.LastStatusCode, d.LastError = timePtr(a.AttemptedAt), a.StatusCode, a.Error
		now := s.now()
		switch {
		case a.Succeeded():
			d.Status, d.CompletedAt = DeliverySucceeded, &now
		case final:
			d.Status, d.CompletedAt = DeliveryFailed, &now
		}
		if err := tx.WebhookDeliveryUpdate(ctx, d); err != nil {
			return err
		}
		res.Delivery = d
		return s.trackFailures(ctx, tx, w, a, disableAfter, res)
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// trackFailures updates the endpoint's failure run after attempt a.
func (s *Service) trackFailures(ctx Context, tx Tx, w *WebhookEndpoint, a WebhookAttempt, disableAfter time.Duration, res *AttemptResult) error {
	now := s.now()
	switch {
	case a.Succeeded() && w.FailingSince == nil:
		return nil
	case a.Succeeded():
		w.FailingSince = nil
	case w.FailingSince == nil:
		w.FailingSince = timePtr(a.AttemptedAt)
	case disableAfter > 0 && w.Status == WebhookEnabled && now.Sub(*w.FailingSince) >= disableAfter:
		w.Status, w.DisabledReason = WebhookDisabled, WebhookReasonFailing
		res.Disabled = true
	default:
		return nil
	}
	w.UpdatedAt = now
	if err := tx.WebhookUpdate(ctx, w); err != nil {
		return err
	}
	if !res.Disabled {
		return nil
	}
	snap := *w
	snap.Secret, snap.PreviousSecret, snap.CustomHeaders = "", "", nil
	snap.SealedSecret, snap.SealedPreviousSecret, snap.SealedHeaders = nil, nil, nil
	return s.emit(ctx, tx, nil, nil, EventWebhookDisabled, EventSnapshot{Webhook: &snap})
}
