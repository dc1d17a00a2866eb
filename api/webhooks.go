// SPDX-License-Identifier: Apache-2.0

package api

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/vouch-id/vouch"
)

// Webhook endpoints (spec §5.1) and, as a Vouch extension, their
// deliveries and attempts. A secret appears in a response only when it is
// created or rotated; custom header values are never echoed, since they
// are usually credentials.

// TypeWebhook and TypeWebhookDelivery are the JSON:API types of endpoints
// and deliveries.
const (
	TypeWebhook         = "webhook"
	TypeWebhookDelivery = "webhook-delivery"
)

// webhookRequest is the body of POST and PATCH /webhooks.
type webhookRequest struct {
	Data struct {
		Type       string `json:"type"`
		Attributes struct {
			URL           *string            `json:"url"`
			EnabledEvents *[]string          `json:"enabled-events"`
			CustomHeaders *map[string]string `json:"custom-http-headers"`
		} `json:"attributes"`
	} `json:"data"`
}

// rotateRequest is the optional body of rotate-secret.
type rotateRequest struct {
	Meta struct {
		ExpiresInSeconds *json.Number `json:"expires-in-seconds"`
	} `json:"meta"`
}

// redeliverFailedRequest is the body of redeliver-failed.
type redeliverFailedRequest struct {
	Meta struct {
		Since string `json:"since"`
	} `json:"meta"`
}

func (h *handler) createWebhook(r *http.Request, c *call) (*reply, error) {
	var req webhookRequest
	if err := decodeBody(c.body, &req, false); err != nil {
		return nil, err
	}
	if err := checkType(req.Data.Type, TypeWebhook); err != nil {
		return nil, err
	}
	a := req.Data.Attributes
	if a.URL == nil {
		return nil, vouch.FieldError("url", "url is required.")
	}
	events := []string{"*"}
	if a.EnabledEvents != nil {
		events = *a.EnabledEvents
	}
	var headers map[string]string
	if a.CustomHeaders != nil {
		headers = *a.CustomHeaders
	}
	w, err := h.svc.CreateWebhook(r.Context(), c.env, *a.URL, events, headers)
	if err != nil {
		return nil, err
	}
	return &reply{status: http.StatusCreated, doc: single(RenderWebhook(w))}, nil
}

func (h *handler) getWebhook(r *http.Request, c *call) (*reply, error) {
	w, err := h.svc.FindWebhookByID(r.Context(), c.env, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return &reply{status: http.StatusOK, doc: single(RenderWebhook(w))}, nil
}

// listWebhooks is GET /webhooks, newest first.
func (h *handler) listWebhooks(r *http.Request, c *call) (*reply, error) {
	q, p, err := parseList(r)
	if err != nil {
		return nil, err
	}
	list, more, err := h.svc.FindWebhooks(r.Context(), vouch.WebhookFilter{Environment: c.env,
		After: p.after, Before: p.before, Limit: p.size})
	if err != nil {
		return nil, err
	}
	data := make([]*Resource, len(list))
	for i, w := range list {
		data[i] = RenderWebhook(w)
	}
	return q.listReply(r, p, data, more), nil
}

func (h *handler) updateWebhook(r *http.Request, c *call) (*reply, error) {
	var req webhookRequest
	if err := decodeBody(c.body, &req, false); err != nil {
		return nil, err
	}
	if err := checkType(req.Data.Type, TypeWebhook); err != nil {
		return nil, err
	}
	a := req.Data.Attributes
	w, err := h.svc.UpdateWebhook(r.Context(), c.env, r.PathValue("id"), vouch.WebhookUpdate{
		URL: a.URL, EnabledEvents: a.EnabledEvents, CustomHeaders: a.CustomHeaders})
	if err != nil {
		return nil, err
	}
	return &reply{status: http.StatusOK, doc: single(RenderWebhook(w))}, nil
}

func (h *handler) enableWebhook(r *http.Request, c *call) (*reply, error) {
	return h.webhookAction(r, c, h.svc.EnableWebhook)
}

func (h *handler) disableWebhook(r *http.Request, c *call) (*reply, error) {
	return h.webhookAction(r, c, h.svc.DisableWebhook)
}

func (h *handler) archiveWebhook(r *http.Request, c *call) (*reply, error) {
	return h.webhookAction(r, c, h.svc.ArchiveWebhook)
}

// webhookAction is the common body of enable, disable and archive.
func (h *handler) webhookAction(r *http.Request, c *call,
	fn func(ctx vouch.Context, env vouch.Environment, id string) (*vouch.WebhookEndpoint, error),
) (*reply, error) {
	if err := decodeBody(c.body, &emptyRequest{}, true); err != nil {
		return nil, err
	}
	w, err := fn(r.Context(), c.env, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return &reply{status: http.StatusOK, doc: single(RenderWebhook(w))}, nil
}

// rotateWebhookSecret answers with the endpoint and its new secret; the
// old one signs too for meta.expires-in-seconds (default a day).
func (h *handler) rotateWebhookSecret(r *http.Request, c *call) (*reply, error) {
	var req rotateRequest
	if err := decodeBody(c.body, &req, true); err != nil {
		return nil, err
	}
	grace := vouch.DefaultWebhookSecretGrace
	if n := req.Meta.ExpiresInSeconds; n != nil {
		secs, err := n.Int64()
		if err != nil || secs < 0 || secs > int64(vouch.MaxWebhookSecretGrace.Seconds()) {
			return nil, vouch.FieldError("meta.expires-in-seconds", "expires-in-seconds must be a whole number from 0 to %d.",
				int64(vouch.MaxWebhookSecretGrace.Seconds()))
		}
		grace = time.Duration(secs) * time.Second
	}
	w, err := h.svc.RotateWebhookSecret(r.Context(), c.env, r.PathValue("id"), grace)
	if err != nil {
		return nil, err
	}
	return &reply{status: http.StatusOK, doc: single(RenderWebhook(w))}, nil
}

// listWebhookDeliveries is GET /webhooks/{id}/deliveries, newest first,
// each with its attempts; filter[status] selects pending, succeeded or
// failed ones.
func (h *handler) listWebhookDeliveries(r *http.Request, c *call) (*reply, error) {
	q, p, err := parseList(r, "status")
	if err != nil {
		return nil, err
	}
	f := vouch.WebhookDeliveryFilter{Environment: c.env, WebhookID: r.PathValue("id"),
		After: p.after, Before: p.before, Limit: p.size}
	if s := q.str("status"); s != nil {
		st := vouch.DeliveryStatus(*s)
		if st != vouch.DeliveryPending && st != vouch.DeliverySucceeded && st != vouch.DeliveryFailed {
			return nil, paramError("filter[status]", "filter[status] must be pending, succeeded or failed.")
		}
		f.Status = &st
	}
	list, more, err := h.svc.FindWebhookDeliveries(r.Context(), f)
	if err != nil {
		return nil, err
	}
	data := make([]*Resource, len(list))
	for i, d := range list {
		data[i] = RenderWebhookDelivery(d)
	}
	return q.listReply(r, p, data, more), nil
}

func (h *handler) redeliverWebhook(r *http.Request, c *call) (*reply, error) {
	if err := decodeBody(c.body, &emptyRequest{}, true); err != nil {
		return nil, err
	}
	d, err := h.svc.RedeliverWebhookDelivery(r.Context(), c.env, r.PathValue("id"), r.PathValue("delivery"))
	if err != nil {
		return nil, err
	}
	return &reply{status: http.StatusAccepted, doc: single(RenderWebhookDelivery(d))}, nil
}

// redeliverFailedWebhooks queues again every failed delivery of events
// written since meta.since and answers meta.count.
func (h *handler) redeliverFailedWebhooks(r *http.Request, c *call) (*reply, error) {
	var req redeliverFailedRequest
	if err := decodeBody(c.body, &req, false); err != nil {
		return nil, err
	}
	since, err := time.Parse(time.RFC3339Nano, req.Meta.Since)
	if err != nil {
		return nil, vouch.FieldError("meta.since", "meta.since must be an RFC 3339 date-time such as 2024-02-15T23:48:17Z.")
	}
	n, err := h.svc.RedeliverFailedWebhooks(r.Context(), c.env, r.PathValue("id"), since)
	if err != nil {
		return nil, err
	}
	return &reply{status: http.StatusAccepted, doc: map[string]any{"meta": map[string]any{"count": n}}}, nil
}

// RenderWebhook renders an endpoint. secrets lists the clear secrets only
// when the service has just made one (create, rotate-secret); otherwise it
// is empty. Custom header values are masked.
func RenderWebhook(w *vouch.WebhookEndpoint) *Resource {
	secrets := []map[string]any{}
	if w.Secret != "" {
		secrets = append(secrets, map[string]any{"value": w.Secret, "expires-at": nil})
		if w.PreviousSecret != "" {
			secrets = append(secrets, map[string]any{"value": w.PreviousSecret, "expires-at": optTime(w.PreviousSecretExpiresAt)})
		}
	}
	names := make([]string, 0, len(w.CustomHeaders))
	for k := range w.CustomHeaders {
		names = append(names, k)
	}
	sort.Strings(names)
	headers := make(map[string]any, len(names))
	for _, k := range names {
		headers[k] = strings.Repeat("*", 8)
	}
	events := w.EnabledEvents
	if events == nil {
		events = []string{}
	}
	return &Resource{
		Type: TypeWebhook,
		ID:   w.ID,
		Attributes: map[string]any{
			"url":                 w.URL,
			"status":              w.Status,
			"enabled-events":      events,
			"custom-http-headers": headers,
			"api-version":         "2023-01-05",
			"api-key-inflection":  "kebab",
			"disabled-reason":     optString(w.DisabledReason),
			"failing-since":       optTime(w.FailingSince),
			"secrets":             secrets,
			"created-at":          formatTime(w.CreatedAt),
			"updated-at":          formatTime(w.UpdatedAt),
		},
	}
}

// RenderWebhookDelivery renders a delivery with its attempts.
func RenderWebhookDelivery(d *vouch.WebhookDelivery) *Resource {
	attempts := make([]map[string]any, len(d.AttemptList))
	for i, a := range d.AttemptList {
		attempts[i] = map[string]any{
			"number":       a.Number,
			"attempted-at": formatTime(a.AttemptedAt),
			"status-code":  optInt(a.StatusCode),
			"latency-ms":   a.Latency.Milliseconds(),
			"error":        optString(a.Error),
		}
	}
	return &Resource{
		Type: TypeWebhookDelivery,
		ID:   d.ID,
		Attributes: map[string]any{
			"status":             d.Status,
			"event-name":         d.EventName,
			"attempts-made":      d.Attempts,
			"last-status-code":   optInt(d.LastStatusCode),
			"last-error":         optString(d.LastError),
			"created-at":         formatTime(d.CreatedAt),
			"first-attempted-at": optTime(d.FirstAttemptedAt),
			"last-attempted-at":  optTime(d.LastAttemptedAt),
			"completed-at":       optTime(d.CompletedAt),
			"attempts":           attempts,
		},
		Relationships: map[string]Relationship{
			"webhook": one(TypeWebhook, d.WebhookID),
			"event":   one(TypeEvent, d.EventID),
		},
	}
}

// optInt renders 0 as null.
func optInt(n int) any {
	if n == 0 {
		return nil
	}
	return n
}
