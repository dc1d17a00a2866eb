// SPDX-License-Identifier: Apache-2.0

package vouch

import "time"

// SessionStatus is the state of an inquiry session.
type SessionStatus string

// The session statuses (spec §3.3).
const (
	SessionNew     SessionStatus = "new"
	SessionActive  SessionStatus = "active"
	SessionExpired SessionStatus = "expired"
)

// MaxSessionsPerInquiry caps how many sessions one inquiry may have; past
// it, resume is refused with a conflict (spec §3.2).
const MaxSessionsPerInquiry = 25

// Session is one device's access to an inquiry. Its token is a signed JWT
// naming the session; the row stores only a hash of the token's secret part
// (its jti), so a database leak yields no usable token.
type Session struct {
	ID          string
	Environment Environment
	InquiryID   string
	Status      SessionStatus
	// TokenHash is SHA-256 of the current token's jti. Issuing a new token
	// for the session replaces it, which revokes the previous token.
	TokenHash []byte `json:"-"`
	CreatedAt time.Time
	StartedAt *time.Time
	ExpiresAt time.Time
	ExpiredAt *time.Time
	// Link is the one-time link the session was handed out with, nil for
	// a session opened with a token (see service_link.go).
	Link *SessionLink `json:"-"`
}

// SessionLink is a one-time link to a session. The row keeps only the
// hash of its code; the code itself is derived again from the session id
// and CreatedAt when it must be shown a second time.
type SessionLink struct {
	Hash      []byte
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time // first use; the link works until LinkGrace after it
}

// Usable reports whether the session can still open its inquiry at now.
func (s *Session) Usable(now time.Time) bool {
	return s.Status != SessionExpired && now.Before(s.ExpiresAt)
}

// SessionFilter selects sessions for listing, newest first.
type SessionFilter struct {
	Environment Environment
	InquiryID   *string
	After       string
	Before      string
	Limit       int
}
