// SPDX-License-Identifier: Apache-2.0

package vouch

import "time"

// Account mirrors one end user of the customer, keyed by the customer's own
// reference id. Inquiries with the same reference id attach to the same
// account, which is created on demand (spec §3.4).
type Account struct {
	ID          string
	Environment Environment
	ReferenceID string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// AccountFilter selects accounts for listing, newest first.
type AccountFilter struct {
	Environment Environment
	// IDs, when not nil, keeps only these accounts; an empty non-nil
	// list matches nothing.
	IDs         []string
	ReferenceID *string
	After       string
	Before      string
	Limit       int
}
