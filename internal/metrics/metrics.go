// Package metrics holds the service's measurements and serves them in the
// Prometheus text format: requests per route, submissions, scoring,
// exports, the database's connection pool, password hashing, and the Go
// runtime and the process. Each server has a Metrics of its own, with its
// own registry (never the global one), so that servers in one process, as
// in the tests, count apart. The families and their labels are listed in
// docs/api.md (Metrics).
//
// Every label takes its values from a small fixed set (route patterns,
// methods, statuses, outcomes, formats): never a concrete path, a campaign
// key or an account, so that no request can create a new series.
package metrics

import (
	"database/sql"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/customs-survey/surveyd/auth/passwords"
	"github.com/customs-survey/surveyd/exports"
	"github.com/customs-survey/surveyd/responding"
)

// Unmatched is the route of a request that no route pattern took.
const Unmatched = "(unmatched)"

// The kinds of export (the export duration's kind label).
const (
	ExportScores    = "scores"
	ExportResponses = "responses"
)

// exportBuckets reach the server's 5-minute write timeout, the longest an
// export can take.
var exportBuckets = []float64{0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300}

// Metrics is one server's measurements. Its methods are safe for
// concurrent use.
type Metrics struct {
	registry           *prometheus.Registry
	requests           *prometheus.CounterVec
	requestDuration    *prometheus.HistogramVec
	submissions        *prometheus.CounterVec
	submissionDuration prometheus.Histogram
	scoringDuration    prometheus.Histogram
	exportDuration     *prometheus.HistogramVec
	handler            http.Handler
}

// New returns the measurements of one server, with the Go runtime's and
// the process's, and the state of password hashing.
func New() *Metrics {
	m := &Metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "surveyd", Name: "http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status."}, []string{"route", "method", "status"}),
		requestDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "surveyd", Name: "http_request_duration_seconds",
			Help:    "Time from a request's arrival to the end of its answer, by route pattern, method and status.",
			Buckets: prometheus.DefBuckets}, []string{"route", "method", "status"}),
		submissions: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "surveyd", Name: "submissions_total",
			Help: "Submissions of responses, by outcome."}, []string{"outcome"}),
		submissionDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "surveyd", Name: "submission_duration_seconds",
			Help: "Time a submission took, whatever its outcome.", Buckets: prometheus.DefBuckets}),
		scoringDuration: prometheus.NewHistogram(prometheus.HistogramOpts{Namespace: "surveyd", Name: "scoring_duration_seconds",
			Help:    "Time a scores report took to read its campaigns' tallies and compute every indicator.",
			Buckets: prometheus.DefBuckets}),
		exportDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: "surveyd", Name: "export_duration_seconds",
			Help:    "Time an export took, to its last byte, by kind (scores, responses) and format.",
			Buckets: exportBuckets}, []string{"kind", "format"}),
	}
	// The outcomes and exports start at zero, so that a rate is defined
	// before the first one happens.
	for _, o := range responding.Outcomes {
		m.submissions.WithLabelValues(string(o))
	}
	for _, kind := range []string{ExportScores, ExportResponses} {
		for _, f := range exports.Formats {
			m.exportDuration.WithLabelValues(kind, string(f))
		}
	}
	m.registry.MustRegister(m.requests, m.requestDuration, m.submissions, m.submissionDuration, m.scoringDuration,
		m.exportDuration,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "surveyd", Name: "password_hashes_in_flight",
			Help: "Password hashes (argon2id) computing now; at password_hash_slots, logins wait."},
			func() float64 { return float64(passwords.InFlight()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Namespace: "surveyd", Name: "password_hash_slots",
			Help: "Password hashes that the memory budget lets compute at once (SURVEY_PASSWORD_HASH_MEMORY)."},
			func() float64 { return float64(passwords.Slots()) }),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		newResidentMemory(),
	)
	m.handler = promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
	return m
}

// WatchPool adds the statistics of a database connection pool (open, in
// use and idle connections, waits for one and their total duration),
// labelled db_name=name. A pool watched under the same name before is
// replaced: a server watches the pool of the store it serves.
func (m *Metrics) WatchPool(db *sql.DB, name string) {
	c := collectors.NewDBStatsCollector(db, name)
	err := m.registry.Register(c)
	var dup prometheus.AlreadyRegisteredError
	if errors.As(err, &dup) {
		m.registry.Unregister(dup.ExistingCollector)
		err = m.registry.Register(c)
	}
	if err != nil {
		panic("metrics: watch the database pool: " + err.Error()) // a programming error: two families of one name
	}
}

// Handler serves every measurement in the Prometheus text format (or
// another format the scraper asks for).
func (m *Metrics) Handler() http.Handler { return m.handler }

// Request counts an answered HTTP request. route must be a route pattern
// or Unmatched, never a concrete path.
func (m *Metrics) Request(route, method string, status int, took time.Duration) {
	method, code := methodLabel(method), strconv.Itoa(status)
	m.requests.WithLabelValues(route, method, code).Inc()
	m.requestDuration.WithLabelValues(route, method, code).Observe(took.Seconds())
}

// Submission counts a submission; it is a responding.Observer.
func (m *Metrics) Submission(outcome responding.Outcome, took time.Duration) {
	m.submissions.WithLabelValues(string(outcome)).Inc()
	m.submissionDuration.Observe(took.Seconds())
}

// Scoring times a scores report; it is a scores.Observer.
func (m *Metrics) Scoring(took time.Duration) { m.scoringDuration.Observe(took.Seconds()) }

// Export times an export of a kind (ExportScores, ExportResponses) in a
// format.
func (m *Metrics) Export(kind string, format exports.Format, took time.Duration) {
	m.exportDuration.WithLabelValues(kind, string(format)).Observe(took.Seconds())
}

// methodLabel is the method of a request as a label: the methods of HTTP
// by name, any other word as "other", since a client may send any word.
func methodLabel(method string) string {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete,
		http.MethodOptions, http.MethodConnect, http.MethodTrace:
		return method
	}
	return "other"
}
