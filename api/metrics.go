package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/exports"
	"github.com/customs-survey/surveyd/internal/metrics"
)

// The service's measurements (docs/api.md, Metrics) are taken here: every
// request by the measure middleware, submissions and scores reports by
// their use cases' observers, exports by their handlers (timeExport), the
// connection pool by a collector over its statistics. GET /metrics serves
// them, outside /api/v1 and without a token: they hold no secret and no
// figure of one account or administration, only counts and durations per
// route pattern, method, status, outcome and format.

// instrument makes m (a fresh set if nil) the server's measurements: the
// use cases report to it and the store's connection pool is watched.
func (s *server) instrument(m *metrics.Metrics) {
	if m == nil {
		m = metrics.New()
	}
	if s.store != nil {
		m.WatchPool(s.store.Pool(), s.store.Dialect())
		if p := s.store.ExportPool(); p != nil {
			m.WatchPool(p, s.store.Dialect()+"_exports")
		}
	}
	s.metrics = m
	s.responding = s.responding.WithObserver(m.Submission)
	s.reports = s.reports.WithObserver(m.Scoring)
}

// metricsRoute adds GET /metrics to r, unless the metrics are served on a
// listener of their own (Config.MetricsElsewhere).
func (s *server) metricsRoute(r gin.IRoutes) {
	if !s.cfg.MetricsElsewhere {
		r.GET("/metrics", func(c *gin.Context) { s.metrics.Handler().ServeHTTP(c.Writer, c.Request) })
	}
}

// measure counts and times every request, by route pattern, method and
// status, once it is answered (also when a handler cuts the connection).
func (s *server) measure(c *gin.Context) {
	start := time.Now()
	defer func() { s.metrics.Request(routeOf(c), c.Request.Method, c.Writer.Status(), time.Since(start)) }()
	c.Next()
}

// routeOf is the route pattern of a request, never its concrete path: the
// API's (/api/v1/campaigns/:key), else that of the page that took it
// (/campaigns/{key}, without its method), else metrics.Unmatched.
func routeOf(c *gin.Context) string {
	if route := c.FullPath(); route != "" {
		return route
	}
	if pattern := c.Request.Pattern; pattern != "" {
		if _, path, ok := strings.Cut(pattern, " "); ok {
			return path
		}
		return pattern
	}
	return metrics.Unmatched
}

// timeExport starts timing an export of a kind (metrics.ExportScores,
// metrics.ExportResponses) in a format; the function it returns, deferred
// by the handler, records the export if it began (status 200), whether or
// not it ran to its end.
func (s *server) timeExport(c *gin.Context, kind string, format exports.Format) func() {
	start := time.Now()
	return func() {
		if c.Writer.Status() == http.StatusOK {
			s.metrics.Export(kind, format, time.Since(start))
		}
	}
}
