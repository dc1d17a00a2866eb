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

// createSessionRequest is the body of POST /inquiry-sessions.
type createSessionRequest struct {
	Data struct {
		Type       string `json:"type"`
		Attributes struct {
			InquiryID string `json:"inquiry-id"`
		} `json:"attributes"`
	} `json:"data"`
}

// createSession is POST /inquiry-sessions: a new session on an open
// inquiry (at most vouch.MaxSessionsPerInquiry), with its token in
// meta.session-token, the only time the token is shown.
func (h *handler) createSession(r *http.Request, c *call) (*reply, error) {
	var req createSessionRequest
	if err := decodeBody(c.body, &req, false); err != nil {
		return nil, err
	}
	if err := checkType(req.Data.Type, TypeSession); err != nil {
		return nil, err
	}
	id := req.Data.Attributes.InquiryID
	if id == "" {
		return nil, vouch.FieldError("inquiry-id", "inquiry-id is required.")
	}
	sess, token, err := h.svc.AddSession(r.Context(), c.env, id)
	if err != nil {
		return nil, err
	}
	doc := single(RenderSession(sess))
	doc.Meta = map[string]any{"session-token": token}
	return &reply{status: http.StatusCreated, doc: doc, objectID: sess.InquiryID}, nil
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
