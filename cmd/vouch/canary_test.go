// SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestCanaryThroughTheAPI sends a known value through every door the API
// has (a create with an Idempotency-Key, whose response is stored for
// replay; an update; the events) and proves it never reaches the data
// folder (database, WAL, blobs, job rows) or the logs in clear, before or
// after redaction, while the API still returns it until redaction.
func TestCanaryThroughTheAPI(t *testing.T) {
	t.Parallel()
	vars := map[string]string{"VOUCH_DATA_DIR": t.TempDir(), "VOUCH_LISTEN": "127.0.0.1:0", "VOUCH_LOG_LEVEL": "debug"}
	ts := mustStart(t, vars)
	ts.Key = sandboxKeyRE.FindString(ts.Stdout.String())
	const canary = "Canary-Philippa-Xanthoudakis-0451"

	body := `{"data":{"attributes":{"inquiry-template-id":"` + ts.demoTemplateID(t) +
		`","fields":{"name_first":"` + canary + `"}}},"meta":{"auto-create-inquiry-session":true}}`
	req, err := http.NewRequest("POST", ts.URL+"/api/v1/inquiries", strings.NewReader(body))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+ts.Key)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", "canary-1")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, 201, resp.StatusCode)

	status, list := ts.do(t, "GET", "/api/v1/inquiries", "")
	require.Equal(t, 200, status)
	id := list["data"].([]any)[0].(map[string]any)["id"].(string)
	status, _ = ts.do(t, "PATCH", "/api/v1/inquiries/"+id, `{"data":{"attributes":{"fields":{"name_last":"`+canary+`"}}}}`)
	require.Equal(t, 200, status)
	status, got := ts.do(t, "GET", "/api/v1/inquiries/"+id, "")
	require.Equal(t, 200, status)
	require.Contains(t, mustJSON(t, got), canary, "the API still serves the value")
	status, events := ts.do(t, "GET", "/api/v1/events?filter[inquiry-id]="+id, "")
	require.Equal(t, 200, status)
	require.Contains(t, mustJSON(t, events), canary, "event payloads carry the inquiry as it was")

	scanForCanary(t, vars["VOUCH_DATA_DIR"], ts.Logs.String(), canary)

	status, _ = ts.do(t, "DELETE", "/api/v1/inquiries/"+id, "")
	require.Equal(t, 200, status)
	status, got = ts.do(t, "GET", "/api/v1/inquiries/"+id, "")
	require.Equal(t, 200, status)
	require.NotContains(t, mustJSON(t, got), canary)
	status, events = ts.do(t, "GET", "/api/v1/events?filter[inquiry-id]="+id, "")
	require.Equal(t, 200, status)
	require.NotContains(t, mustJSON(t, events), canary, "redaction reaches event payloads")
	// A replay of the stored create response is gone with the data.
	req, _ = http.NewRequest("POST", ts.URL+"/api/v1/inquiries", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+ts.Key)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", "canary-1")
	resp, err = http.DefaultClient.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Empty(t, resp.Header.Get("Idempotent-Replayed"), "no stored copy is replayed after redaction")

	time.Sleep(50 * time.Millisecond) // let the access log of the last request land
	scanForCanary(t, vars["VOUCH_DATA_DIR"], ts.Logs.String(), canary)
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, jsonEncode(&b, v))
	return b.String()
}

// scanForCanary fails if the canary is in any file under dir or in logs.
func scanForCanary(t *testing.T, dir, logs, canary string) {
	t.Helper()
	require.NotContains(t, logs, canary, "logs hold the canary")
	files := 0
	require.NoError(t, filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		require.False(t, bytes.Contains(b, []byte(canary)), "%s holds the canary in clear", path)
		return nil
	}))
	require.GreaterOrEqual(t, files, 2)
}
