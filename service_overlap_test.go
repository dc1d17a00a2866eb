// SPDX-License-Identifier: Apache-2.0

package vouch_test

import (
	"bytes"
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/blob"
	"github.com/vouch-id/vouch/postgres"
	"github.com/vouch-id/vouch/postgres/pgtest"
	"github.com/vouch-id/vouch/vouchtest"
)

// pausingStore stops the first transaction that reads a row of the kind
// named by on ("session", "verification", "template", "apikey",
// "deliveries" or "account") right after that read, until resume is closed: a concurrent writer can then
// commit between that read and the rest of the transaction.
type pausingStore struct {
	vouch.Store
	on           string
	inView       bool // pause in a View transaction rather than an Update
	once         sync.Once
	read, resume chan struct{}
}

func (p *pausingStore) Update(ctx context.Context, fn func(vouch.Tx) error) error {
	return p.Store.Update(ctx, func(tx vouch.Tx) error { return fn(&pausingTx{Tx: tx, p: p}) })
}

func (p *pausingStore) View(ctx context.Context, fn func(vouch.Tx) error) error {
	return p.Store.View(ctx, func(tx vouch.Tx) error { return fn(&pausingTx{Tx: tx, p: p, view: true}) })
}

// pause stops the transaction when it is the first to read a row of kind
// p.on in a transaction of the kind p.inView names (View or Update).
func (p *pausingStore) pause(kind string, view bool) {
	if kind == p.on && view == p.inView {
		p.once.Do(func() {
			close(p.read)
			<-p.resume
		})
	}
}

type pausingTx struct {
	vouch.Tx
	p    *pausingStore
	view bool
}

func (t *pausingTx) SessionGetByID(ctx context.Context, env vouch.Environment, id string) (*vouch.Session, error) {
	s, err := t.Tx.SessionGetByID(ctx, env, id)
	t.p.pause("session", t.view)
	return s, err
}

func (t *pausingTx) APIKeyGetByHash(ctx context.Context, hash []byte) (*vouch.APIKey, error) {
	k, err := t.Tx.APIKeyGetByHash(ctx, hash)
	t.p.pause("apikey", t.view)
	return k, err
}

func (t *pausingTx) WebhookDeliveryList(ctx context.Context, f vouch.WebhookDeliveryFilter) ([]*vouch.WebhookDelivery, bool, error) {
	l, more, err := t.Tx.WebhookDeliveryList(ctx, f)
	t.p.pause("deliveries", t.view)
	return l, more, err
}

func (t *pausingTx) AccountGetByReferenceID(ctx context.Context, env vouch.Environment, ref string) (*vouch.Account, error) {
	a, err := t.Tx.AccountGetByReferenceID(ctx, env, ref)
	t.p.pause("account", t.view)
	return a, err
}

func (t *pausingTx) TemplateGetByID(ctx context.Context, env vouch.Environment, id string) (*vouch.Template, error) {
	tp, err := t.Tx.TemplateGetByID(ctx, env, id)
	t.p.pause("template", t.view)
	return tp, err
}

func (t *pausingTx) TemplateGetForUpdate(ctx context.Context, env vouch.Environment, id string) (*vouch.Template, error) {
	tp, err := t.Tx.TemplateGetForUpdate(ctx, env, id)
	t.p.pause("template", t.view)
	return tp, err
}

func (t *pausingTx) VerificationGetByID(ctx context.Context, env vouch.Environment, id string) (*vouch.Verification, error) {
	v, err := t.Tx.VerificationGetByID(ctx, env, id)
	t.p.pause("verification", t.view)
	return v, err
}

// overlapping returns two services on one fresh PostgreSQL schema: api
// runs as usual, and flow's transactions pause as the returned store says.
// Only PostgreSQL lets two write transactions overlap (SQLite has one
// writer), so only it can show a write undone by a stale read.
func overlapping(t *testing.T, on string) (api, flow *vouch.Service, paused *pausingStore, jobs *vouchtest.JobSink) {
	t.Helper()
	st, err := postgres.Open(context.Background(), pgtest.DSN(t))
	require.NoError(t, err)
	t.Cleanup(func() { _ = st.Close() })
	jobs = &vouchtest.JobSink{}
	st.SetInsertJob(jobs.Insert)
	blobs, err := blob.NewFS(filepath.Join(t.TempDir(), "blobs"))
	require.NoError(t, err)
	keys, err := vouch.NewKeyring(bytes.Repeat([]byte{42}, vouch.KeySize))
	require.NoError(t, err)
	paused = &pausingStore{Store: st, on: on, read: make(chan struct{}), resume: make(chan struct{})}
	return vouch.NewService(st, keys, blobs), vouch.NewService(paused, keys, blobs), paused, jobs
}

// TestSessionStartDoesNotUndoExpiry: a flow starting a session reads it,
// then an API call expires it and commits, then the flow goes on. The
// session must stay expired and the flow be refused.
func TestSessionStartDoesNotUndoExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	api, flow, paused, _ := overlapping(t, "session")
	tmpl, _, err := api.CreateTemplate(ctx, vouch.Sandbox, "t", false, vouchtest.DemoConfig())
	require.NoError(t, err)
	d, token, err := api.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID, AutoCreateSession: true})
	require.NoError(t, err)

	started := make(chan error, 1)
	go func() {
		_, err := flow.AuthenticateSession(ctx, vouch.Sandbox, d.Inquiry.ID, token)
		started <- err
	}()
	<-paused.read
	_, err = api.ExpireSession(ctx, vouch.Sandbox, d.Sessions[0].ID)
	require.NoError(t, err)
	close(paused.resume)
	require.Equal(t, vouch.EUNAUTHORIZED, vouch.ErrorCode(<-started))

	sess, err := api.FindSessionByID(ctx, vouch.Sandbox, d.Sessions[0].ID)
	require.NoError(t, err)
	require.Equal(t, vouch.SessionExpired, sess.Status)
}

// TestDecisionDoesNotUndoExpiry: an engine's decision reads a submitted
// verification, then the inquiry is expired (which cancels it) and
// commits, then the decision goes on. The verification must stay
// canceled and the decision be refused.
func TestDecisionDoesNotUndoExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	api, engine, paused, _ := overlapping(t, "verification")
	tmpl, _, err := api.CreateTemplate(ctx, vouch.Sandbox, "t", false, vouchtest.DemoConfig())
	require.NoError(t, err)
	d, _, err := api.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID})
	require.NoError(t, err)
	v, err := api.CreateVerification(ctx, vouch.Sandbox, d.Inquiry.ID, vouch.VerificationGovernmentID)
	require.NoError(t, err)
	_, err = api.SubmitVerification(ctx, vouch.Sandbox, v.ID, nil, nil)
	require.NoError(t, err)

	decided := make(chan error, 1)
	go func() {
		_, err := engine.ApplyVerificationDecision(ctx, vouch.Sandbox, v.ID, &vouch.VerificationDecision{Status: vouch.VerificationPassed})
		decided <- err
	}()
	<-paused.read
	_, err = api.ExpireInquiry(ctx, vouch.Sandbox, d.Inquiry.ID)
	require.NoError(t, err)
	close(paused.resume)
	require.Equal(t, vouch.ECONFLICT, vouch.ErrorCode(<-decided))

	got, err := api.FindVerificationByID(ctx, vouch.Sandbox, v.ID)
	require.NoError(t, err)
	require.Equal(t, vouch.VerificationCanceled, got.Status)
}

// TestTemplateChangesDoNotUndoEachOther: a publish reads its template,
// then a deactivation starts; once the publish commits, the deactivation
// must still apply, and the template keep the published version. The
// deactivation waits for the publish's lock; the pause gives it time to
// reach that lock, and without the lock it would commit first and be
// undone by the publish's stale write.
func TestTemplateChangesDoNotUndoEachOther(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	api, publisher, paused, _ := overlapping(t, "template")
	tmpl, _, err := api.CreateTemplate(ctx, vouch.Sandbox, "t", false, vouchtest.DemoConfig())
	require.NoError(t, err)

	published := make(chan *vouch.TemplateVersion, 1)
	go func() {
		_, v, err := publisher.PublishTemplateVersion(ctx, vouch.Sandbox, tmpl.ID, vouchtest.DemoConfig())
		assert.NoError(t, err)
		published <- v
	}()
	<-paused.read
	deactivated := make(chan error, 1)
	go func() {
		_, err := api.DeactivateTemplate(ctx, vouch.Sandbox, tmpl.ID)
		deactivated <- err
	}()
	time.Sleep(200 * time.Millisecond)
	close(paused.resume)
	v := <-published
	require.NoError(t, <-deactivated)

	got, err := api.FindTemplateByID(ctx, vouch.Sandbox, tmpl.ID)
	require.NoError(t, err)
	require.Equal(t, vouch.TemplateInactive, got.Status)
	require.Equal(t, v.ID, got.LatestVersionID)
}

// TestKeyUseDoesNotUndoRevocation: a request authenticates with a key and
// reads it, the key is revoked (say by `vouch keys revoke`), then the
// request records the key's use. The revocation must stand. The read and
// the use are two transactions, so this holds on SQLite too.
func TestKeyUseDoesNotUndoRevocation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	k, secret, err := e.Service.CreateAPIKey(ctx, vouch.Sandbox, "ci")
	require.NoError(t, err)
	keys, err := vouch.NewKeyring(bytes.Repeat([]byte{42}, vouch.KeySize))
	require.NoError(t, err)
	paused := &pausingStore{Store: e.Store, on: "apikey", inView: true, read: make(chan struct{}), resume: make(chan struct{})}
	server := vouch.NewService(paused, keys, e.Service.Blobs)

	used := make(chan error, 1)
	go func() {
		_, err := server.AuthenticateAPIKey(ctx, secret)
		used <- err
	}()
	<-paused.read
	_, err = e.Service.RevokeAPIKey(ctx, k.ID)
	require.NoError(t, err)
	close(paused.resume)
	require.NoError(t, <-used, "the request read the key before it was revoked")

	_, err = e.Service.AuthenticateAPIKey(ctx, secret)
	require.Equal(t, vouch.EUNAUTHORIZED, vouch.ErrorCode(err))
}

// TestRevocationElsewhereWithinASecond: a key revoked by another process
// (vouch keys revoke) stops working in this one within authCacheTTL, a
// second, although this one had just checked it.
func TestRevocationElsewhereWithinASecond(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e := vouchtest.MustOpen(t)
	keys, err := vouch.NewKeyring(bytes.Repeat([]byte{42}, vouch.KeySize))
	require.NoError(t, err)
	cli := vouch.NewService(e.Store, keys, e.Service.Blobs)
	cli.Now = e.Clock.Now
	k, secret, err := cli.CreateAPIKey(ctx, vouch.Sandbox, "ci")
	require.NoError(t, err)

	_, err = e.Service.AuthenticateAPIKey(ctx, secret)
	require.NoError(t, err)
	_, err = cli.RevokeAPIKey(ctx, k.ID)
	require.NoError(t, err)
	e.Clock.Advance(time.Second)
	_, err = e.Service.AuthenticateAPIKey(ctx, secret)
	require.Equal(t, vouch.EUNAUTHORIZED, vouch.ErrorCode(err))
}

// TestRedeliverFailedSkipsRedelivered: a redelivery of everything failed
// lists a failed delivery, then that delivery is redelivered by hand and
// commits, then the first goes on. The delivery must be queued once.
func TestRedeliverFailedSkipsRedelivered(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	api, admin, paused, jobs := overlapping(t, "deliveries")
	w, err := api.CreateWebhook(ctx, vouch.Sandbox, "https://hooks.example/in", []string{vouch.EventInquiryCreated}, nil)
	require.NoError(t, err)
	tmpl, _, err := api.CreateTemplate(ctx, vouch.Sandbox, "t", false, vouchtest.DemoConfig())
	require.NoError(t, err)
	_, _, err = api.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: tmpl.ID})
	require.NoError(t, err)
	list, _, err := api.FindWebhookDeliveries(ctx, vouch.WebhookDeliveryFilter{Environment: vouch.Sandbox, WebhookID: w.ID, Limit: 10})
	require.NoError(t, err)
	require.Len(t, list, 1)
	d := list[0]
	_, err = api.RecordWebhookAttempt(ctx, vouch.Sandbox, vouch.WebhookAttempt{DeliveryID: d.ID, AttemptedAt: time.Now(), StatusCode: 500, Error: "status 500"}, true, 0)
	require.NoError(t, err)
	deliverJobs := func() int {
		n := 0
		for _, k := range jobs.Kinds() {
			if k == (vouch.WebhookDeliverJob{}).Kind() {
				n++
			}
		}
		return n
	}
	require.Equal(t, 1, deliverJobs())

	redelivered := make(chan int, 1)
	go func() {
		n, err := admin.RedeliverFailedWebhooks(ctx, vouch.Sandbox, w.ID, time.Time{})
		assert.NoError(t, err)
		redelivered <- n
	}()
	<-paused.read
	_, err = api.RedeliverWebhookDelivery(ctx, vouch.Sandbox, w.ID, d.ID)
	require.NoError(t, err)
	close(paused.resume)
	require.Equal(t, 0, <-redelivered)
	require.Equal(t, 2, deliverJobs(), "the first job and the manual redelivery's")
}

// TestConcurrentCreatesShareANewAccount: two inquiries are created at once
// for a reference id that has no account yet. Both find none; the second
// to insert one loses the race and must attach to the winner's account
// rather than fail.
func TestConcurrentCreatesShareANewAccount(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	api, slow, paused, _ := overlapping(t, "account")
	tmpl, _, err := api.CreateTemplate(ctx, vouch.Sandbox, "t", false, vouchtest.DemoConfig())
	require.NoError(t, err)
	in := vouch.CreateInquiryInput{TemplateID: tmpl.ID, ReferenceID: "new-user"}

	type result struct {
		d   *vouch.InquiryDetails
		err error
	}
	second := make(chan result, 1)
	go func() {
		d, _, err := slow.CreateInquiry(ctx, vouch.Sandbox, in)
		second <- result{d, err}
	}()
	<-paused.read
	first, _, err := api.CreateInquiry(ctx, vouch.Sandbox, in)
	require.NoError(t, err)
	close(paused.resume)
	r := <-second
	require.NoError(t, r.err)
	require.Equal(t, first.Account.ID, r.d.Account.ID)
	accounts, _, err := api.FindAccounts(ctx, vouch.AccountFilter{Environment: vouch.Sandbox, ReferenceID: &in.ReferenceID})
	require.NoError(t, err)
	require.Len(t, accounts, 1)
}
