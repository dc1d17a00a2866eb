// SPDX-License-Identifier: Apache-2.0

package api_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/api"
)

// scenario is one API call and everything it must produce (STYLE §3.9):
// the status, the body (an exact error document for every error), values
// at JSON paths, headers, and the names of the events it wrote.
type scenario struct {
	name    string
	method  string
	path    string // {placeholders} name fixtures, see bundle.placeholders
	key     string // "" sandbox, "production", "revoked", "none", or a literal secret
	headers map[string]string
	body    string
	cfg     api.Config
	prepare func(t *testing.T, b *bundle)

	status  int
	err     string         // the exact error document (required when status >= 400)
	json    map[string]any // dotted path → value
	count   map[string]int // dotted path → array length
	present []string       // paths that must hold a non-null value
	absent  []string       // paths that must not exist
	headerW map[string]string
	events  []string // names of the events written, sorted; nil for none
	noStore bool     // the store is down: events cannot be read back
}

// run executes the scenarios, each on its own fresh server and database.
func run(t *testing.T, scenarios []scenario) {
	t.Helper()
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			b := setup(t, sc.cfg)
			if sc.prepare != nil {
				sc.prepare(t, b)
			}
			rep := b.placeholders()
			key := map[string]string{"": b.sandbox, "production": b.prod, "revoked": b.revoked, "none": ""}[sc.key]
			if _, ok := map[string]bool{"": true, "production": true, "revoked": true, "none": true}[sc.key]; !ok {
				key = sc.key
			}
			var before map[string]string
			if !sc.noStore {
				before = b.eventIDs(t)
			}
			headers := map[string]string{}
			for k, v := range sc.headers {
				headers[k] = rep.Replace(v)
			}
			res, body := b.do(t, sc.method, rep.Replace(sc.path), key, rep.Replace(sc.body), headers)

			require.Equal(t, sc.status, res.StatusCode, string(body))
			require.Equal(t, "application/json", res.Header.Get("Content-Type"))
			require.True(t, vouch.HasIDPrefix(res.Header.Get("Request-Id"), vouch.PrefixRequest))
			if sc.status >= 400 {
				require.NotEmpty(t, sc.err, "an error scenario must state its body: %s", body)
			}
			if sc.err != "" {
				require.JSONEq(t, rep.Replace(sc.err), string(body))
			}
			doc := decodeJSON(t, body)
			for path, want := range sc.json {
				require.Equal(t, normalize(t, rep, want), jsonPath(t, doc, path), "at %s in %s", path, body)
			}
			for path, n := range sc.count {
				list, ok := jsonPath(t, doc, path).([]any)
				require.True(t, ok, "%s is not an array", path)
				require.Len(t, list, n, "at %s", path)
			}
			for _, path := range sc.present {
				require.NotNil(t, jsonPath(t, doc, path), "at %s", path)
			}
			for _, path := range sc.absent {
				_, ok := lookup(doc, path)
				require.False(t, ok, "%s should be absent", path)
			}
			for k, v := range sc.headerW {
				require.Equal(t, v, res.Header.Get(k), "header %s", k)
			}
			if !sc.noStore {
				require.Equal(t, sc.events, b.newEvents(t, before), "events written")
			}
		})
	}
}

// normalize passes want through JSON, so numbers compare as float64 and
// placeholders are replaced at any depth.
func normalize(t *testing.T, rep *strings.Replacer, want any) any {
	t.Helper()
	b, err := json.Marshal(want)
	require.NoError(t, err)
	var out any
	require.NoError(t, json.Unmarshal([]byte(rep.Replace(string(b))), &out))
	return out
}
