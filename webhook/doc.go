// SPDX-License-Identifier: Apache-2.0

// Package webhook delivers Vouch's events to the endpoints that subscribe
// to them, in the format of Persona's webhooks (spec §5), and gives
// receivers a Verify function for the signature.
//
// A delivery is one event for one endpoint. The service writes it, with a
// webhook_deliver job, in the transaction of the event itself; the job
// calls Deliverer.Deliver, which renders the event as the API renders
// GET /api/v1/events/{id}, signs the raw body, POSTs it with the SSRF-safe
// client of NewClient and records the attempt. A failed attempt is retried
// on Persona's schedule; the last failure marks the delivery failed.
//
// The body is signed with HMAC-SHA256 of "<unix time>.<raw body>" under the
// endpoint's secret, sent as Persona-Signature: t=<unix>,v1=<hex>. During a
// secret rotation the header holds one such group per secret, space
// separated, the new secret's first.
package webhook
