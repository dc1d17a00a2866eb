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
	q, p, err := parseList(r, "reference-id")
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
	data := make([]*Resource, len(list))
	for i, a := range list {
		data[i] = RenderAccount(a)
	}
	return q.listReply(r, p, data, more), nil
}

// createAccountRequest is the body of POST /accounts.
type createAccountRequest struct {
	Data struct {
		Type       string `json:"type"`
		Attributes struct {
			ReferenceID string `json:"reference-id"`
			// Accepted for compatibility and ignored: Vouch has one
			// account type.
			AccountTypeID string `json:"account-type-id"`
		} `json:"attributes"`
	} `json:"data"`
}

// createAccount is POST /accounts: an account for a reference id (409 when
// the environment has one already), or with none. Inquiries created later
// with that reference id attach to it.
func (h *handler) createAccount(r *http.Request, c *call) (*reply, error) {
	var req createAccountRequest
	if err := decodeBody(c.body, &req, true); err != nil {
		return nil, err
	}
	if err := checkType(req.Data.Type, TypeAccount); err != nil {
		return nil, err
	}
	a, err := h.svc.CreateAccount(r.Context(), c.env, req.Data.Attributes.ReferenceID)
	if err != nil {
		return nil, err
	}
	return &reply{status: http.StatusCreated, doc: single(RenderAccount(a))}, nil
}
