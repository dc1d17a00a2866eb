// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"crypto/subtle"
	"fmt"
	"time"
)

// issueSession returns a token for inq: it re-keys an unused, still valid
// session when there is one (as Persona's resume does) and otherwise opens
// a new session, up to MaxSessionsPerInquiry. Re-keying replaces the stored
// hash, so an older token for that unused session stops working. With
// reuse false it always opens a new session, for one more device.
func (s *Service) issueSession(ctx Context, tx Tx, inq *Inquiry, reuse bool) (*Session, string, error) {
	now := s.now()
	sessions, err := tx.SessionListByInquiry(ctx, inq.Environment, inq.ID)
	if err != nil {
		return nil, "", err
	}
	var sess *Session
	for _, c := range sessions {
		// A session handed out as a one-time link is the link's: re-keying
		// it here would give its token to two holders.
		if reuse && c.Status == SessionNew && c.Usable(now) && c.Link == nil {
			sess = c
		}
	}
	insert := sess == nil
	if insert {
		if len(sessions) >= MaxSessionsPerInquiry {
			return nil, "", Errorf(ECONFLICT, "Inquiry %s has reached its limit of %d sessions.", inq.ID, MaxSessionsPerInquiry)
		}
		sess = newSession(inq, now)
	}
	token, jti := signToken(s.tokenKey, s.Issuer, sess, now)
	sess.TokenHash = HashSecret(jti)
	if insert {
		err = tx.SessionInsert(ctx, sess)
	} else {
		err = tx.SessionUpdate(ctx, sess)
	}
	if err != nil {
		return nil, "", fmt.Errorf("save session: %w", err)
	}
	return sess, token, nil
}

// newSession returns a new, unsaved session of inq. A session expires with
// the inquiry as it stands now; later changes to the inquiry's expiry do
// not move it (spec §3.3).
func newSession(inq *Inquiry, now time.Time) *Session {
	exp := now.Add(DefaultExpiry)
	if inq.ExpiresAt != nil && inq.ExpiresAt.After(now) {
		exp = *inq.ExpiresAt
	}
	return &Session{ID: NewID(PrefixSession), Environment: inq.Environment, InquiryID: inq.ID,
		Status: SessionNew, CreatedAt: now, ExpiresAt: exp}
}

// CreateSession opens a session on an open inquiry and returns its token;
// the hosted flow calls it when it creates or first opens an inquiry. Like
// resume, it re-keys an unused session rather than open another.
func (s *Service) CreateSession(ctx Context, env Environment, inquiryID string) (*Session, string, error) {
	return s.openSession(ctx, env, inquiryID, true)
}

// AddSession opens a new session on an open inquiry and returns its
// token: POST /inquiry-sessions, for a server that hands an inquiry to one
// more device. Unlike CreateSession and resume it never re-keys an unused
// session, whose token another device may hold.
func (s *Service) AddSession(ctx Context, env Environment, inquiryID string) (*Session, string, error) {
	return s.openSession(ctx, env, inquiryID, false)
}

// openSession issues a session on an open inquiry, re-keying an unused
// one when reuse is true (see issueSession).
func (s *Service) openSession(ctx Context, env Environment, inquiryID string, reuse bool) (*Session, string, error) {
	var sess *Session
	var token string
	err := s.update(ctx, func(tx Tx, w *work) error {
		inq, err := s.lockOpenInquiry(ctx, tx, env, inquiryID)
		if err != nil {
			return err
		}
		sess, token, err = s.issueSession(ctx, tx, inq, reuse)
		return err
	})
	return sess, token, err
}

// lockOpenInquiry locks an inquiry that may get a new session or link
// (sessionsAllowed).
func (s *Service) lockOpenInquiry(ctx Context, tx Tx, env Environment, id string) (*Inquiry, error) {
	inq, _, err := s.lockInquiry(ctx, tx, env, id)
	if err != nil {
		return nil, err
	}
	return inq, sessionsAllowed(inq)
}

// sessionsAllowed refuses a session on an inquiry that no one can work on
// any more: a finished, expired (resume it first) or redacted one.
func sessionsAllowed(inq *Inquiry) error {
	if inq.Redacted() {
		return Errorf(ECONFLICT, "Inquiry %s has been redacted.", inq.ID)
	}
	if !inq.Status.Open() {
		return Errorf(ECONFLICT, "Inquiry %s is %s.", inq.ID, inq.Status)
	}
	return nil
}

// AuthenticateSession checks that token opens inquiryID in env and marks
// the session active on first use (emitting inquiry-session.started). A
// bad signature, a token for another inquiry, an expired or a replaced
// token all give the same EUNAUTHORIZED error.
func (s *Service) AuthenticateSession(ctx Context, env Environment, inquiryID, token string) (*Session, error) {
	bad := Errorf(EUNAUTHORIZED, "The session token is not valid for this inquiry.")
	claims, err := parseToken(s.tokenKey, token, s.now())
	if err != nil {
		return nil, bad
	}
	if claims.Inq != inquiryID || claims.Env != string(env) || !HasIDPrefix(claims.Sid, PrefixSession) {
		return nil, bad
	}
	valid := func(sess *Session) bool {
		return sess.InquiryID == inquiryID && sess.Usable(s.now()) &&
			subtle.ConstantTimeCompare(sess.TokenHash, HashSecret(claims.Jti)) == 1
	}
	var sess *Session
	err = s.update(ctx, func(tx Tx, w *work) error {
		sess, err = tx.SessionGetByID(ctx, env, claims.Sid)
		if ErrorCode(err) == ENOTFOUND {
			return bad
		} else if err != nil {
			return err
		}
		if !valid(sess) {
			return bad
		}
		if sess.Status != SessionNew {
			return nil
		}
		inq, dk, err := s.lockInquiry(ctx, tx, env, inquiryID)
		if err != nil {
			return err
		}
		// Read the session again under the inquiry's lock: an expiry or
		// a redaction that committed since the first read took that lock
		// too, and must not be undone by writing the stale row back.
		if sess, err = tx.SessionGetByID(ctx, env, claims.Sid); err != nil {
			return err
		}
		if !valid(sess) {
			return bad
		}
		if sess.Status != SessionNew {
			return nil
		}
		sess.Status, sess.StartedAt = SessionActive, timePtr(s.now())
		if err := tx.SessionUpdate(ctx, sess); err != nil {
			return err
		}
		if err := s.emit(ctx, tx, inq, dk, EventSessionStarted, EventSnapshot{Session: sess}); err != nil {
			return err
		}
		return tx.InquiryUpdate(ctx, inq)
	})
	if err != nil {
		return nil, err
	}
	return sess, nil
}

// expireSessions ends every live session of inq (on expiry and redaction).
func (s *Service) expireSessions(ctx Context, tx Tx, inq *Inquiry, dk []byte) error {
	sessions, err := tx.SessionListByInquiry(ctx, inq.Environment, inq.ID)
	if err != nil {
		return err
	}
	now := s.now()
	for _, sess := range sessions {
		if sess.Status == SessionExpired {
			continue
		}
		if err := s.expireSession(ctx, tx, inq, dk, sess, now); err != nil {
			return err
		}
	}
	return nil
}

// expireSession ends one live session of inq and writes
// inquiry-session.expired.
func (s *Service) expireSession(ctx Context, tx Tx, inq *Inquiry, dk []byte, sess *Session, now time.Time) error {
	sess.Status, sess.ExpiredAt = SessionExpired, timePtr(now)
	if err := tx.SessionUpdate(ctx, sess); err != nil {
		return err
	}
	return s.emit(ctx, tx, inq, dk, EventSessionExpired, EventSnapshot{Session: sess})
}
