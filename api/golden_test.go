// SPDX-License-Identifier: Apache-2.0

package api_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch/api"
)

// update rewrites the golden files: go test ./api -run TestGolden -update
var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// The shapes below are a public contract (webhook payloads reuse them), so
// each is pinned in testdata/<name>.golden.json. Ids, times and tokens are
// normalised first: ids become <prefix>_<n> in order of appearance.
var (
	idPattern    = regexp.MustCompile(`\b(inq|ver|iqse|act|itmplv|itmpl|tmpl|evt|req|key)_[0-9A-Za-z]{28}\b`)
	timePattern  = regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z`)
	unixPattern  = regexp.MustCompile(`("[a-z-]+-ts": )\d+`)
	tokenPattern = regexp.MustCompile(`eyJ[\w-]+\.[\w-]+\.[\w-]+`)
	codePattern  = regexp.MustCompile(`(code=|/l/)[\w-]{32}"`)
)

// normalizeGolden pretty-prints body (keeping its key order, which is the
// wire order) with stable ids, times and tokens.
func normalizeGolden(t *testing.T, body []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, json.Indent(&buf, bytes.TrimSpace(body), "", "  "), string(body))
	out := buf.Bytes()
	seen := map[string]string{}
	counts := map[string]int{}
	out = idPattern.ReplaceAllFunc(out, func(id []byte) []byte {
		if n, ok := seen[string(id)]; ok {
			return []byte(n)
		}
		prefix := idPattern.FindSubmatch(id)[1]
		counts[string(prefix)]++
		n := fmt.Sprintf("%s_%d", prefix, counts[string(prefix)])
		seen[string(id)] = n
		return []byte(n)
	})
	out = timePattern.ReplaceAll(out, []byte("2000-01-01T00:00:00.000Z"))
	out = unixPattern.ReplaceAll(out, []byte("${1}946684800"))
	out = tokenPattern.ReplaceAll(out, []byte("<session-token>"))
	// A code keeps its shape (32 characters), which the OpenAPI document
	// pins.
	out = codePattern.ReplaceAll(out, []byte(`${1}one-time-link-code-xxxxxxxxxxxxx"`))
	return append(out, '\n')
}

func TestGolden(t *testing.T) {
	t.Parallel()
	b := setup(t, api.Config{PublicURL: "https://vouch.example.com"})
	rep := b.placeholders()
	for _, tc := range []struct{ name, method, path, body string }{
		{"inquiry", http.MethodGet, "/api/v1/inquiries/{inq}?include=account,inquiry-template,inquiry-template-version", ""},
		{"inquiry-pending", http.MethodGet, "/api/v1/inquiries/{vinq}", ""},
		{"inquiry-created", http.MethodPost, "/api/v1/inquiries?include=",
			`{"data":{"attributes":{"template-id":"{legacy}","fields":{"age":7}}},"meta":{"auto-create-inquiry-session":true}}`},
		{"inquiry-list", http.MethodGet, "/api/v1/inquiries?page[size]=1&filter[status]=created,pending", ""},
		{"verification", http.MethodGet, "/api/v1/verifications/{ver}", ""},
		{"event", http.MethodGet, "/api/v1/events/{evt}", ""},
		{"event-list", http.MethodGet, "/api/v1/events?filter[object-id]={ver}", ""},
		{"account", http.MethodGet, "/api/v1/accounts/{act}", ""},
		{"account-created", http.MethodPost, "/api/v1/accounts", `{"data":{"attributes":{"reference-id":"user-9"}}}`},
		{"session-created", http.MethodPost, "/api/v1/inquiry-sessions", `{"data":{"attributes":{"inquiry-id":"{vinq}"}}}`},
		{"inquiry-link", http.MethodPost, "/api/v1/inquiries/{inq}/generate-one-time-link?include=", `{"meta":{"expires-in-seconds":3600}}`},
		{"session-link", http.MethodPost, "/api/v1/inquiry-sessions/{sess}/generate-one-time-link", ""},
		{"template", http.MethodGet, "/api/v1/inquiry-templates/{tmpl}", ""},
		{"template-version", http.MethodGet, "/api/v1/inquiry-template-versions/{tmplv}", ""},
		{"error", http.MethodPost, "/api/v1/inquiries", `{"data":{"attributes":{"inquiry-template-id":"{tmpl}","fields":{"age":"x"}}}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, body := b.do(t, tc.method, rep.Replace(tc.path), b.sandbox, rep.Replace(tc.body), nil)
			require.Less(t, res.StatusCode, 500, string(body))
			got := normalizeGolden(t, body)
			file := filepath.Join("testdata", tc.name+".golden.json")
			if *update {
				require.NoError(t, os.WriteFile(file, got, 0o644))
				return
			}
			want, err := os.ReadFile(file)
			require.NoError(t, err, "run go test ./api -run TestGolden -update to create it")
			require.Equal(t, string(want), string(got))
		})
	}
}
