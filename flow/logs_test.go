// SPDX-License-Identifier: Apache-2.0

package flow_test

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/flow"
	"github.com/vouch-id/vouch/vouchtest"
	"github.com/vouch-id/vouch/web"
)

// TestTokensNeverLogged opens, resumes and moves an inquiry with debug
// logging on and checks that no log line holds its session token.
func TestTokensNeverLogged(t *testing.T) {
	t.Parallel()
	b := setup(t)
	var logs vouchtest.LogBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	b.env.Service.Logger = logger
	h, err := flow.NewHandler(b.env.Service, flow.Config{Logger: logger})
	require.NoError(t, err)
	srv := httptest.NewServer(web.Middleware(logger, nil)(h))
	defer srv.Close()
	b.srv = srv

	tm := b.template(t, vouch.Sandbox, false, formConfig())
	p := b.get(t, flow.RouteWidget, widgetQuery(tm.ID))
	id, token := p.config["inquiryId"].(string), p.config["sessionToken"].(string)
	status, _ := b.post(t, stepPath(vouch.Sandbox, id, "start"), token, nil)
	require.Equal(t, http.StatusOK, status)
	p = b.get(t, flow.RouteWidget, url.Values{"iframe-origin": {hostOrigin}, "inquiry-id": {id}, "session-token": {token}})
	require.Equal(t, http.StatusOK, p.status)
	b.post(t, stepPath(vouch.Sandbox, id, "about-you"), token+"x", nil)

	out := logs.String()
	require.Contains(t, out, `"route":"/widget"`)
	require.Contains(t, out, `"route":"/flow/{env}/inquiries/{id}/steps/{step}"`)
	require.NotContains(t, out, token)
}
