// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"encoding/json"
	"time"
)

// Event names are stable strings (spec §5.2): webhook consumers subscribe to
// them. Never rename one.
const (
	EventInquiryCreated         = "inquiry.created"
	EventInquiryStarted         = "inquiry.started"
	EventInquiryCompleted       = "inquiry.completed"
	EventInquiryFailed          = "inquiry.failed"
	EventInquiryExpired         = "inquiry.expired"
	EventInquiryMarkedForReview = "inquiry.marked-for-review"
	EventInquiryApproved        = "inquiry.approved"
	EventInquiryDeclined        = "inquiry.declined"
	EventInquiryTransitioned    = "inquiry.transitioned"
	EventInquiryRedacted        = "inquiry.redacted"

	EventSessionStarted  = "inquiry-session.started"
	EventSessionExpired  = "inquiry-session.expired"
	EventSessionCanceled = "inquiry-session.canceled"

	EventVerificationCreated   = "verification.created"
	EventVerificationSubmitted = "verification.submitted"
	EventVerificationPassed    = "verification.passed"
	EventVerificationFailed    = "verification.failed"
	EventVerificationCanceled  = "verification.canceled"

	EventAccountCreated = "account.created"

	// EventWebhookDisabled: an endpoint failed for too long and was
	// disabled. A Vouch extension; its payload is the endpoint.
	EventWebhookDisabled = "webhook.disabled"
)

// EventNames lists every event Vouch emits.
var EventNames = []string{
	EventInquiryCreated, EventInquiryStarted, EventInquiryCompleted, EventInquiryFailed,
	EventInquiryExpired, EventInquiryMarkedForReview, EventInquiryApproved, EventInquiryDeclined,
	EventInquiryTransitioned, EventInquiryRedacted,
	EventSessionStarted, EventSessionExpired, EventSessionCanceled,
	EventVerificationCreated, EventVerificationSubmitted, EventVerificationPassed,
	EventVerificationFailed, EventVerificationCanceled,
	EventAccountCreated,
	EventWebhookDisabled,
}

// Object types an event may describe; they are the JSON:API types.
const (
	ObjectInquiry      = "inquiry"
	ObjectSession      = "inquiry-session"
	ObjectVerification = "verification"
	ObjectAccount      = "account"
	ObjectWebhook      = "webhook"
)

// Event records one state change. It is written in the same transaction as
// the change it describes, so an event exists if and only if the change
// committed.
type Event struct {
	ID          string
	Environment Environment
	Name        string
	ObjectType  string
	ObjectID    string
	// InquiryID and Seq order the events of one inquiry: Seq is 1, 2, …
	// per inquiry. Events of objects outside an inquiry have Seq 0.
	InquiryID string
	Seq       int64
	// Snapshot is the JSON of the domain object (an EventSnapshot) right
	// after the change; the API renders the webhook payload from it. It may
	// hold personal data, so it is stored sealed with the inquiry's data
	// key (SealedSnapshot) and is unreadable once the inquiry is redacted.
	Snapshot       json.RawMessage
	SealedSnapshot []byte `json:"-"`
	CreatedAt      time.Time
}

// EventSnapshot is the content of Event.Snapshot: the object as it was.
// Exactly one member is set.
type EventSnapshot struct {
	Inquiry      *Inquiry      `json:"inquiry,omitempty"`
	Verification *Verification `json:"verification,omitempty"`
	Session      *Session      `json:"session,omitempty"`
	Account      *Account      `json:"account,omitempty"`
	// Webhook snapshots never hold secrets: the endpoint's secrets and
	// headers are cleared before it is emitted.
	Webhook *WebhookEndpoint `json:"webhook,omitempty"`
}

// EventFilter selects events for listing, newest first.
type EventFilter struct {
	Environment Environment
	Names       []string
	ObjectID    *string
	InquiryID   *string
	After       string
	Before      string
	Limit       int
}
