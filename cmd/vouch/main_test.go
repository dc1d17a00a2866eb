// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch/postgres/pgtest"
	"github.com/vouch-id/vouch/vouchtest"
)

var sandboxKeyRE = regexp.MustCompile(`vouch_sandbox_[0-9A-Za-z]+`)

// testServer is a running binary (in process) with its first sandbox key.
type testServer struct {
	*Server
	Key    string
	Stdout *vouchtest.LogBuffer
	Logs   *vouchtest.LogBuffer
}

// getenvFor returns a getenv that serves vars and nothing else, so tests
// never read the developer's environment.
func getenvFor(vars map[string]string) func(string) string {
	return func(k string) string { return vars[k] }
}

// MustRunMain starts the whole server on 127.0.0.1:0 with a fresh data
// folder and the given database ("sqlite" or "postgres"), stopping it when
// the test ends.
func MustRunMain(t *testing.T, database string, extra ...string) *testServer {
	t.Helper()
	vars := map[string]string{"VOUCH_DATA_DIR": t.TempDir(), "VOUCH_LISTEN": "127.0.0.1:0", "VOUCH_LOG_LEVEL": "warn"}
	if database == "postgres" {
		vars["VOUCH_DATABASE_URL"] = pgtest.DSN(t)
	}
	return mustStart(t, vars, extra...)
}

func mustStart(t *testing.T, vars map[string]string, args ...string) *testServer {
	t.Helper()
	c, err := ParseConfig("vouch serve", args, getenvFor(vars))
	require.NoError(t, err)
	ts := &testServer{Stdout: &vouchtest.LogBuffer{}, Logs: &vouchtest.LogBuffer{}}
	ts.Server, err = StartServer(context.Background(), c, newLogger(c, ts.Logs), ts.Stdout)
	require.NoError(t, err)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = ts.Shutdown(ctx)
	})
	ts.Key = sandboxKeyRE.FindString(ts.Stdout.String())
	return ts
}

// do sends an API request and decodes the JSON answer.
func (ts *testServer) do(t *testing.T, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(method, ts.URL+path, strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+ts.Key)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var out map[string]any
	if len(b) > 0 && strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json") {
		require.NoError(t, json.Unmarshal(b, &out), string(b))
	}
	return resp.StatusCode, out
}

// demoTemplateID returns the sandbox demo template's id.
func (ts *testServer) demoTemplateID(t *testing.T) string {
	t.Helper()
	status, body := ts.do(t, "GET", "/api/v1/inquiry-templates", "")
	require.Equal(t, 200, status)
	data := body["data"].([]any)
	require.NotEmpty(t, data)
	return data[0].(map[string]any)["id"].(string)
}

// createInquiry creates a sandbox inquiry from the demo template.
func (ts *testServer) createInquiry(t *testing.T, meta string) string {
	t.Helper()
	if meta == "" {
		meta = "{}"
	}
	status, body := ts.do(t, "POST", "/api/v1/inquiries",
		`{"data":{"attributes":{"inquiry-template-id":"`+ts.demoTemplateID(t)+`","fields":{"name_first":"Jane"}}},"meta":`+meta+`}`)
	require.Equal(t, 201, status, "%v", body)
	return body["data"].(map[string]any)["id"].(string)
}

func forEachDatabase(t *testing.T, fn func(t *testing.T, database string)) {
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			fn(t, db)
		})
	}
}

func TestServe_FirstStart(t *testing.T) {
	t.Parallel()
	forEachDatabase(t, func(t *testing.T, database string) {
		ts := MustRunMain(t, database)
		require.NotEmpty(t, ts.Key, "the first start prints a sandbox key")
		require.Contains(t, ts.Stdout.String(), ts.URL)

		for path, want := range map[string]string{
			"/healthz": `{"status":"ok"}`, "/readyz": `{"status":"ok"}`, "/demo": "Demo KYC",
		} {
			resp, err := http.Get(ts.URL + path)
			require.NoError(t, err)
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			require.Equal(t, 200, resp.StatusCode, path)
			require.Contains(t, string(b), want, path)
			require.True(t, strings.HasPrefix(resp.Header.Get("Request-Id"), "req_"), path)
		}
		id := ts.createInquiry(t, "")
		for range 5 {
			status, body := ts.do(t, "GET", "/api/v1/inquiries/"+id, "")
			require.Equal(t, 200, status, "%v", body)
		}
		resp, err := http.Get(ts.URL + "/metrics")
		require.NoError(t, err)
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		require.True(t, strings.Contains(string(b), `vouch_http_requests_total{method="POST",route="/api/v1/inquiries",status="201"} 1`),
			"metrics count the create by route")
		if database == "sqlite" {
			// The first retrieve misses and the next ones hit, unless a
			// background commit (the expiry sweep's job) came between.
			require.Contains(t, string(b), `vouch_api_response_cache_lookups_total{result="hit"} `)
			require.Contains(t, string(b), `vouch_api_response_cache_lookups_total{result="miss"} `)
		} else {
			require.NotContains(t, string(b), `vouch_api_response_cache_lookups_total{`, "PostgreSQL is not cached")
		}
		require.NotContains(t, ts.Logs.String(), ts.Key, "the key never reaches the logs")
	})
}

func TestServe_KeyPrintedOnce(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"VOUCH_DATA_DIR": t.TempDir(), "VOUCH_LISTEN": "127.0.0.1:0", "VOUCH_LOG_LEVEL": "warn"}
	first := mustStart(t, vars)
	require.NotEmpty(t, first.Key)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	require.NoError(t, first.Shutdown(ctx))

	second := mustStart(t, vars)
	require.Empty(t, second.Key, "a restart prints no key")
	// The first key still works, and the demo template was not duplicated.
	second.Key = first.Key
	status, body := second.do(t, "GET", "/api/v1/inquiry-templates", "")
	require.Equal(t, 200, status)
	require.Len(t, body["data"], 1)
	key, err := os.ReadFile(filepath.Join(vars["VOUCH_DATA_DIR"], "master.key"))
	require.NoError(t, err)
	require.NotEmpty(t, key)
	info, err := os.Stat(filepath.Join(vars["VOUCH_DATA_DIR"], "master.key"))
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o600), info.Mode().Perm())
}

// TestExpirySweep proves the whole chain on both databases: create writes
// expires-at and queues no job, the periodic sweep River schedules on the
// leader finds the inquiry due, and it expires with exactly one event;
// one not yet due and a completed one are left alone.
func TestExpirySweep(t *testing.T) {
	t.Parallel()
	forEachDatabase(t, func(t *testing.T, database string) {
		ts := MustRunMain(t, database)
		id := ts.createInquiry(t, `{"expiration-after-create-interval-seconds":1}`)
		notYet := ts.createInquiry(t, `{"expiration-after-create-interval-seconds":3600}`)
		done := ts.createInquiry(t, `{"expiration-after-create-interval-seconds":1}`)
		_, err := ts.App.Service.CompleteInquiry(context.Background(), "sandbox", done)
		require.NoError(t, err)

		require.Eventually(t, func() bool { return ts.status(t, id) == "expired" }, 30*time.Second, 100*time.Millisecond)
		require.Equal(t, 1, ts.countEvents(t, id, "inquiry.expired"))
		require.Equal(t, "created", ts.status(t, notYet))
		require.Equal(t, "completed", ts.status(t, done))

		var legacy int
		require.NoError(t, ts.App.db.QueryRowContext(context.Background(),
			"SELECT count(*) FROM river_job WHERE kind = 'inquiry_expire'").Scan(&legacy))
		require.Zero(t, legacy, "no job per inquiry")
	})
}

// TestExpirySweep_TwoProcesses runs two API-only processes
// (--workers=false) on one database: neither sweeps on its own, and when
// both sweep at once each inquiry still expires once, with one event.
func TestExpirySweep_TwoProcesses(t *testing.T) {
	t.Parallel()
	forEachDatabase(t, func(t *testing.T, database string) {
		vars := map[string]string{"VOUCH_DATA_DIR": t.TempDir(), "VOUCH_LISTEN": "127.0.0.1:0", "VOUCH_LOG_LEVEL": "warn"}
		if database == "postgres" {
			vars["VOUCH_DATABASE_URL"] = pgtest.DSN(t)
		}
		first := mustStart(t, vars, "--workers=false")
		second := mustStart(t, vars, "--workers=false")
		second.Key = first.Key
		var ids []string
		for range 10 {
			ids = append(ids, first.createInquiry(t, `{"expiration-after-create-interval-seconds":1}`),
				second.createInquiry(t, `{"expiration-after-create-interval-seconds":1}`))
		}
		time.Sleep(2500 * time.Millisecond)
		for _, id := range ids {
			require.Equal(t, "created", first.status(t, id), "a process without workers swept")
		}

		var counts [2]int
		var errs [2]error
		var wg sync.WaitGroup
		for i, ts := range []*testServer{first, second} {
			wg.Go(func() { counts[i], errs[i] = ts.App.Service.ExpireDueInquiries(context.Background()) })
		}
		wg.Wait()
		require.NoError(t, errs[0])
		require.NoError(t, errs[1])
		require.Equal(t, len(ids), counts[0]+counts[1])
		for _, id := range ids {
			require.Equal(t, "expired", second.status(t, id))
			require.Equal(t, 1, first.countEvents(t, id, "inquiry.expired"), id)
		}
	})
}

// status returns an inquiry's status as the API shows it.
func (ts *testServer) status(t *testing.T, id string) string {
	t.Helper()
	status, body := ts.do(t, "GET", "/api/v1/inquiries/"+id, "")
	require.Equal(t, 200, status, "%v", body)
	return body["data"].(map[string]any)["attributes"].(map[string]any)["status"].(string)
}

// countEvents counts an inquiry's events named name through the API.
func (ts *testServer) countEvents(t *testing.T, id, name string) int {
	t.Helper()
	status, body := ts.do(t, "GET", "/api/v1/events?filter[inquiry-id]="+id+"&filter[name]="+name, "")
	require.Equal(t, 200, status, "%v", body)
	return len(body["data"].([]any))
}

// TestConcurrentDecisions sends 100 parallel approve and decline calls for
// one completed inquiry: exactly one wins, and exactly one decision event
// is written.
func TestConcurrentDecisions(t *testing.T) {
	t.Parallel()
	forEachDatabase(t, func(t *testing.T, database string) {
		ts := MustRunMain(t, database)
		id := ts.createInquiry(t, "")
		_, err := ts.App.Service.CompleteInquiry(context.Background(), "sandbox", id)
		require.NoError(t, err)
		var wg sync.WaitGroup
		var mu sync.Mutex
		counts := map[int]int{}
		for i := 0; i < 100; i++ {
			action := "approve"
			if i%2 == 1 {
				action = "decline"
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				status, _ := ts.do(t, "POST", "/api/v1/inquiries/"+id+"/"+action, "")
				mu.Lock()
				counts[status]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		require.Equal(t, map[int]int{200: 1, 409: 99}, counts)
		status, body := ts.do(t, "GET", "/api/v1/events?filter[inquiry-id]="+id+"&filter[name]=inquiry.approved,inquiry.declined", "")
		require.Equal(t, 200, status)
		require.Len(t, body["data"], 1)
	})
}

// jsonEncode writes v as JSON without HTML escaping.
func jsonEncode(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// TestFlowCreateLimit checks that serve wires --flow-create-limit and
// --trusted-proxies into the flow: a client's second inquiry in a minute
// is refused with 429, while a client forwarded by a trusted proxy counts
// apart.
func TestFlowCreateLimit(t *testing.T) {
	t.Parallel()
	ts := MustRunMain(t, "sqlite", "--flow-create-limit", "1")
	q := url.Values{"inquiry-template-id": {ts.demoTemplateID(t)}, "environment": {"sandbox"},
		"iframe-origin": {"http://localhost:5173"}}
	load := func(forwardedFor string) int {
		t.Helper()
		req, err := http.NewRequest(http.MethodGet, ts.URL+"/widget?"+q.Encode(), nil)
		require.NoError(t, err)
		if forwardedFor != "" {
			req.Header.Set("X-Forwarded-For", forwardedFor)
		}
		res, err := http.DefaultClient.Do(req)
		require.NoError(t, err)
		_, _ = io.Copy(io.Discard, res.Body)
		res.Body.Close()
		return res.StatusCode
	}
	require.Equal(t, http.StatusOK, load(""))
	require.Equal(t, http.StatusTooManyRequests, load(""))
	require.Equal(t, http.StatusOK, load("198.51.100.1"), "the loopback peer is a trusted proxy by default")
	require.Equal(t, http.StatusTooManyRequests, load("198.51.100.1"))
}

// TestOneTimeLinkServed checks the wiring of one-time links on both
// databases: the API builds the link on the server's public URL, and the
// short form leads to the hosted page of that inquiry.
func TestOneTimeLinkServed(t *testing.T) {
	t.Parallel()
	forEachDatabase(t, func(t *testing.T, database string) {
		ts := MustRunMain(t, database, "--log-level", "info") // with the access log
		id := ts.createInquiry(t, "")
		status, body := ts.do(t, "POST", "/api/v1/inquiries/"+id+"/generate-one-time-link", `{"meta":{"expires-in-seconds":600}}`)
		require.Equal(t, 200, status, "%v", body)
		meta := body["meta"].(map[string]any)
		short := meta["one-time-link-short"].(string)
		require.True(t, strings.HasPrefix(meta["one-time-link"].(string), ts.URL+"/verify?code="), meta)
		require.True(t, strings.HasPrefix(short, ts.URL+"/l/"), short)

		res, err := http.Get(short)
		require.NoError(t, err)
		page, err := io.ReadAll(res.Body)
		res.Body.Close()
		require.NoError(t, err)
		require.Equal(t, http.StatusOK, res.StatusCode, string(page))
		require.Equal(t, ts.URL+"/verify?inquiry-id="+id, res.Request.URL.String(), "redeemed, the link leads to its inquiry's page")
		require.Contains(t, string(page), id, "the page opened the link's inquiry")
		logs := ts.Logs.String()
		require.Contains(t, logs, "/l/{code}", "the access log names the route")
		code := strings.TrimPrefix(short, ts.URL+"/l/")
		require.NotEmpty(t, code)
		require.NotContains(t, logs, code, "and never the code")
	})
}

// TestConcurrentAccountCreates: of parallel creates of one reference id's
// account, exactly one succeeds on either database; the others get the
// 409 a late create gets, not a 500 from the unique index.
func TestConcurrentAccountCreates(t *testing.T) {
	t.Parallel()
	forEachDatabase(t, func(t *testing.T, database string) {
		ts := MustRunMain(t, database)
		var wg sync.WaitGroup
		var mu sync.Mutex
		counts := map[int]int{}
		for range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				status, _ := ts.do(t, "POST", "/api/v1/accounts", `{"data":{"attributes":{"reference-id":"user-race"}}}`)
				mu.Lock()
				counts[status]++
				mu.Unlock()
			}()
		}
		wg.Wait()
		require.Equal(t, map[int]int{201: 1, 409: 19}, counts)
	})
}
