package main

import (
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/customs-survey/surveyd/internal/metrics"
)

// listenMetrics serves GET /metrics, and nothing else, on a listener of its
// own (SURVEY_METRICS_ADDR): a port that a firewall can open to the scraper
// alone. It answers from the start, while the service is still waiting for
// its database. The caller starts the server on the listener returned and
// shuts it down with the main one.
func listenMetrics(cfg config, m *metrics.Metrics, stdout io.Writer, log *slog.Logger) (*http.Server, net.Listener, error) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: min(10*time.Second, cfg.ReadTimeout),
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return nil, nil, fmt.Errorf("SURVEY_METRICS_ADDR: %w", err)
	}
	log.Info("metrics listening", "addr", ln.Addr().String())
	fmt.Fprintf(stdout, "surveyd metrics on %s\n", ln.Addr())
	return srv, ln, nil
}
