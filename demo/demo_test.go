// SPDX-License-Identifier: Apache-2.0

package demo_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/demo"
	"github.com/vouch-id/vouch/vouchtest"
)

func TestDemoPage(t *testing.T) {
	t.Parallel()
	e := vouchtest.MustOpen(t)
	tmpl := vouchtest.Template(t, e, vouch.Sandbox)
	prod := vouchtest.Template(t, e, vouch.Production)
	srv := httptest.NewServer(demo.NewHandler(e.Service, "http://vouch.test"))
	defer srv.Close()
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

	resp, err := http.Get(srv.URL + "/demo")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, 200, resp.StatusCode)
	require.Contains(t, string(b), tmpl.ID)
	require.NotContains(t, string(b), prod.ID, "the demo shows the sandbox only")
	require.Contains(t, resp.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")

	resp, err = noRedirect.PostForm(srv.URL+"/demo/inquiries", url.Values{"template": {tmpl.ID}})
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	loc := resp.Header.Get("Location")
	require.True(t, strings.HasPrefix(loc, "/demo?inquiry=inq_"), loc)

	resp, err = http.Get(srv.URL + loc)
	require.NoError(t, err)
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Contains(t, string(b), "created")

	// A production template id is not found from the sandbox demo.
	resp, err = noRedirect.PostForm(srv.URL+"/demo/inquiries", url.Values{"template": {prod.ID}})
	require.NoError(t, err)
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, http.StatusBadRequest, resp.StatusCode)
	require.Contains(t, string(b), "does not exist")

	// Cross-site posts are refused.
	req, _ := http.NewRequest("POST", srv.URL+"/demo/inquiries", strings.NewReader("template="+tmpl.ID))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", "https://evil.example")
	resp, err = noRedirect.Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusForbidden, resp.StatusCode)
}
