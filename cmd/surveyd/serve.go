package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/customs-survey/surveyd/api"
	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/auth/passwords"
	"github.com/customs-survey/surveyd/internal/gcconfig"
	"github.com/customs-survey/surveyd/internal/metrics"
	"github.com/customs-survey/surveyd/store"
	"github.com/customs-survey/surveyd/users"
	"github.com/customs-survey/surveyd/web"
)

// Token lifetimes and names; the access token is short-lived, the refresh
// token rotates at every use.
const (
	accessTTL     = 15 * time.Minute
	refreshTTL    = 7 * 24 * time.Hour
	tokenIssuer   = "surveyd"
	tokenAudience = "surveyd-api"
)

// serve runs the API until ctx ends. It listens at once and answers 503
// until the database is reachable and migrated, retrying in the background,
// so that a service started before its database becomes ready by itself.
func serve(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer, log *slog.Logger) error {
	var demoMode bool
	cfg, _, err := loadConfig("serve", args, getenv, func(fs *flag.FlagSet) {
		fs.BoolVar(&demoMode, "demo", false, "serve the 2023 report's data on a fresh embedded database")
	})
	if err != nil {
		return err
	}
	var prepare func(context.Context, *store.Store) error
	if demoMode {
		var cleanup func()
		if prepare, cleanup, err = setUpDemo(&cfg, stdout); err != nil {
			return err
		}
		defer cleanup()
	}
	if _, err := store.DialectOf(cfg.DatabaseURL); err != nil {
		return fmt.Errorf("SURVEY_DATABASE_URL: %w", err)
	}
	var secret []byte
	if cfg.JWTSecret != "" {
		if secret, err = auth.ParseSecret(cfg.JWTSecret); err != nil {
			return fmt.Errorf("SURVEY_JWT_SECRET: %w", err)
		}
	}
	if (cfg.AdminEmail == "") != (cfg.AdminPassword == "") {
		return errors.New("set both SURVEY_ADMIN_EMAIL and SURVEY_ADMIN_PASSWORD, or neither")
	}
	// Concurrent password hashing stays within its memory budget
	// (SURVEY_PASSWORD_HASH_MEMORY); beyond it, logins wait briefly, then
	// answer 503.
	slots := passwords.SetMemoryBudget(cfg.PasswordHashMemory)
	log.Info("password hashing", "memory_budget_bytes", cfg.PasswordHashMemory, "concurrent_hashes", slots)
	// The budget in force: SetMemoryBudget raises one too small for a
	// single computation.
	gcPercent, memoryLimit := tuneGC(getenv, max(cfg.PasswordHashMemory, passwords.Memory()))
	log.Info("garbage collector", "gc_percent", gcPercent, "memory_limit_bytes", memoryLimit)

	handler := &switchable{}
	handler.set(api.Starting())
	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           handler,
		ReadHeaderTimeout: min(10*time.Second, cfg.ReadTimeout),
		ReadTimeout:       cfg.ReadTimeout,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	log.Info("listening", "addr", ln.Addr().String())
	fmt.Fprintf(stdout, "surveyd listening on %s\n", ln.Addr())
	// The port actually bound (for --addr :0), for what the demo prints.
	if host, _, err := net.SplitHostPort(cfg.Addr); err == nil {
		if _, port, err := net.SplitHostPort(ln.Addr().String()); err == nil {
			cfg.Addr = net.JoinHostPort(host, port)
		}
	}

	served := make(chan error, 2) // the main server's end, and the metrics server's
	go func() { served <- srv.Serve(ln) }()
	// The measurements, created once for the whole life of the command,
	// served on the main address or on their own (SURVEY_METRICS_ADDR).
	measured := metrics.New()
	if cfg.MetricsAddr != "" {
		metricsSrv, metricsLn, err := listenMetrics(cfg, measured, stdout, log)
		if err != nil {
			srv.Close()
			return err
		}
		go func() { served <- metricsSrv.Serve(metricsLn) }()
		defer metricsSrv.Close()
	}

	var st *store.Store
	bootCtx, cancelBoot := context.WithCancel(ctx)
	defer cancelBoot()
	booted := make(chan struct{})
	var bootErr error
	go func() {
		defer close(booted)
		st, bootErr = bootstrap(bootCtx, cfg, secret, measured, log, handler, prepare)
	}()
	// Once ready, old audit events are deleted in the background
	// (SURVEY_AUDIT_RETENTION) until shutdown.
	pruned := make(chan struct{})
	go func() {
		defer close(pruned)
		<-booted
		if st != nil && bootErr == nil {
			pruneAudit(bootCtx, st, cfg.AuditRetention, pruneAuditEvery, log)
		}
	}()

	select {
	case err := <-served:
		return err
	case <-ctx.Done():
	case <-booted:
		if bootErr != nil {
			// A configuration the database shows to be unusable (a weak
			// first-admin password while no admin exists): stop.
			srv.Close()
			return bootErr
		}
		select {
		case err := <-served:
			return err
		case <-ctx.Done():
		}
	}
	log.Info("shutting down")
	cancelBoot()
	<-booted
	<-pruned
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdownCtx)
	if st != nil {
		st.Close()
	}
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	log.Info("stopped")
	return err
}

// switchable is the server's handler: the start-up handler until the
// database is ready, then the API. The two differ in type (and the API's
// depends on the settings: with CORS it is wrapped), so it holds a pointer
// to the interface rather than the interface itself in an atomic.Value,
// which refuses values of different types.
type switchable struct{ current atomic.Pointer[http.Handler] }

func (s *switchable) set(h http.Handler) { s.current.Store(&h) }

func (s *switchable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*s.current.Load()).ServeHTTP(w, r)
}

// bootstrap connects to the database, applies migrations, creates the first
// admin and loads the token key, retrying until it succeeds or ctx ends;
// then it swaps the real API in.
func bootstrap(ctx context.Context, cfg config, secret []byte, measured *metrics.Metrics, log *slog.Logger, handler *switchable,
	prepare func(context.Context, *store.Store) error) (*store.Store, error) {
	delay := 500 * time.Millisecond
	for {
		st, err := start(ctx, cfg, secret, measured, log, handler, prepare)
		if err == nil {
			return st, nil
		}
		if errors.Is(err, passwords.ErrPolicy) {
			return nil, fmt.Errorf("SURVEY_ADMIN_PASSWORD: %w", err)
		}
		log.Warn("database not ready; retrying", "error", err.Error(), "in", delay.String())
		select {
		case <-ctx.Done():
			return nil, nil
		case <-time.After(delay):
		}
		delay = min(2*delay, 10*time.Second)
	}
}

func start(ctx context.Context, cfg config, secret []byte, measured *metrics.Metrics, log *slog.Logger, handler *switchable,
	prepare func(context.Context, *store.Store) error) (*store.Store, error) {
	st, err := store.Open(ctx, cfg.DatabaseURL, store.Options{Migrate: true, Logger: log})
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*store.Store, error) { st.Close(); return nil, err }
	if prepare != nil {
		if err := prepare(ctx, st); err != nil {
			return fail(err)
		}
	}
	if cfg.AdminEmail != "" {
		created, err := users.New(st).EnsureAdmin(ctx, cfg.AdminEmail, cfg.AdminPassword)
		if err != nil {
			return fail(err)
		}
		if created {
			log.Info("first admin created", "email", cfg.AdminEmail)
		}
	}
	if secret == nil {
		if secret, err = st.JWTSecret(ctx); err != nil {
			return fail(err)
		}
	}
	issuer, err := auth.NewIssuer(secret, tokenIssuer, tokenAudience, accessTTL)
	if err != nil {
		return fail(err)
	}
	sessions := auth.NewService(st, issuer, auth.DefaultThrottle, refreshTTL, nil)
	deps := api.Deps{Store: st, Auth: sessions, Metrics: measured}
	if cfg.Pages {
		deps.Pages = web.NewHandler(web.Config{Logger: log, SecureCookies: cfg.SecureCookies, BodyLimit: cfg.BodyLimit}, web.Deps{Store: st, Auth: sessions, Metrics: measured})
	}
	handler.set(api.NewServer(api.Config{BodyLimit: cfg.BodyLimit, Logger: log, TrustedProxies: cfg.TrustedProxies,
		CORSOrigins: cfg.CORSOrigins, MetricsElsewhere: cfg.MetricsAddr != ""}, deps))
	log.Info("ready", "database", st.Dialect())
	return st, nil
}

// tuneGC sets the garbage collector's target and soft memory limit for a
// password hashing budget (gcconfig: why these), each unless its variable
// (GOGC, GOMEMLIMIT) is set, and returns those in force.
func tuneGC(getenv func(string) string, hashBudget int64) (percent int, limit int64) {
	percent = gcconfig.Percent
	if getenv("GOGC") == "" {
		debug.SetGCPercent(gcconfig.Percent)
	} else {
		// The runtime's reading of GOGC: SetGCPercent answers with the
		// setting it replaces, put back at once (turning the collector
		// off for that instant, never on).
		percent = debug.SetGCPercent(-1)
		debug.SetGCPercent(percent)
	}
	if getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(hashBudget + gcconfig.OverBudget)
	}
	return percent, debug.SetMemoryLimit(-1)
}
