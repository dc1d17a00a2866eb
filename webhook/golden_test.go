// SPDX-License-Identifier: Apache-2.0

package webhook_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/jobs"
	"github.com/vouch-id/vouch/webhook"
)

// notEmitted lists the event names of vouch.EventNames that no code path
// writes yet, so they have no golden file. Emitting one makes
// TestGoldenPayloads fail until its golden file exists and it leaves this
// list.
var notEmitted = []string{vouch.EventSessionCanceled}

// Golden payloads are normalised: ids become <prefix>_<n> in order of
// appearance, times a fixed instant, the receiver's address a fixed one.
// The sandbox document's issue and expiration dates follow the
// verification's creation (two years before, six after), so they become
// the dates of that fixed instant.
var (
	goldenIDPattern   = regexp.MustCompile(`\b(inq|ver|iqse|act|itmplv|itmpl|tmpl|evt|wbh|whdel)_[0-9A-Za-z]{20,}\b`)
	goldenTimePattern = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z`)
	goldenUnixPattern = regexp.MustCompile(`("[a-z-]+-ts": )\d+`)
	goldenIssueDate   = regexp.MustCompile(`("issue-date": )"\d{4}-\d\d-\d\d"`)
	goldenExpiryDate  = regexp.MustCompile(`("expiration-date": )"\d{4}-\d\d-\d\d"`)
)

// normalizePayload pretty-prints a delivered body, keeping its key order
// (the wire order), with stable ids and times.
func normalizePayload(t *testing.T, body []byte, addrs map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, json.Indent(&buf, bytes.TrimSpace(body), "", "  "), string(body))
	out := buf.Bytes()
	for from, to := range addrs {
		out = bytes.ReplaceAll(out, []byte(from), []byte(to))
	}
	seen := map[string]string{}
	counts := map[string]int{}
	out = goldenIDPattern.ReplaceAllFunc(out, func(id []byte) []byte {
		if n, ok := seen[string(id)]; ok {
			return []byte(n)
		}
		prefix := string(goldenIDPattern.FindSubmatch(id)[1])
		counts[prefix]++
		n := fmt.Sprintf("%s_%d", prefix, counts[prefix])
		seen[string(id)] = n
		return []byte(n)
	})
	out = goldenTimePattern.ReplaceAll(out, []byte("2000-01-01T00:00:00.000Z"))
	out = goldenUnixPattern.ReplaceAll(out, []byte("${1}946684800"))
	out = goldenIssueDate.ReplaceAll(out, []byte(`${1}"1998-01-01"`))
	out = goldenExpiryDate.ReplaceAll(out, []byte(`${1}"2006-01-01"`))
	return append(out, '\n')
}

// bodySink keeps the raw body of every verified delivery by event id.
type bodySink struct {
	secret string
	mu     sync.Mutex
	bodies map[string][]byte
	bad    int
}

// ServeHTTP implements http.Handler.
func (s *bodySink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	s.mu.Lock()
	defer s.mu.Unlock()
	if webhook.Verify(r.Header.Get(webhook.SignatureHeader), body, []string{s.secret}, time.Minute, time.Now()) != nil {
		s.bad++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	s.bodies[r.Header.Get(webhook.HeaderEventID)] = body
	w.WriteHeader(http.StatusOK)
}

// TestGoldenPayloads pins the body of every event type Vouch emits, as a
// receiver gets it: a real service drives inquiries through every state,
// the job queue delivers each event through the real Deliverer to a local
// receiver subscribed to "*", and the first delivered body of each name
// (in the order the scenarios below run) is compared with
// testdata/<name>.golden.json. Refresh with
//
//	go test ./webhook -run TestGoldenPayloads -update
func TestGoldenPayloads(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	h := newHarness(t, jobs.DialectSQLite, harnessOpts{retryScale: 0.001, disableAfter: time.Millisecond, sandboxEngine: true})
	ln := listen(t)
	sink := &bodySink{bodies: map[string][]byte{}}
	serve(t, ln, sink)
	addrs := map[string]string{ln.Addr().String(): "127.0.0.1:8000"}
	w, err := h.svc.CreateWebhook(ctx, vouch.Sandbox, "http://"+ln.Addr().String()+"/hook", []string{"*"}, nil)
	require.NoError(t, err)
	sink.secret = w.Secret

	golden := map[string][]byte{} // event name → first delivered body
	delivered := map[string]bool{}
	// settle waits until every event written so far has arrived, then
	// keeps the first body of each name among the new ones.
	settle := func(scenario string) {
		t.Helper()
		var events []*vouch.Event
		waitFor(t, 30*time.Second, scenario+" delivered", func() bool {
			var err error
			events, _, _, err = h.svc.FindEvents(ctx, vouch.EventFilter{Environment: vouch.Sandbox, Limit: 100})
			require.NoError(t, err)
			sink.mu.Lock()
			defer sink.mu.Unlock()
			for _, e := range events {
				if sink.bodies[e.ID] == nil {
					return false
				}
			}
			return true
		})
		names := map[string]bool{}
		sink.mu.Lock()
		defer sink.mu.Unlock()
		for _, e := range events {
			if delivered[e.ID] {
				continue
			}
			delivered[e.ID] = true
			require.False(t, names[e.Name], "%s writes %s twice; the golden would depend on arrival order", scenario, e.Name)
			names[e.Name] = true
			if golden[e.Name] == nil {
				golden[e.Name] = sink.bodies[e.ID]
			}
		}
	}
	simulate := func(id string, actions ...vouch.SimulateAction) {
		t.Helper()
		_, err := h.svc.SimulateInquiryActions(ctx, vouch.Sandbox, id, actions)
		require.NoError(t, err)
	}
	act := func(typ string) vouch.SimulateAction { return vouch.SimulateAction{Type: typ} }
	fields := map[string]any{"name_first": "Jane", "name_last": "Doe", "birthdate": "1990-01-31"}

	// An individual opens the flow, moves a step, starts a verification
	// and leaves; the inquiry expires.
	d, _, err := h.svc.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{
		TemplateID: h.template, ReferenceID: "user-1", Fields: fields})
	require.NoError(t, err)
	id := d.Inquiry.ID
	_, token, err := h.svc.CreateSession(ctx, vouch.Sandbox, id)
	require.NoError(t, err)
	_, err = h.svc.AuthenticateSession(ctx, vouch.Sandbox, id, token)
	require.NoError(t, err)
	_, err = h.svc.StartInquiry(ctx, vouch.Sandbox, id)
	require.NoError(t, err)
	_, err = h.svc.MoveInquiryStep(ctx, vouch.Sandbox, id, d.Inquiry.CurrentStep, "about")
	require.NoError(t, err)
	_, err = h.svc.CreateVerification(ctx, vouch.Sandbox, id, vouch.VerificationGovernmentID)
	require.NoError(t, err)
	_, err = h.svc.ExpireInquiry(ctx, vouch.Sandbox, id)
	require.NoError(t, err)
	settle("the expired inquiry")

	// A passed verification, review and approval, then redaction.
	d, _, err = h.svc.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: h.template, Fields: fields})
	require.NoError(t, err)
	simulate(d.Inquiry.ID, act(vouch.SimulateStartInquiry),
		vouch.SimulateAction{Type: vouch.SimulateCreatePassedVerification, VerificationType: vouch.VerificationGovernmentID},
		act(vouch.SimulateCompleteInquiry), act(vouch.SimulateMarkForReviewInquiry), act(vouch.SimulateApproveInquiry))
	settle("the approved inquiry")
	// Redaction comes after those deliveries: it destroys the key that
	// opens their snapshots, and a delivery made later has no payload.
	_, err = h.svc.RedactInquiry(ctx, vouch.Sandbox, d.Inquiry.ID)
	require.NoError(t, err)
	settle("the redacted inquiry")

	// A failed selfie, then the inquiry fails.
	d, _, err = h.svc.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: h.template, Fields: fields})
	require.NoError(t, err)
	simulate(d.Inquiry.ID, act(vouch.SimulateStartInquiry),
		vouch.SimulateAction{Type: vouch.SimulateCreateFailedVerification, VerificationType: vouch.VerificationSelfie})
	if got, err := h.svc.FindInquiryByID(ctx, vouch.Sandbox, d.Inquiry.ID); err == nil && got.Inquiry.Status != vouch.InquiryFailed {
		_, err = h.svc.FailInquiry(ctx, vouch.Sandbox, d.Inquiry.ID)
		require.NoError(t, err)
	}
	settle("the failed inquiry")

	// A completed inquiry declined.
	d, _, err = h.svc.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: h.template, Fields: fields})
	require.NoError(t, err)
	simulate(d.Inquiry.ID, act(vouch.SimulateStartInquiry), act(vouch.SimulateCompleteInquiry), act(vouch.SimulateDeclineInquiry))
	settle("the declined inquiry")

	// An endpoint whose receiver is down is disabled after its second
	// failure (disableAfter is a millisecond).
	down := listen(t)
	downAddr := down.Addr().String()
	require.NoError(t, down.Close())
	addrs[downAddr] = "127.0.0.1:9"
	dw, err := h.svc.CreateWebhook(ctx, vouch.Sandbox, "http://"+downAddr+"/hook", []string{vouch.EventInquiryCreated}, nil)
	require.NoError(t, err)
	_, _, err = h.svc.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{TemplateID: h.template})
	require.NoError(t, err)
	waitFor(t, 30*time.Second, "the failing endpoint disabled", func() bool {
		got, err := h.svc.FindWebhookByID(ctx, vouch.Sandbox, dw.ID)
		require.NoError(t, err)
		return got.Status == vouch.WebhookDisabled
	})
	settle("the disabled endpoint")
	sink.mu.Lock()
	require.Zero(t, sink.bad, "every signature verifies")
	sink.mu.Unlock()

	for _, name := range vouch.EventNames {
		path := filepath.Join("testdata", name+".golden.json")
		if slices.Contains(notEmitted, name) {
			require.Nil(t, golden[name], "%s is emitted now: remove it from notEmitted", name)
			continue
		}
		require.NotNil(t, golden[name], "no scenario emitted %s", name)
		got := normalizePayload(t, golden[name], addrs)
		require.Contains(t, string(got), `"name": "`+name+`"`)
		if *update {
			require.NoError(t, os.WriteFile(path, got, 0o644))
			continue
		}
		want, err := os.ReadFile(path)
		require.NoError(t, err, "run go test ./webhook -run TestGoldenPayloads -update")
		require.Equal(t, string(want), string(got), "%s changed: payloads are a public contract", path)
	}
	// No stray golden files for names Vouch does not emit.
	files, err := filepath.Glob(filepath.Join("testdata", "*.golden.json"))
	require.NoError(t, err)
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".golden.json")
		require.True(t, slices.Contains(vouch.EventNames, name) && !slices.Contains(notEmitted, name), "stray golden file %s", f)
	}
}
