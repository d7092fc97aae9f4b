package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/api"
	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/internal/metrics"
	"github.com/customs-survey/surveyd/questionnaires"
	"github.com/customs-survey/surveyd/store"
	"github.com/customs-survey/surveyd/survey"
	"github.com/customs-survey/surveyd/users"
	"github.com/customs-survey/surveyd/web"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const (
	adminEmail    = "admin@commission.example"
	adminPassword = "admin password 123"
	userPassword  = "user password 1234"
)

// env is one surveyd process serving the API and the pages over a real
// database, on a real HTTP server (for the browser tests too).
type env struct {
	t      *testing.T
	store  *store.Store
	server *httptest.Server
	offset atomic.Int64 // how far the service's clock is ahead
}

func (e *env) now() time.Time { return time.Now().Add(time.Duration(e.offset.Load())) }

// advance moves the service's clock forward.
func (e *env) advance(d time.Duration) { e.offset.Add(int64(d)) }

// newEnv opens a store on databaseURL with the first admin and serves the
// whole service (API and pages) on a local HTTP server.
func newEnv(t *testing.T, databaseURL string) *env {
	t.Helper()
	e := &env{t: t}
	st, err := store.Open(context.Background(), databaseURL, store.Options{Migrate: true, Now: e.now})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	e.store = st
	if _, err := users.New(st).EnsureAdmin(context.Background(), adminEmail, adminPassword); err != nil {
		t.Fatal(err)
	}
	secret, err := st.JWTSecret(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	issuer, err := auth.NewIssuer(secret, "surveyd", "surveyd-api", 15*time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	sessions := auth.NewService(st, issuer, auth.DefaultThrottle, time.Hour, e.now)
	log := slog.New(slog.NewTextHandler(testWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
	measured := metrics.New()
	pages := web.NewHandler(web.Config{Logger: log, Now: e.now}, web.Deps{Store: st, Auth: sessions, Metrics: measured})
	e.server = httptest.NewServer(api.NewServer(api.Config{Logger: log, Now: e.now}, api.Deps{Store: st, Auth: sessions, Pages: pages, Metrics: measured}))
	t.Cleanup(e.server.Close)
	return e
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}

// world adds administrations BE, FR and DE; a coordinator of BE (coord_be);
// respondents resp_be, resp_be2, resp_fr; the questionnaire
// testdata/questionnaires/customs_annual.json, published; and the campaign
// customs-2023 of it, open for BE and FR until a day from now. Every
// account's password is userPassword and its e-mail <name>@customs.example.
func (e *env) world() {
	e.t.Helper()
	ctx := context.Background()
	for _, a := range [][2]string{{"BE", "Belgium"}, {"FR", "France"}, {"DE", "Germany"}} {
		if _, err := e.store.CreateAdministration(ctx, a[0], a[1]); err != nil {
			e.t.Fatal(err)
		}
	}
	accounts := users.New(e.store)
	for _, u := range []struct{ name, role, adm string }{
		{"coord_be", "coordinator", "BE"}, {"resp_be", "respondent", "BE"}, {"resp_be2", "respondent", "BE"},
		{"resp_fr", "respondent", "FR"},
	} {
		if _, err := accounts.Create(ctx, auth.Operator(), survey.NewUser{Email: u.name + "@customs.example",
			Password: userPassword, Role: u.role, Administration: u.adm}); err != nil {
			e.t.Fatal(err)
		}
	}
	raw, err := os.ReadFile("../testdata/questionnaires/customs_annual.json")
	if err != nil {
		e.t.Fatal(err)
	}
	doc, err := survey.ParseDocument(raw)
	if err != nil {
		e.t.Fatal(err)
	}
	written := questionnaires.New(e.store)
	if _, err := written.Create(ctx, auth.Operator(), doc); err != nil {
		e.t.Fatal(err)
	}
	if _, err := written.Publish(ctx, auth.Operator(), doc.Key, 1); err != nil {
		e.t.Fatal(err)
	}
	run := campaigns.New(e.store)
	if _, err := run.Create(ctx, auth.Operator(), survey.NewCampaign{Key: "customs-2023", Year: 2023, Questionnaire: doc.Key, Version: 1,
		OpensAt: time.Now().Add(-time.Hour), ClosesAt: time.Now().Add(24 * time.Hour), Administrations: []string{"BE", "FR"},
		MinCellSize: 1}); err != nil {
		e.t.Fatal(err)
	}
	if _, err := run.Open(ctx, auth.Operator(), "customs-2023"); err != nil {
		e.t.Fatal(err)
	}
}

// browser is an HTTP client with its own cookies, as one browser is; it
// does not follow redirects, so that tests see them.
type browser struct {
	e      *env
	client *http.Client
	// csrf is the CSRF token of the last page that had a form.
	csrf string
}

func (e *env) browser() *browser {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &browser{e: e, client: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// page is an answer of the service.
type page struct {
	Status   int
	Header   http.Header
	Body     string
	Location string
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]*)"`)

func (b *browser) do(req *http.Request) page {
	b.e.t.Helper()
	res, err := b.client.Do(req)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		b.e.t.Fatal(err)
	}
	p := page{Status: res.StatusCode, Header: res.Header, Body: string(body), Location: res.Header.Get("Location")}
	if m := csrfInput.FindStringSubmatch(p.Body); m != nil {
		b.csrf = m[1]
	}
	return p
}

// get fetches a path of the service.
func (b *browser) get(path string) page {
	b.e.t.Helper()
	req, err := http.NewRequest(http.MethodGet, b.e.server.URL+path, nil)
	if err != nil {
		b.e.t.Fatal(err)
	}
	return b.do(req)
}

// post sends a form as the service's own page would: with the CSRF token
// of the last page fetched (unless the form sets csrf itself) and this
// service's Origin.
func (b *browser) post(path string, form url.Values) page {
	b.e.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.csrf)
	}
	req, err := http.NewRequest(http.MethodPost, b.e.server.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		b.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", b.e.server.URL)
	return b.do(req)
}

// login signs in through the login page and fails the test unless it
// succeeds.
func (b *browser) login(email, password string) {
	b.e.t.Helper()
	b.get("/login")
	p := b.post("/login", url.Values{"email": {email}, "password": {password}})
	if p.Status != http.StatusSeeOther {
		b.e.t.Fatalf("login as %s: status %d\n%s", email, p.Status, p.Body)
	}
}

// each runs fn on a fresh service over SQLite and over PostgreSQL.
func each(t *testing.T, fn func(t *testing.T, e *env)) {
	dbtest.Each(t, func(t *testing.T, url string) { fn(t, newEnv(t, url)) })
}
