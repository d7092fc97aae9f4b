package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/api"
	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/internal/gcconfig"
	"github.com/customs-survey/surveyd/internal/loadgen"
	"github.com/customs-survey/surveyd/internal/randanswers"
	"github.com/customs-survey/surveyd/store"
	"github.com/customs-survey/surveyd/survey"
)

// benchRespondents answer at once in BenchmarkSubmissions, as in the load
// test's default.
const benchRespondents = 32

// benchTurns are the turns each side of BenchmarkSubmissions takes,
// alternating with the other's, as in the load test.
const benchTurns = 10

// BenchmarkSubmissions is the load test (cmd/surveyload) without a
// server: 32 respondents at once save and submit the 30-question
// questionnaire through the router, in this process, over and over (every
// round after a respondent's first is an amendment); in turns with them,
// the same rows are written straight to the database (store.Baseline), by
// 32 writers. Each runs b.N rounds in all, on SQLite and PostgreSQL, with the respondents in
// 32 administrations, then all in one. It reports both rates, their ratio
// and the service's p99 of a submission. The collector runs as surveyd
// serve runs it (gcconfig), unless GOGC is set:
//
//	go test ./api -run '^$' -bench Submissions -benchtime 2000x
func BenchmarkSubmissions(b *testing.B) {
	defer gcconfig.AsServed()()
	raw, err := os.ReadFile("../cmd/surveyload/testdata/load_survey.json")
	if err != nil {
		b.Fatal(err)
	}
	for _, dialect := range []string{"sqlite", "postgres"} {
		url := dbtest.SQLiteURL(b)
		if dialect == "postgres" {
			url = dbtest.PostgresURL(b)
		}
		f := newBenchFixture(b, url, raw)
		for _, administrations := range []int{benchRespondents, 1} {
			campaign, direct, who := f.campaigns(b, administrations)
			b.Run(fmt.Sprintf("%s/administrations=%d", dialect, administrations), func(b *testing.B) {
				ctx := context.Background()
				o := loadgen.Options{Workers: benchRespondents, Rounds: b.N}
				answer := func(ctx context.Context, o loadgen.Options) *loadgen.Result {
					return loadgen.Measure(ctx, o, f.respondents(campaign, who))
				}
				service, baseline := loadgen.Alternate(ctx, o, benchTurns, answer, direct.Run)
				for _, r := range []*loadgen.Result{service, baseline} {
					if r.Errors > 0 {
						b.Fatalf("%d errors, the first: %v", r.Errors, r.FirstErr)
					}
				}
				b.ReportMetric(service.Rate(), "service/s")
				b.ReportMetric(baseline.Rate(), "direct/s")
				b.ReportMetric(service.Rate()/baseline.Rate(), "ratio")
				b.ReportMetric(float64(service.Quantile("submit", 0.99))/float64(time.Millisecond), "submit-p99-ms")
				b.ReportMetric(0, "ns/op")
			})
		}
	}
}

// benchFixture is a server over one database with an admin, and a
// questionnaire published.
type benchFixture struct {
	st      *store.Store
	handler http.Handler
	issuer  *auth.Issuer
	admin   string // the admin's token
	doc     *survey.Document
	n       int // campaigns opened so far
}

func newBenchFixture(b *testing.B, url string, raw []byte) *benchFixture {
	ctx := context.Background()
	st, err := store.Open(ctx, url, store.Options{Migrate: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	secret, err := st.JWTSecret(ctx)
	if err != nil {
		b.Fatal(err)
	}
	f := &benchFixture{st: st}
	if f.issuer, err = auth.NewIssuer(secret, "surveyd", "surveyd-api", time.Hour); err != nil {
		b.Fatal(err)
	}
	if f.doc, err = survey.ParseDocument(raw); err != nil {
		b.Fatal(err)
	}
	f.handler = api.NewServer(api.Config{Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))},
		api.Deps{Store: st, Auth: auth.NewService(st, f.issuer, auth.DefaultThrottle, time.Hour, nil)})
	f.admin = f.account(b, "admin@bench.example", auth.RoleAdmin, "")
	f.call(b, "POST", "/questionnaires", f.admin, raw, http.StatusCreated)
	f.call(b, "POST", "/questionnaires/"+f.doc.Key+"/versions/1/publish", f.admin, nil, http.StatusOK)
	return f
}

// account creates an account that cannot log in, and returns an access
// token of it.
func (f *benchFixture) account(b *testing.B, email string, role auth.Role, administration string) string {
	u, err := f.st.CreateUser(context.Background(), survey.NewAccount{Email: email, PasswordHash: auth.NoPassword,
		Role: string(role), Administration: administration})
	if err != nil {
		b.Fatal(err)
	}
	token, _, err := f.issuer.Issue(auth.Principal{UserID: u.ID, Role: role, Administration: administration})
	if err != nil {
		b.Fatal(err)
	}
	return token
}

// campaigns creates benchRespondents respondents spread over that many
// new administrations, and two open campaigns for them: one answered
// through the service, one written by the baseline. It returns the first,
// the baseline's writer, and the respondents' tokens.
func (f *benchFixture) campaigns(b *testing.B, administrations int) (string, *loadgen.Direct, []string) {
	f.n++
	codes := make([]string, administrations)
	for i := range codes {
		codes[i] = fmt.Sprintf("B%dX%d", f.n, i)
		if _, err := f.st.CreateAdministration(context.Background(), codes[i], codes[i]); err != nil {
			b.Fatal(err)
		}
	}
	keys := []string{fmt.Sprintf("bench-%d", f.n), fmt.Sprintf("bench-%d-direct", f.n)}
	for _, key := range keys {
		f.call(b, "POST", "/campaigns", f.admin, map[string]any{"key": key, "year": 2024, "questionnaire": f.doc.Key,
			"version": 1, "opens_at": "2024-01-01T00:00:00Z", "closes_at": "2099-12-31T00:00:00Z", "administrations": codes},
			http.StatusCreated)
		f.call(b, "POST", "/campaigns/"+key+"/open", f.admin, nil, http.StatusOK)
	}
	tokens := make([]string, benchRespondents)
	who := make([]survey.Respondent, benchRespondents)
	for i := range tokens {
		code := codes[i%len(codes)]
		tokens[i] = f.account(b, fmt.Sprintf("r%d-%d@bench.example", f.n, i), auth.RoleRespondent, code)
		claims, err := f.issuer.Verify(tokens[i])
		if err != nil {
			b.Fatal(err)
		}
		who[i] = survey.Respondent{ID: claims.Subject, Administration: code}
	}
	baseline, err := f.st.Baseline(context.Background(), keys[1])
	if err != nil {
		b.Fatal(err)
	}
	return keys[0], loadgen.NewDirect(baseline, who), tokens
}

// respondents are the rounds of respondent i: a random draft saved, then
// submitted, through the router.
func (f *benchFixture) respondents(campaign string, tokens []string) func(i int) loadgen.Round {
	path := "/campaigns/" + campaign + "/response"
	return func(i int) loadgen.Round {
		return func(ctx context.Context, rng *rand.Rand, timed func(string, time.Time)) error {
			body, err := json.Marshal(map[string]survey.Answers{"answers": randanswers.For(rng, f.doc)})
			if err != nil {
				return err
			}
			t := time.Now()
			if err := f.send("PUT", path, tokens[i], body, http.StatusOK); err != nil {
				return err
			}
			timed("save", t)
			t = time.Now()
			if err := f.send("POST", path+"/submit", tokens[i], nil, http.StatusOK); err != nil {
				return err
			}
			timed("submit", t)
			return nil
		}
	}
}

func (f *benchFixture) call(b *testing.B, method, path, token string, body any, want int) {
	raw, ok := body.([]byte)
	if !ok && body != nil {
		var err error
		if raw, err = json.Marshal(body); err != nil {
			b.Fatal(err)
		}
	}
	if err := f.send(method, path, token, raw, want); err != nil {
		b.Fatal(err)
	}
}

// send sends one request through the router and checks its status.
func (f *benchFixture) send(method, path, token string, body []byte, want int) error {
	var reader io.Reader
	if body != nil {
		reader = bytes.NewReader(body)
	}
	req := httptest.NewRequest(method, "/api/v1"+path, reader)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	f.handler.ServeHTTP(rec, req)
	if rec.Code != want {
		return fmt.Errorf("%s %s: %d, want %d: %s", method, path, rec.Code, want, rec.Body)
	}
	return nil
}
