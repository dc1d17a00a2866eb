// SPDX-License-Identifier: Apache-2.0

package sqlstore

import (
	"context"
	"database/sql"

	"github.com/vouch-id/vouch"
)

const sessionColumns = `id, environment, inquiry_id, status, token_hash, created_at, started_at, expires_at, expired_at,
	link_hash, link_created_at, link_expires_at, link_used_at`

// scanSession reads one row of sessionColumns.
func scanSession(sc scanner) (*vouch.Session, error) {
	var (
		s                                  vouch.Session
		env, status                        string
		createdAt, expiresAt               int64
		started, expired                   sql.NullInt64
		linkHash                           []byte
		linkCreated, linkExpires, linkUsed sql.NullInt64
	)
	if err := sc.Scan(&s.ID, &env, &s.InquiryID, &status, &s.TokenHash, &createdAt, &started, &expiresAt, &expired,
		&linkHash, &linkCreated, &linkExpires, &linkUsed); err != nil {
		return nil, err
	}
	s.Environment = vouch.Environment(env)
	s.Status = vouch.SessionStatus(status)
	s.TokenHash = fromBlob(s.TokenHash)
	s.CreatedAt, s.ExpiresAt = fromMicros(createdAt), fromMicros(expiresAt)
	s.StartedAt, s.ExpiredAt = fromNullMicros(started), fromNullMicros(expired)
	if len(linkHash) > 0 {
		s.Link = &vouch.SessionLink{Hash: linkHash, CreatedAt: fromMicros(linkCreated.Int64),
			ExpiresAt: fromMicros(linkExpires.Int64), UsedAt: fromNullMicros(linkUsed)}
	}
	return &s, nil
}

// linkValues are the link columns of s, all NULL when it has no link.
func linkValues(s *vouch.Session) []any {
	if s.Link == nil {
		return []any{nil, nil, nil, nil}
	}
	l := s.Link
	return []any{blob(l.Hash), micros(l.CreatedAt), micros(l.ExpiresAt), nullMicros(l.UsedAt)}
}

// SessionInsert implements vouch.Tx. The inquiry must exist (EINVALID).
func (t *Tx) SessionInsert(ctx context.Context, s *vouch.Session) error {
	if err := checkEnv(s.Environment); err != nil {
		return err
	}
	args := append([]any{s.ID, string(s.Environment), s.InquiryID, string(s.Status), blob(s.TokenHash),
		micros(s.CreatedAt), nullMicros(s.StartedAt), micros(s.ExpiresAt), nullMicros(s.ExpiredAt)}, linkValues(s)...)
	return t.insert(ctx, "Session", s.ID, "INSERT INTO inquiry_sessions ("+sessionColumns+") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
		args...)
}

// SessionGetByID implements vouch.Tx.
func (t *Tx) SessionGetByID(ctx context.Context, env vouch.Environment, id string) (*vouch.Session, error) {
	row := t.queryRow(ctx, "SELECT "+sessionColumns+" FROM inquiry_sessions WHERE environment = ? AND id = ?", string(env), id)
	s, err := scanSession(row)
	if err != nil {
		return nil, t.getErr(err, "Session", id)
	}
	return s, nil
}

// SessionUpdate implements vouch.Tx. The inquiry, environment and creation
// time never change.
func (t *Tx) SessionUpdate(ctx context.Context, s *vouch.Session) error {
	args := append([]any{string(s.Status), blob(s.TokenHash), nullMicros(s.StartedAt), micros(s.ExpiresAt),
		nullMicros(s.ExpiredAt)}, linkValues(s)...)
	return t.update(ctx, "Session", s.ID, `UPDATE inquiry_sessions SET status = ?, token_hash = ?,
		started_at = ?, expires_at = ?, expired_at = ?,
		link_hash = ?, link_created_at = ?, link_expires_at = ?, link_used_at = ?
		WHERE environment = ? AND id = ?`, append(args, string(s.Environment), s.ID)...)
}

// SessionGetByLinkHash implements vouch.Tx.
func (t *Tx) SessionGetByLinkHash(ctx context.Context, env vouch.Environment, hash []byte) (*vouch.Session, error) {
	row := t.queryRow(ctx, "SELECT "+sessionColumns+" FROM inquiry_sessions WHERE link_hash = ? AND environment = ?", hash, string(env))
	s, err := scanSession(row)
	if err != nil {
		return nil, t.getErr(err, "One-time link", "")
	}
	return s, nil
}

// SessionList implements vouch.Tx.
func (t *Tx) SessionList(ctx context.Context, f vouch.SessionFilter) ([]*vouch.Session, bool, error) {
	q := listQuery{noun: "Session", table: "inquiry_sessions", columns: sessionColumns,
		env: f.Environment, after: f.After, before: f.Before, limit: f.Limit}
	if f.InquiryID != nil {
		q.w.add("inquiry_id = ?", *f.InquiryID)
	}
	return list(ctx, t, q, scanSession)
}

// SessionListByInquiry implements vouch.Tx.
func (t *Tx) SessionListByInquiry(ctx context.Context, env vouch.Environment, inquiryIDs ...string) ([]*vouch.Session, error) {
	if len(inquiryIDs) == 0 {
		return nil, nil
	}
	var w where
	w.add("environment = ?", string(env))
	w.in("inquiry_id", inquiryIDs)
	return all(ctx, t, "inquiry_sessions", "SELECT "+sessionColumns+" FROM inquiry_sessions"+w.String()+
		" ORDER BY created_at ASC, id ASC", w.args, scanSession)
}
