// SPDX-License-Identifier: Apache-2.0

package vouch

// MaxExpireInquiryIDs caps the inquiries of one expire-all request, as
// filter[inquiry-id] caps a list.
const MaxExpireInquiryIDs = 100

// FindSessionByID returns one inquiry session.
func (s *Service) FindSessionByID(ctx Context, env Environment, id string) (*Session, error) {
	if !HasIDPrefix(id, PrefixSession) {
		return nil, Errorf(ENOTFOUND, "Session %s not found.", id)
	}
	var sess *Session
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		sess, err = tx.SessionGetByID(ctx, env, id)
		return err
	})
	return sess, err
}

// FindSessions lists inquiry sessions newest first.
func (s *Service) FindSessions(ctx Context, f SessionFilter) ([]*Session, bool, error) {
	var list []*Session
	var more bool
	err := s.Store.View(ctx, func(tx Tx) error {
		var err error
		list, more, err = tx.SessionList(ctx, f)
		return err
	})
	return list, more, err
}

// ExpireSession ends one session at once, whatever its expiry time: its
// token no longer opens the inquiry, which is how an integration revokes a
// token it fears has leaked. The inquiry itself does not change. Expiring
// an expired session changes nothing and writes no event.
func (s *Service) ExpireSession(ctx Context, env Environment, id string) (*Session, error) {
	if !HasIDPrefix(id, PrefixSession) {
		return nil, Errorf(ENOTFOUND, "Session %s not found.", id)
	}
	var out *Session
	err := s.update(ctx, func(tx Tx, w *work) error {
		sess, err := tx.SessionGetByID(ctx, env, id)
		if err != nil {
			return err
		}
		// The inquiry's lock orders this against the flow starting the
		// session and against the inquiry's other events.
		inq, dk, err := s.lockInquiry(ctx, tx, env, sess.InquiryID)
		if err != nil {
			return err
		}
		if out, err = tx.SessionGetByID(ctx, env, id); err != nil || out.Status == SessionExpired {
			return err
		}
		return s.expireSession(ctx, tx, inq, dk, out, s.now())
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ExpireInquirySessions ends every live session of the inquiries, in one
// transaction: an unknown inquiry fails the whole request. It returns the
// sessions it expired.
func (s *Service) ExpireInquirySessions(ctx Context, env Environment, inquiryIDs []string) ([]*Session, error) {
	if len(inquiryIDs) == 0 || len(inquiryIDs) > MaxExpireInquiryIDs {
		return nil, FieldError("inquiry-ids", "inquiry-ids must list 1 to %d inquiry ids.", MaxExpireInquiryIDs)
	}
	var expired []*Session
	err := s.update(ctx, func(tx Tx, w *work) error {
		expired = expired[:0]
		now := s.now()
		for _, id := range inquiryIDs {
			inq, dk, err := s.lockInquiry(ctx, tx, env, id)
			if err != nil {
				return err
			}
			sessions, err := tx.SessionListByInquiry(ctx, env, inq.ID)
			if err != nil {
				return err
			}
			for _, sess := range sessions {
				if sess.Status == SessionExpired {
					continue
				}
				if err := s.expireSession(ctx, tx, inq, dk, sess, now); err != nil {
					return err
				}
				expired = append(expired, sess)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return expired, nil
}
