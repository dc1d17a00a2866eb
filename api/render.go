// SPDX-License-Identifier: Apache-2.0

package api

import (
	"github.com/vouch-id/vouch"
)

// JSON:API types of the resources the API renders.
const (
	TypeInquiry         = "inquiry"
	TypeSession         = "inquiry-session"
	TypeAccount         = "account"
	TypeTemplate        = "inquiry-template"
	TypeLegacyTemplate  = "template"
	TypeTemplateVersion = "inquiry-template-version"
	TypeEvent           = "event"
)

// templateType is the JSON:API type of a template id: "template" for a
// legacy tmpl_ template, "inquiry-template" otherwise.
func templateType(id string) string {
	if vouch.HasIDPrefix(id, vouch.PrefixLegacyTemplate) {
		return TypeLegacyTemplate
	}
	return TypeTemplate
}

// verificationAttributes are the standard attributes of a verification;
// extracted data never overrides them.
var verificationAttributes = map[string]bool{
	"status": true, "created-at": true, "created-at-ts": true, "submitted-at": true,
	"submitted-at-ts": true, "completed-at": true, "completed-at-ts": true, "redacted-at": true,
	"country-code": true, "checks": true,
}

// RenderVerification renders a verification (spec §6.3): its type is the
// verification type, its extracted data appears as kebab-case attributes
// beside the standard ones, and checks always have reasons and metadata.
func RenderVerification(v *vouch.Verification) *Resource {
	checks := make([]vouch.Check, len(v.Checks))
	for i, c := range v.Checks {
		if c.Reasons == nil {
			c.Reasons = []string{}
		}
		if c.Metadata == nil {
			c.Metadata = map[string]any{}
		}
		checks[i] = c
	}
	attrs := map[string]any{
		"status":          v.Status,
		"created-at":      formatTime(v.CreatedAt),
		"created-at-ts":   v.CreatedAt.Unix(),
		"submitted-at":    optTime(v.SubmittedAt),
		"submitted-at-ts": optUnix(v.SubmittedAt),
		"completed-at":    optTime(v.CompletedAt),
		"completed-at-ts": optUnix(v.CompletedAt),
		"redacted-at":     optTime(v.RedactedAt),
		"country-code":    optString(v.CountryCode),
		"checks":          checks,
	}
	for k, val := range v.Data {
		if kk := Kebab(k); kk != "" && !verificationAttributes[kk] {
			attrs[kk] = val
		}
	}
	return &Resource{
		Type:       string(v.Type),
		ID:         v.ID,
		Attributes: attrs,
		Relationships: map[string]Relationship{
			"inquiry": one(TypeInquiry, v.InquiryID),
		},
	}
}

// RenderSession renders an inquiry session (spec §3.3).
func RenderSession(s *vouch.Session) *Resource {
	return &Resource{
		Type: TypeSession,
		ID:   s.ID,
		Attributes: map[string]any{
			"status":     s.Status,
			"created-at": formatTime(s.CreatedAt),
			"started-at": optTime(s.StartedAt),
			"expires-at": formatTime(s.ExpiresAt),
			"expired-at": optTime(s.ExpiredAt),
		},
		Relationships: map[string]Relationship{
			"inquiry": one(TypeInquiry, s.InquiryID),
		},
	}
}

// RenderAccount renders an account (spec §3.4).
func RenderAccount(a *vouch.Account) *Resource {
	return &Resource{
		Type: TypeAccount,
		ID:   a.ID,
		Attributes: map[string]any{
			"reference-id": optString(a.ReferenceID),
			"created-at":   formatTime(a.CreatedAt),
			"updated-at":   formatTime(a.UpdatedAt),
		},
	}
}

// RenderTemplate renders a template; a legacy one has type "template".
func RenderTemplate(t *vouch.Template) *Resource {
	return &Resource{
		Type: templateType(t.ID),
		ID:   t.ID,
		Attributes: map[string]any{
			"name":       t.Name,
			"status":     t.Status,
			"created-at": formatTime(t.CreatedAt),
			"updated-at": formatTime(t.UpdatedAt),
		},
		Relationships: map[string]Relationship{
			"latest-published-version": one(TypeTemplateVersion, t.LatestVersionID),
		},
	}
}

// RenderTemplateVersion renders a published template version; its
// configuration is the TemplateConfig as the API accepts it.
func RenderTemplateVersion(v *vouch.TemplateVersion) *Resource {
	return &Resource{
		Type: TypeTemplateVersion,
		ID:   v.ID,
		Attributes: map[string]any{
			"version":       v.Number,
			"status":        "published",
			"configuration": v.Config,
			"created-at":    formatTime(v.CreatedAt),
		},
		Relationships: map[string]Relationship{
			"inquiry-template": one(templateType(v.TemplateID), v.TemplateID),
		},
	}
}

// RenderEvent renders an event in the envelope of spec §5.3. The payload's
// data is the object as it was, rendered by the same encoder the API uses
// for it; it is null when the snapshot is gone (the inquiry was redacted).
func RenderEvent(e *vouch.Event, snap *vouch.EventSnapshot) *Resource {
	var data *Resource
	if snap != nil {
		switch {
		case snap.Inquiry != nil:
			data = RenderInquiry(&vouch.InquiryDetails{Inquiry: snap.Inquiry})
		case snap.Verification != nil:
			data = RenderVerification(snap.Verification)
		case snap.Session != nil:
			data = RenderSession(snap.Session)
		case snap.Account != nil:
			data = RenderAccount(snap.Account)
		case snap.Webhook != nil:
			data = RenderWebhook(snap.Webhook)
		}
	}
	return &Resource{
		Type: TypeEvent,
		ID:   e.ID,
		Attributes: map[string]any{
			"name":       e.Name,
			"payload":    map[string]any{"data": data, "included": []*Resource{}},
			"created-at": formatTime(e.CreatedAt),
		},
	}
}
