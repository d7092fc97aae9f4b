package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/api"
	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/store"
	"github.com/customs-survey/surveyd/users"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

const (
	adminEmail    = "admin@commission.example"
	adminPassword = "admin password 123"
	userPassword  = "user password 1234"
)

// env is one running API over a fresh database, with a clock that tests
// can move forward.
type env struct {
	t       *testing.T
	handler http.Handler
	store   *store.Store
	offset  atomic.Int64 // clock offset in nanoseconds
	tokens  map[string]string
}

func (e *env) now() time.Time { return time.Now().Add(time.Duration(e.offset.Load())) }

// advance moves the service's clock (not the token issuer's) forward.
func (e *env) advance(d time.Duration) { e.offset.Add(int64(d)) }

// newEnv opens a store on databaseURL and serves the real router over it.
func newEnv(t *testing.T, databaseURL string) *env {
	t.Helper()
	e := &env{t: t, tokens: map[string]string{}}
	e.store, e.handler = newInstance(t, databaseURL, auth.DefaultThrottle, e.now, 64<<10)
	e.tokens["admin"] = e.login(adminEmail, adminPassword)
	return e
}

// newInstance is one server process: a store of its own on databaseURL, with
// the first admin, and the real router over it, with the given throttle,
// clock and body limit (0: the service's default). Several instances may
// share one database, as several surveyd processes do.
func newInstance(t *testing.T, databaseURL string, throttle auth.Throttle, now func() time.Time, bodyLimit int64) (*store.Store, http.Handler) {
	return newInstanceOf(t, databaseURL, instance{throttle: throttle, now: now, bodyLimit: bodyLimit})
}

// instance is how newInstanceOf makes a server process.
type instance struct {
	throttle  auth.Throttle
	now       func() time.Time
	bodyLimit int64 // 0: the service's default
	// clockedTokens issues its tokens by now too (else by the real clock).
	clockedTokens bool
	// tokens makes the store its token checks read of its own (nil: that one).
	tokens func(*store.Store) auth.Store
}

// newInstanceOf is newInstance made as o says.
func newInstanceOf(t *testing.T, databaseURL string, o instance) (*store.Store, http.Handler) {
	t.Helper()
	st, err := store.Open(context.Background(), databaseURL, store.Options{Migrate: true, Now: o.now})
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := users.New(st).EnsureAdmin(context.Background(), adminEmail, adminPassword); err != nil {
		t.Fatalf("ensure admin: %v", err)
	}
	secret, err := st.JWTSecret(context.Background())
	if err != nil {
		t.Fatalf("jwt secret: %v", err)
	}
	var clock []auth.IssuerOption
	if o.clockedTokens {
		clock = append(clock, auth.WithClock(o.now))
	}
	issuer, err := auth.NewIssuer(secret, "surveyd", "surveyd-api", 15*time.Minute, clock...)
	if err != nil {
		t.Fatal(err)
	}
	var checks auth.Store = st
	if o.tokens != nil {
		checks = o.tokens(st)
	}
	return st, api.NewServer(api.Config{BodyLimit: o.bodyLimit, Now: o.now, Logger: testLogger(t)},
		api.Deps{Store: st, Auth: auth.NewService(checks, issuer, o.throttle, time.Hour, o.now)})
}

// openCampaign publishes doc (a questionnaire document whose key is
// questionnaire) and opens a campaign of it for BE and FR, with a minimum
// cell size of 1 and the given extra members (previous_campaign, ...).
func (e *env) openCampaign(doc any, questionnaire, campaign string, year int, extra map[string]any) {
	e.t.Helper()
	admin := e.tokens["admin"]
	e.must(http.StatusCreated, "POST", "/api/v1/questionnaires", admin, doc)
	e.must(http.StatusOK, "POST", "/api/v1/questionnaires/"+questionnaire+"/versions/1/publish", admin, nil)
	body := map[string]any{
		"key": campaign, "year": year, "questionnaire": questionnaire, "version": 1, "min_cell_size": 1,
		"opens_at":        time.Now().Add(-time.Hour).UTC().Format(time.RFC3339),
		"closes_at":       time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339),
		"administrations": []string{"BE", "FR"},
	}
	for k, v := range extra {
		body[k] = v
	}
	e.must(http.StatusCreated, "POST", "/api/v1/campaigns", admin, body)
	e.must(http.StatusOK, "POST", "/api/v1/campaigns/"+campaign+"/open", admin, nil)
}

// result is one HTTP exchange.
type result struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic map.
func (r result) JSON(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// request sends one request through the router. body may be nil, a string
// (sent verbatim) or any value (sent as JSON). headers are name, value pairs.
func (e *env) request(method, path, token string, body any, headers ...string) result {
	e.t.Helper()
	var raw []byte
	switch b := body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			e.t.Fatal(err)
		}
	}
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(method, path, reader)
	if reader != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	sent := req.Clone(context.Background())
	rec := httptest.NewRecorder()
	e.handler.ServeHTTP(rec, req)
	res := result{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
	if res.Status >= 400 {
		if ct := res.Header.Get("Content-Type"); ct != "application/problem+json" {
			e.t.Errorf("%s %s: status %d with Content-Type %q, want application/problem+json", method, path, res.Status, ct)
		}
	}
	checkContract(e.t, sent, raw, res)
	return res
}

// checkContract fails the test when an exchange departs from
// docs/openapi.yaml (see contract.check). Every request of env.request goes
// through it, and so do those that tests send by other means (bursts from
// many goroutines, a real TCP server): it may be called from any goroutine.
func checkContract(t *testing.T, req *http.Request, body []byte, res result) {
	t.Helper()
	c, err := loadContract()
	if err != nil {
		t.Error(err)
		return
	}
	if err := c.check(req, body, res); err != nil {
		t.Errorf("%s does not follow docs/openapi.yaml:\n%v\nbody: %.500s", describeExchange(req.Method, req.URL.RequestURI(), res.Status), err, res.Body)
	}
}

// must sends a request and fails the test unless the status is want.
func (e *env) must(want int, method, path, token string, body any, headers ...string) map[string]any {
	e.t.Helper()
	res := e.request(method, path, token, body, headers...)
	if res.Status != want {
		e.t.Fatalf("%s %s: status %d, want %d\n%s", method, path, res.Status, want, res.Body)
	}
	if len(res.Body) == 0 || res.Body[0] == '[' {
		return nil // no body, or a list: see e.list
	}
	return res.JSON(e.t)
}

// list sends a GET that answers a JSON array and returns its items.
func (e *env) list(path, token string) []any {
	e.t.Helper()
	res := e.request("GET", path, token, nil)
	var items []any
	if res.Status != 200 || json.Unmarshal(res.Body, &items) != nil || items == nil {
		e.t.Fatalf("GET %s: %d, want 200 with a JSON array: %s", path, res.Status, res.Body)
	}
	return items
}

func (e *env) login(email, password string) string {
	e.t.Helper()
	body := e.must(http.StatusOK, "POST", "/api/v1/auth/login", "", map[string]string{"email": email, "password": password})
	return body["access_token"].(string)
}

// readFile reads a file of the repository's testdata.
func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// world is the usual cast of a test: two administrations, a coordinator and
// respondents, a published questionnaire and an open campaign for BE and FR,
// and a third administration (DE) that the campaign does not invite.
func (e *env) world() {
	e.t.Helper()
	admin := e.tokens["admin"]
	for _, a := range [][2]string{{"BE", "Belgium"}, {"FR", "France"}, {"DE", "Germany"}} {
		e.must(http.StatusCreated, "POST", "/api/v1/administrations", admin, map[string]string{"code": a[0], "name": a[1]})
	}
	for _, u := range []struct{ name, role, adm string }{
		{"coord_be", "coordinator", "BE"}, {"coord_de", "coordinator", "DE"},
		{"resp_be", "respondent", "BE"}, {"resp_be2", "respondent", "BE"},
		{"resp_fr", "respondent", "FR"}, {"resp_de", "respondent", "DE"},
	} {
		email := u.name + "@customs.example"
		e.must(http.StatusCreated, "POST", "/api/v1/users", admin,
			map[string]string{"email": email, "password": userPassword, "role": u.role, "administration": u.adm})
		e.tokens[u.name] = e.login(email, userPassword)
	}
	e.must(http.StatusCreated, "POST", "/api/v1/questionnaires", admin, readFile(e.t, "../testdata/questionnaires/customs_annual.json"))
	e.must(http.StatusOK, "POST", "/api/v1/questionnaires/customs_annual/versions/1/publish", admin, nil)
	e.must(http.StatusCreated, "POST", "/api/v1/campaigns", admin, map[string]any{
		"key": "customs-2023", "year": 2023, "questionnaire": "customs_annual", "version": 1,
		"opens_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), "closes_at": time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339),
		"administrations": []string{"BE", "FR"},
	})
	e.must(http.StatusOK, "POST", "/api/v1/campaigns/customs-2023/open", admin, nil)
}

// problemFields lists the field:code pairs of a problem's errors.
func problemFields(t *testing.T, r result) []string {
	t.Helper()
	var p struct {
		Errors []struct{ Field, Code string }
	}
	if err := json.Unmarshal(r.Body, &p); err != nil {
		t.Fatalf("not a problem document: %s", r.Body)
	}
	out := make([]string, len(p.Errors))
	for i, fe := range p.Errors {
		out[i] = fe.Field + ":" + fe.Code
	}
	return out
}

// checkOutcome checks an answer against a table's expectation: with want
// nil the status ok; else a 422 whose errors are exactly want (field:code).
func checkOutcome(t *testing.T, res result, ok int, want []string) {
	t.Helper()
	if want == nil {
		if res.Status != ok {
			t.Fatalf("status %d, want %d: %.300s", res.Status, ok, res.Body)
		}
		return
	}
	if res.Status != http.StatusUnprocessableEntity {
		t.Fatalf("status %d, want 422: %.300s", res.Status, res.Body)
	}
	if got := problemFields(t, res); strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("errors %v, want %v", got, want)
	}
}

// testLogger sends the service's warnings and errors to the test log, so
// that the cause of a 500 shows next to the failing assertion.
func testLogger(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(tWriter{t}, &slog.HandlerOptions{Level: slog.LevelWarn}))
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
