// SPDX-License-Identifier: Apache-2.0

package api

import (
	"errors"
	"net/http"

	"github.com/vouch-id/vouch"
)

// tagRequest is the body of add-tag and remove-tag, as in Persona:
// {"meta": {"tag-name": "…"}}. Persona also takes meta.tag-id, the id of a
// tag object; Vouch's tags are plain strings with no ids, so a tag-id is
// refused by name rather than ignored.
type tagRequest struct {
	Meta struct {
		TagName *string `json:"tag-name"`
		TagID   any     `json:"tag-id"`
	} `json:"meta"`
}

// setTagsRequest is the body of set-tags: {"meta": {"tag-name": […]}}.
type setTagsRequest struct {
	Meta struct {
		TagName *[]string `json:"tag-name"`
		TagID   any       `json:"tag-id"`
	} `json:"meta"`
}

// addInquiryTag is POST /inquiries/{id}/add-tag.
func (h *handler) addInquiryTag(r *http.Request, c *call) (*reply, error) {
	name, err := tagName(c.body)
	if err != nil {
		return nil, err
	}
	return h.editTags(r, c, vouch.InquiryUpdate{AddTags: []string{name}})
}

// removeInquiryTag is POST /inquiries/{id}/remove-tag. Removing a tag the
// inquiry does not have changes nothing.
func (h *handler) removeInquiryTag(r *http.Request, c *call) (*reply, error) {
	name, err := tagName(c.body)
	if err != nil {
		return nil, err
	}
	return h.editTags(r, c, vouch.InquiryUpdate{RemoveTags: []string{name}})
}

// setInquiryTags is POST /inquiries/{id}/set-tags: the list replaces the
// inquiry's tags; an empty list removes them all.
func (h *handler) setInquiryTags(r *http.Request, c *call) (*reply, error) {
	var req setTagsRequest
	if err := decodeBody(c.body, &req, false); err != nil {
		return nil, err
	}
	if req.Meta.TagID != nil {
		return nil, tagIDError()
	}
	if req.Meta.TagName == nil {
		return nil, pointerError("/meta/tag-name", "meta.tag-name must be a list of tag names.")
	}
	return h.editTags(r, c, vouch.InquiryUpdate{Tags: req.Meta.TagName})
}

// tagName reads the tag of add-tag and remove-tag.
func tagName(body []byte) (string, error) {
	var req tagRequest
	if err := decodeBody(body, &req, false); err != nil {
		return "", err
	}
	if req.Meta.TagID != nil {
		return "", tagIDError()
	}
	if req.Meta.TagName == nil {
		return "", pointerError("/meta/tag-name", "meta.tag-name is required.")
	}
	return *req.Meta.TagName, nil
}

// editTags applies a tag change and answers with the inquiry. Errors about
// the tags point at meta.tag-name, where the request put them.
func (h *handler) editTags(r *http.Request, c *call, upd vouch.InquiryUpdate) (*reply, error) {
	include, err := inquiryIncludes(r, c)
	if err != nil {
		return nil, err
	}
	d, err := h.svc.UpdateInquiry(r.Context(), c.env, r.PathValue("id"), upd)
	var e *vouch.Error
	if errors.As(err, &e) && e.Details["tags"] != "" {
		return nil, pointerError("/meta/tag-name", e.Details["tags"])
	} else if err != nil {
		return nil, err
	}
	return inquiryReply(http.StatusOK, d, include), nil
}

func tagIDError() error {
	return pointerError("/meta/tag-id", "Vouch's tags have no ids: name the tag in meta.tag-name.")
}
