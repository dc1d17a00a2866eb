// SPDX-License-Identifier: Apache-2.0

package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
)

// session returns a new session of inq.
func session(inq *vouch.Inquiry, created time.Time) *vouch.Session {
	return &vouch.Session{
		ID: vouch.NewID(vouch.PrefixSession), Environment: inq.Environment, InquiryID: inq.ID,
		Status: vouch.SessionNew, TokenHash: vouch.HashSecret(vouch.RandomString(32)),
		CreatedAt: created, ExpiresAt: created.Add(time.Hour),
	}
}

// testSession covers inquiry sessions.
func testSession(t *testing.T, newStore NewStoreFunc) {
	ctx := context.Background()

	t.Run("RoundTripUpdateList", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		inq := inquiry(vouch.Sandbox, now())
		insertInquiries(t, s, inq)
		base := now()
		s1, s2 := session(inq, base.Add(time.Second)), session(inq, base)
		update(t, s, func(tx vouch.Tx) error {
			require.NoError(t, tx.SessionInsert(ctx, s1))
			return tx.SessionInsert(ctx, s2)
		})
		got, err := get(t, s, func(tx vouch.Tx) (*vouch.Session, error) { return tx.SessionGetByID(ctx, vouch.Sandbox, s1.ID) })
		require.NoError(t, err)
		require.Equal(t, s1, got)

		s1.Status, s1.TokenHash = vouch.SessionExpired, vouch.HashSecret("other")
		s1.StartedAt, s1.ExpiredAt, s1.ExpiresAt = ptr(base.Add(2*time.Second)), ptr(base.Add(3*time.Second)), base.Add(2*time.Hour)
		update(t, s, func(tx vouch.Tx) error { return tx.SessionUpdate(ctx, s1) })
		got, err = get(t, s, func(tx vouch.Tx) (*vouch.Session, error) { return tx.SessionGetByID(ctx, vouch.Sandbox, s1.ID) })
		require.NoError(t, err)
		require.Equal(t, s1, got)

		list, err := get(t, s, func(tx vouch.Tx) ([]*vouch.Session, error) {
			return tx.SessionListByInquiry(ctx, vouch.Sandbox, inq.ID)
		})
		require.NoError(t, err)
		require.Equal(t, []*vouch.Session{s2, s1}, list)
		list, err = get(t, s, func(tx vouch.Tx) ([]*vouch.Session, error) {
			return tx.SessionListByInquiry(ctx, vouch.Production, inq.ID)
		})
		require.NoError(t, err)
		require.Empty(t, list)
	})

	t.Run("ListPagesAndFilters", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		a, b := inquiry(vouch.Sandbox, now()), inquiry(vouch.Sandbox, now())
		prod := inquiry(vouch.Production, now())
		insertInquiries(t, s, a, b, prod)
		base := now()
		s1, s2, s3 := session(a, base), session(b, base.Add(time.Second)), session(a, base.Add(2*time.Second))
		update(t, s, func(tx vouch.Tx) error {
			for _, sess := range []*vouch.Session{s1, s2, s3, session(prod, base)} {
				require.NoError(t, tx.SessionInsert(ctx, sess))
			}
			return nil
		})
		list := func(f vouch.SessionFilter) ([]*vouch.Session, bool) {
			var (
				out  []*vouch.Session
				more bool
			)
			f.Environment = vouch.Sandbox
			view(t, s, func(tx vouch.Tx) error {
				var err error
				out, more, err = tx.SessionList(ctx, f)
				return err
			})
			return out, more
		}
		got, more := list(vouch.SessionFilter{})
		require.Equal(t, []*vouch.Session{s3, s2, s1}, got)
		require.False(t, more)
		got, more = list(vouch.SessionFilter{Limit: 1, After: s3.ID})
		require.Equal(t, []*vouch.Session{s2}, got)
		require.True(t, more)
		got, _ = list(vouch.SessionFilter{InquiryID: &a.ID})
		require.Equal(t, []*vouch.Session{s3, s1}, got)
	})

	t.Run("ListOfManyInquiries", func(t *testing.T) {
		t.Parallel()
		listOfManyInquiries(t, newStore, session, vouch.Tx.SessionInsert, vouch.Tx.SessionListByInquiry,
			func(s *vouch.Session) any { return s })
	})

	t.Run("OneTimeLink", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		inq := inquiry(vouch.Sandbox, now())
		insertInquiries(t, s, inq)
		base := now()
		plain, linked := session(inq, base), session(inq, base)
		linked.Link = &vouch.SessionLink{Hash: vouch.HashSecret("code-1"), CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
		update(t, s, func(tx vouch.Tx) error {
			require.NoError(t, tx.SessionInsert(ctx, plain))
			return tx.SessionInsert(ctx, linked)
		})
		byHash := func(env vouch.Environment, code string) (*vouch.Session, error) {
			return get(t, s, func(tx vouch.Tx) (*vouch.Session, error) {
				return tx.SessionGetByLinkHash(ctx, env, vouch.HashSecret(code))
			})
		}
		got, err := byHash(vouch.Sandbox, "code-1")
		require.NoError(t, err)
		require.Equal(t, linked, got)
		got, err = get(t, s, func(tx vouch.Tx) (*vouch.Session, error) { return tx.SessionGetByID(ctx, vouch.Sandbox, plain.ID) })
		require.NoError(t, err)
		require.Nil(t, got.Link)
		_, err = byHash(vouch.Production, "code-1")
		requireCode(t, err, vouch.ENOTFOUND)
		_, err = byHash(vouch.Sandbox, "code-2")
		requireCode(t, err, vouch.ENOTFOUND)

		// A new link replaces the old one, whose code stops finding it;
		// a use is kept.
		linked.Link = &vouch.SessionLink{Hash: vouch.HashSecret("code-2"), CreatedAt: base.Add(time.Second),
			ExpiresAt: base.Add(2 * time.Hour), UsedAt: ptr(base.Add(3 * time.Second))}
		update(t, s, func(tx vouch.Tx) error { return tx.SessionUpdate(ctx, linked) })
		got, err = byHash(vouch.Sandbox, "code-2")
		require.NoError(t, err)
		require.Equal(t, linked, got)
		_, err = byHash(vouch.Sandbox, "code-1")
		requireCode(t, err, vouch.ENOTFOUND)

		// Two sessions cannot share a link.
		other := session(inq, base)
		other.Link = &vouch.SessionLink{Hash: vouch.HashSecret("code-2"), CreatedAt: base, ExpiresAt: base.Add(time.Hour)}
		err = s.Update(ctx, func(tx vouch.Tx) error { return tx.SessionInsert(ctx, other) })
		require.Error(t, err)

		// Dropping the link clears every link column.
		linked.Link = nil
		update(t, s, func(tx vouch.Tx) error { return tx.SessionUpdate(ctx, linked) })
		got, err = get(t, s, func(tx vouch.Tx) (*vouch.Session, error) { return tx.SessionGetByID(ctx, vouch.Sandbox, linked.ID) })
		require.NoError(t, err)
		require.Equal(t, linked, got)
	})

	t.Run("Errors", func(t *testing.T) {
		t.Parallel()
		s := newStore(t)
		inq := inquiry(vouch.Sandbox, now())
		insertInquiries(t, s, inq)
		s1 := session(inq, now())
		update(t, s, func(tx vouch.Tx) error { return tx.SessionInsert(ctx, s1) })
		_, err := get(t, s, func(tx vouch.Tx) (*vouch.Session, error) { return tx.SessionGetByID(ctx, vouch.Production, s1.ID) })
		requireCode(t, err, vouch.ENOTFOUND)
		err = s.Update(ctx, func(tx vouch.Tx) error { return tx.SessionInsert(ctx, s1) })
		requireCode(t, err, vouch.ECONFLICT)
		orphan := session(&vouch.Inquiry{ID: "inq_missing", Environment: vouch.Sandbox}, now())
		err = s.Update(ctx, func(tx vouch.Tx) error { return tx.SessionInsert(ctx, orphan) })
		requireCode(t, err, vouch.EINVALID)
		err = s.Update(ctx, func(tx vouch.Tx) error { return tx.SessionUpdate(ctx, orphan) })
		requireCode(t, err, vouch.ENOTFOUND)
	})
}
