// SPDX-License-Identifier: Apache-2.0

package api

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"

	"github.com/vouch-id/vouch"
)

// actionRequest is the optional body of the inquiry actions:
// {"meta": {"comment": "…"}} for approve, decline and mark-for-review,
// nothing (or an empty meta) for resume and expire.
type actionRequest struct {
	Meta struct {
		Comment string `json:"comment"`
	} `json:"meta"`
}

// emptyRequest is the optional body of actions that take no options.
type emptyRequest struct {
	Meta struct{} `json:"meta"`
}

// resumeInquiry answers with the inquiry and a session token in
// meta.session-token (spec §3.3).
func (h *handler) resumeInquiry(r *http.Request, c *call) (*reply, error) {
	if err := decodeBody(c.body, &emptyRequest{}, true); err != nil {
		return nil, err
	}
	include, err := inquiryIncludes(r, c)
	if err != nil {
		return nil, err
	}
	d, token, err := h.svc.ResumeInquiry(r.Context(), c.env, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	rep := inquiryReply(http.StatusOK, d, include)
	rep.doc.(*Document).Meta = map[string]any{"session-token": token}
	return rep, nil
}

func (h *handler) approveInquiry(r *http.Request, c *call) (*reply, error) {
	return h.decide(r, c, h.svc.ApproveInquiry)
}

func (h *handler) declineInquiry(r *http.Request, c *call) (*reply, error) {
	return h.decide(r, c, h.svc.DeclineInquiry)
}

func (h *handler) markInquiryForReview(r *http.Request, c *call) (*reply, error) {
	return h.decide(r, c, h.svc.MarkInquiryForReview)
}

// decide is the common body of the actions that take a reviewer comment.
func (h *handler) decide(r *http.Request, c *call,
	fn func(ctx vouch.Context, env vouch.Environment, id, comment string) (*vouch.InquiryDetails, error),
) (*reply, error) {
	var req actionRequest
	if err := decodeBody(c.body, &req, true); err != nil {
		return nil, err
	}
	include, err := inquiryIncludes(r, c)
	if err != nil {
		return nil, err
	}
	d, err := fn(r.Context(), c.env, r.PathValue("id"), req.Meta.Comment)
	if err != nil {
		return nil, pointToMeta(err)
	}
	return inquiryReply(http.StatusOK, d, include), nil
}

func (h *handler) expireInquiry(r *http.Request, c *call) (*reply, error) {
	if err := decodeBody(c.body, &emptyRequest{}, true); err != nil {
		return nil, err
	}
	include, err := inquiryIncludes(r, c)
	if err != nil {
		return nil, err
	}
	d, err := h.svc.ExpireInquiry(r.Context(), c.env, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return inquiryReply(http.StatusOK, d, include), nil
}

// checkType accepts a missing data.type or the expected one.
func checkType(got string, want ...string) error {
	if got == "" || slices.Contains(want, got) {
		return nil
	}
	msg := "data.type must be " + want[0] + "."
	return &vouch.Error{Code: vouch.EINVALID, Message: msg, Details: map[string]string{"/data/type": msg}}
}

// validRedirect reports whether s is an absolute URI (custom app schemes
// are allowed, as in Persona).
func validRedirect(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && len(s) <= 2048
}

// metaKeys are request options that live in meta, so errors about them
// point there rather than at an attribute.
var metaKeys = []string{
	"expiration-after-create-interval-seconds",
	"expiration-after-start-interval-seconds",
	"expiration-after-resume-interval-seconds",
	"comment",
	"inquiry-ids",
	"expires-in-seconds",
	"one-time-link-expiration-seconds",
}

// pointToMeta rewrites the Details of a domain error about an option that
// lives in meta, so its source pointer is /meta/<key> rather than an
// attribute.
func pointToMeta(err error) error {
	var e *vouch.Error
	if !errors.As(err, &e) || len(e.Details) == 0 {
		return err
	}
	moved := false
	details := maps.Clone(e.Details)
	for _, k := range metaKeys {
		if msg, ok := details[k]; ok {
			delete(details, k)
			details["/meta/"+k] = msg
			moved = true
		}
	}
	if !moved {
		return err
	}
	return &vouch.Error{Code: e.Code, Message: e.Message, Details: details}
}
