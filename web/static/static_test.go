// SPDX-License-Identifier: Apache-2.0

package static_test

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch/web/static"
)

func get(t *testing.T, url string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	noRedirect := &http.Client{
		Transport:     &http.Transport{DisableCompression: true},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := noRedirect.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

func TestSDKHandler(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.Handle("GET "+static.SDKPrefix, static.SDKHandler())
	srv := httptest.NewServer(mux)
	defer srv.Close()

	for _, name := range []string{"vouch.js", "vouch.mjs"} {
		resp, b := get(t, srv.URL+static.SDKPrefix+name, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, static.SDK(name), b)
		require.Equal(t, "text/javascript; charset=utf-8", resp.Header.Get("Content-Type"))
		require.Equal(t, "*", resp.Header.Get("Access-Control-Allow-Origin"))
		require.Equal(t, "public, max-age=300, must-revalidate", resp.Header.Get("Cache-Control"))
		etag := resp.Header.Get("ETag")
		require.NotEmpty(t, etag)

		resp, b = get(t, srv.URL+static.SDKPrefix+name, map[string]string{"If-None-Match": etag})
		require.Equal(t, http.StatusNotModified, resp.StatusCode)
		require.Empty(t, b)

		hashed := static.SDKURL(name)
		require.Contains(t, hashed, strings.Trim(etag, `"`))
		resp, b = get(t, srv.URL+hashed, map[string]string{"Accept-Encoding": "gzip"})
		require.Equal(t, http.StatusOK, resp.StatusCode)
		require.Equal(t, "public, max-age=31536000, immutable", resp.Header.Get("Cache-Control"))
		require.Equal(t, "gzip", resp.Header.Get("Content-Encoding"))
		zr, err := gzip.NewReader(strings.NewReader(string(b)))
		require.NoError(t, err)
		plain, err := io.ReadAll(zr)
		require.NoError(t, err)
		require.Equal(t, static.SDK(name), plain)
	}

	// A hash of another build sends the page to the current bundle.
	resp, _ := get(t, srv.URL+static.SDKPrefix+"vouch.0123456789abcdef.js", nil)
	require.Equal(t, http.StatusFound, resp.StatusCode)
	require.Equal(t, static.SDKPrefix+"vouch.js", resp.Header.Get("Location"))

	resp, _ = get(t, srv.URL+static.SDKPrefix+"vouch.js", map[string]string{"Accept-Encoding": "gzip;q=0"})
	require.Empty(t, resp.Header.Get("Content-Encoding"))

	for _, p := range []string{"other.js", "vouch.ts", "vouch.xyz.js", "vouch.js.map"} {
		resp, _ := get(t, srv.URL+static.SDKPrefix+p, nil)
		require.Equal(t, http.StatusNotFound, resp.StatusCode, p)
	}
}
