// SPDX-License-Identifier: Apache-2.0

package api_test

import (
	"context"
	"encoding/json"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/api"
)

// TestRetrieveIsNeverStale changes an inquiry between retrieves in every
// way a cached body could miss: through the API, through the service of
// another process on the same database (a second server, or a CLI
// command), by redaction, and through its template, which the response
// includes. Each retrieve must show the change at once. It also checks
// that a body kept for one environment, one key inflection or one
// Persona-Version's default includes is not served for another.
func TestRetrieveIsNeverStale(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	var hits atomic.Int32
	b := setup(t, api.Config{OnCacheLookup: func(hit bool) {
		if hit {
			hits.Add(1)
		}
	}})
	path := "/api/v1/inquiries/" + b.fx.inquiry
	type doc struct {
		Data struct {
			Attributes map[string]any `json:"attributes"`
		} `json:"data"`
		Included []struct {
			Type       string         `json:"type"`
			Attributes map[string]any `json:"attributes"`
		} `json:"included"`
	}
	get := func() (doc, []byte) {
		t.Helper()
		res, body := b.do(t, "GET", path, b.sandbox, "", nil)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
		var d doc
		require.NoError(t, json.Unmarshal(body, &d))
		return d, body
	}
	first, body := get()
	require.Equal(t, "first", first.Data.Attributes["note"])
	_, again := get()
	require.Equal(t, string(body), string(again))
	require.Equal(t, int32(1), hits.Load(), "nothing committed: the second retrieve is served from the cache")

	res, out := b.do(t, "PATCH", path, b.sandbox, `{"data":{"attributes":{"note":"through the API"}}}`, nil)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", out)
	d, _ := get()
	require.Equal(t, "through the API", d.Data.Attributes["note"])

	other, closeOther, err := open(ctx, b.dir)
	require.NoError(t, err)
	defer closeOther()
	note := "through another process"
	_, err = other.UpdateInquiry(ctx, vouch.Sandbox, b.fx.inquiry, vouch.InquiryUpdate{Note: &note})
	require.NoError(t, err)
	d, _ = get()
	require.Equal(t, note, d.Data.Attributes["note"])

	_, err = other.DeactivateTemplate(ctx, vouch.Sandbox, b.fx.template)
	require.NoError(t, err)
	d, _ = get()
	require.Len(t, d.Included, 1)
	require.Equal(t, "inquiry-template", d.Included[0].Type)
	require.Equal(t, "inactive", d.Included[0].Attributes["status"])

	res, out = b.do(t, "GET", path, b.prod, "", nil)
	require.Equal(t, http.StatusNotFound, res.StatusCode, "%s", out)
	res, out = b.do(t, "GET", path, b.sandbox, "", map[string]string{"Key-Inflection": "camel"})
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", out)
	require.Contains(t, string(out), `"createdAt"`)
	require.NotContains(t, string(out), `"created-at"`)
	// A version without default includes, before and after the body with
	// them is cached again.
	for range 2 {
		res, out = b.do(t, "GET", path, b.sandbox, "", map[string]string{"Persona-Version": "2025-10-27"})
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", out)
		require.Contains(t, string(out), `"included":[]`)
		d, _ = get()
		require.NotEmpty(t, d.Included)
	}

	d, _ = get()
	fields, _ := d.Data.Attributes["fields"].(map[string]any)
	require.Contains(t, fields, "name_first", "fields before redaction")
	_, err = other.RedactInquiry(ctx, vouch.Sandbox, b.fx.inquiry)
	require.NoError(t, err)
	d, body = get()
	require.NotNil(t, d.Data.Attributes["redacted-at"])
	require.NotContains(t, string(body), "Jane")
}
