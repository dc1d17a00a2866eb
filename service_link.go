// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"time"
)

// One-time links (spec §7) hand an inquiry to someone who holds no session
// token: a reviewer mails one, or a phone opens one from a QR code. A link
// belongs to one session. Opening it (RedeemOneTimeLink) gives that
// session a fresh token; it works once, then for LinkGrace more, so that
// a mail scanner that fetches the link first, or a reload, does not burn
// it. It never outlives its session, which expires with the inquiry.
const (
	// DefaultLinkExpiry is how long a link lasts unless the request says
	// otherwise; the spec's two sources for links made by the API agree
	// on 24 hours.
	DefaultLinkExpiry = 24 * time.Hour
	// LinkGrace is how long a link keeps working after its first use.
	LinkGrace = 5 * time.Minute
	// linkCodeBytes is the length of a code before base64url: 192 bits.
	linkCodeBytes = 24
)

// OneTimeLink is what a generate call hands out: the code to put in
// /verify?code=… and when it stops working.
type OneTimeLink struct {
	Code      string
	ExpiresAt time.Time
}

// linkCode derives the code of a session's link. It is derived rather than
// random so that a second generate can return the unused link it made
// before (spec §7) while the row stores only the code's hash; CreatedAt
// makes every new link of a session a new code.
func (s *Service) linkCode(sess *Session) string {
	m := hmac.New(sha256.New, s.linkKey)
	m.Write([]byte(sess.ID))
	m.Write(binary.BigEndian.AppendUint64([]byte{0}, uint64(sess.Link.CreatedAt.UnixMicro())))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:linkCodeBytes])
}

// linkUnused reports whether sess holds a link that was never opened and
// that still works at now: the one a generate call returns again.
func linkUnused(sess *Session, now time.Time) bool {
	return sess.Link != nil && sess.Link.UsedAt == nil && now.Before(sess.Link.ExpiresAt) && sess.Usable(now)
}

// attachLink gives sess a new link, replacing any it had, that lasts
// expiresIn (DefaultLinkExpiry when nil) and at most as long as the
// session.
func (s *Service) attachLink(sess *Session, expiresIn *int64, now time.Time) *OneTimeLink {
	d := DefaultLinkExpiry
	if expiresIn != nil {
		d = time.Duration(*expiresIn) * time.Second
	}
	exp := now.Add(d)
	if exp.After(sess.ExpiresAt) {
		exp = sess.ExpiresAt
	}
	created := now
	if sess.Link != nil && !created.After(sess.Link.CreatedAt) {
		// The code derives from CreatedAt: a replaced link must not come
		// back, even from a clock that stood still or went back.
		created = sess.Link.CreatedAt.Add(time.Microsecond)
	}
	sess.Link = &SessionLink{CreatedAt: created, ExpiresAt: exp}
	code := s.linkCode(sess)
	sess.Link.Hash = HashSecret(code)
	return &OneTimeLink{Code: code, ExpiresAt: exp}
}

// ValidateLinkExpiry checks a requested link lifetime in seconds, naming
// field in the error.
func ValidateLinkExpiry(field string, expiresIn *int64) error {
	if expiresIn != nil && (*expiresIn <= 0 || time.Duration(*expiresIn)*time.Second > MaxExpiry) {
		return FieldError(field, "%s must be between 1 and %d.", field, int64(MaxExpiry/time.Second))
	}
	return nil
}

// GenerateOneTimeLink returns a one-time link to an open inquiry: the
// unused link made before, if one still works, else a link on a new
// session (POST /inquiries/{id}/generate-one-time-link). An expired
// inquiry must be resumed first; a finished or redacted one gets no link
// (ECONFLICT), and the session cap applies.
func (s *Service) GenerateOneTimeLink(ctx Context, env Environment, inquiryID string, expiresIn *int64) (*InquiryDetails, *OneTimeLink, error) {
	if err := ValidateLinkExpiry("expires-in-seconds", expiresIn); err != nil {
		return nil, nil, err
	}
	var d *InquiryDetails
	var link *OneTimeLink
	err := s.update(ctx, func(tx Tx, w *work) error {
		inq, err := s.lockOpenInquiry(ctx, tx, env, inquiryID)
		if err != nil {
			return err
		}
		if link, err = s.inquiryLink(ctx, tx, inq, expiresIn); err != nil {
			return err
		}
		d, err = s.detailsOf(ctx, tx, env, inq)
		return err
	})
	if err != nil {
		return nil, nil, err
	}
	return d, link, nil
}

// inquiryLink finds the unused link of inq or makes one on a new session.
func (s *Service) inquiryLink(ctx Context, tx Tx, inq *Inquiry, expiresIn *int64) (*OneTimeLink, error) {
	now := s.now()
	sessions, err := tx.SessionListByInquiry(ctx, inq.Environment, inq.ID)
	if err != nil {
		return nil, err
	}
	for i := len(sessions) - 1; i >= 0; i-- {
		if sess := sessions[i]; linkUnused(sess, now) {
			return &OneTimeLink{Code: s.linkCode(sess), ExpiresAt: sess.Link.ExpiresAt}, nil
		}
	}
	if len(sessions) >= MaxSessionsPerInquiry {
		return nil, Errorf(ECONFLICT, "Inquiry %s has reached its limit of %d sessions.", inq.ID, MaxSessionsPerInquiry)
	}
	sess := newSession(inq, now)
	link := s.attachLink(sess, expiresIn, now)
	if err := tx.SessionInsert(ctx, sess); err != nil {
		return nil, err
	}
	return link, nil
}

// GenerateSessionLink returns a one-time link to one session (POST
// /inquiry-sessions/{id}/generate-one-time-link): its unused link if it
// has one that still works, else a new one, which replaces any link the
// session had. Opening the link re-keys the session, so a device that
// holds the session's current token loses it. ECONFLICT when the session
// has expired or its inquiry is not open.
func (s *Service) GenerateSessionLink(ctx Context, env Environment, sessionID string, expiresIn *int64) (*Session, *OneTimeLink, error) {
	if err := ValidateLinkExpiry("expires-in-seconds", expiresIn); err != nil {
		return nil, nil, err
	}
	if !HasIDPrefix(sessionID, PrefixSession) {
		return nil, nil, Errorf(ENOTFOUND, "Session %s not found.", sessionID)
	}
	var sess *Session
	var link *OneTimeLink
	err := s.update(ctx, func(tx Tx, w *work) error {
		first, err := tx.SessionGetByID(ctx, env, sessionID)
		if err != nil {
			return err
		}
		if _, err := s.lockOpenInquiry(ctx, tx, env, first.InquiryID); err != nil {
			return err
		}
		// Read again under the inquiry's lock, as AuthenticateSession does.
		if sess, err = tx.SessionGetByID(ctx, env, sessionID); err != nil {
			return err
		}
		now := s.now()
		if !sess.Usable(now) {
			return Errorf(ECONFLICT, "Session %s has expired.", sessionID)
		}
		if linkUnused(sess, now) {
			link = &OneTimeLink{Code: s.linkCode(sess), ExpiresAt: sess.Link.ExpiresAt}
			return nil
		}
		link = s.attachLink(sess, expiresIn, now)
		return tx.SessionUpdate(ctx, sess)
	})
	if err != nil {
		return nil, nil, err
	}
	return sess, link, nil
}

// RedeemOneTimeLink opens the session of a one-time link and returns it
// with a fresh token, which replaces the session's previous one. The first
// use starts the grace period; any use within it re-keys the session
// again. A code that is unknown, expired, past its grace period, or whose
// session or inquiry can no longer be worked on gives the same
// EUNAUTHORIZED error, as a bad session token does.
func (s *Service) RedeemOneTimeLink(ctx Context, code string) (*Session, string, error) {
	bad := Errorf(EUNAUTHORIZED, "The one-time link is not valid.")
	if code == "" || len(code) > 64 {
		return nil, "", bad
	}
	hash := HashSecret(code)
	// Find the link in a read transaction first: a made-up code must not
	// cost a turn of the single writer.
	var env Environment
	err := s.Store.View(ctx, func(tx Tx) error {
		for _, e := range []Environment{Production, Sandbox} {
			_, err := tx.SessionGetByLinkHash(ctx, e, hash)
			if err == nil {
				env = e
				return nil
			} else if ErrorCode(err) != ENOTFOUND {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, "", err
	} else if env == "" {
		return nil, "", bad
	}
	var sess *Session
	var token string
	err = s.update(ctx, func(tx Tx, w *work) error {
		first, err := tx.SessionGetByLinkHash(ctx, env, hash)
		if err != nil {
			return err
		}
		inq, _, err := s.lockInquiry(ctx, tx, env, first.InquiryID)
		if err != nil {
			return err
		}
		// Read again under the inquiry's lock, as AuthenticateSession does.
		if sess, err = tx.SessionGetByLinkHash(ctx, env, hash); err != nil {
			return err
		}
		now := s.now()
		l := sess.Link
		if sessionsAllowed(inq) != nil || !sess.Usable(now) || !now.Before(l.ExpiresAt) ||
			l.UsedAt != nil && !now.Before(l.UsedAt.Add(LinkGrace)) {
			return bad
		}
		if l.UsedAt == nil {
			l.UsedAt = timePtr(now)
		}
		var jti string
		token, jti = signToken(s.tokenKey, s.Issuer, sess, now)
		sess.TokenHash = HashSecret(jti)
		return tx.SessionUpdate(ctx, sess)
	})
	if ErrorCode(err) == ENOTFOUND {
		return nil, "", bad // replaced or gone since the first read
	} else if err != nil {
		return nil, "", err
	}
	return sess, token, nil
}
