// SPDX-License-Identifier: Apache-2.0

package api

import (
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/web/ratelimit"
	"github.com/vouch-id/vouch/web/request"
	"github.com/vouch-id/vouch/web/response"
)

// Prefix is the path every API route lives under.
const Prefix = "/api/v1"

// DefaultMaxBodyBytes bounds request bodies when Config.MaxBodyBytes is 0.
const DefaultMaxBodyBytes = 1 << 20

// Config tunes the API. The zero value serves Persona's defaults.
type Config struct {
	// RateLimit is how many requests one API key may make per RateWindow:
	// 0 means 300, a negative value disables rate limiting.
	RateLimit int
	// RateWindow is the length of a rate-limit window; 0 means a minute.
	RateWindow time.Duration
	// MaxBodyBytes bounds a request body (413 past it); 0 means 1 MiB.
	MaxBodyBytes int64
	// Now is the rate limiter's clock; nil means time.Now.
	Now func() time.Time
	// Logger receives the API's logs when a request does not already carry
	// a logger (web.Middleware gives each request one that names its id);
	// nil means slog.Default().
	Logger *slog.Logger
	// PublicURL is the base URL browsers reach this server at, on which
	// one-time links are built; empty means links are relative paths.
	PublicURL string
	// OnCacheLookup, when set, learns whether each retrieve the response
	// cache could answer was a hit (cache.go), for metrics.
	OnCacheLookup func(hit bool)
}

// NewHandler returns the API's handler. Every route is listed here, so
// this function is the API's table of contents.
func NewHandler(svc *vouch.Service, cfg Config) http.Handler {
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	h := &handler{svc: svc, maxBody: cfg.MaxBodyBytes, logger: cfg.Logger, now: cfg.Now,
		onCacheLookup: cfg.OnCacheLookup, limiter: newLimiter(cfg.RateLimit, cfg.RateWindow, cfg.Now),
		publicURL: strings.TrimRight(cfg.PublicURL, "/")}
	mux := http.NewServeMux()
	route := func(pattern string, fn apiFunc) { mux.Handle(pattern, h.serve(fn)) }
	// Retrieves that integrations poll are served from the response
	// cache while the database is unchanged (cache.go).
	retrieve := func(pattern string, fn apiFunc) { mux.Handle(pattern, h.serve(h.cached(fn))) }

	route("POST /api/v1/inquiries", h.createInquiry)
	route("GET /api/v1/inquiries", h.listInquiries)
	retrieve("GET /api/v1/inquiries/{id}", h.getInquiry)
	route("PATCH /api/v1/inquiries/{id}", h.updateInquiry)
	route("DELETE /api/v1/inquiries/{id}", h.redactInquiry)
	route("POST /api/v1/inquiries/{id}/resume", h.resumeInquiry)
	route("POST /api/v1/inquiries/{id}/approve", h.approveInquiry)
	route("POST /api/v1/inquiries/{id}/decline", h.declineInquiry)
	route("POST /api/v1/inquiries/{id}/mark-for-review", h.markInquiryForReview)
	route("POST /api/v1/inquiries/{id}/expire", h.expireInquiry)
	route("POST /api/v1/inquiries/{id}/add-tag", h.addInquiryTag)
	route("POST /api/v1/inquiries/{id}/remove-tag", h.removeInquiryTag)
	route("POST /api/v1/inquiries/{id}/set-tags", h.setInquiryTags)
	route("POST /api/v1/inquiries/{id}/perform-simulate-actions", h.performSimulateActions)
	route("POST /api/v1/inquiries/{id}/generate-one-time-link", h.generateInquiryLink)

	route("POST /api/v1/inquiry-sessions", h.createSession)
	route("GET /api/v1/inquiry-sessions", h.listSessions)
	route("GET /api/v1/inquiry-sessions/{id}", h.getSession)
	route("POST /api/v1/inquiry-sessions/{id}/expire", h.expireSession)
	route("POST /api/v1/inquiry-sessions/{id}/generate-one-time-link", h.generateSessionLink)
	route("POST /api/v1/inquiry-sessions/expire-all", h.expireAllSessions)
	// expire-all has the shape of a session id: without this, a GET would
	// look up a session named "expire-all" rather than answer 405.
	refused := map[string]bool{"GET /api/v1/inquiry-sessions/expire-all": true}
	for pattern := range refused {
		mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
			notAllowed(w, r, []string{http.MethodPost})
		})
	}

	retrieve("GET /api/v1/verifications/{id}", h.getVerification)
	retrieve("GET /api/v1/verification/government-ids/{id}", h.getGovernmentIDVerification)
	retrieve("GET /api/v1/verification/selfies/{id}", h.getSelfieVerification)

	route("POST /api/v1/accounts", h.createAccount)
	route("GET /api/v1/accounts", h.listAccounts)
	retrieve("GET /api/v1/accounts/{id}", h.getAccount)

	route("GET /api/v1/events", h.listEvents)
	retrieve("GET /api/v1/events/{id}", h.getEvent)

	route("POST /api/v1/webhooks", h.createWebhook)
	route("GET /api/v1/webhooks", h.listWebhooks)
	route("GET /api/v1/webhooks/{id}", h.getWebhook)
	route("PATCH /api/v1/webhooks/{id}", h.updateWebhook)
	route("POST /api/v1/webhooks/{id}/enable", h.enableWebhook)
	route("POST /api/v1/webhooks/{id}/disable", h.disableWebhook)
	route("POST /api/v1/webhooks/{id}/archive", h.archiveWebhook)
	route("POST /api/v1/webhooks/{id}/rotate-secret", h.rotateWebhookSecret)
	route("GET /api/v1/webhooks/{id}/deliveries", h.listWebhookDeliveries)
	route("POST /api/v1/webhooks/{id}/deliveries/{delivery}/redeliver", h.redeliverWebhook)
	route("POST /api/v1/webhooks/{id}/redeliver-failed", h.redeliverFailedWebhooks)

	route("POST /api/v1/inquiry-templates", h.createTemplate)
	route("GET /api/v1/inquiry-templates", h.listTemplates)
	route("GET /api/v1/inquiry-templates/{id}", h.getTemplate)
	route("POST /api/v1/inquiry-templates/{id}/publish", h.publishTemplate)
	route("POST /api/v1/inquiry-templates/{id}/activate", h.activateTemplate)
	route("POST /api/v1/inquiry-templates/{id}/deactivate", h.deactivateTemplate)
	route("GET /api/v1/inquiry-template-versions/{id}", h.getTemplateVersion)

	mux.Handle(Prefix+"/", fallback(mux, refused))
	mux.Handle(Prefix, fallback(mux, refused))
	return mux
}

// handler holds what the routes share.
type handler struct {
	svc     *vouch.Service
	maxBody int64
	logger  *slog.Logger       // fallback for requests without a logger
	limiter *ratelimit.Limiter // nil when rate limiting is disabled
	locks   keyLocks           // idempotency keys in flight
	cache   responseCache
	now     func() time.Time
	// publicURL is Config.PublicURL without a trailing slash.
	publicURL string

	onCacheLookup func(hit bool) // nil: not counted
}

// call is what the pipeline learned about an authenticated request.
type call struct {
	key        *vouch.APIKey
	env        vouch.Environment // the key's: it scopes every lookup
	body       []byte            // the raw body of a POST or PATCH
	inflection string            // Key-Inflection of the response
	version    string            // Persona-Version, "" when absent (version.go)
}

// reply is what a route answers when it succeeds.
type reply struct {
	status   int
	doc      any
	objectID string // the inquiry the response describes, for idempotency
}

// apiFunc is one route's logic. It returns a reply or an error; rendering,
// idempotency and inflection are the pipeline's.
type apiFunc func(r *http.Request, c *call) (*reply, error)

// serve wraps fn in the pipeline: authentication, rate limit, body limit,
// then idempotency for POSTs that ask for it (spec §4.5 puts 401 and 429
// before the idempotency layer).
func (h *handler) serve(fn apiFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := request.LoggerFrom(r.Context()); !ok && h.logger != nil {
			r = r.WithContext(request.WithLogger(r.Context(), h.logger))
		}
		c, err := h.begin(w, r)
		if err != nil {
			response.Error(w, r, err)
			return
		}
		if key := r.Header.Get(IdempotencyKeyHeader); key != "" && r.Method == http.MethodPost {
			h.idempotent(w, r, c, key, fn)
			return
		}
		res := h.run(r, c, fn)
		response.Raw(w, res.status, res.body)
	})
}

// begin authenticates, rate-limits and reads the body.
func (h *handler) begin(w http.ResponseWriter, r *http.Request) (*call, error) {
	key, err := h.authenticate(r)
	if err != nil {
		return nil, err
	}
	if err := h.rateLimit(w, key); err != nil {
		return nil, err
	}
	c := &call{key: key, env: key.Environment}
	if c.inflection, err = keyInflection(r); err != nil {
		return nil, err
	}
	if c.version, err = personaVersion(r); err != nil {
		return nil, err
	}
	if r.Method == http.MethodPost || r.Method == http.MethodPatch {
		c.body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, h.maxBody))
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return nil, err // web/response makes it a 413
		} else if err != nil {
			return nil, vouch.Errorf(vouch.EINVALID, "The request body could not be read.")
		}
	}
	return c, nil
}

// result is a rendered response: what is sent and, for idempotency, stored.
type result struct {
	status   int
	body     []byte
	objectID string
}

// run calls fn and renders its reply or error.
func (h *handler) run(r *http.Request, c *call, fn apiFunc) result {
	rep, err := fn(r, c)
	var body []byte
	if err == nil {
		if raw, ok := rep.doc.(rendered); ok {
			body, err = Inflect(raw, c.inflection)
		} else if body, err = response.Marshal(rep.doc); err == nil {
			body, err = Inflect(body, c.inflection)
		}
	}
	if err != nil {
		rec := newRecorder()
		response.Error(rec, r, err)
		return result{status: rec.status, body: rec.body.Bytes()}
	}
	return result{status: rep.status, body: body, objectID: rep.objectID}
}

// fallback answers what no route matched under /api/v1: 405 with an Allow
// header when the path exists for other methods, else 404, both as JSON
// (ServeMux's own answers are plain text). The refused patterns only
// answer 405 themselves, so they allow nothing.
func fallback(mux *http.ServeMux, refused map[string]bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var allowed []string
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "" && pattern != Prefix && pattern != Prefix+"/" && !refused[pattern] {
				allowed = append(allowed, m)
			}
		}
		if len(allowed) == 0 {
			response.Error(w, r, vouch.Errorf(vouch.ENOTFOUND, "No route %s %s.", r.Method, clip(r.URL.Path)))
			return
		}
		if allowed[0] == http.MethodGet {
			allowed = append(allowed, http.MethodHead)
		}
		notAllowed(w, r, allowed)
	})
}

// notAllowed answers 405 with an Allow header listing allowed.
func notAllowed(w http.ResponseWriter, r *http.Request, allowed []string) {
	w.Header().Set("Allow", strings.Join(allowed, ", "))
	response.JSON(w, http.StatusMethodNotAllowed, response.ErrorDocument{Errors: []response.ErrorObject{{
		Title:   http.StatusText(http.StatusMethodNotAllowed),
		Details: "Method " + r.Method + " is not allowed here; use " + strings.Join(allowed, ", ") + ".",
	}}})
}
