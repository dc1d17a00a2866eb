// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"
	"slices"
	"strings"

	"github.com/vouch-id/vouch"
)

// createInquiryRequest is the body of POST /inquiries (spec §4.3).
type createInquiryRequest struct {
	Data struct {
		Type       string `json:"type"`
		Attributes struct {
			InquiryTemplateID        string         `json:"inquiry-template-id"`
			InquiryTemplateVersionID string         `json:"inquiry-template-version-id"`
			TemplateID               string         `json:"template-id"`
			ReferenceID              string         `json:"reference-id"` // deprecated in favour of meta
			AccountID                string         `json:"account-id"`
			Note                     string         `json:"note"`
			Tags                     []string       `json:"tags"`
			Fields                   map[string]any `json:"fields"`
			RedirectURI              string         `json:"redirect-uri"`
			// Accepted so that existing Persona clients keep working, and
			// ignored: Vouch has one theme and one first step, and never
			// stores the creator's email address.
			CreatorEmailAddress string `json:"creator-email-address"`
			ThemeSetID          string `json:"theme-set-id"`
			ThemeID             string `json:"theme-id"`
			InitialStepName     string `json:"initial-step-name"`
		} `json:"attributes"`
	} `json:"data"`
	Meta struct {
		AutoCreateAccount            *bool  `json:"auto-create-account"`
		AutoCreateAccountReferenceID string `json:"auto-create-account-reference-id"`
		ExpireAfterCreate            *int64 `json:"expiration-after-create-interval-seconds"`
		ExpireAfterStart             *int64 `json:"expiration-after-start-interval-seconds"`
		ExpireAfterResume            *int64 `json:"expiration-after-resume-interval-seconds"`
		AutoCreateSession            bool   `json:"auto-create-inquiry-session"`
		AutoCreateOneTimeLink        bool   `json:"auto-create-one-time-link"`
		OneTimeLinkExpirationSeconds *int64 `json:"one-time-link-expiration-seconds"`
		// Accepted for compatibility and ignored: Vouch has no account
		// types.
		AutoCreateAccountTypeID string `json:"auto-create-account-type-id"`
	} `json:"meta"`
}

func (h *handler) createInquiry(r *http.Request, c *call) (*reply, error) {
	var req createInquiryRequest
	if err := decodeBody(c.body, &req, false); err != nil {
		return nil, err
	}
	if err := checkType(req.Data.Type, TypeInquiry); err != nil {
		return nil, err
	}
	a, m := req.Data.Attributes, req.Meta
	ref := m.AutoCreateAccountReferenceID
	if ref == "" {
		ref = a.ReferenceID
	} else if a.ReferenceID != "" && a.ReferenceID != ref {
		return nil, vouch.FieldError("reference-id", "reference-id and meta.auto-create-account-reference-id differ.")
	}
	if a.RedirectURI != "" && !validRedirect(a.RedirectURI) {
		return nil, vouch.FieldError("redirect-uri", "redirect-uri must be an absolute URI.")
	}
	in := vouch.CreateInquiryInput{
		TemplateID:               a.InquiryTemplateID,
		TemplateVersionID:        a.InquiryTemplateVersionID,
		LegacyTemplateID:         a.TemplateID,
		AccountID:                a.AccountID,
		ReferenceID:              ref,
		Note:                     a.Note,
		Tags:                     a.Tags,
		Fields:                   a.Fields,
		RedirectURI:              a.RedirectURI,
		AutoCreateAccount:        m.AutoCreateAccount,
		ExpireAfterCreateSeconds: m.ExpireAfterCreate,
		ExpireAfterStartSeconds:  m.ExpireAfterStart,
		ExpireAfterResumeSeconds: m.ExpireAfterResume,
		AutoCreateSession:        m.AutoCreateSession,
		AutoCreateOneTimeLink:    m.AutoCreateOneTimeLink,
		OneTimeLinkExpiresIn:     m.OneTimeLinkExpirationSeconds,
	}
	include, err := inquiryIncludes(r, c)
	if err != nil {
		return nil, err
	}
	d, token, err := h.svc.CreateInquiry(r.Context(), c.env, in)
	if err != nil {
		return nil, pointToMeta(err)
	}
	doc := inquiryDocument(d, include)
	if d.OneTimeLink != nil {
		doc.Meta = h.linkMeta(d.OneTimeLink)
	}
	if token != "" {
		if doc.Meta == nil {
			doc.Meta = map[string]any{}
		}
		doc.Meta["session-token"] = token
	}
	return &reply{status: http.StatusCreated, doc: doc, objectID: d.Inquiry.ID}, nil
}

func (h *handler) getInquiry(r *http.Request, c *call) (*reply, error) {
	include, err := inquiryIncludes(r, c)
	if err != nil {
		return nil, err
	}
	d, err := h.svc.FindInquiryByID(r.Context(), c.env, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return inquiryReply(http.StatusOK, d, include), nil
}

func (h *handler) listInquiries(r *http.Request, c *call) (*reply, error) {
	q, p, err := parseList(r, "inquiry-id", "reference-id", "account-id", "inquiry-template-id", "template-id",
		"status", "created-at-start", "created-at-end")
	if err != nil {
		return nil, err
	}
	f := vouch.InquiryFilter{
		Environment: c.env, ReferenceID: q.str("reference-id"), AccountID: q.str("account-id"),
		After: p.after, Before: p.before, Limit: p.size,
	}
	if ids := q.list("inquiry-id"); len(ids) > 0 {
		if len(ids) > vouch.MaxInquiryIDFilter {
			return nil, paramError("filter[inquiry-id]", "filter[inquiry-id] may name at most %d inquiries.", vouch.MaxInquiryIDFilter)
		}
		f.IDs = ids
	}
	f.TemplateID = q.str("inquiry-template-id")
	if legacy := q.str("template-id"); legacy != nil {
		if f.TemplateID != nil && *f.TemplateID != *legacy {
			return nil, paramError("filter[template-id]", "filter[template-id] and filter[inquiry-template-id] cannot differ.")
		}
		f.TemplateID = legacy
	}
	for _, s := range q.list("status") {
		st := vouch.InquiryStatus(s)
		if !st.Valid() {
			return nil, paramError("filter[status]", "Unknown status %q in filter[status].", clip(s))
		}
		f.Statuses = append(f.Statuses, st)
	}
	if f.CreatedAfter, err = q.time("created-at-start"); err != nil {
		return nil, err
	}
	if f.CreatedBefore, err = q.time("created-at-end"); err != nil {
		return nil, err
	}
	list, more, err := h.svc.FindInquiries(r.Context(), f)
	if err != nil {
		return nil, err
	}
	data := make([]*Resource, len(list))
	for i, d := range list {
		data[i] = RenderInquiry(d)
	}
	return q.listReply(r, p, data, more), nil
}

// updateInquiryRequest is the body of PATCH /inquiries/{id}.
type updateInquiryRequest struct {
	Data struct {
		Type       string `json:"type"`
		Attributes struct {
			Note   *string        `json:"note"`
			Tags   *[]string      `json:"tags"`
			Fields map[string]any `json:"fields"`
		} `json:"attributes"`
	} `json:"data"`
}

func (h *handler) updateInquiry(r *http.Request, c *call) (*reply, error) {
	var req updateInquiryRequest
	if err := decodeBody(c.body, &req, false); err != nil {
		return nil, err
	}
	if err := checkType(req.Data.Type, TypeInquiry); err != nil {
		return nil, err
	}
	include, err := inquiryIncludes(r, c)
	if err != nil {
		return nil, err
	}
	a := req.Data.Attributes
	d, err := h.svc.UpdateInquiry(r.Context(), c.env, r.PathValue("id"),
		vouch.InquiryUpdate{Note: a.Note, Tags: a.Tags, Fields: a.Fields})
	if err != nil {
		return nil, err
	}
	return inquiryReply(http.StatusOK, d, include), nil
}

// redactInquiry is DELETE /inquiries/{id}: the inquiry's personal data is
// destroyed and the redacted inquiry is returned.
func (h *handler) redactInquiry(r *http.Request, c *call) (*reply, error) {
	include, err := inquiryIncludes(r, c)
	if err != nil {
		return nil, err
	}
	d, err := h.svc.RedactInquiry(r.Context(), c.env, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return inquiryReply(http.StatusOK, d, include), nil
}

// inquiryReply is the reply of every route that answers with one inquiry.
func inquiryReply(status int, d *vouch.InquiryDetails, include []string) *reply {
	return &reply{status: status, doc: inquiryDocument(d, include), objectID: d.Inquiry.ID}
}

// inquiryDocument renders an inquiry with the included resources asked for.
func inquiryDocument(d *vouch.InquiryDetails, include []string) *Document {
	return single(RenderInquiry(d), RenderInquiryIncluded(d, include)...)
}

// inquiryRelationships are the names include= may list for an inquiry;
// those Vouch has no objects for (reports, documents, …) are accepted and
// contribute nothing.
var inquiryRelationships = []string{
	"account", "template", "inquiry-template", "inquiry-template-version", "verifications",
	"sessions", "reports", "documents", "selfies", "transaction", "reviewer",
}

// defaultInquiryIncludes is what a request without include= gets (spec
// §4.2, API versions before 2025-10-27).
var defaultInquiryIncludes = []string{"verifications", "sessions", "inquiry-template"}

// inquiryIncludes parses include=: absent means the default of the call's
// Persona-Version (nothing from 2025-10-27), empty means nothing, an
// unknown name is a 400.
func inquiryIncludes(r *http.Request, c *call) ([]string, error) {
	v, ok := r.URL.Query()["include"]
	if !ok {
		if !c.defaultIncludes() {
			return nil, nil
		}
		return defaultInquiryIncludes, nil
	}
	var out []string
	for _, name := range strings.Split(strings.Join(v, ","), ",") {
		if name = strings.TrimSpace(name); name == "" {
			continue
		}
		if !slices.Contains(inquiryRelationships, name) {
			return nil, paramError("include", "Cannot include %q; an inquiry can include %s.",
				clip(name), strings.Join(inquiryRelationships, ", "))
		}
		out = append(out, name)
	}
	return out, nil
}

// RenderInquiryIncluded renders the resources an inquiry document includes
// for the given relationship names, each at most once. The template is
// included for either "template" or "inquiry-template", whichever kind the
// inquiry has.
func RenderInquiryIncluded(d *vouch.InquiryDetails, include []string) []*Resource {
	out := []*Resource{}
	templateDone := false
	for _, name := range include {
		switch name {
		case "verifications":
			for _, v := range d.Verifications {
				out = append(out, RenderVerification(v))
			}
		case "sessions":
			for _, s := range d.Sessions {
				out = append(out, RenderSession(s))
			}
		case "template", "inquiry-template":
			if d.Template != nil && !templateDone {
				out = append(out, RenderTemplate(d.Template))
				templateDone = true
			}
		case "inquiry-template-version":
			if d.Version != nil {
				out = append(out, RenderTemplateVersion(d.Version))
			}
		case "account":
			if d.Account != nil {
				out = append(out, RenderAccount(d.Account))
			}
		}
	}
	return out
}
