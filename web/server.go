package web

import (
	"html/template"
	"log/slog"
	"net/http"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/internal/metrics"
	"github.com/customs-survey/surveyd/questionnaires"
	"github.com/customs-survey/surveyd/responding"
	"github.com/customs-survey/surveyd/scores"
	"github.com/customs-survey/surveyd/store"
	"github.com/customs-survey/surveyd/users"
)

// Config tunes the pages.
type Config struct {
	// Logger receives the causes of 500s.
	Logger *slog.Logger
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// SecureCookies marks the session cookie Secure (and names it with the
	// __Host- prefix) even on plain HTTP requests: set it when a proxy
	// terminates TLS in front of the service. Requests that arrive over
	// TLS get Secure cookies anyway.
	SecureCookies bool
	// BodyLimit is the largest form post in bytes (the API's default if
	// zero); beyond it the page answers 413.
	BodyLimit int64
}

// Deps are the use cases the pages call.
type Deps struct {
	Store *store.Store
	Auth  *auth.Service
	// Metrics, when set, receives the submissions and scoring done
	// through the pages, as the API's do (the same set, so that /metrics
	// counts both clients).
	Metrics *metrics.Metrics
}

type server struct {
	cfg            Config
	log            *slog.Logger
	now            func() time.Time
	store          *store.Store
	auth           *auth.Service
	users          *users.Service
	questionnaires *questionnaires.Service
	campaigns      *campaigns.Service
	responding     *responding.Service
	reports        *scores.Service
	runs           *scores.Runs // the frozen runs of the scores of reports
	pages          map[string]*template.Template
}

// NewHandler returns the handler of every page.
func NewHandler(cfg Config, deps Deps) http.Handler {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.BodyLimit <= 0 {
		cfg.BodyLimit = 1 << 20
	}
	s := &server{cfg: cfg, log: cfg.Logger, now: cfg.Now, store: deps.Store, auth: deps.Auth,
		users: users.New(deps.Store), questionnaires: questionnaires.New(deps.Store), campaigns: campaigns.New(deps.Store).WithClock(cfg.Now),
		responding: responding.New(deps.Store, cfg.Now), reports: scores.New(deps.Store, cfg.Now),
		pages: parsePages()}
	if deps.Metrics != nil {
		s.responding = s.responding.WithObserver(deps.Metrics.Submission)
		s.reports = s.reports.WithObserver(deps.Metrics.Scoring)
	}
	s.runs = scores.NewRuns(s.reports, deps.Store)
	return s.routes()
}

// routes lists every page. Each handler gets the request's visitor (who
// is signed in, the page's language); pageFor refuses those the page is
// not for.
func (s *server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /static/{file}", serveStatic)
	mux.Handle("GET /{$}", s.page(anyone, s.home))
	mux.Handle("GET /login", s.page(anyone, s.loginForm))
	mux.Handle("POST /login", s.page(anyone, s.login))
	mux.Handle("POST /logout", s.page(signedIn, s.logout))
	mux.Handle("GET /password", s.page(signedIn, s.passwordForm))
	mux.Handle("POST /password", s.page(signedIn, s.changePassword))

	mux.Handle("GET /campaigns", s.page(signedIn, s.campaignList))
	mux.Handle("GET /campaigns/{key}", s.page(signedIn, s.campaignPage))

	// Respondents (respond.go).
	mux.Handle("POST /campaigns/{key}/response", s.page(respondents, s.saveResponse))
	mux.Handle("GET /campaigns/{key}/check", s.page(respondents, s.checkAnswers))
	mux.Handle("POST /campaigns/{key}/submit", s.page(respondents, s.submitResponse))
	mux.Handle("GET /campaigns/{key}/receipt", s.page(respondents, s.receipt))

	// Coordinators and Commission staff (staff.go).
	mux.Handle("POST /campaigns/{key}/open", s.page(admins, s.openCampaign))
	mux.Handle("POST /campaigns/{key}/close", s.page(admins, s.closeCampaign))
	mux.Handle("POST /campaigns/{key}/correct", s.page(admins, s.correctCampaign))
	mux.Handle("POST /campaigns/{key}/reopen", s.page(admins, s.reopenCampaign))
	mux.Handle("POST /campaigns/{key}/delete", s.page(admins, s.deleteCampaign))
	mux.Handle("GET /campaigns/{key}/progress", s.page(staff, s.progress))
	mux.Handle("GET /questionnaires", s.page(admins, s.questionnaireList))
	mux.Handle("POST /questionnaires", s.page(admins, s.uploadQuestionnaire))
	mux.Handle("POST /questionnaires/{key}/versions/{version}/publish", s.page(admins, s.publishQuestionnaire))
	mux.Handle("GET /users", s.page(staff, s.userList))
	mux.Handle("POST /users", s.page(staff, s.createUser))
	mux.Handle("POST /users/{id}/password-reset", s.page(staff, s.resetUserPassword))
	mux.Handle("POST /users/{id}/unlock", s.page(admins, s.unlockUser))

	// Scores (scores.go); the downloads are /campaigns/{key}/scores/{key}.csv, .xlsx or .json.
	mux.Handle("GET /campaigns/{key}/scores", s.page(admins, s.scoresPage))
	mux.Handle("GET /campaigns/{key}/scores/{file}", s.page(admins, s.scoresDownload))
	mux.Handle("GET /campaigns/{key}/scores/runs/{file}", s.page(admins, s.scoreRunDownload))

	mux.Handle("/", s.page(anyone, s.notFound))
	return pageHeaders(mux)
}

// pageHeaders sets the headers of every page: a strict
// Content-Security-Policy (nothing but the service's own files: no inline
// script or style, no other origin), no caching of pages (static files
// override it), no framing, no referrer.
func pageHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "+
			"form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}
