// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"

	"github.com/vouch-id/vouch"
)

// getSession is GET /inquiry-sessions/{id}.
func (h *handler) getSession(r *http.Request, c *call) (*reply, error) {
	sess, err := h.svc.FindSessionByID(r.Context(), c.env, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return &reply{status: http.StatusOK, doc: single(RenderSession(sess))}, nil
}

// listSessions is GET /inquiry-sessions, newest first, filtered by inquiry.
func (h *handler) listSessions(r *http.Request, c *call) (*reply, error) {
	q, p, err := parseList(r, "inquiry-id")
	if err != nil {
		return nil, err
	}
	list, more, err := h.svc.FindSessions(r.Context(), vouch.SessionFilter{
		Environment: c.env, InquiryID: q.str("inquiry-id"),
		After: p.after, Before: p.before, Limit: p.size,
	})
	if err != nil {
		return nil, err
	}
	return q.listReply(r, p, renderSessions(list), more), nil
}

// expireSession is POST /inquiry-sessions/{id}/expire: the session's token
// stops opening the inquiry at once.
func (h *handler) expireSession(r *http.Request, c *call) (*reply, error) {
	if err := decodeBody(c.body, &emptyRequest{}, true); err != nil {
		return nil, err
	}
	sess, err := h.svc.ExpireSession(r.Context(), c.env, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return &reply{status: http.StatusOK, doc: single(RenderSession(sess))}, nil
}

// expireAllRequest is the body of POST /inquiry-sessions/expire-all.
type expireAllRequest struct {
	Meta struct {
		InquiryIDs []string `json:"inquiry-ids"`
	} `json:"meta"`
}

// expireAllSessions is POST /inquiry-sessions/expire-all: every live
// session of the inquiries in meta.inquiry-ids ends, all or none. It
// answers with the sessions it expired.
func (h *handler) expireAllSessions(r *http.Request, c *call) (*reply, error) {
	var req expireAllRequest
	if err := decodeBody(c.body, &req, false); err != nil {
		return nil, err
	}
	list, err := h.svc.ExpireInquirySessions(r.Context(), c.env, req.Meta.InquiryIDs)
	if err != nil {
		return nil, pointToMeta(err)
	}
	return &reply{status: http.StatusOK, doc: ListDocument{Data: renderSessions(list)}}, nil
}

func renderSessions(list []*vouch.Session) []*Resource {
	data := make([]*Resource, len(list))
	for i, s := range list {
		data[i] = RenderSession(s)
	}
	return data
}
