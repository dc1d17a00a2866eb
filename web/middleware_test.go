// SPDX-License-Identifier: Apache-2.0

package web_test

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/vouchtest"
	"github.com/vouch-id/vouch/web"
	"github.com/vouch-id/vouch/web/request"
)

type bundle struct {
	srv     *httptest.Server
	logs    *vouchtest.LogBuffer
	reg     *prometheus.Registry
	metrics *web.Metrics
}

func setup(t *testing.T) *bundle {
	t.Helper()
	b := &bundle{logs: &vouchtest.LogBuffer{}, reg: prometheus.NewRegistry()}
	var err error
	b.metrics, err = web.NewMetrics(b.reg)
	require.NoError(t, err)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /things/{id}", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, request.ID(r.Context()))
	})
	mux.HandleFunc("POST /boom", func(http.ResponseWriter, *http.Request) { panic("kaboom") })
	mux.HandleFunc("GET /teapot", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusTeapot) })
	logger := slog.New(slog.NewTextHandler(b.logs, nil))
	b.srv = httptest.NewServer(web.Middleware(logger, b.metrics)(mux))
	t.Cleanup(b.srv.Close)
	return b
}

func (b *bundle) do(t *testing.T, method, path string) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequest(method, b.srv.URL+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer vouch_sandbox_secret")
	res, err := b.srv.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res, string(body)
}

func TestMiddleware(t *testing.T) {
	t.Parallel()

	t.Run("RequestIDOnEveryResponse", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		res, body := b.do(t, http.MethodGet, "/things/inq_1?token=s3cret")
		require.Equal(t, http.StatusOK, res.StatusCode)
		id := res.Header.Get("Request-Id")
		require.True(t, vouch.HasIDPrefix(id, vouch.PrefixRequest), id)
		require.Equal(t, id, body, "the handler sees the same id")

		res, _ = b.do(t, http.MethodGet, "/nowhere")
		require.Equal(t, http.StatusNotFound, res.StatusCode)
		require.NotEmpty(t, res.Header.Get("Request-Id"))
	})

	t.Run("AccessLogHasPatternNotSecrets", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		res, _ := b.do(t, http.MethodGet, "/things/inq_secretid?token=s3cret")
		logs := b.logs.String()
		require.Contains(t, logs, "route=/things/{id}")
		require.Contains(t, logs, "method=GET")
		require.Contains(t, logs, "status=200")
		require.Contains(t, logs, "duration=")
		require.Contains(t, logs, "request_id="+res.Header.Get("Request-Id"))
		for _, leak := range []string{"s3cret", "inq_secretid", "Bearer", "vouch_sandbox"} {
			require.NotContains(t, logs, leak)
		}
	})

	t.Run("PanicBecomesJSON500", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		res, body := b.do(t, http.MethodPost, "/boom")
		require.Equal(t, http.StatusInternalServerError, res.StatusCode)
		require.Equal(t, "application/json", res.Header.Get("Content-Type"))
		require.JSONEq(t, `{"errors":[{"title":"Internal Server Error","details":"Internal error."}]}`, body)
		require.NotContains(t, body, "kaboom")
		require.NotEmpty(t, res.Header.Get("Request-Id"))
		require.Contains(t, b.logs.String(), "status=500")
		var panicLine string
		for _, l := range strings.Split(b.logs.String(), "\n") {
			if strings.Contains(l, "kaboom") {
				panicLine = l
			}
		}
		require.Contains(t, panicLine, "request_id="+res.Header.Get("Request-Id"), "the panic's line names the request")
	})

	t.Run("MetricsUseRoutePattern", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.do(t, http.MethodGet, "/things/a")
		b.do(t, http.MethodGet, "/things/b")
		b.do(t, http.MethodGet, "/teapot")
		b.do(t, http.MethodGet, "/random/path/1")
		b.do(t, "BREW", "/random/path/2")
		want := `
# HELP vouch_http_requests_total HTTP requests served, by route pattern, method and status.
# TYPE vouch_http_requests_total counter
vouch_http_requests_total{method="GET",route="/teapot",status="418"} 1
vouch_http_requests_total{method="GET",route="/things/{id}",status="200"} 2
vouch_http_requests_total{method="GET",route="unmatched",status="404"} 1
vouch_http_requests_total{method="OTHER",route="unmatched",status="404"} 1
`
		require.NoError(t, testutil.GatherAndCompare(b.reg, strings.NewReader(want), "vouch_http_requests_total"))
		n, err := testutil.GatherAndCount(b.reg, "vouch_http_request_duration_seconds")
		require.NoError(t, err)
		require.Equal(t, 4, n, "one histogram per route and method")
	})

	t.Run("InquiryTransitions", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		b.metrics.InquiryTransition("", vouch.InquiryCreated)
		b.metrics.InquiryTransition(vouch.InquiryCreated, vouch.InquiryPending)
		b.metrics.InquiryTransition(vouch.InquiryCreated, vouch.InquiryPending)
		b.metrics.InquiryTransition("bogus", vouch.InquiryApproved)
		want := `
# HELP vouch_inquiry_transitions_total Committed inquiry status changes, by old and new status.
# TYPE vouch_inquiry_transitions_total counter
vouch_inquiry_transitions_total{from="",to="created"} 1
vouch_inquiry_transitions_total{from="created",to="pending"} 2
vouch_inquiry_transitions_total{from="unknown",to="approved"} 1
`
		require.NoError(t, testutil.GatherAndCompare(b.reg, strings.NewReader(want), "vouch_inquiry_transitions_total"))
	})

	t.Run("RegisterTwiceFails", func(t *testing.T) {
		t.Parallel()
		b := setup(t)
		_, err := web.NewMetrics(b.reg)
		require.Error(t, err)
	})

	t.Run("NilMetricsIsFine", func(t *testing.T) {
		t.Parallel()
		var m *web.Metrics
		m.InquiryTransition(vouch.InquiryCreated, vouch.InquiryPending)
		h := web.Middleware(nil, nil)(http.NotFoundHandler())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		require.Equal(t, http.StatusNotFound, rec.Code)
	})
}

func TestLabels(t *testing.T) {
	t.Parallel()
	require.Equal(t, "/api/v1/inquiries/{id}", web.RouteLabel("GET /api/v1/inquiries/{id}"))
	require.Equal(t, "/api/v1/", web.RouteLabel("/api/v1/"))
	require.Equal(t, "unmatched", web.RouteLabel(""))
	require.Equal(t, "PATCH", web.MethodLabel("PATCH"))
	require.Equal(t, "OTHER", web.MethodLabel("BREW"))
}
