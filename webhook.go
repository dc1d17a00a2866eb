// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
)

// WebhookEndpoint is a URL that receives every event of its environment
// whose name it subscribes to (spec §5.1). It is configured through the API
// at runtime, so it lives in the database, not in the binary's config.
type WebhookEndpoint struct {
	ID          string
	Environment Environment
	URL         string
	// EnabledEvents are the event names delivered; "*" means all of them.
	EnabledEvents []string
	// CustomHeaders are sent with every delivery. Only the names of
	// AllowedWebhookHeaders are accepted. Their values are often
	// credentials, so they are stored sealed (SealedHeaders).
	CustomHeaders map[string]string `json:"-"`
	Status        WebhookStatus
	// DisabledReason says why a disabled endpoint was disabled:
	// WebhookReasonManual or WebhookReasonFailing.
	DisabledReason string
	// FailingSince is when the current run of failed attempts began; nil
	// after any success. An endpoint failing for longer than the configured
	// period is disabled.
	FailingSince *time.Time

	// Secret is the signing secret in clear. It is set only when the
	// service has just created or rotated it (to be shown once) or opened it
	// to sign a delivery; storage keeps SealedSecret.
	Secret string `json:"-"`
	// PreviousSecret still signs deliveries until PreviousSecretExpiresAt,
	// so receivers can switch secrets without losing events.
	PreviousSecret          string `json:"-"`
	PreviousSecretExpiresAt *time.Time

	// Storage-only: the secrets and headers sealed with the webhook key and
	// the endpoint id as associated data. They must be recoverable to sign,
	// so they are encrypted rather than hashed.
	SealedSecret         []byte `json:"-"`
	SealedPreviousSecret []byte `json:"-"`
	SealedHeaders        []byte `json:"-"`

	CreatedAt time.Time
	UpdatedAt time.Time
}

// WebhookStatus is the state of an endpoint. Only enabled endpoints get
// deliveries; an archived one can no longer be changed or enabled.
type WebhookStatus string

// Endpoint statuses (spec §5.1 "status").
const (
	WebhookEnabled  WebhookStatus = "enabled"
	WebhookDisabled WebhookStatus = "disabled"
	WebhookArchived WebhookStatus = "archived"
)

// Reasons an endpoint was disabled; stable strings shown in the API.
const (
	WebhookReasonManual  = "manual"
	WebhookReasonFailing = "failing"
)

// Webhook limits and defaults.
const (
	// WebhookMaxAttempts is how many times one delivery is tried (spec §5.3:
	// the first attempt plus 7 retries).
	WebhookMaxAttempts = 8
	// MaxWebhookURLLength bounds an endpoint URL.
	MaxWebhookURLLength = 2048
	// DefaultWebhookSecretGrace is how long the previous secret keeps
	// signing after a rotation when the request does not say.
	DefaultWebhookSecretGrace = 24 * time.Hour
	// MaxWebhookSecretGrace bounds that period.
	MaxWebhookSecretGrace = 7 * 24 * time.Hour
	// MaxWebhookHeaderValueLength bounds one custom header value.
	MaxWebhookHeaderValueLength = 4096
)

// AllowedWebhookHeaders are the only custom header names an endpoint may
// set (spec §5.1), in canonical form.
var AllowedWebhookHeaders = []string{
	"Authorization", "Calling-Application", "Cf-Access-Client-Id", "Cf-Access-Client-Secret", "X-Api-Key",
}

// Validate checks what a client may set on an endpoint. Production
// endpoints must use https: deliveries carry personal data. Sandbox ones
// may use http, for development receivers.
func (w *WebhookEndpoint) Validate() error {
	if !w.Environment.Valid() {
		return FieldError("environment", "Unknown environment %q.", w.Environment)
	}
	if err := validateWebhookURL(w.Environment, w.URL); err != nil {
		return err
	}
	if len(w.EnabledEvents) == 0 {
		return FieldError("enabled-events", "enabled-events must list at least one event name or \"*\".")
	}
	for _, n := range w.EnabledEvents {
		if n != "*" && !slices.Contains(EventNames, n) {
			return FieldError("enabled-events", "Unknown event name %q.", clipText(n))
		}
	}
	canon := make(map[string]string, len(w.CustomHeaders))
	for k, v := range w.CustomHeaders {
		name := http.CanonicalHeaderKey(k)
		if !slices.Contains(AllowedWebhookHeaders, name) {
			return FieldError("custom-http-headers", "Header %q is not allowed; allowed: %s.",
				clipText(k), strings.Join(AllowedWebhookHeaders, ", "))
		}
		if len(v) > MaxWebhookHeaderValueLength || strings.ContainsAny(v, "\r\n\x00") {
			return FieldError("custom-http-headers", "The value of header %q is invalid.", name)
		}
		canon[name] = v
	}
	if len(canon) > 0 {
		w.CustomHeaders = canon
	}
	return nil
}

// validateWebhookURL checks an endpoint URL's form; whether its address
// may be reached is decided when a delivery dials it.
func validateWebhookURL(env Environment, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || len(raw) > MaxWebhookURLLength || u.Host == "" || u.Hostname() == "" || u.Opaque != "" {
		return FieldError("url", "url must be an absolute http(s) URL of at most %d characters.", MaxWebhookURLLength)
	}
	if u.User != nil {
		return FieldError("url", "url must not contain credentials; use custom-http-headers.")
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && env == Sandbox:
	case u.Scheme == "http":
		return FieldError("url", "Production webhooks must use https.")
	default:
		return FieldError("url", "url must be an absolute http(s) URL of at most %d characters.", MaxWebhookURLLength)
	}
	return nil
}

// Subscribes reports whether the endpoint wants events named name.
func (w *WebhookEndpoint) Subscribes(name string) bool {
	return slices.Contains(w.EnabledEvents, "*") || slices.Contains(w.EnabledEvents, name)
}

// SigningSecrets returns the secrets that sign a delivery at now: the
// current one first, then the previous one while its grace period lasts.
func (w *WebhookEndpoint) SigningSecrets(now time.Time) []string {
	out := []string{w.Secret}
	if w.PreviousSecret != "" && w.PreviousSecretExpiresAt != nil && now.Before(*w.PreviousSecretExpiresAt) {
		out = append(out, w.PreviousSecret)
	}
	return out
}

// WebhookFilter selects endpoints for listing, newest first.
type WebhookFilter struct {
	Environment Environment
	After       string
	Before      string
	Limit       int
}

// WebhookUpdate holds the changes of an update; nil members stay as they are.
type WebhookUpdate struct {
	URL           *string
	EnabledEvents *[]string
	CustomHeaders *map[string]string
}

// WebhookDelivery is one event to be delivered to one endpoint. It is
// written with its event, in the same transaction, together with the job
// that delivers it: a transactional outbox.
type WebhookDelivery struct {
	ID          string
	Environment Environment
	WebhookID   string
	EventID     string
	EventName   string
	Status      DeliveryStatus
	// Attempts counts every attempt made, across manual redeliveries.
	Attempts         int
	LastStatusCode   int
	LastError        string
	CreatedAt        time.Time // when the event was written
	FirstAttemptedAt *time.Time
	LastAttemptedAt  *time.Time
	CompletedAt      *time.Time // when it succeeded or was given up
	// AttemptList is filled by finders that include the attempts.
	AttemptList []*WebhookAttempt
}

// DeliveryRecords is a delivery with what an attempt of it sends: its
// endpoint, its event, and the wrapped data key of the event's inquiry,
// which opens the event's snapshot. Every webhook reads them, so the store
// reads them in one query.
type DeliveryRecords struct {
	Delivery *WebhookDelivery
	Endpoint *WebhookEndpoint
	Event    *Event
	// InquiryKey is nil when the event is about no inquiry or the
	// inquiry was redacted.
	InquiryKey []byte
}

// DeliveryStatus is the state of a delivery.
type DeliveryStatus string

// Delivery statuses: pending until an attempt succeeds or the last one
// fails (or the endpoint is disabled meanwhile).
const (
	DeliveryPending   DeliveryStatus = "pending"
	DeliverySucceeded DeliveryStatus = "succeeded"
	DeliveryFailed    DeliveryStatus = "failed"
)

// WebhookDeliveryFilter selects an endpoint's deliveries, newest first.
type WebhookDeliveryFilter struct {
	Environment Environment
	WebhookID   string
	Status      *DeliveryStatus
	// CreatedSince keeps deliveries of events written at or after it.
	CreatedSince *time.Time
	After        string
	Before       string
	Limit        int
}

// WebhookAttempt is one HTTP attempt of a delivery. Error is our own
// description (a status or a network failure), never the receiver's body,
// so it holds no personal data.
type WebhookAttempt struct {
	DeliveryID  string
	Number      int // 1, 2, … across the delivery's life
	Environment Environment
	WebhookID   string
	AttemptedAt time.Time
	StatusCode  int // 0 when no response arrived
	Latency     time.Duration
	Error       string // empty on success
}

// Succeeded reports whether the attempt got a 2xx answer in time.
func (a *WebhookAttempt) Succeeded() bool {
	return a.Error == "" && a.StatusCode >= 200 && a.StatusCode < 300
}

// WebhookDeliverJob delivers one delivery. Ids only: job rows are clear.
type WebhookDeliverJob struct {
	DeliveryID  string      `json:"delivery_id"`
	Environment Environment `json:"environment"`
}

// Kind implements Job.
func (WebhookDeliverJob) Kind() string { return "webhook_deliver" }

// clipText bounds user input quoted back in a message.
func clipText(s string) string {
	if len(s) > 80 {
		return s[:80] + "…"
	}
	return s
}
