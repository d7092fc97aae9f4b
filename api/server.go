// Package api is the HTTP interface of the service: the routes of docs/api.md,
// request decoding and validation, conversion of domain values to JSON, and
// the mapping of every error to an RFC 9457 problem document. It is the only
// package that imports gin; it holds no SQL and no business rules.
package api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/internal/metrics"
	"github.com/customs-survey/surveyd/questionnaires"
	"github.com/customs-survey/surveyd/reports"
	"github.com/customs-survey/surveyd/responding"
	"github.com/customs-survey/surveyd/scores"
	"github.com/customs-survey/surveyd/store"
	"github.com/customs-survey/surveyd/users"
)

// DefaultBodyLimit is the largest request body accepted unless configured.
const DefaultBodyLimit = 1 << 20

// Config tunes the HTTP layer.
type Config struct {
	// BodyLimit is the largest accepted request body in bytes.
	BodyLimit int64
	// Logger receives one line per request and the causes of 500s.
	Logger *slog.Logger
	// Now is the clock, for tests; nil means time.Now.
	Now func() time.Time
	// TrustedProxies lists the addresses or CIDRs of reverse proxies whose
	// X-Forwarded-For header names the client. None by default: the login
	// throttle must not be steered by a header any client can send.
	TrustedProxies []string
	// CORSOrigins lists the browser origins allowed to call the API; none
	// by default.
	CORSOrigins []string
	// Exports bounds the responses exports (see ExportLimits).
	Exports ExportLimits
	// MetricsElsewhere leaves GET /metrics out of the routes, when the
	// metrics are served on a listener of their own (SURVEY_METRICS_ADDR).
	MetricsElsewhere bool
}

// Deps are the use cases the handlers call, and the web pages.
type Deps struct {
	Store *store.Store
	Auth  *auth.Service
	// Pages, if not nil, answers every path outside /api/ that no route
	// of the API takes (the web pages), behind the same logging, request
	// ids, panic recovery and body limit, with the client's address in
	// the request's context (auth.ClientAddress).
	Pages http.Handler
	// Metrics receives the server's measurements; nil: a set of its own.
	Metrics *metrics.Metrics
}

type server struct {
	cfg            Config
	store          *store.Store
	auth           *auth.Service
	pages          http.Handler
	users          *users.Service
	questionnaires *questionnaires.Service
	campaigns      *campaigns.Service
	responding     *responding.Service
	reports        *scores.Service
	annual         *reports.Service
	runs           *scores.Runs
	log            *slog.Logger
	now            func() time.Time
	exports        *exportSlots
	metrics        *metrics.Metrics
	// refusals thins out the audit events of throttled anonymous requests.
	refusals *refusalLog
}

// NewServer returns the handler serving the whole API.
func NewServer(cfg Config, deps Deps) http.Handler {
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = DefaultBodyLimit
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.Exports = cfg.Exports.withDefaults()
	s := &server{cfg: cfg, store: deps.Store, auth: deps.Auth, pages: deps.Pages, log: cfg.Logger, now: cfg.Now,
		users: users.New(deps.Store), questionnaires: questionnaires.New(deps.Store),
		campaigns: campaigns.New(deps.Store).WithClock(cfg.Now), responding: responding.New(deps.Store, cfg.Now), reports: scores.New(deps.Store, cfg.Now),
		exports: newExportSlots(cfg.Exports), refusals: newRefusalLog()}
	s.instrument(deps.Metrics)
	s.runs = scores.NewRuns(s.reports, deps.Store)
	s.annual = reports.New(deps.Store, reports.Live(s.reports, s.runs))
	return withCORS(cfg.CORSOrigins, s.routes())
}

func newEngine(trustedProxies []string) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	e := gin.New()
	if err := e.SetTrustedProxies(trustedProxies); err != nil {
		// surveyd validates the list at start-up; should a bad one get
		// here anyway, trust no proxy rather than any.
		_ = e.SetTrustedProxies(nil)
	}
	e.HandleMethodNotAllowed = true
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.ContextWithFallback = true
	return e
}

type requestIDKey struct{}

// requestID returns the id given to the request by the logging middleware.
func requestID(c *gin.Context) string {
	if v, ok := c.Request.Context().Value(requestIDKey{}).(string); ok {
		return v
	}
	return ""
}

// logRequests gives each request an id (echoed in X-Request-ID) and logs one
// line per request: its route pattern and its concrete path. It never logs
// bodies, headers or query strings, which may hold passwords or tokens.
func (s *server) logRequests(c *gin.Context) {
	start := time.Now()
	id := c.GetHeader("X-Request-ID")
	if !validRequestID(id) {
		var b [8]byte
		_, _ = rand.Read(b[:])
		id = hex.EncodeToString(b[:])
	}
	c.Header("X-Request-ID", id)
	c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), requestIDKey{}, id))
	c.Next()
	route := c.FullPath()
	if route == "" {
		route = "(unmatched)"
	}
	s.log.LogAttrs(c.Request.Context(), slog.LevelInfo, "request",
		slog.String("request_id", id), slog.String("method", c.Request.Method), slog.String("route", route),
		slog.String("path", loggedPath(c.Request.URL.Path)),
		slog.Int("status", c.Writer.Status()), slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
		slog.String("remote", c.ClientIP()))
}

// maxLoggedPath bounds what one request can add to the log.
const maxLoggedPath = 200

// loggedPath is the concrete path of a request (the campaign key or the
// user id that the route pattern leaves out), cut to maxLoggedPath bytes on
// a character boundary. The query string is never logged.
func loggedPath(p string) string {
	if len(p) <= maxLoggedPath {
		return p
	}
	cut := maxLoggedPath
	for cut > 0 && !utf8.RuneStart(p[cut]) {
		cut--
	}
	return p[:cut] + "…"
}

func validRequestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// recoverPanics turns a panic into a logged 500 problem.
func (s *server) recoverPanics(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			s.log.LogAttrs(c.Request.Context(), slog.LevelError, "panic", slog.String("request_id", requestID(c)), slog.Any("panic", r))
			writeProblem(c, problemInternal, "an internal error occurred; it has been logged with request id "+requestID(c), nil)
		}
	}()
	c.Next()
}

// secureHeaders sets the headers every API answer carries.
func secureHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	c.Next()
}

// limitBody caps every request body at the configured size. The pages
// apply the same limit themselves, to answer it with a page.
func (s *server) limitBody(c *gin.Context) {
	if s.servesPage(c.Request.URL.Path) {
		c.Next()
		return
	}
	if c.Request.ContentLength > s.cfg.BodyLimit {
		s.writeError(c, errBodyTooLarge)
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, s.cfg.BodyLimit)
	c.Next()
}

// authenticate requires a valid bearer access token and puts the caller's
// Principal in the request context. On the routes of a save and a
// submission, the check may be left for the change (defersCheck).
func (s *server) authenticate(c *gin.Context) {
	token, ok := bearerToken(c.GetHeader("Authorization"))
	if !ok {
		writeProblem(c, problemUnauthorized, "an Authorization: Bearer <access_token> header is required", nil)
		return
	}
	if defersCheck(c) {
		s.authenticateDeferred(c, token)
		return
	}
	p, err := s.auth.Authenticate(c.Request.Context(), token)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Request = c.Request.WithContext(auth.WithPrincipal(c.Request.Context(), p))
	c.Next()
}

func bearerToken(header string) (string, bool) {
	scheme, token, ok := strings.Cut(header, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return "", false
	}
	return strings.TrimSpace(token), true
}

// allow lets only the given roles through (403 for the others).
func allow(roles ...auth.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		p, ok := auth.PrincipalFrom(c.Request.Context())
		if !ok {
			writeProblem(c, problemUnauthorized, "authentication required", nil)
			return
		}
		for _, r := range roles {
			if p.Role == r {
				c.Next()
				return
			}
		}
		writeProblem(c, problemForbidden, "the "+string(p.Role)+" role may not do this", nil)
	}
}

// principal returns the caller; routes behind authenticate always have one.
func principal(c *gin.Context) auth.Principal {
	p, _ := auth.PrincipalFrom(c.Request.Context())
	return p
}
