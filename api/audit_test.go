package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/api"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/survey"
)

// auditActor is the actor of an event.
type auditActor struct {
	ID    string `json:"id"`
	Email string `json:"email"`
	Role  string `json:"role"`
}

// auditEvent is an event of GET /audit as a client reads it.
type auditEvent struct {
	ID        int64       `json:"id"`
	At        time.Time   `json:"at"`
	Actor     *auditActor `json:"actor"`
	Action    string      `json:"action"`
	Target    string      `json:"target"`
	Status    int         `json:"status"`
	ClientIP  string      `json:"client_ip"`
	RequestID string      `json:"request_id"`
}

// String shows what an event says, without its id and time.
func (ev auditEvent) String() string {
	actor := "-"
	if ev.Actor != nil {
		actor = ev.Actor.ID + "/" + ev.Actor.Email + "/" + ev.Actor.Role
	}
	return ev.Action + " " + strconv.Itoa(ev.Status) + " by " + actor + " on " + strconv.Quote(ev.Target)
}

// auditPage is one page of GET /audit: its events, and the path of the
// next page (the Link header's), nil on the last page.
type auditPage struct {
	Events []auditEvent
	Next   *string
}

// auditPage reads one page of GET /audit with the given query.
func (e *env) auditPage(query url.Values) (auditPage, []byte) {
	e.t.Helper()
	return e.auditPageAt("/api/v1/audit?" + query.Encode())
}

// auditPageAt reads the page of GET /audit at a path with its query.
func (e *env) auditPageAt(path string) (auditPage, []byte) {
	e.t.Helper()
	res := e.request("GET", path, e.tokens["admin"], nil)
	if res.Status != http.StatusOK {
		e.t.Fatalf("GET %s: status %d\n%s", path, res.Status, res.Body)
	}
	var page auditPage
	if err := json.Unmarshal(res.Body, &page.Events); err != nil || page.Events == nil {
		e.t.Fatalf("GET %s: not an array of events: %v\n%s", path, err, res.Body)
	}
	if next := nextPage(e.t, res); next != "" {
		page.Next = &next
	}
	return page, res.Body
}

// auditScript is the sequence of requests of TestAuditTrail, with the
// event each must leave (none for a GET that is not an export).
type auditScript struct {
	events []auditEvent // oldest first
	steps  []string     // the name of each event
	// secrets are every password and token the script used.
	secrets  []string
	adminID  string
	respID   string
	saveStep string
}

func actorOf(id, email, role string) *auditActor {
	if id == "" && email == "" && role == "" {
		return nil
	}
	return &auditActor{id, email, role}
}

// runAuditScript plays a year of the service in a few requests: logins and
// a failed one, administrations and users, a questionnaire, a campaign, a
// response, an export, and refused attempts. Requests run one after the
// other, each with a database write, so every event has its own time even
// at the stored microsecond precision. (The service's clock is not moved:
// an account created ahead of the token issuer's clock would refuse its
// own fresh tokens.)
func runAuditScript(e *env) *auditScript {
	e.t.Helper()
	const (
		respEmail     = "resp_be@customs.example"
		wrongPassword = "wrong password 9876"
		campaign      = "/api/v1/campaigns/customs-2023"
	)
	s := &auditScript{secrets: []string{adminPassword, userPassword, wrongPassword, e.tokens["admin"]}}
	admin := e.tokens["admin"]
	s.adminID = e.must(200, "GET", "/api/v1/me", admin, nil)["id"].(string)
	adminActor := actorOf(s.adminID, adminEmail, "admin")
	// newEnv's own login is the first event.
	s.add("setup login", "session.login", adminActor, "", 200)

	step := func(name, action string, actor func() *auditActor, target string, status int, method, path, token string, body any, headers ...string) map[string]any {
		out := e.must(status, method, path, token, body, headers...)
		if action != "" {
			s.add(name, action, actor(), target, status)
		}
		return out
	}
	admins := func() *auditActor {
		return adminActor
	}
	resp := func() *auditActor {
		return actorOf(s.respID, respEmail, "respondent")
	}
	nobody := func() *auditActor {
		return nil
	}
	claimed := func() *auditActor {
		return actorOf("", adminEmail, "")
	}

	// The e-mail is taken as typed, and stored as logins compare it.
	step("failed login", "session.login", claimed, "", 401, "POST", "/api/v1/auth/login", "",
		map[string]string{"email": " Admin@Commission.example", "password": wrongPassword})
	login := step("admin login", "session.login", admins, "", 200, "POST", "/api/v1/auth/login", "",
		map[string]string{"email": adminEmail, "password": adminPassword})
	s.secrets = append(s.secrets, login["access_token"].(string), login["refresh_token"].(string))
	step("create BE", "administration.create", admins, "code=BE", 201, "POST", "/api/v1/administrations", admin,
		map[string]string{"code": "BE", "name": "Belgium"})
	step("create BE again", "administration.create", admins, "", 409, "POST", "/api/v1/administrations", admin,
		map[string]string{"code": "BE", "name": "Belgium"})
	s.respID = e.must(201, "POST", "/api/v1/users", admin,
		map[string]string{"email": respEmail, "password": userPassword, "role": "respondent", "administration": "BE"})["id"].(string)
	s.add("create respondent", "user.create", admins(), "id="+s.respID, 201)
	respLogin := step("respondent login", "session.login", resp, "", 200, "POST", "/api/v1/auth/login", "",
		map[string]string{"email": respEmail, "password": userPassword})
	respToken, respRefresh := respLogin["access_token"].(string), respLogin["refresh_token"].(string)
	s.secrets = append(s.secrets, respToken, respRefresh)
	step("create questionnaire", "questionnaire.create", admins, "key=customs_annual,version=1", 201, "POST", "/api/v1/questionnaires", admin,
		readFile(e.t, "../testdata/questionnaires/customs_annual.json"))
	step("publish questionnaire", "questionnaire.publish", admins, "key=customs_annual,version=1", 200,
		"POST", "/api/v1/questionnaires/customs_annual/versions/1/publish", admin, nil)
	step("create campaign", "campaign.create", admins, "key=customs-2023", 201, "POST", "/api/v1/campaigns", admin, map[string]any{
		"key": "customs-2023", "year": 2023, "questionnaire": "customs_annual", "version": 1,
		"opens_at":  time.Now().Add(-time.Hour).UTC().Format(time.RFC3339),
		"closes_at": time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339), "administrations": []string{"BE"},
	})
	step("open campaign", "campaign.open", admins, "key=customs-2023", 200, "POST", campaign+"/open", admin, nil)
	step("respondent may not close", "campaign.close", resp, "key=customs-2023", 403, "POST", campaign+"/close", respToken, nil)
	step("list campaigns", "", nil, "", 200, "GET", "/api/v1/campaigns", respToken, nil)
	s.saveStep = "save response"
	step(s.saveStep, "response.save", resp, "key=customs-2023", 200, "PUT", campaign+"/response", respToken,
		map[string]any{"answers": fullAnswers()}, "X-Request-ID", "audit-test-save")
	// A save refused is recorded as refused, and the save that succeeded
	// once (its event is written with it, in its statement).
	step("stale save", "response.save", resp, "key=customs-2023", 412, "PUT", campaign+"/response", respToken,
		map[string]any{"answers": fullAnswers()}, "If-Match", `"99"`)
	step("submit response", "response.submit", resp, "key=customs-2023", 200, "POST", campaign+"/response/submit", respToken, nil)
	step("export scores", "export.scores", admins, "key=customs-2023", 200, "GET", campaign+"/scores", admin, nil)
	step("refused export", "", nil, "", 422, "GET", campaign+"/scores?format=pdf", admin, nil)
	refreshed := step("refresh", "session.refresh", resp, "", 200, "POST", "/api/v1/auth/refresh", "",
		map[string]string{"refresh_token": respRefresh})
	s.secrets = append(s.secrets, refreshed["access_token"].(string), refreshed["refresh_token"].(string))
	step("logout", "session.logout", nobody, "", 204, "POST", "/api/v1/auth/logout", refreshed["access_token"].(string),
		map[string]string{"refresh_token": refreshed["refresh_token"].(string)})
	step("anonymous write", "campaign.create", nobody, "", 401, "POST", "/api/v1/campaigns", "", map[string]any{"key": "x"})
	return s
}

func (s *auditScript) add(name, action string, actor *auditActor, target string, status int) {
	s.steps = append(s.steps, name)
	s.events = append(s.events, auditEvent{Action: action, Actor: actor, Target: target, Status: status})
}

// allAudit reads every event in one page, newest first.
func (e *env) allAudit() []auditEvent {
	e.t.Helper()
	page, _ := e.auditPage(url.Values{"limit": {"500"}})
	if page.Next != nil {
		e.t.Fatalf("more than 500 events")
	}
	return page.Events
}

func describe(events []auditEvent) []string {
	out := make([]string, len(events))
	for i, ev := range events {
		out[i] = ev.String()
	}
	return out
}

func TestAuditTrail(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		s := runAuditScript(e)
		got := e.allAudit()

		t.Run("every event, newest first", func(t *testing.T) {
			want := slices.Clone(s.events)
			slices.Reverse(want)
			if g, w := describe(got), describe(want); !slices.Equal(g, w) {
				t.Fatalf("events:\n%s\nwant:\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
			}
			for i := 1; i < len(got); i++ {
				if got[i].ID >= got[i-1].ID || !got[i].At.Before(got[i-1].At) {
					t.Errorf("event %d (%d at %s) is not older than event %d (%d at %s)",
						i, got[i].ID, got[i].At, i-1, got[i-1].ID, got[i-1].At)
				}
			}
			for _, ev := range got {
				if ev.ClientIP != "192.0.2.1" || ev.RequestID == "" {
					t.Errorf("%s: client_ip %q, request_id %q", ev, ev.ClientIP, ev.RequestID)
				}
			}
			save := got[len(got)-1-slices.Index(s.steps, s.saveStep)]
			if save.Action != "response.save" || save.RequestID != "audit-test-save" {
				t.Errorf("the save has request id %q, want the X-Request-ID sent: %s", save.RequestID, save)
			}
		})

		// at returns the time of the event of a step.
		at := func(step string) string {
			return got[len(got)-1-slices.Index(s.steps, step)].At.Format(time.RFC3339Nano)
		}
		tests := []struct {
			name  string
			query map[string]string
			want  []string // steps, oldest first
		}{
			{"actor by e-mail, attempts included", map[string]string{"actor": adminEmail}, []string{
				"setup login", "failed login", "admin login", "create BE", "create BE again", "create respondent",
				"create questionnaire", "publish questionnaire", "create campaign", "open campaign", "export scores"}},
			{"actor e-mail ignores case", map[string]string{"actor": "RESP_BE@customs.example"}, []string{
				"respondent login", "respondent may not close", "save response", "stale save", "submit response", "refresh"}},
			{"actor by id", map[string]string{"actor": s.respID}, []string{
				"respondent login", "respondent may not close", "save response", "stale save", "submit response", "refresh"}},
			{"action", map[string]string{"action": "session.login"}, []string{
				"setup login", "failed login", "admin login", "respondent login"}},
			{"action and actor", map[string]string{"action": "session.login", "actor": s.respID}, []string{"respondent login"}},
			{"target", map[string]string{"target": "key=customs-2023"}, []string{
				"create campaign", "open campaign", "respondent may not close", "save response", "stale save", "submit response", "export scores"}},
			{"target by its leading key", map[string]string{"target": "key=customs_annual"}, []string{
				"create questionnaire", "publish questionnaire"}},
			{"target whole", map[string]string{"target": "key=customs_annual,version=1"}, []string{
				"create questionnaire", "publish questionnaire"}},
			{"target key must be whole", map[string]string{"target": "key=customs"}, nil},
			{"created user", map[string]string{"target": "id=" + s.respID}, []string{"create respondent"}},
			{"from, inclusive", map[string]string{"from": at("open campaign")}, []string{
				"open campaign", "respondent may not close", "save response", "stale save", "submit response", "export scores",
				"refresh", "logout", "anonymous write"}},
			{"to, exclusive", map[string]string{"to": at("admin login")}, []string{"setup login", "failed login"}},
			{"window", map[string]string{"from": at("create BE"), "to": at("create questionnaire")}, []string{
				"create BE", "create BE again", "create respondent", "respondent login"}},
			{"no match", map[string]string{"action": "campaign.delete"}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				q := map[string][]string{"limit": {"500"}}
				for k, v := range tt.query {
					q[k] = []string{v}
				}
				page, _ := e.auditPage(q)
				var want []string
				for i := len(tt.want) - 1; i >= 0; i-- {
					k := slices.Index(s.steps, tt.want[i])
					if k < 0 {
						t.Fatalf("no step %q", tt.want[i])
					}
					want = append(want, s.events[k].String())
				}
				if g := describe(page.Events); !slices.Equal(g, want) {
					t.Errorf("events:\n%s\nwant:\n%s", strings.Join(g, "\n"), strings.Join(want, "\n"))
				}
			})
		}

		t.Run("pages of 2 walk every event once, filters kept", func(t *testing.T) {
			var ids []int64
			next := "/api/v1/audit?limit=2&to=2999-01-01T00:00:00Z"
			for pages := 0; ; pages++ {
				if pages > len(got) {
					t.Fatal("paging does not end")
				}
				page, _ := e.auditPageAt(next)
				if len(page.Events) > 2 || len(page.Events) == 0 {
					t.Fatalf("page %d has %d events", pages, len(page.Events))
				}
				for _, ev := range page.Events {
					ids = append(ids, ev.ID)
				}
				if page.Next == nil {
					break
				}
				q := mustQuery(t, *page.Next)
				if q.Get("limit") != "2" || q.Get("to") != "2999-01-01T00:00:00Z" {
					t.Errorf("next page %s lost the query's limit or filter", *page.Next)
				}
				// A cursor in clear would end with the id ("6", "id=6");
				// an encoded one may hold its digits by chance ("azE6Ng").
				if c := q.Get("cursor"); c == "" || strings.HasSuffix(c, strconv.FormatInt(page.Events[len(page.Events)-1].ID, 10)) {
					t.Errorf("cursor %q is not opaque", c)
				}
				next = *page.Next
			}
			var want []int64
			for _, ev := range got {
				want = append(want, ev.ID)
			}
			if !slices.Equal(ids, want) {
				t.Errorf("ids %v, want %v", ids, want)
			}
		})

		t.Run("a cursor and before: the older of the two", func(t *testing.T) {
			first, _ := e.auditPage(map[string][]string{"limit": {"2"}})
			cursor := mustQuery(t, *first.Next).Get("cursor")
			for _, tt := range []struct {
				before int64
				want   []auditEvent
			}{
				{got[4].ID, got[5:7]}, // before is older than the cursor
				{got[0].ID, got[2:4]}, // the cursor is older
			} {
				page, _ := e.auditPage(map[string][]string{"limit": {"2"}, "cursor": {cursor}, "before": {strconv.FormatInt(tt.before, 10)}})
				if g, w := describe(page.Events), describe(tt.want); !slices.Equal(g, w) {
					t.Errorf("before %d: events:\n%s\nwant:\n%s", tt.before, strings.Join(g, "\n"), strings.Join(w, "\n"))
				}
			}
		})

		t.Run("before an id", func(t *testing.T) {
			page, _ := e.auditPage(map[string][]string{"before": {strconv.FormatInt(got[2].ID, 10)}, "limit": {"3"}})
			if g, w := describe(page.Events), describe(got[3:6]); !slices.Equal(g, w) {
				t.Errorf("events:\n%s\nwant:\n%s", strings.Join(g, "\n"), strings.Join(w, "\n"))
			}
		})

		t.Run("no password, token or answer", func(t *testing.T) {
			_, raw := e.auditPage(map[string][]string{"limit": {"500"}})
			secrets := append(slices.Clone(s.secrets), "Useful programme.", "frequently")
			for _, secret := range secrets {
				if secret == "" {
					t.Fatal("empty secret")
				}
				if strings.Contains(string(raw), secret) {
					t.Errorf("the audit trail contains %q", secret)
				}
			}
		})

		t.Run("bad queries", func(t *testing.T) {
			for _, tt := range []struct {
				query  string
				fields []string
			}{
				{"limit=0", []string{"limit:out_of_range"}},
				{"limit=501", []string{"limit:out_of_range"}},
				{"limit=ten", []string{"limit:out_of_range"}},
				{"from=yesterday", []string{"from:invalid_time"}},
				{"to=2024-13-01T00:00:00Z", []string{"to:invalid_time"}},
				{"from=2024-02-01T00:00:00Z&to=2024-01-01T00:00:00Z", []string{"to:out_of_range"}},
				{"cursor=not-a-cursor", []string{"cursor:invalid_cursor"}},
				{"cursor=" + survey.EncodeCursor("abc"), []string{"cursor:invalid_cursor"}}, // another list's key
				{"cursor=" + survey.EncodeCursor("0"), []string{"cursor:invalid_cursor"}},
				{"before=0", []string{"before:out_of_range"}},
				{"limit=0&before=x", []string{"limit:out_of_range", "before:out_of_range"}}, // every error at once
			} {
				res := e.request("GET", "/api/v1/audit?"+tt.query, e.tokens["admin"], nil)
				if res.Status != http.StatusUnprocessableEntity || !slices.Equal(problemFields(t, res), tt.fields) {
					t.Errorf("%s: status %d, fields %v, want 422 %v", tt.query, res.Status, problemFields(t, res), tt.fields)
				}
			}
		})
	})
}

func TestAuditIsForAdminsOnly(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		for _, tt := range []struct {
			token  string
			status int
		}{{"", 401}, {"resp_be", 403}, {"coord_be", 403}, {"admin", 200}} {
			res := e.request("GET", "/api/v1/audit", e.tokens[tt.token], nil)
			if res.Status != tt.status {
				t.Errorf("%s: status %d, want %d", tt.token, res.Status, tt.status)
			}
		}
		// Reading the trail is not itself an event; being refused it is
		// not either (a GET).
		events := e.allAudit()
		for _, ev := range events {
			if strings.Contains(ev.Action, "audit") {
				t.Errorf("reading the trail was recorded: %s", ev)
			}
		}
	})
}

// TestEveryWriteRouteHasAnAuditName keeps the audit map in step with the
// router: every route that may change state, and every export, has a
// readable action name, and every name belongs to a route.
func TestEveryWriteRouteHasAnAuditName(t *testing.T) {
	routes := api.RoutesForTest(api.NewServer(api.Config{}, api.Deps{}))
	registered := map[string]bool{}
	for _, r := range routes {
		registered[r.Method+" "+r.Path] = true
		if r.Method == http.MethodGet {
			continue
		}
		if name, ok := api.AuditActionForTest(r.Method, r.Path); !ok || name == "" {
			t.Errorf("%s %s has no audit action name: add it to auditActions in api/audit.go", r.Method, r.Path)
		}
	}
	for _, export := range []string{"/api/v1/campaigns/:key/scores", "/api/v1/campaigns/:key/responses"} {
		if _, ok := api.AuditActionForTest("GET", export); !ok {
			t.Errorf("the export GET %s has no audit action name", export)
		}
	}
	names := map[string]string{}
	for route, created := range api.AuditedRoutesForTest() {
		if !registered[route] {
			t.Errorf("auditActions names %s, which is not a route", route)
		}
		if created != "" && !registered["GET "+created] {
			t.Errorf("auditActions: %s creates %s, which is not a GET route", route, created)
		}
		method, path, _ := strings.Cut(route, " ")
		name, _ := api.AuditActionForTest(method, path)
		if other, ok := names[name]; ok {
			t.Errorf("%s and %s share the action name %s", route, other, name)
		}
		names[name] = route
	}
}
