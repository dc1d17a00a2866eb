// SPDX-License-Identifier: Apache-2.0

package vouch

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestKeyring_WrapAndSeal(t *testing.T) {
	t.Parallel()
	kr, err := NewKeyring(bytes.Repeat([]byte{7}, KeySize))
	require.NoError(t, err)
	dk := NewDataKey()
	wrapped, err := kr.WrapKey(dk, "inquiry:inq_1")
	require.NoError(t, err)
	got, err := kr.UnwrapKey(wrapped, "inquiry:inq_1")
	require.NoError(t, err)
	require.Equal(t, dk, got)
	_, err = kr.UnwrapKey(wrapped, "inquiry:inq_2")
	require.Error(t, err, "a wrapped key moved to another row must not open")

	sealed, err := Seal(dk, []byte("Jane Doe"), "aad")
	require.NoError(t, err)
	require.False(t, bytes.Contains(sealed, []byte("Jane")))
	pt, err := Open(dk, sealed, "aad")
	require.NoError(t, err)
	require.Equal(t, "Jane Doe", string(pt))
	sealed[len(sealed)-1] ^= 1
	_, err = Open(dk, sealed, "aad")
	require.Error(t, err)
	_, err = Open(dk, []byte{1, 2}, "aad")
	require.Error(t, err)
	_, err = NewKeyring([]byte("short"))
	require.Error(t, err)
	require.NotEqual(t, kr.DeriveKey("a"), kr.DeriveKey("b"))
}

func TestSessionToken(t *testing.T) {
	t.Parallel()
	key := bytes.Repeat([]byte{1}, 32)
	now := time.Now()
	s := &Session{ID: "iqse_abc", InquiryID: "inq_abc", Environment: Sandbox, ExpiresAt: now.Add(time.Hour)}
	tok, jti := signToken(key, "https://vouch.example", s, now)
	require.Len(t, strings.Split(tok, "."), 3)
	c, err := parseToken(key, tok, now)
	require.NoError(t, err)
	require.Equal(t, jti, c.Jti)
	require.Equal(t, "iqse_abc", c.Sid)
	require.Equal(t, "persona-verify", c.Aud)

	_, err = parseToken(bytes.Repeat([]byte{2}, 32), tok, now)
	require.Equal(t, EUNAUTHORIZED, ErrorCode(err), "wrong key")
	_, err = parseToken(key, tok, now.Add(2*time.Hour))
	require.Equal(t, EUNAUTHORIZED, ErrorCode(err), "expired")
	_, err = parseToken(key, tok[:len(tok)-2], now)
	require.Equal(t, EUNAUTHORIZED, ErrorCode(err), "truncated")
	_, err = parseToken(key, "a.b.c", now)
	require.Equal(t, EUNAUTHORIZED, ErrorCode(err))
}

func TestAPIKeySecret(t *testing.T) {
	t.Parallel()
	for _, env := range Environments {
		s := NewAPIKeySecret(env)
		require.True(t, strings.HasPrefix(s, "vouch_"+string(env)+"_"))
		got, ok := ParseAPIKeySecret(s)
		require.True(t, ok)
		require.Equal(t, env, got)
		// One changed character breaks the checksum.
		b := []byte(s)
		b[len(b)-10] ^= 1
		_, ok = ParseAPIKeySecret(string(b))
		require.False(t, ok)
		require.Contains(t, APIKeyHint(s), "vouch_"+string(env)+"_…")
	}
	_, ok := ParseAPIKeySecret("vouch_sandbox_short")
	require.False(t, ok)
}

func TestNewID(t *testing.T) {
	t.Parallel()
	id := NewID(PrefixInquiry)
	require.Len(t, id, 32)
	require.True(t, HasIDPrefix(id, PrefixInquiry))
	require.False(t, HasIDPrefix(id, PrefixAccount))
	require.False(t, HasIDPrefix("inq_../../etc", PrefixInquiry))
	require.NotEqual(t, id, NewID(PrefixInquiry))
}

func TestErrorHelpers(t *testing.T) {
	t.Parallel()
	require.Equal(t, "", ErrorCode(nil))
	require.Equal(t, EINTERNAL, ErrorCode(bytes.ErrTooLarge))
	require.Equal(t, "Internal error.", ErrorMessage(bytes.ErrTooLarge))
	e := FieldError("note", "too long")
	require.Equal(t, EINVALID, ErrorCode(e))
	require.Equal(t, map[string]string{"note": "too long"}, ErrorDetails(e))
}

func TestNewSortableID(t *testing.T) {
	t.Parallel()
	now := time.Now()
	prev := NewSortableID(PrefixEvent, now)
	require.Len(t, prev, len(PrefixEvent)+28)
	for i := 0; i < 1000; i++ {
		id := NewSortableID(PrefixEvent, now) // same instant: still increasing
		require.Greater(t, id[:len(PrefixEvent)+12], prev[:len(PrefixEvent)+12])
		prev = id
	}
	require.True(t, HasIDPrefix(prev, PrefixEvent))
}
