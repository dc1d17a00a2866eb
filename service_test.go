// SPDX-License-Identifier: Apache-2.0

package vouch_test

import (
	"context"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/vouchtest"
)

// eventNames lists the names of an inquiry's events in sequence order.
func eventNames(t *testing.T, e *vouchtest.Env, env vouch.Environment, inquiryID string) []string {
	t.Helper()
	events, _, _, err := e.Service.FindEvents(context.Background(), vouch.EventFilter{
		Environment: env, InquiryID: &inquiryID, Limit: 100})
	require.NoError(t, err)
	names := make([]string, len(events))
	for i, ev := range events { // newest first: reverse into order
		names[len(events)-1-i] = ev.Name
		require.Equal(t, int64(len(events)-i), ev.Seq, "sequence numbers are 1..n")
	}
	return names
}

func TestCreateInquiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	tmpl := vouchtest.Template(t, e, vouch.Sandbox)
	d, token, err := e.Service.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{
		TemplateID: tmpl.ID, ReferenceID: "user-42", Note: "vip", Tags: []string{"a"},
		Fields:            map[string]any{"nameFirst": "Jane", "birthdate": "1990-01-31"},
		AutoCreateSession: true,
	})
	require.NoError(t, err)
	inq := d.Inquiry
	require.Equal(t, vouch.InquiryCreated, inq.Status)
	require.Len(t, inq.ID, 32)
	require.Equal(t, tmpl.LatestVersionID, inq.TemplateVersionID)
	require.Equal(t, vouch.Fields{
		"name_first": {Type: vouch.FieldString, Value: "Jane"},
		"birthdate":  {Type: vouch.FieldDate, Value: "1990-01-31"},
	}, inq.Fields)
	require.NotNil(t, d.Account)
	require.Equal(t, "user-42", d.Account.ReferenceID)
	require.Equal(t, inq.CreatedAt.Add(24*time.Hour), *inq.ExpiresAt)
	require.NotEmpty(t, token)
	require.Len(t, d.Sessions, 1)
	require.Equal(t, []string{"inquiry.created"}, eventNames(t, e, vouch.Sandbox, inq.ID))
	require.NotContains(t, e.Jobs.Kinds(), "inquiry_expire", "the expiry sweep finds the inquiry by expires-at; no job is queued")

	// The same reference id attaches to the same account.
	d2 := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID, ReferenceID: "user-42"})
	require.Equal(t, d.Account.ID, d2.Account.ID)
	// Ids grow with creation, so inserts append to the id indexes.
	require.Greater(t, d2.Inquiry.ID, inq.ID)

	// Other environments see nothing.
	_, err = e.Service.FindInquiryByID(ctx, vouch.Production, inq.ID)
	require.Equal(t, vouch.ENOTFOUND, vouch.ErrorCode(err))
}

func TestCreateInquiry_Errors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	tmpl := vouchtest.Template(t, e, vouch.Sandbox)
	prod := vouchtest.Template(t, e, vouch.Production)
	cases := map[string]struct {
		in   vouch.CreateInquiryInput
		code string
	}{
		"NoTemplate":        {vouch.CreateInquiryInput{}, vouch.EINVALID},
		"TwoTemplates":      {vouch.CreateInquiryInput{TemplateID: tmpl.ID, TemplateVersionID: tmpl.LatestVersionID}, vouch.EINVALID},
		"UnknownTemplate":   {vouch.CreateInquiryInput{TemplateID: "itmpl_nope"}, vouch.EINVALID},
		"OtherEnvironment":  {vouch.CreateInquiryInput{TemplateID: prod.ID}, vouch.EINVALID},
		"LegacyPrefixWrong": {vouch.CreateInquiryInput{LegacyTemplateID: tmpl.ID}, vouch.EINVALID},
		"UnknownField":      {vouch.CreateInquiryInput{TemplateID: tmpl.ID, Fields: map[string]any{"ssn": "1"}}, vouch.EINVALID},
		"BadDate":           {vouch.CreateInquiryInput{TemplateID: tmpl.ID, Fields: map[string]any{"birthdate": "soon"}}, vouch.EINVALID},
		"AccountAndRef":     {vouch.CreateInquiryInput{TemplateID: tmpl.ID, AccountID: "act_x", ReferenceID: "r"}, vouch.EINVALID},
		"UnknownAccount":    {vouch.CreateInquiryInput{TemplateID: tmpl.ID, AccountID: "act_nope"}, vouch.EINVALID},
		"ZeroExpiry":        {vouch.CreateInquiryInput{TemplateID: tmpl.ID, ExpireAfterCreateSeconds: new(int64)}, vouch.EINVALID},
		"TooManyTags":       {vouch.CreateInquiryInput{TemplateID: tmpl.ID, Tags: make([]string, 51)}, vouch.EINVALID},
	}
	for name, c := range cases {
		_, _, err := e.Service.CreateInquiry(ctx, vouch.Sandbox, c.in)
		require.Equal(t, c.code, vouch.ErrorCode(err), name)
	}
	_, err := e.Service.DeactivateTemplate(ctx, vouch.Sandbox, tmpl.ID)
	require.NoError(t, err)
	_, _, err = e.Service.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID, ClientSide: true})
	require.Equal(t, vouch.EINACTIVE, vouch.ErrorCode(err))
	// The API may still create from an inactive template.
	_, _, err = e.Service.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID})
	require.NoError(t, err)
}

func TestInquiryPinsTemplateVersion(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	tmpl := vouchtest.Template(t, e, vouch.Sandbox)
	old := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID})
	cfg := vouchtest.DemoConfig()
	cfg.Expiry.AfterCreateSeconds = 3600
	_, v2, err := e.Service.PublishTemplateVersion(ctx, vouch.Sandbox, tmpl.ID, cfg)
	require.NoError(t, err)
	require.Equal(t, 2, v2.Number)
	fresh := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID})
	require.Equal(t, tmpl.LatestVersionID, old.Inquiry.TemplateVersionID)
	require.Equal(t, v2.ID, fresh.Inquiry.TemplateVersionID)
	require.Equal(t, time.Hour, fresh.Inquiry.ExpireAfterCreate)
	pinned := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{TemplateVersionID: tmpl.LatestVersionID})
	require.Equal(t, tmpl.LatestVersionID, pinned.Inquiry.TemplateVersionID)
}

func TestDecisionsAreFinal(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	d := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{})
	id := d.Inquiry.ID
	_, err := e.Service.ApproveInquiry(ctx, vouch.Sandbox, id, "looks good")
	require.NoError(t, err)
	_, err = e.Service.DeclineInquiry(ctx, vouch.Sandbox, id, "")
	require.Equal(t, vouch.ECONFLICT, vouch.ErrorCode(err))
	_, err = e.Service.MarkInquiryForReview(ctx, vouch.Sandbox, id, "")
	require.Equal(t, vouch.ECONFLICT, vouch.ErrorCode(err))
	got, err := e.Service.FindInquiryByID(ctx, vouch.Sandbox, id)
	require.NoError(t, err)
	require.Equal(t, vouch.InquiryApproved, got.Inquiry.Status)
	require.Equal(t, "looks good", got.Inquiry.ReviewerComment)
	require.NotNil(t, got.Inquiry.DecisionedAt)
	require.Equal(t, []string{"inquiry.created", "inquiry.approved"}, eventNames(t, e, vouch.Sandbox, id))
}

func TestResumeAndSessions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	d := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{})
	id := d.Inquiry.ID

	_, _, err := e.Service.ResumeInquiry(ctx, vouch.Sandbox, id)
	require.Equal(t, vouch.ECONFLICT, vouch.ErrorCode(err), "a created inquiry is opened by id, not resumed")

	_, err = e.Service.StartInquiry(ctx, vouch.Sandbox, id)
	require.NoError(t, err)
	_, token, err := e.Service.ResumeInquiry(ctx, vouch.Sandbox, id)
	require.NoError(t, err)
	sess, err := e.Service.AuthenticateSession(ctx, vouch.Sandbox, id, token)
	require.NoError(t, err)
	require.Equal(t, vouch.SessionActive, sess.Status)

	other := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{})
	for name, check := range map[string]func() error{
		"OtherInquiry": func() error {
			_, err := e.Service.AuthenticateSession(ctx, vouch.Sandbox, other.Inquiry.ID, token)
			return err
		},
		"OtherEnvironment": func() error { _, err := e.Service.AuthenticateSession(ctx, vouch.Production, id, token); return err },
		"Garbage":          func() error { _, err := e.Service.AuthenticateSession(ctx, vouch.Sandbox, id, "x.y.z"); return err },
	} {
		require.Equal(t, vouch.EUNAUTHORIZED, vouch.ErrorCode(check()), name)
	}

	// Expiry ends the session; resume brings the inquiry back with a new one.
	e.Clock.Advance(25 * time.Hour)
	n, err := e.Service.ExpireDueInquiries(ctx)
	require.NoError(t, err)
	require.Equal(t, 2, n, "this inquiry and the other one")
	got, err := e.Service.FindInquiryByID(ctx, vouch.Sandbox, id)
	require.NoError(t, err)
	require.Equal(t, vouch.InquiryExpired, got.Inquiry.Status)
	_, err = e.Service.AuthenticateSession(ctx, vouch.Sandbox, id, token)
	require.Equal(t, vouch.EUNAUTHORIZED, vouch.ErrorCode(err), "an expired session's token is refused")

	resumed, token2, err := e.Service.ResumeInquiry(ctx, vouch.Sandbox, id)
	require.NoError(t, err)
	require.Equal(t, vouch.InquiryPending, resumed.Inquiry.Status)
	require.Equal(t, e.Clock.Now().UTC().Truncate(time.Microsecond).Add(24*time.Hour), *resumed.Inquiry.ExpiresAt)
	_, err = e.Service.AuthenticateSession(ctx, vouch.Sandbox, id, token2)
	require.NoError(t, err)
	require.Equal(t, []string{
		"inquiry.created", "inquiry.started", "inquiry-session.started",
		"inquiry-session.expired", "inquiry.expired", "inquiry.started", "inquiry-session.started",
	}, eventNames(t, e, vouch.Sandbox, id))
}

func TestSessionCap(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	d := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{})
	id := d.Inquiry.ID
	for i := 0; i < vouch.MaxSessionsPerInquiry; i++ {
		_, token, err := e.Service.CreateSession(ctx, vouch.Sandbox, id)
		require.NoError(t, err)
		_, err = e.Service.AuthenticateSession(ctx, vouch.Sandbox, id, token) // use it, so the next is new
		require.NoError(t, err)
	}
	_, _, err := e.Service.CreateSession(ctx, vouch.Sandbox, id)
	require.Equal(t, vouch.ECONFLICT, vouch.ErrorCode(err))
}

// TestAddSession opens sessions for several devices: each keeps its own
// token (an unused one is never re-keyed, as resume does), the cap holds,
// and finished, expired or redacted inquiries get none.
func TestAddSession(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	id := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{}).Inquiry.ID
	var tokens []string
	seen := map[string]bool{}
	for i := 0; i < vouch.MaxSessionsPerInquiry; i++ {
		sess, token, err := e.Service.AddSession(ctx, vouch.Sandbox, id)
		require.NoError(t, err)
		require.False(t, seen[sess.ID], "session %s handed out twice", sess.ID)
		seen[sess.ID] = true
		require.Equal(t, vouch.SessionNew, sess.Status)
		tokens = append(tokens, token)
	}
	for _, token := range tokens {
		_, err := e.Service.AuthenticateSession(ctx, vouch.Sandbox, id, token)
		require.NoError(t, err, "every token opens the inquiry")
	}
	_, _, err := e.Service.AddSession(ctx, vouch.Sandbox, id)
	require.Equal(t, vouch.ECONFLICT, vouch.ErrorCode(err), "past the cap")

	_, _, err = e.Service.AddSession(ctx, vouch.Production, id)
	require.Equal(t, vouch.ENOTFOUND, vouch.ErrorCode(err), "other environment")

	expired := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{}).Inquiry.ID
	_, err = e.Service.ExpireInquiry(ctx, vouch.Sandbox, expired)
	require.NoError(t, err)
	_, _, err = e.Service.AddSession(ctx, vouch.Sandbox, expired)
	require.Equal(t, vouch.ECONFLICT, vouch.ErrorCode(err), "expired: resume first")

	redacted := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{}).Inquiry.ID
	_, err = e.Service.RedactInquiry(ctx, vouch.Sandbox, redacted)
	require.NoError(t, err)
	_, _, err = e.Service.AddSession(ctx, vouch.Sandbox, redacted)
	require.Equal(t, vouch.ECONFLICT, vouch.ErrorCode(err), "redacted")
}

func TestExpireIfDue_NotYet(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	d := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{})
	e.Clock.Advance(23 * time.Hour)
	require.NoError(t, e.Service.ExpireInquiryIfDue(ctx, vouch.Sandbox, d.Inquiry.ID))
	got, err := e.Service.FindInquiryByID(ctx, vouch.Sandbox, d.Inquiry.ID)
	require.NoError(t, err)
	require.Equal(t, vouch.InquiryCreated, got.Inquiry.Status)
	require.NoError(t, e.Service.ExpireInquiryIfDue(ctx, vouch.Sandbox, "inq_gone"), "a vanished inquiry is not retried")
}

// TestFindInquiries_DetailsOfEach lists inquiries with different accounts,
// sessions and verifications: the list reads those rows for the whole
// page at once, and each must still land beside its own inquiry.
func TestFindInquiries_DetailsOfEach(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	tmpl := vouchtest.Template(t, e, vouch.Sandbox)
	withSession := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID, ReferenceID: "a", AutoCreateSession: true})
	withVerification := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID, ReferenceID: "b"})
	sameAccount := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID, ReferenceID: "a"})
	noAccount := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID})
	v, err := e.Service.CreateVerification(ctx, vouch.Sandbox, withVerification.Inquiry.ID, vouch.VerificationGovernmentID)
	require.NoError(t, err)
	_, err = e.Service.SubmitVerification(ctx, vouch.Sandbox, v.ID, nil, map[string]any{"id-class": "pp"})
	require.NoError(t, err)

	list, more, err := e.Service.FindInquiries(ctx, vouch.InquiryFilter{Environment: vouch.Sandbox, Limit: 10})
	require.NoError(t, err)
	require.False(t, more)
	byID := map[string]*vouch.InquiryDetails{}
	for _, d := range list {
		byID[d.Inquiry.ID] = d
		one, err := e.Service.FindInquiryByID(ctx, vouch.Sandbox, d.Inquiry.ID)
		require.NoError(t, err)
		require.Equal(t, one, d, "the list renders %s as retrieve does", d.Inquiry.ID)
		require.Equal(t, tmpl.ID, d.Template.ID)
	}
	require.Len(t, byID, 4)
	require.Equal(t, "a", byID[withSession.Inquiry.ID].Account.ReferenceID)
	require.Equal(t, byID[withSession.Inquiry.ID].Account, byID[sameAccount.Inquiry.ID].Account)
	require.Equal(t, "b", byID[withVerification.Inquiry.ID].Account.ReferenceID)
	require.Nil(t, byID[noAccount.Inquiry.ID].Account)
	require.Len(t, byID[withSession.Inquiry.ID].Sessions, 1)
	require.Empty(t, byID[sameAccount.Inquiry.ID].Sessions)
	require.Empty(t, byID[withVerification.Inquiry.ID].Sessions)
	got := byID[withVerification.Inquiry.ID].Verifications
	require.Len(t, got, 1)
	require.Equal(t, v.ID, got[0].ID)
	require.Equal(t, "pp", got[0].Data["id-class"], "opened with its own inquiry's key")
	require.Empty(t, byID[withSession.Inquiry.ID].Verifications)
}

// TestConcurrentTagEdits adds tags from many callers at once: each edit
// applies to the tags as they stand, so none is lost.
func TestConcurrentTagEdits(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	d := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{Tags: []string{"first"}})
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := e.Service.UpdateInquiry(ctx, vouch.Sandbox, d.Inquiry.ID, vouch.InquiryUpdate{AddTags: []string{"t" + strconv.Itoa(i)}})
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	got, err := e.Service.UpdateInquiry(ctx, vouch.Sandbox, d.Inquiry.ID, vouch.InquiryUpdate{RemoveTags: []string{"first", "t0"}})
	require.NoError(t, err)
	require.Len(t, got.Inquiry.Tags, 19)
	require.NotContains(t, got.Inquiry.Tags, "t0")
	require.Contains(t, got.Inquiry.Tags, "t19")
}

// TestExpireSessionRevokesItsToken: once a session is expired through the
// API, its token no longer opens the inquiry, and expiring it again writes
// nothing.
func TestExpireSessionRevokesItsToken(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	d, token, err := e.Service.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{
		TemplateID: vouchtest.Template(t, e, vouch.Sandbox).ID, AutoCreateSession: true})
	require.NoError(t, err)
	id := d.Inquiry.ID
	_, err = e.Service.AuthenticateSession(ctx, vouch.Sandbox, id, token)
	require.NoError(t, err)

	sess, err := e.Service.ExpireSession(ctx, vouch.Sandbox, d.Sessions[0].ID)
	require.NoError(t, err)
	require.Equal(t, vouch.SessionExpired, sess.Status)
	_, err = e.Service.AuthenticateSession(ctx, vouch.Sandbox, id, token)
	require.Equal(t, vouch.EUNAUTHORIZED, vouch.ErrorCode(err))
	_, err = e.Service.ExpireSession(ctx, vouch.Sandbox, sess.ID)
	require.NoError(t, err)
	require.Equal(t, []string{"inquiry.created", "inquiry-session.started", "inquiry-session.expired"}, eventNames(t, e, vouch.Sandbox, id))
	got, err := e.Service.FindInquiryByID(ctx, vouch.Sandbox, id)
	require.NoError(t, err)
	require.Equal(t, vouch.InquiryCreated, got.Inquiry.Status, "the inquiry itself does not change")
}

// TestFindEvents_KeysOfEachInquiry lists the events of several inquiries
// at once, one of them redacted: each event opens with its own inquiry's
// key, read for the whole page together.
func TestFindEvents_KeysOfEachInquiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	tmpl := vouchtest.Template(t, e, vouch.Sandbox)
	kept := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID, ReferenceID: "a", Fields: map[string]any{"name_first": "Ann"}})
	gone := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID, Fields: map[string]any{"name_first": "Bob"}})
	_, err := e.Service.RedactInquiry(ctx, vouch.Sandbox, gone.Inquiry.ID)
	require.NoError(t, err)

	events, snaps, _, err := e.Service.FindEvents(ctx, vouch.EventFilter{Environment: vouch.Sandbox, Limit: 100})
	require.NoError(t, err)
	seen := map[string]bool{}
	for i, ev := range events {
		switch {
		case ev.InquiryID == kept.Inquiry.ID:
			require.NotNil(t, snaps[i], ev.Name)
			if ev.Name == vouch.EventInquiryCreated {
				require.Equal(t, "Ann", snaps[i].Inquiry.Fields["name_first"].Value)
			}
		case ev.InquiryID == gone.Inquiry.ID && ev.Name != vouch.EventInquiryRedacted:
			require.Nil(t, snaps[i], "%s is unreadable after redaction", ev.Name)
		case ev.InquiryID == "":
			require.NotNil(t, snaps[i], "%s is sealed with the derived key", ev.Name)
		}
		seen[ev.Name+" "+ev.InquiryID] = true
	}
	require.True(t, seen[vouch.EventInquiryCreated+" "+kept.Inquiry.ID])
	require.True(t, seen[vouch.EventInquiryCreated+" "+gone.Inquiry.ID])
}

// TestClientSideCreationBlocked checks spec §1.10's template setting: the
// hosted flow may not create inquiries from a template whose latest
// version blocks it, not even by naming an older version; the API still
// may, and publishing a version without the block lifts it.
func TestClientSideCreationBlocked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	tmpl := vouchtest.Template(t, e, vouch.Sandbox)
	open := tmpl.LatestVersionID
	cfg := vouchtest.DemoConfig()
	cfg.BlockClientSideInquiryCreation = true
	_, _, err := e.Service.PublishTemplateVersion(ctx, vouch.Sandbox, tmpl.ID, cfg)
	require.NoError(t, err)

	for name, in := range map[string]vouch.CreateInquiryInput{
		"Template":     {TemplateID: tmpl.ID, ClientSide: true},
		"OlderVersion": {TemplateVersionID: open, ClientSide: true},
	} {
		_, _, err := e.Service.CreateInquiry(ctx, vouch.Sandbox, in)
		require.Equal(t, vouch.EFORBIDDEN, vouch.ErrorCode(err), name)
	}
	list, _, err := e.Service.FindInquiries(ctx, vouch.InquiryFilter{Environment: vouch.Sandbox, Limit: 10})
	require.NoError(t, err)
	require.Empty(t, list, "a refused creation leaves nothing behind")

	_, _, err = e.Service.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID})
	require.NoError(t, err, "the API creates from any template")

	cfg.BlockClientSideInquiryCreation = false
	_, _, err = e.Service.PublishTemplateVersion(ctx, vouch.Sandbox, tmpl.ID, cfg)
	require.NoError(t, err)
	_, _, err = e.Service.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID, ClientSide: true})
	require.NoError(t, err)
}
