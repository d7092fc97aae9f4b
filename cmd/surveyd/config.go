package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/customs-survey/surveyd/api"
	"github.com/customs-survey/surveyd/auth/passwords"
)

// config is the service's configuration, read from the environment and
// overridden by flags.
type config struct {
	Addr          string
	DatabaseURL   string
	AdminEmail    string
	AdminPassword string
	JWTSecret     string
	BodyLimit     int64
	// TrustedProxies are the reverse proxies allowed to name the client in
	// X-Forwarded-For (SURVEY_TRUSTED_PROXIES, comma-separated IPs or CIDRs).
	TrustedProxies []string
	// CORSOrigins are the browser origins allowed to call the API
	// (SURVEY_CORS_ORIGINS, comma-separated); none by default.
	CORSOrigins []string
	// ReadTimeout bounds how long a client may take to send a request,
	// headers and body (SURVEY_READ_TIMEOUT, default 30s), so that slow
	// clients cannot hold connections open.
	ReadTimeout time.Duration
	// AuditRetention is how long audit events are kept
	// (SURVEY_AUDIT_RETENTION, default 1095d: three years); zero keeps
	// them for ever.
	AuditRetention time.Duration
	// PasswordHashMemory is the memory budget of password hashing, in bytes
	// (SURVEY_PASSWORD_HASH_MEMORY, default 64MiB): it bounds how many
	// argon2id computations run at once (see passwords.SetMemoryBudget).
	PasswordHashMemory int64
	// Pages serves the web pages at / (SURVEY_PAGES, on by default; off
	// for an API-only deployment).
	Pages bool
	// MetricsAddr, if set, is a listener of its own for GET /metrics
	// (SURVEY_METRICS_ADDR), which the main address then does not serve:
	// for a port that only the scraper's network reaches.
	MetricsAddr string
	// SecureCookies marks the pages' cookies Secure even on plain HTTP
	// requests (SURVEY_COOKIE_SECURE, off by default): set it when a proxy
	// terminates TLS in front of the service. Requests that arrive over
	// TLS get Secure cookies anyway.
	SecureCookies bool
}

// defaultAuditRetention covers a campaign year, the next year's report that
// compares with it, and the usual time an audit of either may come later.
const defaultAuditRetention = 3 * 365 * 24 * time.Hour

// loadConfig reads the environment, then the flags of a subcommand.
func loadConfig(name string, args []string, getenv func(string) string, extra func(*flag.FlagSet)) (config, *flag.FlagSet, error) {
	cfg := config{
		Addr:          orDefault(getenv("SURVEY_ADDR"), ":8080"),
		DatabaseURL:   orDefault(getenv("SURVEY_DATABASE_URL"), "sqlite://surveyd.db"),
		AdminEmail:    getenv("SURVEY_ADMIN_EMAIL"),
		AdminPassword: getenv("SURVEY_ADMIN_PASSWORD"),
		JWTSecret:     getenv("SURVEY_JWT_SECRET"),
	}
	limit := orDefault(getenv("SURVEY_BODY_LIMIT"), "1MiB")
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (SURVEY_ADDR)")
	fs.StringVar(&cfg.DatabaseURL, "database-url", cfg.DatabaseURL, "database URL (SURVEY_DATABASE_URL)")
	fs.StringVar(&limit, "body-limit", limit, "largest request body (SURVEY_BODY_LIMIT)")
	if extra != nil {
		extra(fs)
	}
	if err := parseFlags(fs, name, args); err != nil {
		return cfg, fs, err
	}
	for _, p := range strings.Split(getenv("SURVEY_TRUSTED_PROXIES"), ",") {
		if p = strings.TrimSpace(p); p == "" {
			continue
		}
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return cfg, fs, fmt.Errorf("SURVEY_TRUSTED_PROXIES: %q is not an IP address or CIDR", p)
		}
		cfg.TrustedProxies = append(cfg.TrustedProxies, p)
	}
	cfg.CORSOrigins = api.ParseOrigins(getenv("SURVEY_CORS_ORIGINS"))
	if cfg.MetricsAddr = strings.TrimSpace(getenv("SURVEY_METRICS_ADDR")); cfg.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(cfg.MetricsAddr); err != nil {
			return cfg, fs, fmt.Errorf("SURVEY_METRICS_ADDR: want an address such as :9090 or 127.0.0.1:9090, not %q", cfg.MetricsAddr)
		}
	}
	cfg.ReadTimeout = 30 * time.Second
	if v := getenv("SURVEY_READ_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return cfg, fs, fmt.Errorf("SURVEY_READ_TIMEOUT: want a duration such as 30s")
		}
		cfg.ReadTimeout = d
	}
	var err error
	if cfg.Pages, err = parseSwitch(getenv("SURVEY_PAGES"), true); err != nil {
		return cfg, fs, fmt.Errorf("SURVEY_PAGES: %w", err)
	}
	if cfg.SecureCookies, err = parseSwitch(getenv("SURVEY_COOKIE_SECURE"), false); err != nil {
		return cfg, fs, fmt.Errorf("SURVEY_COOKIE_SECURE: %w", err)
	}
	cfg.AuditRetention = defaultAuditRetention
	if v := getenv("SURVEY_AUDIT_RETENTION"); v != "" {
		d, err := parseRetention(v)
		if err != nil {
			return cfg, fs, fmt.Errorf("SURVEY_AUDIT_RETENTION: %w", err)
		}
		cfg.AuditRetention = d
	}
	cfg.PasswordHashMemory = passwords.DefaultMemoryBudget
	if v := getenv("SURVEY_PASSWORD_HASH_MEMORY"); v != "" {
		n, err := parseSize(v)
		if err != nil {
			return cfg, fs, fmt.Errorf("SURVEY_PASSWORD_HASH_MEMORY: %w", err)
		}
		cfg.PasswordHashMemory = n
	}
	n, err := parseSize(limit)
	if err != nil {
		return cfg, fs, fmt.Errorf("SURVEY_BODY_LIMIT: %w", err)
	}
	cfg.BodyLimit = n
	return cfg, fs, nil
}

// parseSize reads a byte size such as 1048576, 512KiB, 1MiB, 2MB.
func parseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	units := []struct {
		suffix string
		factor int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"KB", 1000}, {"MB", 1000 * 1000}, {"GB", 1000 * 1000 * 1000}, {"B", 1}}
	factor := int64(1)
	for _, u := range units {
		if strings.HasSuffix(s, u.suffix) {
			s, factor = strings.TrimSpace(strings.TrimSuffix(s, u.suffix)), u.factor
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 || n > (1<<40)/factor {
		return 0, errors.New("want a positive size such as 1MiB, 512KiB or 1048576")
	}
	return n * factor, nil
}

// parseRetention reads a retention period: a number of days ("400d"), a
// Go duration ("720h"), or 0 for ever.
func parseRetention(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "0" {
		return 0, nil
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err == nil && n > 0 && n <= 100*365 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(s); err == nil && d >= time.Hour {
		return d, nil
	}
	return 0, errors.New("want a number of days such as 1095d, a duration of at least 1h such as 720h, or 0 to keep every event")
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// parseSwitch reads an on/off setting; empty means def.
func parseSwitch(v string, def bool) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(v)) {
	case "":
		return def, nil
	case "on", "true", "1", "yes":
		return true, nil
	case "off", "false", "0", "no":
		return false, nil
	}
	return false, fmt.Errorf("want on or off, not %q", v)
}
