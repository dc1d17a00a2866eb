// SPDX-License-Identifier: Apache-2.0

package api

import (
	"net/http"

	"github.com/vouch-id/vouch"
)

func (h *handler) getAccount(r *http.Request, c *call) (*reply, error) {
	a, err := h.svc.FindAccountByID(r.Context(), c.env, r.PathValue("id"))
	if err != nil {
		return nil, err
	}
	return &reply{status: http.StatusOK, doc: single(RenderAccount(a))}, nil
}

// listAccounts is GET /accounts, newest first, filtered by reference id.
func (h *handler) listAccounts(r *http.Request, c *call) (*reply, error) {
	q, err := newQuery(r, "reference-id")
	if err != nil {
		return nil, err
	}
	p, err := q.page()
	if err != nil {
		return nil, err
	}
	list, more, err := h.svc.FindAccounts(r.Context(), vouch.AccountFilter{
		Environment: c.env, ReferenceID: q.str("reference-id"),
		After: p.after, Before: p.before, Limit: p.size,
	})
	if err != nil {
		return nil, err
	}
	doc := ListDocument{Data: make([]*Resource, 0, len(list))}
	ids := make([]string, 0, len(list))
	for _, a := range list {
		doc.Data = append(doc.Data, RenderAccount(a))
		ids = append(ids, a.ID)
	}
	doc.Links = q.links(r, p, ids, more)
	return &reply{status: http.StatusOK, doc: doc}, nil
}
