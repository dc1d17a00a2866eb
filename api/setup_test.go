// SPDX-License-Identifier: Apache-2.0

package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/api"
	"github.com/vouch-id/vouch/blob"
	"github.com/vouch-id/vouch/engine/sandbox"
	"github.com/vouch-id/vouch/jobs"
	"github.com/vouch-id/vouch/sqlite"
	"github.com/vouch-id/vouch/web"
)

// bundle is one test's server: the real API on the real service, on its
// own SQLite database with River's real (insert-only) job queue.
type bundle struct {
	srv     *httptest.Server
	svc     *vouch.Service
	dir     string // the database and blobs
	sandbox string // API key secrets
	prod    string
	revoked string
	fx      *fixture
}

// fixture holds the objects every scenario can refer to by placeholder.
type fixture struct {
	template, version, legacy, prodTemplate string
	inquiry, account, prodInquiry           string
	verified, verification, session         string
	event                                   string // inquiry.created of inquiry
}

// placeholders returns the replacements of {name} in scenario strings.
func (b *bundle) placeholders() *strings.Replacer {
	f := b.fx
	return strings.NewReplacer(
		"{tmpl}", f.template, "{tmplv}", f.version, "{legacy}", f.legacy, "{prod_tmpl}", f.prodTemplate,
		"{inq}", f.inquiry, "{act}", f.account, "{prod_inq}", f.prodInquiry,
		"{vinq}", f.verified, "{ver}", f.verification, "{sess}", f.session, "{evt}", f.event,
		"{sandbox_key}", b.sandbox,
	)
}

// testConfig is the template configuration of the fixtures.
func testConfig() vouch.TemplateConfig {
	return vouch.TemplateConfig{
		Steps: []vouch.Step{
			{Name: "start", Type: vouch.StepStart},
			{Name: "about", Type: vouch.StepForm, Fields: []string{"name_first", "birthdate", "age"}},
			{Name: "government-id", Type: vouch.StepGovernmentID, IDClasses: []string{"dl", "pp"}},
			{Name: "done", Type: vouch.StepCompletion},
		},
		Fields: []vouch.FieldSchema{
			{Key: "name_first", Type: vouch.FieldString},
			{Key: "birthdate", Type: vouch.FieldDate},
			{Key: "age", Type: vouch.FieldInteger},
		},
		AllowedOrigins: []string{"https://shop.example"},
	}
}

// seed is a migrated database with the keys and fixtures, built once by
// TestMain through the real service; every test starts from a copy, which
// is much cheaper than migrating River's tables and creating the fixtures
// again (mostly under -race).
var seed struct {
	dir                    string
	sandbox, prod, revoked string
	fx                     fixture
}

// masterKey is the keyring of every test service, so the copies open the
// seed's sealed data.
var masterKey = bytes.Repeat([]byte{7}, vouch.KeySize)

func TestMain(m *testing.M) {
	code, err := runWithSeed(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, "api tests: build seed database:", err)
		code = 1
	}
	os.Exit(code)
}

// runWithSeed builds the seed, runs the tests and removes the seed.
func runWithSeed(m *testing.M) (int, error) {
	dir, err := os.MkdirTemp("", "vouch-api-seed-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	seed.dir = dir
	if err := buildSeed(context.Background(), dir); err != nil {
		return 0, err
	}
	return m.Run(), nil
}

// open returns a service on the database and blobs in dir.
func open(ctx context.Context, dir string) (*vouch.Service, func(), error) {
	st, err := sqlite.Open(ctx, filepath.Join(dir, "vouch.db"))
	if err != nil {
		return nil, nil, err
	}
	blobs, err := blob.NewFS(filepath.Join(dir, "blobs"))
	if err != nil {
		_ = st.Close()
		return nil, nil, err
	}
	closeAll := func() { _ = blobs.Close(); _ = st.Close() }
	err = jobs.Migrate(ctx, st.WriterDB(), jobs.DialectSQLite)
	var queue *jobs.Queue
	if err == nil {
		queue, err = jobs.New(st.WriterDB(), jobs.DialectSQLite, jobs.Config{})
	}
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	st.SetInsertJob(queue.InsertTx)
	keys, err := vouch.NewKeyring(masterKey)
	if err != nil {
		closeAll()
		return nil, nil, err
	}
	svc := vouch.NewService(st, keys, blobs)
	svc.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	svc.SandboxEngine = sandbox.New() // as cmd/vouch wires it
	return svc, closeAll, nil
}

// buildSeed creates the API keys and fixtures in dir.
func buildSeed(ctx context.Context, dir string) error {
	svc, closeAll, err := open(ctx, dir)
	if err != nil {
		return err
	}
	defer closeAll()
	if _, seed.sandbox, err = svc.CreateAPIKey(ctx, vouch.Sandbox, "sandbox"); err != nil {
		return err
	}
	if _, seed.prod, err = svc.CreateAPIKey(ctx, vouch.Production, "production"); err != nil {
		return err
	}
	k, secret, err := svc.CreateAPIKey(ctx, vouch.Sandbox, "revoked")
	if err != nil {
		return err
	}
	if _, err := svc.RevokeAPIKey(ctx, k.ID); err != nil {
		return err
	}
	seed.revoked = secret
	return createFixtures(ctx, svc, &seed.fx)
}

// setup starts a server with cfg on a copy of the seed database.
func setup(t *testing.T, cfg api.Config) *bundle {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.CopyFS(dir, os.DirFS(seed.dir)))
	svc, closeAll, err := open(context.Background(), dir)
	require.NoError(t, err)
	t.Cleanup(closeAll)

	mux := http.NewServeMux()
	mux.Handle("/api/v1/", api.NewHandler(svc, cfg))
	srv := httptest.NewServer(web.Middleware(svc.Logger, nil)(mux))
	t.Cleanup(srv.Close)
	fx := seed.fx
	return &bundle{srv: srv, svc: svc, dir: dir, sandbox: seed.sandbox, prod: seed.prod, revoked: seed.revoked, fx: &fx}
}

// createFixtures builds, through the service, what scenarios refer to.
func createFixtures(ctx context.Context, svc *vouch.Service, f *fixture) error {
	tmpl, ver, err := svc.CreateTemplate(ctx, vouch.Sandbox, "KYC", false, testConfig())
	if err != nil {
		return err
	}
	f.template, f.version = tmpl.ID, ver.ID
	legacy, _, err := svc.CreateTemplate(ctx, vouch.Sandbox, "Legacy KYC", true, testConfig())
	if err != nil {
		return err
	}
	f.legacy = legacy.ID
	prodTmpl, _, err := svc.CreateTemplate(ctx, vouch.Production, "KYC", false, testConfig())
	if err != nil {
		return err
	}
	f.prodTemplate = prodTmpl.ID

	d, _, err := svc.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{
		TemplateID: f.template, ReferenceID: "user-1", Note: "first", Tags: []string{"vip"},
		Fields: map[string]any{"name_first": "Jane"},
	})
	if err != nil {
		return err
	}
	f.inquiry, f.account = d.Inquiry.ID, d.Inquiry.AccountID
	prod, _, err := svc.CreateInquiry(ctx, vouch.Production, vouch.CreateInquiryInput{TemplateID: f.prodTemplate})
	if err != nil {
		return err
	}
	f.prodInquiry = prod.Inquiry.ID

	// A second inquiry has a session and a passed government id.
	v, _, err := svc.CreateInquiry(ctx, vouch.Sandbox, vouch.CreateInquiryInput{
		TemplateID: f.template, AutoCreateSession: true,
	})
	if err != nil {
		return err
	}
	f.verified, f.session = v.Inquiry.ID, v.Sessions[0].ID
	gov, err := svc.CreateVerification(ctx, vouch.Sandbox, f.verified, vouch.VerificationGovernmentID)
	if err != nil {
		return err
	}
	f.verification = gov.ID
	if _, err := svc.SubmitVerification(ctx, vouch.Sandbox, gov.ID, map[string][]byte{"front": []byte("jpeg")},
		map[string]any{"idClass": "dl", "capture_method": "upload"}); err != nil {
		return err
	}
	if _, err := svc.ApplyVerificationDecision(ctx, vouch.Sandbox, gov.ID, &vouch.VerificationDecision{
		Status: vouch.VerificationPassed,
		Checks: []vouch.Check{
			{Name: "id_expired_detection", Status: vouch.CheckPassed, Requirement: vouch.RequirementRequired},
			{Name: "id_barcode_detection", Status: vouch.CheckFailed, Reasons: []string{"barcode_not_decoded"},
				Requirement: vouch.RequirementNotRequired, Metadata: map[string]any{"side": "back"}},
		},
		Data: map[string]any{"name_first": "Alexander", "birthdate": "1977-07-17", "status": "forged"},
	}); err != nil {
		return err
	}

	evs, _, _, err := svc.FindEvents(ctx, vouch.EventFilter{
		Environment: vouch.Sandbox, InquiryID: &f.inquiry, Names: []string{vouch.EventInquiryCreated}, Limit: 1,
	})
	if err != nil {
		return err
	}
	if len(evs) != 1 {
		return fmt.Errorf("want one inquiry.created event, got %d", len(evs))
	}
	f.event = evs[0].ID
	return nil
}

// do sends one request with the given API key secret ("" sends none).
func (b *bundle) do(t *testing.T, method, path, key, body string, headers map[string]string) (*http.Response, []byte) {
	t.Helper()
	res, out, err := b.send(method, path, key, body, headers)
	require.NoError(t, err)
	return res, out
}

// send is do without assertions, safe to call from other goroutines.
func (b *bundle) send(method, path, key, body string, headers map[string]string) (*http.Response, []byte, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, b.srv.URL+path, rd)
	if err != nil {
		return nil, nil, err
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	res, err := b.srv.Client().Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer res.Body.Close()
	out, err := io.ReadAll(res.Body)
	return res, out, err
}

// eventIDs returns the ids of every event in both environments.
func (b *bundle) eventIDs(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, env := range vouch.Environments {
		f := vouch.EventFilter{Environment: env, Limit: 100}
		for {
			list, _, more, err := b.svc.FindEvents(context.Background(), f)
			require.NoError(t, err)
			for _, e := range list {
				out[e.ID] = e.Name
			}
			if !more {
				break
			}
			f.After = list[len(list)-1].ID
		}
	}
	return out
}

// newEvents returns the sorted names of events absent from before.
func (b *bundle) newEvents(t *testing.T, before map[string]string) []string {
	t.Helper()
	var names []string
	for id, name := range b.eventIDs(t) {
		if _, ok := before[id]; !ok {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// jsonPath picks a value out of a decoded JSON document by a dotted path
// whose numeric segments index arrays ("data.relationships.sessions.data.0.id").
func jsonPath(t *testing.T, doc any, path string) any {
	t.Helper()
	v, ok := lookup(doc, path)
	require.True(t, ok, "nothing at %s", path)
	return v
}

// lookup is jsonPath without the assertion.
func lookup(doc any, path string) (any, bool) {
	return lookupSegments(doc, strings.Split(path, "."))
}

// lookupSegments walks doc through object keys and array indexes.
func lookupSegments(doc any, segs []string) (any, bool) {
	cur := doc
	for _, seg := range segs {
		switch x := cur.(type) {
		case map[string]any:
			v, ok := x[seg]
			if !ok {
				return nil, false
			}
			cur = v
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			cur = x[i]
		default:
			return nil, false
		}
	}
	return cur, true
}

// decodeJSON decodes a response body, failing the test if it is not JSON.
func decodeJSON(t *testing.T, body []byte) any {
	t.Helper()
	var doc any
	require.NoError(t, json.Unmarshal(body, &doc), string(body))
	return doc
}
