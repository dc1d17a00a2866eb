// SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/api"
	"github.com/vouch-id/vouch/demo"
	"github.com/vouch-id/vouch/flow"
	"github.com/vouch-id/vouch/web"
	"github.com/vouch-id/vouch/web/ratelimit"
	"github.com/vouch-id/vouch/web/static"
	"github.com/vouch-id/vouch/webhook"
)

// Server is a running vouch serve: the app plus its HTTP listener.
type Server struct {
	App      *App
	listener net.Listener
	http     *http.Server
	URL      string // the base URL the server answers on
}

// StartServer opens everything, bootstraps a fresh database and starts
// serving in the background. Call Shutdown to stop.
func StartServer(ctx context.Context, c *Config, logger *slog.Logger, stdout io.Writer) (*Server, error) {
	a, err := OpenApp(ctx, c, logger, c.Workers)
	if err != nil {
		return nil, err
	}
	s := &Server{App: a}
	ln, err := net.Listen("tcp", c.Listen)
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("listen: %w", err)
	}
	s.listener = ln
	s.URL = "http://" + ln.Addr().String()
	if c.PublicURL == "" {
		c.PublicURL = s.URL
		a.Service.Issuer = s.URL
	}
	if err := bootstrap(ctx, a, c.PublicURL, stdout); err != nil {
		ln.Close()
		a.Close()
		return nil, fmt.Errorf("first start: %w", err)
	}
	handler, err := s.routes()
	if err != nil {
		ln.Close()
		a.Close()
		return nil, err
	}
	s.http = &http.Server{
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
	}
	if err := a.Queue.Start(ctx); err != nil {
		ln.Close()
		a.Close()
		return nil, fmt.Errorf("start jobs: %w", err)
	}
	go func() {
		if err := s.http.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			logger.Error("http server stopped", "error", err)
		}
	}()
	logger.Info("vouch is listening", "url", s.URL, "database", a.dialect, "version", Version)
	fmt.Fprintf(stdout, "Vouch %s is running at %s (demo: %s/demo)\n", Version, s.URL, s.URL)
	return s, nil
}

// routes composes every surface on one mux, behind the shared middleware.
func (s *Server) routes() (http.Handler, error) {
	a, c := s.App, s.App.Config
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	metrics, err := web.NewMetrics(reg)
	if err != nil {
		return nil, err
	}
	a.Service.OnTransition = metrics.InquiryTransition
	// The queue starts after routes, so the deliverer gets its metrics
	// before any delivery runs.
	if a.Webhooks.Metrics, err = webhook.NewMetrics(reg); err != nil {
		return nil, err
	}
	rateLimit := c.RateLimit
	if rateLimit == 0 {
		rateLimit = -1 // our 0 means off; the API's zero value means its default
	}
	mux := http.NewServeMux()
	mux.Handle("/api/v1/", api.NewHandler(a.Service, api.Config{
		RateLimit:     rateLimit,
		RateWindow:    c.RateWindow,
		MaxBodyBytes:  c.MaxBodyBytes,
		PublicURL:     c.PublicURL,
		Logger:        a.Logger,
		OnCacheLookup: metrics.ResponseCacheLookup,
	}))
	var createLimit *ratelimit.Limiter
	if c.FlowCreateLimit > 0 {
		createLimit = ratelimit.New(c.FlowCreateLimit, time.Minute, nil)
	}
	flowHandler, err := flow.NewHandler(a.Service, flow.Config{Logger: a.Logger, CreateLimit: createLimit, TrustedProxies: c.TrustedProxies})
	if err != nil {
		return nil, err
	}
	for _, route := range flow.PageRoutes {
		mux.Handle("GET "+route, flowHandler)
	}
	mux.Handle("/flow/", flowHandler)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Content-Type", "application/json")
		err := a.Store.View(ctx, func(tx vouch.Tx) error {
			_, err := tx.SettingGet(ctx, settingBootstrapped)
			return err
		})
		if err != nil {
			a.Logger.Warn("not ready", "error", err)
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, `{"status":"unavailable"}`)
			return
		}
		_, _ = io.WriteString(w, `{"status":"ok"}`)
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	mux.Handle("GET "+static.SDKPrefix, static.SDKHandler()) // the browser SDK, /sdk/v1/vouch.js and .mjs
	if c.Demo {
		mux.Handle("/demo", demo.NewHandler(a.Service, c.PublicURL))
		mux.Handle("/demo/", demo.NewHandler(a.Service, c.PublicURL))
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/demo", http.StatusFound)
		})
	}
	return web.Middleware(a.Logger, metrics)(mux), nil
}

// Shutdown stops accepting requests, lets running ones and running jobs
// finish within ctx, then closes the database.
func (s *Server) Shutdown(ctx context.Context) error {
	errHTTP := s.http.Shutdown(ctx)
	errJobs := s.App.Queue.Stop(ctx)
	errStore := s.App.Close()
	return errors.Join(errHTTP, errJobs, errStore)
}

func runServe(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	c, err := ParseConfig("vouch serve", args, getenv)
	if err != nil {
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	logger := newLogger(c, stderr)
	s, err := StartServer(ctx, c, logger, stdout)
	if err != nil {
		return err
	}
	<-ctx.Done()
	logger.Info("shutting down", "timeout", c.ShutdownTimeout.String())
	sctx, cancel := context.WithTimeout(context.Background(), c.ShutdownTimeout)
	defer cancel()
	return s.Shutdown(sctx)
}
