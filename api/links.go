// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"
	"net/url"

	"github.com/vouch-id/vouch"
)

// One-time links (spec §7) open the hosted flow at /verify?code=…; the
// short form /l/{code} redirects there, for SMS and QR codes. Both are
// served by the flow on this server, so links are built on Config.PublicURL.
const (
	linkPath      = "/verify?code="
	shortLinkPath = "/l/"
)

// linkRequest is the optional body of the generate-one-time-link actions.
type linkRequest struct {
	Meta struct {
		ExpiresInSeconds *int64 `json:"expires-in-seconds"`
	} `json:"meta"`
}

// linkMeta is the meta of a response that hands out a link.
func (h *handler) linkMeta(l *vouch.OneTimeLink) map[string]any {
	code := url.QueryEscape(l.Code) // base64url: already safe, escaped all the same
	return map[string]any{
		"one-time-link":       h.publicURL + linkPath + code,
		"one-time-link-short": h.publicURL + shortLinkPath + code,
	}
}

// generateInquiryLink is POST /inquiries/{id}/generate-one-time-link: the
// inquiry, with a link in meta (an unused one made before, or a new one on
// a new session).
func (h *handler) generateInquiryLink(r *http.Request, c *call) (*reply, error) {
	var req linkRequest
	if err := decodeBody(c.body, &req, true); err != nil {
		return nil, err
	}
	include, err := inquiryIncludes(r, c)
	if err != nil {
		return nil, err
	}
	d, link, err := h.svc.GenerateOneTimeLink(r.Context(), c.env, r.PathValue("id"), req.Meta.ExpiresInSeconds)
	if err != nil {
		return nil, pointToMeta(err)
	}
	rep := inquiryReply(http.StatusOK, d, include)
	rep.doc.(*Document).Meta = h.linkMeta(link)
	return rep, nil
}

// generateSessionLink is POST /inquiry-sessions/{id}/generate-one-time-link:
// the session, with a link to it in meta.
func (h *handler) generateSessionLink(r *http.Request, c *call) (*reply, error) {
	var req linkRequest
	if err := decodeBody(c.body, &req, true); err != nil {
		return nil, err
	}
	sess, link, err := h.svc.GenerateSessionLink(r.Context(), c.env, r.PathValue("id"), req.Meta.ExpiresInSeconds)
	if err != nil {
		return nil, pointToMeta(err)
	}
	doc := single(RenderSession(sess))
	doc.Meta = h.linkMeta(link)
	return &reply{status: http.StatusOK, doc: doc, objectID: sess.InquiryID}, nil
}
