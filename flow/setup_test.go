// SPDX-License-Identifier: Apache-2.0

package flow_test

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/flow"
	"github.com/vouch-id/vouch/vouchtest"
	"github.com/vouch-id/vouch/web"
)

// hostOrigin is the embedding page of the tests.
const hostOrigin = "http://127.0.0.1:36787"

// bundle is one test's server.
type bundle struct {
	env *vouchtest.Env
	srv *httptest.Server
}

// setup serves the flow on a real HTTP server over a real SQLite service.
func setup(t *testing.T) *bundle { t.Helper(); return setupWith(t, flow.Config{}) }

// setupWith is setup with a configuration.
func setupWith(t *testing.T, cfg flow.Config) *bundle {
	t.Helper()
	e := vouchtest.MustOpen(t)
	h, err := flow.NewHandler(e.Service, cfg)
	require.NoError(t, err)
	srv := httptest.NewServer(web.Middleware(slog.New(slog.DiscardHandler), nil)(h))
	t.Cleanup(srv.Close)
	return &bundle{env: e, srv: srv}
}

// formConfig is a template of start, form and completion.
func formConfig() vouch.TemplateConfig {
	return vouch.TemplateConfig{
		Steps: []vouch.Step{
			{Name: "start", Type: vouch.StepStart},
			{Name: "about-you", Type: vouch.StepForm, Fields: []string{"name_first", "name_last", "birthdate", "score"}},
			{Name: "done", Type: vouch.StepCompletion},
		},
		Fields: []vouch.FieldSchema{
			{Key: "name_first", Type: vouch.FieldString, Label: "First name", Required: true},
			{Key: "name_last", Type: vouch.FieldString, Label: "Last name", Required: true},
			{Key: "birthdate", Type: vouch.FieldDate, Label: "Date of birth"},
			{Key: "score", Type: vouch.FieldInteger, Label: "Score"},
		},
		AllowedOrigins: []string{"https://shop.example.com"},
	}
}

// template creates a template in env.
func (b *bundle) template(t *testing.T, env vouch.Environment, legacy bool, cfg vouch.TemplateConfig) *vouch.Template {
	t.Helper()
	tm, _, err := b.env.Service.CreateTemplate(context.Background(), env, "Test", legacy, cfg)
	require.NoError(t, err)
	return tm
}

// page is a fetched flow document.
type page struct {
	status int
	url    *url.URL // where the request ended, after redirects
	header http.Header
	body   string
	config map[string]any
}

// get fetches a flow URL.
func (b *bundle) get(t *testing.T, path string, q url.Values) *page {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.srv.URL+path+"?"+q.Encode(), nil)
	require.NoError(t, err)
	return b.do(t, req)
}

// do sends req and reads the flow document it answers.
func (b *bundle) do(t *testing.T, req *http.Request) *page {
	t.Helper()
	return b.doWith(t, b.srv.Client(), req)
}

// doWith is do with a client of the test's own (a browser with cookies).
func (b *bundle) doWith(t *testing.T, c *http.Client, req *http.Request) *page {
	t.Helper()
	res, err := c.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	p := &page{status: res.StatusCode, url: res.Request.URL, header: res.Header, body: string(body)}
	if m := regexp.MustCompile(`data-config="([^"]*)"`).FindStringSubmatch(p.body); m != nil {
		require.NoError(t, json.Unmarshal([]byte(html.UnescapeString(m[1])), &p.config))
	}
	return p
}

// widgetQuery is what the SDK sends for a template in the sandbox.
func widgetQuery(templateID string) url.Values {
	return url.Values{
		"client-version":      {"5.9.0"},
		"container-id":        {"persona-widget-abc"},
		"flow-type":           {"embedded"},
		"inquiry-template-id": {templateID},
		"environment":         {"sandbox"},
		"iframe-origin":       {hostOrigin},
	}
}

// reply is a flow route's JSON answer.
type reply struct {
	HTML         string          `json:"html"`
	Step         string          `json:"step"`
	Type         string          `json:"type"`
	Status       string          `json:"status"`
	InquiryID    string          `json:"inquiryId"`
	SessionToken string          `json:"sessionToken"`
	Stale        bool            `json:"stale"`
	Error        *flow.FlowError `json:"error"`
	Submitted    string          `json:"submitted"`
}

// post submits a step's form.
func (b *bundle) post(t *testing.T, path, token string, form url.Values) (int, *reply) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, b.srv.URL+path, strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set(flow.SessionHeader, token)
	res, err := b.srv.Client().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	var rep reply
	require.NoError(t, json.NewDecoder(res.Body).Decode(&rep))
	return res.StatusCode, &rep
}

// stepPath is the route of one step.
func stepPath(env vouch.Environment, id, step string) string {
	return "/flow/" + string(env) + "/inquiries/" + id + "/steps/" + step
}

// jsonBody encodes v as a request body.
func jsonBody(t *testing.T, v any) io.Reader {
	t.Helper()
	b, err := json.Marshal(v)
	require.NoError(t, err)
	return strings.NewReader(string(b))
}

// decodeReply reads a flow route's answer.
func decodeReply(t *testing.T, res *http.Response) *reply {
	t.Helper()
	var rep reply
	require.NoError(t, json.NewDecoder(res.Body).Decode(&rep))
	return &rep
}
