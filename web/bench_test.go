package web_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/api"
	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/demo"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/responding"
	"github.com/customs-survey/surveyd/scores"
	"github.com/customs-survey/surveyd/store"
	"github.com/customs-survey/surveyd/survey"
	"github.com/customs-survey/surveyd/users"
	"github.com/customs-survey/surveyd/web"
)

// BenchmarkPages measures the pages on the 2023 report's data set (30
// administrations, the 2022 and 2023 campaigns, and a 2024 campaign open
// for answers, as `surveyd serve --demo` has it), on SQLite:
//
//   - <page>/page: the server's time to answer the page, through the whole
//     handler (API router, session, rendering), in ms/op, and the page's
//     weight: its HTML, and its HTML with the stylesheets and scripts it
//     links, in KB;
//   - <page>/use-case: the use cases the page calls, called directly, in
//     ms/op, so that the cost of the page itself (rendering, session) is
//     the difference. The login page calls none.
//
// go test ./web -run '^$' -bench Pages
//
// It asserts nothing about time: the numbers are for reading.
func BenchmarkPages(b *testing.B) {
	ctx := context.Background()
	st, err := store.Open(ctx, dbtest.SQLiteURL(b), store.Options{Migrate: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	ds, err := demo.Report2023()
	if err != nil {
		b.Fatal(err)
	}
	if err := demo.Load(ctx, st, ds); err != nil {
		b.Fatal(err)
	}
	if _, err := users.New(st).EnsureAdmin(ctx, adminEmail, adminPassword); err != nil {
		b.Fatal(err)
	}
	run := campaigns.New(st)
	last, err := run.Get(ctx, auth.Operator(), "customs-2023")
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now()
	if _, err := run.Create(ctx, auth.Operator(), survey.NewCampaign{Key: "customs-2024", Year: 2024, Questionnaire: last.Questionnaire,
		Version: last.Version, OpensAt: now.Add(-time.Hour), ClosesAt: now.Add(30 * 24 * time.Hour),
		Administrations: last.Administrations, PreviousCampaign: last.Key, MinCellSize: last.MinCellSize}); err != nil {
		b.Fatal(err)
	}
	if _, err := run.Open(ctx, auth.Operator(), "customs-2024"); err != nil {
		b.Fatal(err)
	}
	if _, err := users.New(st).Create(ctx, auth.Operator(), survey.NewUser{Email: "resp_be@customs.example",
		Password: userPassword, Role: string(auth.RoleRespondent), Administration: "BE"}); err != nil {
		b.Fatal(err)
	}

	secret, err := st.JWTSecret(ctx)
	if err != nil {
		b.Fatal(err)
	}
	issuer, err := auth.NewIssuer(secret, "surveyd", "surveyd-api", 15*time.Minute)
	if err != nil {
		b.Fatal(err)
	}
	sessions := auth.NewService(st, issuer, auth.DefaultThrottle, time.Hour, time.Now)
	log := slog.New(slog.DiscardHandler)
	pages := web.NewHandler(web.Config{Logger: log}, web.Deps{Store: st, Auth: sessions})
	handler := api.NewServer(api.Config{Logger: log}, api.Deps{Store: st, Auth: sessions, Pages: pages})
	signIn := func(email, password string) auth.BrowserSession {
		s, err := sessions.SignIn(ctx, email, password, "192.0.2.1")
		if err != nil {
			b.Fatal(err)
		}
		return s
	}
	admin, respondent := signIn(adminEmail, adminPassword), signIn("resp_be@customs.example", userPassword)
	reports, answers := scores.New(st, time.Now), responding.New(st, time.Now)

	for _, bench := range []struct {
		name    string
		path    string
		session *auth.BrowserSession
		useCase func() error // nil: the page calls none
	}{
		{"login", "/login", nil, nil},
		{"campaigns", "/campaigns", &admin, func() error {
			list, err := run.List(ctx, admin.Principal)
			for _, c := range list {
				if err == nil {
					_, err = run.Progress(ctx, admin.Principal, c.Key)
				}
			}
			return err
		}},
		{"form", "/campaigns/customs-2024", &respondent, func() error {
			if _, err := run.Get(ctx, respondent.Principal, "customs-2024"); err != nil {
				return err
			}
			if _, err := run.Questionnaire(ctx, respondent.Principal, "customs-2024"); err != nil {
				return err
			}
			_, err := answers.Mine(ctx, respondent.Principal, "customs-2024")
			if err != nil && !isNotFound(err) {
				return err
			}
			return nil
		}},
		{"progress", "/campaigns/customs-2023/progress", &admin, func() error {
			_, err := run.Progress(ctx, admin.Principal, "customs-2023")
			return err
		}},
		{"scores", "/campaigns/customs-2023/scores", &admin, func() error {
			if _, err := run.Get(ctx, admin.Principal, "customs-2023"); err != nil {
				return err
			}
			if _, err := run.Questionnaire(ctx, admin.Principal, "customs-2023"); err != nil {
				return err
			}
			_, err := reports.Report(ctx, auth.Operator(), "customs-2023", "")
			return err
		}},
	} {
		get := func(path string) (int, []byte) {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			if bench.session != nil {
				req.AddCookie(&http.Cookie{Name: "surveyd_session", Value: bench.session.Token})
			}
			rec := httptest.NewRecorder()
			handler.ServeHTTP(rec, req)
			body, _ := io.ReadAll(rec.Result().Body)
			return rec.Code, body
		}
		b.Run(bench.name+"/page", func(b *testing.B) {
			status, html := get(bench.path)
			if status != http.StatusOK {
				b.Fatalf("%s: status %d\n%s", bench.path, status, html)
			}
			weight := len(html)
			for _, asset := range linkedAssets.FindAllSubmatch(html, -1) {
				status, body := get(string(asset[1]))
				if status != http.StatusOK {
					b.Fatalf("%s links %s: status %d", bench.path, asset[1], status)
				}
				weight += len(body)
			}
			b.ResetTimer()
			for range b.N {
				get(bench.path)
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
			b.ReportMetric(float64(len(html))/1024, "html-KB")
			b.ReportMetric(float64(weight)/1024, "with-assets-KB")
		})
		if bench.useCase == nil {
			continue
		}
		b.Run(bench.name+"/use-case", func(b *testing.B) {
			if err := bench.useCase(); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				bench.useCase() //nolint:errcheck // checked above
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/op")
		})
	}
}

// linkedAssets finds the stylesheets and scripts a page links.
var linkedAssets = regexp.MustCompile(`<(?:link rel="stylesheet" href|script src)="([^"]+)"`)

// isNotFound is a response not started yet: the form is then empty.
func isNotFound(err error) bool { return errors.Is(err, survey.ErrNotFound) }
