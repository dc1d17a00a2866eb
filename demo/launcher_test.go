// SPDX-License-Identifier: Apache-2.0

package demo_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/demo"
	"github.com/vouch-id/vouch/flow"
	"github.com/vouch-id/vouch/internal/browsertest"
	"github.com/vouch-id/vouch/vouchtest"
	"github.com/vouch-id/vouch/web/static"
)

// formConfig is a flow without camera steps, allowed on origins.
func formConfig(origins ...string) vouch.TemplateConfig {
	return vouch.TemplateConfig{
		Steps: []vouch.Step{
			{Name: "start", Type: vouch.StepStart},
			{Name: "about", Type: vouch.StepForm, Fields: []string{"name_first"}},
			{Name: "done", Type: vouch.StepCompletion},
		},
		Fields:         []vouch.FieldSchema{{Key: "name_first", Type: vouch.FieldString, Label: "First name"}},
		AllowedOrigins: origins,
	}
}

func TestLauncherTemplates(t *testing.T) {
	t.Parallel()
	e := vouchtest.MustOpen(t)
	ctx := context.Background()
	sandbox := vouchtest.Template(t, e, vouch.Sandbox)
	elsewhere := vouchtest.Template(t, e, vouch.Production) // allows https://shop.example only
	here, _, err := e.Service.CreateTemplate(ctx, vouch.Production, "Here", false, formConfig("http://vouch.test"))
	require.NoError(t, err)
	srv := httptest.NewServer(demo.NewHandler(e.Service, "http://vouch.test"))
	defer srv.Close()

	list := func(env string) (int, []map[string]string) {
		resp, err := http.Get(srv.URL + "/demo/templates?environment=" + env)
		require.NoError(t, err)
		defer resp.Body.Close()
		var out []map[string]string
		if resp.StatusCode == http.StatusOK {
			require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
		}
		return resp.StatusCode, out
	}
	status, got := list("sandbox")
	require.Equal(t, http.StatusOK, status)
	require.Equal(t, []map[string]string{{"id": sandbox.ID, "name": sandbox.Name, "status": "active"}}, got)
	_, got = list("production")
	require.Equal(t, []map[string]string{{"id": here.ID, "name": "Here", "status": "active"}}, got)
	require.NotContains(t, got, elsewhere.ID)
	status, _ = list("staging")
	require.Equal(t, http.StatusBadRequest, status)

	resp, err := http.Get(srv.URL + "/demo/demo.js")
	require.NoError(t, err)
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.Equal(t, "text/javascript; charset=utf-8", resp.Header.Get("Content-Type"))
	require.Contains(t, string(b), "new Vouch.Client(")
}

// TestLauncherOpensTheFlow opens the demo in Chromium, picks a template,
// opens the flow and waits for the log to show onLoad and onReady: the
// page's CSP lets the SDK run and frame our own /widget.
func TestLauncherOpensTheFlow(t *testing.T) {
	t.Parallel()
	browsertest.ExecPath(t)
	e := vouchtest.MustOpen(t)
	tm, _, err := e.Service.CreateTemplate(context.Background(), vouch.Sandbox, "Form only", false, formConfig())
	require.NoError(t, err)
	fh, err := flow.NewHandler(e.Service, flow.Config{Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	mux := http.NewServeMux()
	for _, route := range []string{flow.RouteWidget, flow.RouteVerify, flow.RoutePreload} {
		mux.Handle("GET "+route, fh)
	}
	mux.Handle("/flow/", fh)
	mux.Handle("GET "+static.SDKPrefix, static.SDKHandler())
	srv := httptest.NewServer(mux)
	defer srv.Close()
	mux.Handle("/demo", demo.NewHandler(e.Service, srv.URL))
	mux.Handle("/demo/", demo.NewHandler(e.Service, srv.URL))

	ctx := browsertest.New(t, browsertest.Options{Timeout: 45 * time.Second})
	require.NoError(t, chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/demo")))
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](`!!window.Vouch && document.readyState == 'complete'`,
		chromedp.WithPollingTimeout(20*time.Second)))
	require.NoError(t, err)
	picked, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const s = document.getElementById('flow-template');
		s.value = s.querySelector('option[value^="itmpl_"]') ? `+"`"+tm.ID+"`"+` : '';
		document.getElementById('flow-open').click();
		return s.value;
	})()`))
	require.NoError(t, err)
	require.Equal(t, tm.ID, picked)
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById('log').textContent.includes('onReady')`,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(20*time.Second)))
	require.NoError(t, err)
	names, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`[...document.querySelectorAll('#log li')].map(li => li.dataset.name)`))
	require.NoError(t, err)
	require.Equal(t, "new Vouch.Client({templateId: '"+tm.ID+"', environment: 'sandbox'})", names[0])
	require.Equal(t, []string{"event:load", "onLoad", "event:ready", "onReady"}, names[1:5])
}
