// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"
	"slices"

	"github.com/vouch-id/vouch"
)

// getEvent is GET /events/{id}: the event in the envelope webhooks
// deliver (spec §5.3).
func (h *handler) getEvent(r *http.Request, c *call) (*reply, error) {
	e, snap, err := h.svc.FindEventByID(r.Context(), c.env, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return &reply{status: http.StatusOK, doc: single(RenderEvent(e, snap))}, nil
}

// listEvents is GET /events, newest first, filtered by names, object or
// inquiry. An unknown event name is a 400: it would never match.
func (h *handler) listEvents(r *http.Request, c *call) (*reply, error) {
	q, p, err := parseList(r, "name", "object-id", "inquiry-id")
	if err != nil {
		return nil, err
	}
	names := q.list("name")
	for _, n := range names {
		if !slices.Contains(vouch.EventNames, n) {
			return nil, paramError("filter[name]", "Unknown event name %q in filter[name].", clip(n))
		}
	}
	list, snaps, more, err := h.svc.FindEvents(r.Context(), vouch.EventFilter{
		Environment: c.env, Names: names, ObjectID: q.str("object-id"), InquiryID: q.str("inquiry-id"),
		After: p.after, Before: p.before, Limit: p.size,
	})
	if err != nil {
		return nil, err
	}
	data := make([]*Resource, len(list))
	for i, e := range list {
		data[i] = RenderEvent(e, snaps[i])
	}
	return q.listReply(r, p, data, more), nil
}
