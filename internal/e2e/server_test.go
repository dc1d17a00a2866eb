// SPDX-License-Identifier: Apache-2.0

// Package e2e_test drives the inquiry flow in Chromium through the
// official persona SDK and the Vouch SDK, from a host page on another
// origin than the flow, the way a customer's site embeds it.
package e2e_test

import (
	"context"
	"crypto/rand"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/blob"
	"github.com/vouch-id/vouch/engine/sandbox"
	"github.com/vouch-id/vouch/flow"
	"github.com/vouch-id/vouch/jobs"
	"github.com/vouch-id/vouch/sqlite"
	"github.com/vouch-id/vouch/web"
	"github.com/vouch-id/vouch/web/static"
)

// vouchServer is a running Vouch: the flow and the SDK on one origin,
// backed by SQLite and a job queue with workers, as cmd/vouch wires them.
type vouchServer struct {
	svc  *vouch.Service
	host string // "localhost:<port>", what customHost takes
	url  string // "http://localhost:<port>"
}

// startVouch builds the server from the packages (cmd/vouch is package
// main) and serves it on localhost, a different origin from the host page
// on 127.0.0.1.
func startVouch(t *testing.T) *vouchServer {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "vouch.db"))
	require.NoError(t, err)
	t.Cleanup(func() { st.Close() })
	require.NoError(t, jobs.Migrate(ctx, st.WriterDB(), jobs.DialectSQLite))
	master := make([]byte, vouch.KeySize)
	_, _ = rand.Read(master)
	keys, err := vouch.NewKeyring(master)
	require.NoError(t, err)
	blobs, err := blob.NewFS(filepath.Join(dir, "blobs"))
	require.NoError(t, err)
	svc := vouch.NewService(st, keys, blobs)
	logger := slog.New(slog.DiscardHandler)
	svc.Logger = logger
	svc.SandboxEngine = sandbox.New()
	q, err := jobs.New(st.WriterDB(), jobs.DialectSQLite, jobs.Config{
		Logger: logger, Workers: true, PollInterval: 50 * time.Millisecond,
		Handlers: jobs.Handlers{
			ExpireInquiry:      svc.ExpireInquiryIfDue,
			DecideVerification: svc.DecideVerification,
		},
	})
	require.NoError(t, err)
	st.SetInsertJob(q.InsertTx)
	qctx, cancel := context.WithCancel(ctx)
	require.NoError(t, q.Start(qctx))
	t.Cleanup(func() {
		sctx, done := context.WithTimeout(context.Background(), 5*time.Second)
		defer done()
		_ = q.Stop(sctx)
		cancel()
	})

	fh, err := flow.NewHandler(svc, flow.Config{Logger: logger})
	require.NoError(t, err)
	mux := http.NewServeMux()
	for _, route := range flow.PageRoutes {
		mux.Handle("GET "+route, fh)
	}
	mux.Handle("/flow/", fh)
	mux.Handle("GET "+static.SDKPrefix, static.SDKHandler())
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: web.Middleware(logger, nil)(mux), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	port := ln.Addr().(*net.TCPAddr).Port
	host := "localhost:" + strconv.Itoa(port)
	svc.Issuer = "http://" + host
	return &vouchServer{svc: svc, host: host, url: "http://" + host}
}

// template creates a sandbox template.
func (v *vouchServer) template(t *testing.T, legacy bool, cfg vouch.TemplateConfig) *vouch.Template {
	t.Helper()
	tm, _, err := v.svc.CreateTemplate(context.Background(), vouch.Sandbox, "E2E", legacy, cfg)
	require.NoError(t, err)
	return tm
}

// hostServer serves the embedding page and the SDK bundle it uses, on
// 127.0.0.1.
func startHost(t *testing.T, page string, files map[string][]byte) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write([]byte(page))
	})
	for name, body := range files {
		mux.HandleFunc("GET /"+name, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/javascript")
			_, _ = w.Write(body)
		})
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return "http://" + ln.Addr().String()
}
