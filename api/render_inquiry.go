// SPDX-License-Identifier: Apache-2.0

package api

import (
	"github.com/vouch-id/vouch"
)

// inquiryAttributes are an inquiry's attributes (spec §4.2). The fields
// are in the byte order of their JSON names, the order encoding/json gives
// a map's keys, so responses read the same as when they were a map;
// TestInquiryKeysSorted keeps it so. Optional values are `any` holding nil
// or a string, as optString and optTime return them.
type inquiryAttributes struct {
	Behaviors         struct{}            `json:"behaviors"`
	CompletedAt       any                 `json:"completed-at"`
	CreatedAt         string              `json:"created-at"`
	Creator           any                 `json:"creator"`
	DecisionedAt      any                 `json:"decisioned-at"`
	ExpiredAt         any                 `json:"expired-at"`
	ExpiresAt         any                 `json:"expires-at"`
	FailedAt          any                 `json:"failed-at"`
	Fields            map[string]any      `json:"fields"`
	MarkedForReviewAt any                 `json:"marked-for-review-at"`
	NextStepName      any                 `json:"next-step-name"`
	Note              any                 `json:"note"`
	PreviousStepName  any                 `json:"previous-step-name"`
	RedactedAt        any                 `json:"redacted-at"`
	ReferenceID       any                 `json:"reference-id"`
	ReviewerComment   any                 `json:"reviewer-comment"`
	StartedAt         any                 `json:"started-at"`
	Status            vouch.InquiryStatus `json:"status"`
	Tags              []string            `json:"tags"`
	UpdatedAt         string              `json:"updated-at"`
}

// inquiryLinks are an inquiry's relationships, in the same order.
// Persona lists links Vouch never fills (reports, a reviewer, a
// transaction); they render empty so clients that read them find them.
type inquiryLinks struct {
	Account                Relationship `json:"account"`
	Documents              Relationship `json:"documents"`
	InquiryTemplate        Relationship `json:"inquiry-template"`
	InquiryTemplateVersion Relationship `json:"inquiry-template-version"`
	Reports                Relationship `json:"reports"`
	Reviewer               Relationship `json:"reviewer"`
	Selfies                Relationship `json:"selfies"`
	Sessions               Relationship `json:"sessions"`
	Template               Relationship `json:"template"`
	Transaction            Relationship `json:"transaction"`
	Verifications          Relationship `json:"verifications"`
}

// RenderInquiry renders an inquiry as spec §4.2 describes it. Sessions and
// verifications come from d; an inquiry taken from an event snapshot (d
// with only Inquiry set) renders with empty lists. Fields render as
// {key: {type, value}}, and as {} once redacted.
func RenderInquiry(d *vouch.InquiryDetails) *Resource {
	inq := d.Inquiry
	fields := make(map[string]any, len(inq.Fields))
	for k, v := range inq.Fields {
		fields[k] = v
	}
	tags := inq.Tags
	if tags == nil {
		tags = []string{}
	}
	var verifications, sessions []Ref
	for _, v := range d.Verifications {
		verifications = append(verifications, Ref{Type: string(v.Type), ID: v.ID})
	}
	for _, s := range d.Sessions {
		sessions = append(sessions, Ref{Type: TypeSession, ID: s.ID})
	}
	rel := &inquiryLinks{
		Account:                one(TypeAccount, inq.AccountID),
		Documents:              many(nil),
		InquiryTemplate:        one(TypeTemplate, ""),
		InquiryTemplateVersion: one(TypeTemplateVersion, inq.TemplateVersionID),
		Reports:                many(nil),
		Reviewer:               one("user", ""),
		Selfies:                many(nil),
		Sessions:               many(sessions),
		Template:               one(TypeLegacyTemplate, ""),
		Transaction:            one("transaction", ""),
		Verifications:          many(verifications),
	}
	if inq.Legacy() {
		rel.Template = one(TypeLegacyTemplate, inq.TemplateID)
	} else {
		rel.InquiryTemplate = one(TypeTemplate, inq.TemplateID)
	}
	return &Resource{
		Type: TypeInquiry,
		ID:   inq.ID,
		Attributes: &inquiryAttributes{
			CompletedAt:       optTime(inq.CompletedAt),
			CreatedAt:         formatTime(inq.CreatedAt),
			DecisionedAt:      optTime(inq.DecisionedAt),
			ExpiredAt:         optTime(inq.ExpiredAt),
			ExpiresAt:         optTime(inq.ExpiresAt),
			FailedAt:          optTime(inq.FailedAt),
			Fields:            fields,
			MarkedForReviewAt: optTime(inq.MarkedForReviewAt),
			NextStepName:      optString(inq.CurrentStep),
			Note:              optString(inq.Note),
			PreviousStepName:  optString(inq.PreviousStep),
			RedactedAt:        optTime(inq.RedactedAt),
			ReferenceID:       optString(inq.ReferenceID),
			ReviewerComment:   optString(inq.ReviewerComment),
			StartedAt:         optTime(inq.StartedAt),
			Status:            inq.Status,
			Tags:              tags,
			UpdatedAt:         formatTime(inq.UpdatedAt),
		},
		Relationships: rel,
	}
}
