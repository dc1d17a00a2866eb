// SPDX-License-Identifier: Apache-2.0

package flow

import (
	"embed"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"

	"github.com/vouch-id/vouch"
	"github.com/vouch-id/vouch/web/ratelimit"
)

// Routes the official SDK, the Vouch SDK and the hosted links depend on
// (spec §1.2, §1.6, §2). Never change one.
const (
	RouteWidget  = "/widget"
	RouteVerify  = "/verify"
	RoutePreload = "/preload"
	// RouteShortLink is the short form of a one-time link, for SMS and QR
	// codes: it redirects to /verify?code=… (spec §7).
	RouteShortLink = "/l/{code}"
)

// PageRoutes are the routes above, which a server mounts for GET beside
// the flow's own routes under /flow/.
var PageRoutes = []string{RouteWidget, RouteVerify, RoutePreload, RouteShortLink}

// Routes used only by the flow's own page (flow.js). They are ours to
// change, but keep them in one place. {env} is the inquiry's environment.
const (
	RouteStatic       = "/flow/static/"
	RouteLegacyCreate = "/flow/{env}/inquiries"
	RouteStep         = "/flow/{env}/inquiries/{id}/steps/{step}"
	RouteState        = "/flow/{env}/inquiries/{id}/state"
)

// SessionHeader carries the session token from page memory to the flow's
// routes: never a cookie (third-party cookies are blocked in iframes, and a
// cookie would be sent by other tabs), never a URL we create (URLs end up in
// logs and histories).
const SessionHeader = "Vouch-Session-Token"

// LanguageHeader carries the page's language to the flow's routes.
const LanguageHeader = "Vouch-Language"

//go:embed views/*.html
var viewFiles embed.FS

//go:embed static
var staticFiles embed.FS

// Config tunes the flow.
type Config struct {
	// Logger receives the flow's own log lines (ids and codes only); nil
	// uses slog.Default.
	Logger *slog.Logger
	// MaxUploadBytes bounds one uploaded image (default 10 MiB).
	MaxUploadBytes int64
	// CreateLimit bounds the inquiries the flow creates for one client
	// network (request.Network of request.ClientAddr); nil means no limit.
	// A template id is public, so without it one client could create
	// inquiries from a page's template as fast as it can send requests.
	CreateLimit *ratelimit.Limiter
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client.
	TrustedProxies []netip.Prefix
}

// Handler serves the hosted and embedded inquiry flow.
type Handler struct {
	svc        *vouch.Service
	cfg        Config
	views      *template.Template
	catalogues map[string]catalogue
	mux        *http.ServeMux
}

// NewHandler returns the flow surface for svc. Every route of the flow is
// listed here. cmd/vouch mounts the handler on "GET /widget", "GET /verify",
// "GET /preload" and "/flow/"; it answers nothing else.
func NewHandler(svc *vouch.Service, cfg Config) (*Handler, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.MaxUploadBytes == 0 {
		cfg.MaxUploadBytes = 10 << 20
	}
	views, err := template.New("flow").Funcs(viewFuncs).ParseFS(viewFiles, "views/*.html")
	if err != nil {
		return nil, fmt.Errorf("flow: parse views: %w", err)
	}
	cats, err := loadCatalogues()
	if err != nil {
		return nil, err
	}
	static, err := fs.Sub(staticFiles, "static")
	if err != nil {
		return nil, fmt.Errorf("flow: static files: %w", err)
	}
	h := &Handler{svc: svc, cfg: cfg, views: views, catalogues: cats, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET "+RouteWidget, h.widget)
	h.mux.HandleFunc("GET "+RouteVerify, h.verify)
	h.mux.HandleFunc("GET "+RoutePreload, h.preload)
	h.mux.HandleFunc("GET "+RouteShortLink, h.shortLink)
	h.mux.Handle("GET "+RouteStatic+"{file}", http.StripPrefix(RouteStatic, staticHandler(static)))
	h.mux.HandleFunc("POST "+RouteLegacyCreate, h.legacyCreate)
	h.mux.HandleFunc("POST "+RouteStep, h.submitStep)
	h.mux.HandleFunc("GET "+RouteState, h.state)
	return h, nil
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h.mux.ServeHTTP(w, r)
}

// staticHandler serves flow.js and flow.css from our origin, the only
// place the CSP lets scripts and styles come from.
func staticHandler(static fs.FS) http.Handler {
	files := http.FileServerFS(static)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Content-Type-Options", "nosniff")
		w.Header().Set("Cache-Control", "public, max-age=300")
		files.ServeHTTP(w, r)
	})
}
