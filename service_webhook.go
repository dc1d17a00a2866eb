// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"encoding/json"
	"fmt"
	"time"
)

// webhookKeyPurpose derives the key that seals endpoint secrets and headers.
const webhookKeyPurpose = "webhook-secrets"

// newWebhookSecret returns a fresh signing secret: wbhsec_ and 32 random
// base62 characters (about 190 bits).
func newWebhookSecret() string { return PrefixWebhookSecret + RandomString(32) }

// CreateWebhook creates an enabled endpoint with a new secret. The returned
// endpoint holds the secret in clear: the only time it is shown.
func (s *Service) CreateWebhook(ctx Context, env Environment, url string, events []string, headers map[string]string) (*WebhookEndpoint, error) {
	now := s.now()
	w := &WebhookEndpoint{ID: NewID(PrefixWebhook), Environment: env, URL: url, EnabledEvents: events,
		CustomHeaders: headers, Status: WebhookEnabled, Secret: newWebhookSecret(), CreatedAt: now, UpdatedAt: now}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	if err := s.sealWebhook(w); err != nil {
		return nil, err
	}
	if err := s.Store.Update(ctx, func(tx Tx) error { return tx.WebhookInsert(ctx, w) }); err != nil {
		return nil, err
	}
	return w, nil
}

// FindWebhookByID returns an endpoint without its secrets. ENOTFOUND when
// it does not exist in env.
func (s *Service) FindWebhookByID(ctx Context, env Environment, id string) (*WebhookEndpoint, error) {
	if !HasIDPrefix(id, PrefixWebhook) {
		return nil, Errorf(ENOTFOUND, "Webhook %s not found.", clipText(id))
	}
	var w *WebhookEndpoint
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		w, err = tx.WebhookGetByID(ctx, env, id)
		return err
	})
	if err != nil {
		return nil, err
	}
	return w, s.openWebhookHeaders(w)
}

// FindWebhooks lists endpoints newest first, without their secrets.
func (s *Service) FindWebhooks(ctx Context, f WebhookFilter) ([]*WebhookEndpoint, bool, error) {
	var list []*WebhookEndpoint
	var more bool
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		list, more, err = tx.WebhookList(ctx, f)
		return err
	})
	for _, w := range list {
		if err == nil {
			err = s.openWebhookHeaders(w)
		}
	}
	return list, more, err
}

// UpdateWebhook changes an endpoint's URL, events or headers. An archived
// endpoint cannot change (ECONFLICT).
func (s *Service) UpdateWebhook(ctx Context, env Environment, id string, u WebhookUpdate) (*WebhookEndpoint, error) {
	return s.changeWebhook(ctx, env, id, func(w *WebhookEndpoint) error {
		if w.Status == WebhookArchived {
			return Errorf(ECONFLICT, "Webhook %s is archived.", w.ID)
		}
		if u.URL != nil {
			w.URL = *u.URL
		}
		if u.EnabledEvents != nil {
			w.EnabledEvents = *u.EnabledEvents
		}
		if u.CustomHeaders != nil {
			w.CustomHeaders = *u.CustomHeaders
		}
		return w.Validate()
	})
}

// EnableWebhook enables an endpoint and forgets its failure run. Events
// written while it was disabled are not delivered: redeliver them.
func (s *Service) EnableWebhook(ctx Context, env Environment, id string) (*WebhookEndpoint, error) {
	return s.changeWebhook(ctx, env, id, func(w *WebhookEndpoint) error {
		if w.Status == WebhookArchived {
			return Errorf(ECONFLICT, "Webhook %s is archived.", w.ID)
		}
		w.Status, w.DisabledReason, w.FailingSince = WebhookEnabled, "", nil
		return nil
	})
}

// DisableWebhook stops deliveries to an endpoint; pending retries stop
// at their next run (spec §5.3).
func (s *Service) DisableWebhook(ctx Context, env Environment, id string) (*WebhookEndpoint, error) {
	return s.changeWebhook(ctx, env, id, func(w *WebhookEndpoint) error {
		if w.Status == WebhookArchived {
			return Errorf(ECONFLICT, "Webhook %s is archived.", w.ID)
		}
		w.Status, w.DisabledReason = WebhookDisabled, WebhookReasonManual
		return nil
	})
}

// ArchiveWebhook retires an endpoint for good; it stays readable.
func (s *Service) ArchiveWebhook(ctx Context, env Environment, id string) (*WebhookEndpoint, error) {
	return s.changeWebhook(ctx, env, id, func(w *WebhookEndpoint) error {
		w.Status = WebhookArchived
		return nil
	})
}

// RotateWebhookSecret gives an endpoint a new secret, returned in clear
// once. The old one keeps signing for grace (0 ends it at once; at most
// MaxWebhookSecretGrace), so receivers can switch without losing events.
func (s *Service) RotateWebhookSecret(ctx Context, env Environment, id string, grace time.Duration) (*WebhookEndpoint, error) {
	if grace < 0 || grace > MaxWebhookSecretGrace {
		return nil, FieldError("expires-in-seconds", "expires-in-seconds must be between 0 and %d.", int(MaxWebhookSecretGrace.Seconds()))
	}
	return s.changeWebhook(ctx, env, id, func(w *WebhookEndpoint) error {
		if w.Status == WebhookArchived {
			return Errorf(ECONFLICT, "Webhook %s is archived.", w.ID)
		}
		if err := s.openWebhookSecrets(w); err != nil {
			return err
		}
		w.PreviousSecret, w.PreviousSecretExpiresAt = "", nil
		if grace > 0 {
			w.PreviousSecret, w.PreviousSecretExpiresAt = w.Secret, timePtr(s.now().Add(grace))
		}
		w.Secret = newWebhookSecret()
		return nil
	})
}

// changeWebhook reads, changes, seals and writes an endpoint in one
// transaction.
func (s *Service) changeWebhook(ctx Context, env Environment, id string, fn func(*WebhookEndpoint) error) (*WebhookEndpoint, error) {
	if !HasIDPrefix(id, PrefixWebhook) {
		return nil, Errorf(ENOTFOUND, "Webhook %s not found.", clipText(id))
	}
	var w *WebhookEndpoint
	err := s.Store.Update(ctx, func(tx Tx) error {
		var err error
		if w, err = tx.WebhookGetForUpdate(ctx, env, id); err != nil {
			return err
		}
		if err := s.openWebhookHeaders(w); err != nil {
			return err
		}
		if err := fn(w); err != nil {
			return err
		}
		w.UpdatedAt = s.now()
		if err := s.sealWebhook(w); err != nil {
			return err
		}
		return tx.WebhookUpdate(ctx, w)
	})
	if err != nil {
		return nil, err
	}
	return w, nil
}

// sealWebhook seals the clear secrets and headers of w into its Sealed*
// members. An empty Secret keeps the sealed one (it was not opened).
func (s *Service) sealWebhook(w *WebhookEndpoint) error {
	key := s.Keys.DeriveKey(webhookKeyPurpose)
	var err error
	if w.Secret != "" {
		if w.SealedSecret, err = Seal(key, []byte(w.Secret), "webhook-secret:"+w.ID); err != nil {
			return err
		}
	}
	w.SealedPreviousSecret = nil
	if w.PreviousSecret != "" {
		if w.SealedPreviousSecret, err = Seal(key, []byte(w.PreviousSecret), "webhook-previous-secret:"+w.ID); err != nil {
			return err
		}
	}
	w.SealedHeaders = nil
	if len(w.CustomHeaders) > 0 {
		b, err := json.Marshal(w.CustomHeaders)
		if err != nil {
			return fmt.Errorf("encode webhook headers: %w", err)
		}
		if w.SealedHeaders, err = Seal(key, b, "webhook-headers:"+w.ID); err != nil {
			return err
		}
	}
	return nil
}

// openWebhookHeaders decrypts an endpoint's custom headers in place.
func (s *Service) openWebhookHeaders(w *WebhookEndpoint) error {
	w.CustomHeaders = nil
	if w.SealedHeaders == nil {
		return nil
	}
	b, err := Open(s.Keys.DeriveKey(webhookKeyPurpose), w.SealedHeaders, "webhook-headers:"+w.ID)
	if err != nil {
		return fmt.Errorf("open headers of %s: %w", w.ID, err)
	}
	return json.Unmarshal(b, &w.CustomHeaders)
}

// openWebhookSecrets decrypts an endpoint's secrets in place, to sign.
func (s *Service) openWebhookSecrets(w *WebhookEndpoint) error {
	key := s.Keys.DeriveKey(webhookKeyPurpose)
	b, err := Open(key, w.SealedSecret, "webhook-secret:"+w.ID)
	if err != nil {
		return fmt.Errorf("open secret of %s: %w", w.ID, err)
	}
	w.Secret, w.PreviousSecret = string(b), ""
	if w.SealedPreviousSecret != nil {
		if b, err = Open(key, w.SealedPreviousSecret, "webhook-previous-secret:"+w.ID); err != nil {
			return fmt.Errorf("open previous secret of %s: %w", w.ID, err)
		}
		w.PreviousSecret = string(b)
	}
	return nil
}

// enqueueWebhooks is the outbox: in the event's own transaction it writes a
// delivery and its job for each enabled endpoint subscribed to the event.
// The endpoint list is read from the database every time, never cached, so
// that no replica can miss an endpoint created by another.
func (s *Service) enqueueWebhooks(ctx Context, tx Tx, e *Event) error {
	eps, err := tx.WebhookListEnabled(ctx, e.Environment)
	if err != nil {
		return fmt.Errorf("list webhooks: %w", err)
	}
	for _, w := range eps {
		if !w.Subscribes(e.Name) {
			continue
		}
		d := &WebhookDelivery{ID: NewID(PrefixWebhookDelivery), Environment: e.Environment, WebhookID: w.ID,
			EventID: e.ID, EventName: e.Name, Status: DeliveryPending, CreatedAt: e.CreatedAt}
		if err := tx.WebhookDeliveryInsert(ctx, d); err != nil {
			return fmt.Errorf("insert webhook delivery: %w", err)
		}
		if err := tx.JobInsert(ctx, WebhookDeliverJob{DeliveryID: d.ID, Environment: d.Environment}, JobOptions{}); err != nil {
			return err
		}
	}
	return nil
}
