// SPDX-License-Identifier: Apache-2.0

package vouch_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/vouchtest"
)

// countEvents counts an inquiry's events named name.
func countEvents(t *testing.T, e *vouchtest.Env, env vouch.Environment, inquiryID, name string) int {
	t.Helper()
	events, _, _, err := e.Service.FindEvents(context.Background(), vouch.EventFilter{
		Environment: env, InquiryID: &inquiryID, Names: []string{name}, Limit: 100})
	require.NoError(t, err)
	return len(events)
}

// requireStatus checks an inquiry's status.
func requireStatus(t *testing.T, e *vouchtest.Env, env vouch.Environment, id string, want vouch.InquiryStatus) {
	t.Helper()
	d, err := e.Service.FindInquiryByID(context.Background(), env, id)
	require.NoError(t, err)
	require.Equal(t, want, d.Inquiry.Status, id)
}

// sweep runs the expiry sweep and returns how many inquiries it expired.
func sweep(t *testing.T, e *vouchtest.Env) int {
	t.Helper()
	n, err := e.Service.ExpireDueInquiries(context.Background())
	require.NoError(t, err)
	return n
}

func TestExpireDueInquiries(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	tmpl := vouchtest.Template(t, e, vouch.Sandbox)
	create := func(in vouch.CreateInquiryInput) string {
		in.TemplateID = tmpl.ID
		return vouchtest.Inquiry(t, e, vouch.Sandbox, in).Inquiry.ID
	}
	seconds := func(d time.Duration) *int64 { s := int64(d / time.Second); return &s }

	// Due a day after creation, with a session.
	d, token, err := e.Service.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID, AutoCreateSession: true})
	require.NoError(t, err)
	created := d.Inquiry.ID
	// Due an hour after it was started (spec §3.2: the start interval).
	started := create(vouch.CreateInquiryInput{ExpireAfterStartSeconds: seconds(time.Hour)})
	_, err = e.Service.StartInquiry(ctx, vouch.Sandbox, started)
	require.NoError(t, err)
	// Due a day after creation, in the other environment.
	prod := vouchtest.Inquiry(t, e, vouch.Production, vouch.CreateInquiryInput{}).Inquiry.ID
	// Due after a week.
	later := create(vouch.CreateInquiryInput{ExpireAfterCreateSeconds: seconds(7 * 24 * time.Hour)})
	// Never due: they left created/pending, though expires-at stays set.
	completed := create(vouch.CreateInquiryInput{})
	_, err = e.Service.CompleteInquiry(ctx, vouch.Sandbox, completed)
	require.NoError(t, err)
	approved := create(vouch.CreateInquiryInput{})
	_, err = e.Service.ApproveInquiry(ctx, vouch.Sandbox, approved, "")
	require.NoError(t, err)

	require.Zero(t, sweep(t, e), "nothing is due yet")

	e.Clock.Advance(2 * time.Hour)
	require.Equal(t, 1, sweep(t, e))
	requireStatus(t, e, vouch.Sandbox, started, vouch.InquiryExpired)
	requireStatus(t, e, vouch.Sandbox, created, vouch.InquiryCreated)

	e.Clock.Advance(23 * time.Hour)
	require.Equal(t, 2, sweep(t, e), "both environments")
	requireStatus(t, e, vouch.Sandbox, created, vouch.InquiryExpired)
	requireStatus(t, e, vouch.Production, prod, vouch.InquiryExpired)
	requireStatus(t, e, vouch.Sandbox, later, vouch.InquiryCreated)

	// The inquiry's session expired with it.
	got, err := e.Service.FindInquiryByID(ctx, vouch.Sandbox, created)
	require.NoError(t, err)
	require.Len(t, got.Sessions, 1)
	require.Equal(t, vouch.SessionExpired, got.Sessions[0].Status)
	_, err = e.Service.AuthenticateSession(ctx, vouch.Sandbox, created, token)
	require.Equal(t, vouch.EUNAUTHORIZED, vouch.ErrorCode(err))
	require.Equal(t, 1, countEvents(t, e, vouch.Sandbox, created, vouch.EventSessionExpired))

	// A week on, the last open one expires; the closed ones never do, and
	// no inquiry is expired twice.
	e.Clock.Advance(30 * 24 * time.Hour)
	require.Equal(t, 1, sweep(t, e))
	require.Zero(t, sweep(t, e))
	requireStatus(t, e, vouch.Sandbox, later, vouch.InquiryExpired)
	requireStatus(t, e, vouch.Sandbox, completed, vouch.InquiryCompleted)
	requireStatus(t, e, vouch.Sandbox, approved, vouch.InquiryApproved)
	for _, id := range []string{created, started, later} {
		require.Equal(t, 1, countEvents(t, e, vouch.Sandbox, id, vouch.EventInquiryExpired), id)
	}
	require.Equal(t, 1, countEvents(t, e, vouch.Production, prod, vouch.EventInquiryExpired))
	for _, id := range []string{completed, approved} {
		require.Zero(t, countEvents(t, e, vouch.Sandbox, id, vouch.EventInquiryExpired), id)
	}
}

func TestExpireDueInquiries_ResumedIsDueAgainLater(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	resume := int64(3600)
	id := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{ExpireAfterResumeSeconds: &resume}).Inquiry.ID

	e.Clock.Advance(25 * time.Hour)
	require.Equal(t, 1, sweep(t, e))
	_, _, err := e.Service.ResumeInquiry(ctx, vouch.Sandbox, id)
	require.NoError(t, err)
	requireStatus(t, e, vouch.Sandbox, id, vouch.InquiryPending)

	// Pending again with the resume interval (spec §3.2): not due before.
	e.Clock.Advance(59 * time.Minute)
	require.Zero(t, sweep(t, e))
	e.Clock.Advance(2 * time.Minute)
	require.Equal(t, 1, sweep(t, e))
	require.Equal(t, 2, countEvents(t, e, vouch.Sandbox, id, vouch.EventInquiryExpired), "once per expiry")
}

// A pending inquiry resumed late gets the resume interval from the resume
// (spec §3.2), and the token handed out lives that long; the session
// opened before keeps its expiry (spec §3.3).
func TestResumePendingMovesExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	resume := int64(2 * 3600)
	id := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{ExpireAfterResumeSeconds: &resume}).Inquiry.ID
	_, err := e.Service.StartInquiry(ctx, vouch.Sandbox, id)
	require.NoError(t, err)
	first, firstToken, err := e.Service.CreateSession(ctx, vouch.Sandbox, id)
	require.NoError(t, err)
	_, err = e.Service.AuthenticateSession(ctx, vouch.Sandbox, id, firstToken) // used: resume opens a new one
	require.NoError(t, err)

	e.Clock.Advance(23 * time.Hour) // one hour before the expiry from the start
	resumedAt := e.Clock.Now().UTC().Truncate(time.Microsecond)
	d, token, err := e.Service.ResumeInquiry(ctx, vouch.Sandbox, id)
	require.NoError(t, err)
	require.Equal(t, vouch.InquiryPending, d.Inquiry.Status)
	require.Equal(t, resumedAt.Add(2*time.Hour), *d.Inquiry.ExpiresAt)
	require.Equal(t, resumedAt, d.Inquiry.UpdatedAt)

	sessions, _, err := e.Service.FindSessions(ctx, vouch.SessionFilter{Environment: vouch.Sandbox, InquiryID: &id})
	require.NoError(t, err)
	expiry := map[string]time.Time{}
	for _, s := range sessions {
		expiry[s.ID] = s.ExpiresAt
	}
	require.Equal(t, first.ExpiresAt, expiry[first.ID], "an open session keeps its expiry")

	// Past the expiry from the start, the inquiry and the new token live on.
	e.Clock.Advance(90 * time.Minute)
	require.Zero(t, sweep(t, e))
	_, err = e.Service.AuthenticateSession(ctx, vouch.Sandbox, id, token)
	require.NoError(t, err)
	e.Clock.Advance(31 * time.Minute)
	require.Equal(t, 1, sweep(t, e))
	requireStatus(t, e, vouch.Sandbox, id, vouch.InquiryExpired)
}

func TestInquiriesDue(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	due := func() bool {
		t.Helper()
		ok, err := e.Service.InquiriesDue(ctx)
		require.NoError(t, err)
		return ok
	}
	require.False(t, due(), "no inquiries")
	vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{})
	require.False(t, due(), "one inquiry, not due yet")
	e.Clock.Advance(25 * time.Hour)
	require.True(t, due())
	require.Equal(t, 1, sweep(t, e))
	require.False(t, due(), "an expired inquiry is not due again")
}

func TestExpireDueInquiries_Batches(t *testing.T) {
	t.Parallel()
	e := vouchtest.MustOpen(t)
	tmpl := vouchtest.Template(t, e, vouch.Sandbox)
	n := 2*vouch.ExpirySweepBatch + 3
	for range n {
		vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID})
	}
	e.Clock.Advance(25 * time.Hour)
	require.Equal(t, n, sweep(t, e), "one sweep goes on until none is due")
	require.Zero(t, sweep(t, e))
}

// TestExpireDueInquiries_Concurrent runs sweeps side by side, as two
// processes may: each inquiry is expired once, with one event.
func TestExpireDueInquiries_Concurrent(t *testing.T) {
	t.Parallel()
	e := vouchtest.MustOpen(t)
	tmpl := vouchtest.Template(t, e, vouch.Sandbox)
	var ids []string
	for range 30 {
		ids = append(ids, vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID}).Inquiry.ID)
	}
	e.Clock.Advance(25 * time.Hour)

	const sweeps = 4
	counts := make([]int, sweeps)
	errs := make([]error, sweeps)
	var wg sync.WaitGroup
	for i := range sweeps {
		wg.Go(func() { counts[i], errs[i] = e.Service.ExpireDueInquiries(context.Background()) })
	}
	wg.Wait()
	total := 0
	for i, n := range counts {
		require.NoError(t, errs[i])
		total += n
	}
	require.Equal(t, len(ids), total)
	for _, id := range ids {
		require.Equal(t, 1, countEvents(t, e, vouch.Sandbox, id, vouch.EventInquiryExpired), id)
	}
}

// TestExpireDueInquiries_FailureDoesNotBlockOthers breaks one inquiry's
// wrapped key: the sweep expires the others and reports that one.
func TestExpireDueInquiries_FailureDoesNotBlockOthers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	tmpl := vouchtest.Template(t, e, vouch.Sandbox)
	broken := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID}).Inquiry.ID
	fine := vouchtest.Inquiry(t, e, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID}).Inquiry.ID
	require.NoError(t, e.Store.Update(ctx, func(tx vouch.Tx) error {
		inq, err := tx.InquiryGetForUpdate(ctx, vouch.Sandbox, broken)
		if err != nil {
			return err
		}
		inq.WrappedKey = []byte("not a wrapped key")
		return tx.InquiryUpdate(ctx, inq)
	}))

	e.Clock.Advance(25 * time.Hour)
	n, err := e.Service.ExpireDueInquiries(ctx)
	require.ErrorContains(t, err, broken)
	require.Equal(t, 1, n)
	requireStatus(t, e, vouch.Sandbox, fine, vouch.InquiryExpired)
}

// TestExpiryIntervalDefaults covers spec §3.2's defaults: 24 h after
// creation and after resume, and after start the interval after creation,
// however that one was set.
func TestExpiryIntervalDefaults(t *testing.T) {
	t.Parallel()
	e := vouchtest.MustOpen(t)
	seconds := func(d time.Duration) *int64 { s := int64(d / time.Second); return &s }
	template := func(x vouch.ExpirySettings) string {
		cfg := vouchtest.DemoConfig()
		cfg.Expiry = x
		tmpl, _, err := e.Service.CreateTemplate(context.Background(), vouch.Sandbox, "Expiry", false, cfg)
		require.NoError(t, err)
		return tmpl.ID
	}
	none := template(vouch.ExpirySettings{})
	twoHours := template(vouch.ExpirySettings{AfterCreateSeconds: 7200})
	both := template(vouch.ExpirySettings{AfterCreateSeconds: 7200, AfterStartSeconds: 1800, AfterResumeSeconds: 600})
	for _, c := range []struct {
		name                  string
		in                    vouch.CreateInquiryInput
		create, start, resume time.Duration
	}{
		{"defaults", vouch.CreateInquiryInput{TemplateID: none}, 24 * time.Hour, 24 * time.Hour, 24 * time.Hour},
		{"template create only", vouch.CreateInquiryInput{TemplateID: twoHours}, 2 * time.Hour, 2 * time.Hour, 24 * time.Hour},
		{"request create only", vouch.CreateInquiryInput{TemplateID: none, ExpireAfterCreateSeconds: seconds(10 * time.Minute)},
			10 * time.Minute, 10 * time.Minute, 24 * time.Hour},
		{"request create over template", vouch.CreateInquiryInput{TemplateID: twoHours, ExpireAfterCreateSeconds: seconds(time.Hour)},
			time.Hour, time.Hour, 24 * time.Hour},
		{"template all", vouch.CreateInquiryInput{TemplateID: both}, 2 * time.Hour, 30 * time.Minute, 10 * time.Minute},
		{"request start", vouch.CreateInquiryInput{TemplateID: twoHours, ExpireAfterStartSeconds: seconds(time.Minute)},
			2 * time.Hour, time.Minute, 24 * time.Hour},
	} {
		t.Run(c.name, func(t *testing.T) {
			inq := vouchtest.Inquiry(t, e, vouch.Sandbox, c.in).Inquiry
			require.Equal(t, c.create, inq.ExpireAfterCreate)
			require.Equal(t, c.start, inq.ExpireAfterStart)
			require.Equal(t, c.resume, inq.ExpireAfterResume)
			started, err := e.Service.StartInquiry(context.Background(), vouch.Sandbox, inq.ID)
			require.NoError(t, err)
			require.WithinDuration(t, e.Clock.Now().Add(c.start), *started.Inquiry.ExpiresAt, time.Millisecond)
		})
	}
}
