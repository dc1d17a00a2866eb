// SPDX-License-Identifier: Apache-2.0

package vouch_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/vouchtest"
)

// TestOneTimeLink follows a link from generate to its last use: generate
// returns the same unused link until it is opened, the link opens its
// session with a token that works, it keeps working for the grace period
// only, and the next generate makes a new link on a new session.
func TestOneTimeLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	id := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{}).Inquiry.ID

	d, link, err := e.Service.GenerateOneTimeLink(ctx, vouch.Sandbox, id, nil)
	require.NoError(t, err)
	require.Len(t, d.Sessions, 1)
	require.Len(t, link.Code, 32)
	require.Equal(t, d.Sessions[0].ExpiresAt, link.ExpiresAt, "the inquiry expires within a day: the link with it")
	sessionID := d.Sessions[0].ID

	_, again, err := e.Service.GenerateOneTimeLink(ctx, vouch.Sandbox, id, i64(60))
	require.NoError(t, err)
	require.Equal(t, link, again, "an unused link is returned again, whatever the new request asks")

	sess, token, err := e.Service.RedeemOneTimeLink(ctx, link.Code)
	require.NoError(t, err)
	require.Equal(t, sessionID, sess.ID)
	_, err = e.Service.AuthenticateSession(ctx, vouch.Sandbox, id, token)
	require.NoError(t, err, "the link's token opens the inquiry")

	// Within the grace period the link opens again, with a new token that
	// replaces the first.
	e.Clock.Advance(vouch.LinkGrace - time.Second)
	_, token2, err := e.Service.RedeemOneTimeLink(ctx, link.Code)
	require.NoError(t, err)
	_, err = e.Service.AuthenticateSession(ctx, vouch.Sandbox, id, token)
	require.Equal(t, vouch.EUNAUTHORIZED, vouch.ErrorCode(err), "the first token was replaced")
	_, err = e.Service.AuthenticateSession(ctx, vouch.Sandbox, id, token2)
	require.NoError(t, err)

	e.Clock.Advance(time.Second)
	_, _, err = e.Service.RedeemOneTimeLink(ctx, link.Code)
	require.Equal(t, vouch.EUNAUTHORIZED, vouch.ErrorCode(err), "past the grace period")
	_, err = e.Service.AuthenticateSession(ctx, vouch.Sandbox, id, token2)
	require.NoError(t, err, "the session itself lives on")

	d, next, err := e.Service.GenerateOneTimeLink(ctx, vouch.Sandbox, id, i64(60))
	require.NoError(t, err)
	require.NotEqual(t, link.Code, next.Code, "a used link is not handed out again")
	require.Len(t, d.Sessions, 2)
	require.Equal(t, e.Clock.Now().UTC().Add(time.Minute).Truncate(time.Microsecond), next.ExpiresAt)
	e.Clock.Advance(time.Minute)
	_, _, err = e.Service.RedeemOneTimeLink(ctx, next.Code)
	require.Equal(t, vouch.EUNAUTHORIZED, vouch.ErrorCode(err), "an expired link")

	for _, code := range []string{"", "x", link.Code + "x", string(make([]byte, 65))} {
		_, _, err = e.Service.RedeemOneTimeLink(ctx, code)
		require.Equal(t, vouch.EUNAUTHORIZED, vouch.ErrorCode(err), "code %q", code)
	}
}

// TestOneTimeLinkRefusals covers the inquiries and sessions that get no
// link, and the links that die with their inquiry.
func TestOneTimeLinkRefusals(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	inquiry := func() string { return vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{}).Inquiry.ID }

	_, _, err := e.Service.GenerateOneTimeLink(ctx, vouch.Production, inquiry(), nil)
	require.Equal(t, vouch.ENOTFOUND, vouch.ErrorCode(err), "other environment")
	for _, v := range []int64{0, -1, int64(vouch.MaxExpiry/time.Second) + 1} {
		_, _, err = e.Service.GenerateOneTimeLink(ctx, vouch.Sandbox, inquiry(), &v)
		require.Equal(t, vouch.EINVALID, vouch.ErrorCode(err), "expires-in %d", v)
	}

	expired := inquiry()
	_, link, err := e.Service.GenerateOneTimeLink(ctx, vouch.Sandbox, expired, nil)
	require.NoError(t, err)
	_, err = e.Service.ExpireInquiry(ctx, vouch.Sandbox, expired)
	require.NoError(t, err)
	_, _, err = e.Service.RedeemOneTimeLink(ctx, link.Code)
	require.Equal(t, vouch.EUNAUTHORIZED, vouch.ErrorCode(err), "the link expired with its inquiry")
	_, _, err = e.Service.GenerateOneTimeLink(ctx, vouch.Sandbox, expired, nil)
	require.Equal(t, vouch.ECONFLICT, vouch.ErrorCode(err), "expired: resume first")
	_, _, err = e.Service.ResumeInquiry(ctx, vouch.Sandbox, expired)
	require.NoError(t, err)
	_, _, err = e.Service.RedeemOneTimeLink(ctx, link.Code)
	require.Equal(t, vouch.EUNAUTHORIZED, vouch.ErrorCode(err), "resuming does not revive the old link")
	_, _, err = e.Service.GenerateOneTimeLink(ctx, vouch.Sandbox, expired, nil)
	require.NoError(t, err)

	redacted := inquiry()
	_, link, err = e.Service.GenerateOneTimeLink(ctx, vouch.Sandbox, redacted, nil)
	require.NoError(t, err)
	_, err = e.Service.RedactInquiry(ctx, vouch.Sandbox, redacted)
	require.NoError(t, err)
	_, _, err = e.Service.RedeemOneTimeLink(ctx, link.Code)
	require.Equal(t, vouch.EUNAUTHORIZED, vouch.ErrorCode(err), "redacted")
	_, _, err = e.Service.GenerateOneTimeLink(ctx, vouch.Sandbox, redacted, nil)
	require.Equal(t, vouch.ECONFLICT, vouch.ErrorCode(err), "redacted")

	full := inquiry()
	for i := 0; i < vouch.MaxSessionsPerInquiry; i++ {
		_, _, err := e.Service.AddSession(ctx, vouch.Sandbox, full)
		require.NoError(t, err)
	}
	_, _, err = e.Service.GenerateOneTimeLink(ctx, vouch.Sandbox, full, nil)
	require.Equal(t, vouch.ECONFLICT, vouch.ErrorCode(err), "past the session cap")
}

// TestSessionLink covers links to one given session, and that resume does
// not hand out a session that belongs to a link.
func TestSessionLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	id := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{}).Inquiry.ID
	sess, token, err := e.Service.AddSession(ctx, vouch.Sandbox, id)
	require.NoError(t, err)

	got, link, err := e.Service.GenerateSessionLink(ctx, vouch.Sandbox, sess.ID, i64(600))
	require.NoError(t, err)
	require.Equal(t, sess.ID, got.ID)
	_, again, err := e.Service.GenerateSessionLink(ctx, vouch.Sandbox, sess.ID, nil)
	require.NoError(t, err)
	require.Equal(t, link, again)

	opened, linkToken, err := e.Service.RedeemOneTimeLink(ctx, link.Code)
	require.NoError(t, err)
	require.Equal(t, sess.ID, opened.ID)
	_, err = e.Service.AuthenticateSession(ctx, vouch.Sandbox, id, token)
	require.Equal(t, vouch.EUNAUTHORIZED, vouch.ErrorCode(err), "the link re-keyed the session")
	_, err = e.Service.AuthenticateSession(ctx, vouch.Sandbox, id, linkToken)
	require.NoError(t, err)

	// Once used, the session's next link is a new code.
	_, next, err := e.Service.GenerateSessionLink(ctx, vouch.Sandbox, sess.ID, nil)
	require.NoError(t, err)
	require.NotEqual(t, link.Code, next.Code)

	_, _, err = e.Service.GenerateSessionLink(ctx, vouch.Sandbox, "iqse_missing", nil)
	require.Equal(t, vouch.ENOTFOUND, vouch.ErrorCode(err))
	_, _, err = e.Service.GenerateSessionLink(ctx, vouch.Production, sess.ID, nil)
	require.Equal(t, vouch.ENOTFOUND, vouch.ErrorCode(err), "other environment")
	_, _, err = e.Service.GenerateSessionLink(ctx, vouch.Sandbox, "inq_x", nil)
	require.Equal(t, vouch.ENOTFOUND, vouch.ErrorCode(err), "not a session id")
	_, err = e.Service.ExpireSession(ctx, vouch.Sandbox, sess.ID)
	require.NoError(t, err)
	_, _, err = e.Service.GenerateSessionLink(ctx, vouch.Sandbox, sess.ID, nil)
	require.Equal(t, vouch.ECONFLICT, vouch.ErrorCode(err), "expired session")
	_, _, err = e.Service.RedeemOneTimeLink(ctx, next.Code)
	require.Equal(t, vouch.EUNAUTHORIZED, vouch.ErrorCode(err), "its link died with it")

	// Resume of a pending inquiry re-keys an unused session, but never
	// one that a link was made for.
	pending := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{}).Inquiry.ID
	_, _, err = e.Service.CreateSession(ctx, vouch.Sandbox, pending)
	require.NoError(t, err)
	d, link, err := e.Service.GenerateOneTimeLink(ctx, vouch.Sandbox, pending, nil)
	require.NoError(t, err)
	require.Len(t, d.Sessions, 2)
	_, _, err = e.Service.CreateSession(ctx, vouch.Sandbox, pending)
	require.NoError(t, err)
	_, _, err = e.Service.RedeemOneTimeLink(ctx, link.Code)
	require.NoError(t, err, "CreateSession re-keyed the plain session, not the link's")
}

// TestCreateWithOneTimeLink asks for a link in the create call.
func TestCreateWithOneTimeLink(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	tmpl := vouchtest.Template(t, e, vouch.Sandbox)
	d, token, err := e.Service.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID,
		AutoCreateSession: true, AutoCreateOneTimeLink: true, OneTimeLinkExpiresIn: i64(3600)})
	require.NoError(t, err)
	require.NotEmpty(t, token)
	require.NotNil(t, d.OneTimeLink)
	require.Len(t, d.Sessions, 2, "one session for the token, one for the link")
	require.Equal(t, d.Inquiry.CreatedAt.Add(time.Hour), d.OneTimeLink.ExpiresAt)
	sess, _, err := e.Service.RedeemOneTimeLink(ctx, d.OneTimeLink.Code)
	require.NoError(t, err)
	require.Equal(t, d.Inquiry.ID, sess.InquiryID)

	_, _, err = e.Service.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID,
		AutoCreateOneTimeLink: true, OneTimeLinkExpiresIn: i64(0)})
	require.Equal(t, vouch.EINVALID, vouch.ErrorCode(err))
}

func i64(v int64) *int64 { return &v }
