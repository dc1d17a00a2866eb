// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"slices"
	"time"
)

// Inquiry is one individual's attempt to verify their identity, created from
// a template version and moved through the states of inquiry_state.go.
type Inquiry struct {
	ID          string
	Environment Environment
	Status      InquiryStatus

	// TemplateID is the itmpl_ (Dynamic Flow) or tmpl_ (legacy) template the
	// inquiry was created from; TemplateVersionID pins the version current at
	// creation, so later edits never change a running inquiry.
	TemplateID        string
	TemplateVersionID string

	AccountID   string
	ReferenceID string // the customer's own user id; not PII by contract
	Note        string
	Tags        []string
	RedirectURI string

	// Fields holds the decrypted field values. It is nil after redaction and
	// is never written to storage in clear: see SealedFields.
	Fields Fields

	ReviewerComment string

	// CurrentStep and PreviousStep track the hosted flow's position so a
	// resumed session continues where the individual left.
	CurrentStep  string
	PreviousStep string

	// Expiry intervals resolved at creation from the template and the
	// create request's meta overrides.
	ExpireAfterCreate time.Duration
	ExpireAfterStart  time.Duration
	ExpireAfterResume time.Duration

	// EventSeq is the sequence number of the last event written for this
	// inquiry; each event takes the next one in the same transaction.
	EventSeq int64

	CreatedAt         time.Time
	UpdatedAt         time.Time
	StartedAt         *time.Time
	ExpiresAt         *time.Time
	CompletedAt       *time.Time
	FailedAt          *time.Time
	MarkedForReviewAt *time.Time
	DecisionedAt      *time.Time
	ExpiredAt         *time.Time
	RedactedAt        *time.Time

	// Storage-only: the per-inquiry data key wrapped by the master key
	// (nil once redacted), and the field values sealed with that data key.
	WrappedKey   []byte `json:"-"`
	SealedFields []byte `json:"-"`
}

// Redacted reports whether the inquiry's personal data has been destroyed.
func (inq *Inquiry) Redacted() bool { return inq.RedactedAt != nil }

// Legacy reports whether the inquiry comes from a legacy tmpl_ template.
func (inq *Inquiry) Legacy() bool { return HasIDPrefix(inq.TemplateID, PrefixLegacyTemplate) }

// InquiryFilter selects inquiries for listing. Nil and empty members match
// everything. Results are newest first; After and Before are object-id
// cursors as in Persona's API.
type InquiryFilter struct {
	Environment Environment
	// IDs, when not nil, keeps only these inquiries (at most
	// MaxInquiryIDFilter); an empty non-nil list matches nothing.
	IDs           []string
	ReferenceID   *string
	AccountID     *string
	TemplateID    *string
	Statuses      []InquiryStatus
	CreatedAfter  *time.Time // inclusive
	CreatedBefore *time.Time // inclusive
	After         string     // list the inquiries older than this id
	Before        string     // list the inquiries newer than this id
	Limit         int
}

// MaxInquiryIDFilter is how many ids filter[inquiry-id] may name, as in
// Persona's API (spec §4.2).
const MaxInquiryIDFilter = 100

// InquiryUpdate holds the changes PATCH /inquiries/{id} may make. Nil members
// are left alone; Fields are merged key by key.
type InquiryUpdate struct {
	Note *string
	Tags *[]string // replaces the tags
	// AddTags and RemoveTags change the tags as they stand when the
	// update runs, after Tags, so two callers adding one tag each keep
	// both. Adding a tag the inquiry has, or removing one it has not,
	// changes nothing.
	AddTags    []string
	RemoveTags []string
	Fields     map[string]any
}

// CreateInquiryInput is what a caller may say when creating an inquiry.
// Exactly one of the three template ids must be set.
type CreateInquiryInput struct {
	TemplateID        string // itmpl_…
	TemplateVersionID string // itmplv_…
	LegacyTemplateID  string // tmpl_…

	AccountID   string
	ReferenceID string
	Note        string
	Tags        []string
	Fields      map[string]any
	RedirectURI string

	// AutoCreateAccount defaults to true (nil) as in Persona's API.
	AutoCreateAccount *bool

	// Per-inquiry expiry overrides, in seconds (nil = template default).
	ExpireAfterCreateSeconds *int64
	ExpireAfterStartSeconds  *int64
	ExpireAfterResumeSeconds *int64

	// AutoCreateSession asks for a session token in the same call.
	AutoCreateSession bool
	// AutoCreateOneTimeLink asks for a one-time link in the same call,
	// lasting OneTimeLinkExpiresIn seconds (nil = DefaultLinkExpiry).
	AutoCreateOneTimeLink bool
	OneTimeLinkExpiresIn  *int64

	// ClientSide marks a creation the hosted flow makes for a browser,
	// with no API key behind it. It is refused when the template is
	// inactive or blocks client-side creation (CheckClientSideCreation);
	// the API may still create from such templates for back-office use.
	ClientSide bool
}

// MaxTags and MaxNoteLength bound what an API client may attach.
const (
	MaxTags              = 50
	MaxTagLength         = 100
	MaxNoteLength        = 10_000
	MaxReferenceIDLength = 255
)

// validateTags checks a tag list against the limits above.
// editTags returns tags with add appended (those not there yet) and remove
// taken out, keeping the order of the rest.
func editTags(tags, add, remove []string) []string {
	out := append([]string{}, tags...)
	for _, t := range add {
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	return slices.DeleteFunc(out, func(t string) bool { return slices.Contains(remove, t) })
}

func validateTags(tags []string) error {
	if len(tags) > MaxTags {
		return FieldError("tags", "at most %d tags are allowed", MaxTags)
	}
	for _, t := range tags {
		if t == "" || len(t) > MaxTagLength {
			return FieldError("tags", "each tag must be 1 to %d characters", MaxTagLength)
		}
	}
	return nil
}
