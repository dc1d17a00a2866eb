// SPDX-License-Identifier: Apache-2.0

package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch/api"
)

// TestWebhooks walks an endpoint through its life over the real API: the
// secret is shown at create and rotate only, header values are masked,
// bad input is a 400 with a pointer, other environments see a 404.
func TestWebhooks(t *testing.T) {
	t.Parallel()
	b := setup(t, api.Config{})
	path := "/api/v1/webhooks"
	res, body := b.do(t, http.MethodPost, path, b.sandbox,
		`{"data":{"type":"webhook","attributes":{"url":"https://hooks.example/in","enabled-events":["inquiry.completed"],
		"custom-http-headers":{"Authorization":"Bearer t0ken"}}}}`, nil)
	require.Equal(t, http.StatusCreated, res.StatusCode, "%s", body)
	doc := decodeJSON(t, body)
	id := jsonPath(t, doc, "data.id").(string)
	require.True(t, strings.HasPrefix(id, "wbh_"))
	require.True(t, strings.HasPrefix(jsonPath(t, doc, "data.attributes.secrets.0.value").(string), "wbhsec_"))
	require.Equal(t, "********", jsonPath(t, doc, "data.attributes.custom-http-headers.Authorization"))
	require.NotContains(t, string(body), "t0ken")

	res, body = b.do(t, http.MethodGet, path+"/"+id, b.sandbox, "", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.NotContains(t, string(body), "wbhsec_", "a secret is shown once")
	res, _ = b.do(t, http.MethodGet, path+"/"+id, b.prod, "", nil)
	require.Equal(t, http.StatusNotFound, res.StatusCode)

	res, body = b.do(t, http.MethodGet, path, b.sandbox, "", nil)
	require.Equal(t, http.StatusOK, res.StatusCode)
	require.Equal(t, id, jsonPath(t, decodeJSON(t, body), "data.0.id"))

	res, body = b.do(t, http.MethodPost, path+"/"+id+"/rotate-secret", b.sandbox, `{"meta":{"expires-in-seconds":60}}`, nil)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	doc = decodeJSON(t, body)
	require.NotNil(t, jsonPath(t, doc, "data.attributes.secrets.1.expires-at"))

	res, body = b.do(t, http.MethodPatch, path+"/"+id, b.sandbox, `{"data":{"attributes":{"enabled-events":["*"]}}}`, nil)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	require.Equal(t, []any{"*"}, jsonPath(t, decodeJSON(t, body), "data.attributes.enabled-events"))

	for _, c := range []struct{ action, status string }{{"disable", "disabled"}, {"enable", "enabled"}, {"archive", "archived"}} {
		res, body = b.do(t, http.MethodPost, path+"/"+id+"/"+c.action, b.sandbox, "", nil)
		require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
		require.Equal(t, c.status, jsonPath(t, decodeJSON(t, body), "data.attributes.status"))
	}
	res, _ = b.do(t, http.MethodPost, path+"/"+id+"/enable", b.sandbox, "", nil)
	require.Equal(t, http.StatusConflict, res.StatusCode)

	res, body = b.do(t, http.MethodGet, path+"/"+id+"/deliveries", b.sandbox, "", nil)
	require.Equal(t, http.StatusOK, res.StatusCode, "%s", body)
	res, body = b.do(t, http.MethodPost, path+"/"+id+"/redeliver-failed", b.sandbox, `{"meta":{"since":"2024-01-01T00:00:00Z"}}`, nil)
	require.Equal(t, http.StatusAccepted, res.StatusCode, "%s", body)
	require.Equal(t, 0.0, jsonPath(t, decodeJSON(t, body), "meta.count"))
	res, _ = b.do(t, http.MethodPost, path+"/"+id+"/deliveries/whdel_nope/redeliver", b.sandbox, "", nil)
	require.Equal(t, http.StatusNotFound, res.StatusCode)

	for _, bad := range []string{
		`{"data":{"attributes":{}}}`,
		`{"data":{"attributes":{"url":"https://h.example","enabled-events":["nope"]}}}`,
		`{"data":{"attributes":{"url":"https://h.example","custom-http-headers":{"Host":"x"}}}}`,
	} {
		res, body = b.do(t, http.MethodPost, path, b.sandbox, bad, nil)
		require.Equal(t, http.StatusBadRequest, res.StatusCode, "%s → %s", bad, body)
	}
	res, body = b.do(t, http.MethodPost, path, b.prod, `{"data":{"attributes":{"url":"http://hooks.example"}}}`, nil)
	require.Equal(t, http.StatusBadRequest, res.StatusCode, "production needs https: %s", body)
}
