package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/questionnaires"
	"github.com/customs-survey/surveyd/responding"
	"github.com/customs-survey/surveyd/survey"
)

// staffMiniDocument is a questionnaire of one optional question, which a
// respondent can submit without answering.
const staffMiniDocument = `{"key": "mini", "default_language": "en",
 "title": {"en": "Mini survey", "fr": "Mini enquête"},
 "sections": [{"key": "main", "title": {"en": "Main"}, "questions": [
   {"key": "q_size", "type": "single_choice", "text": {"en": "Size?"},
    "options": [{"key": "small", "label": {"en": "Small"}, "score": 0}, {"key": "large", "label": {"en": "Large"}, "score": 100}]}
 ]}]}`

// staffBrokenDocument has a problem in its first question (a score out of
// range), a second question without a key, and an indicator naming no
// question.
const staffBrokenDocument = `{"key": "broken", "default_language": "en", "title": {"en": "Broken"},
 "sections": [{"key": "main", "title": {"en": "Main"}, "questions": [
   {"key": "q_size", "type": "single_choice", "text": {"en": "Size?"},
    "options": [{"key": "small", "label": {"en": "Small"}, "score": 150}]},
   {"type": "text", "text": {"en": "Comment?"}}
 ]}],
 "indicators": [{"code": "x", "method": "mean_score", "questions": ["q_nope"]}]}`

// staffWorld is e.world() and: the questionnaire mini, published; the
// campaign mini-2024 of it, open for BE and FR, which resp_be has
// submitted and resp_fr has a draft of; and the campaign fr-only, a draft
// of customs_annual for FR alone.
func staffWorld(t *testing.T, e *env) {
	t.Helper()
	e.world()
	ctx := context.Background()
	doc, err := survey.ParseDocument([]byte(staffMiniDocument))
	if err != nil {
		t.Fatal(err)
	}
	written := questionnaires.New(e.store)
	if _, err := written.Create(ctx, auth.Operator(), doc); err != nil {
		t.Fatal(err)
	}
	if _, err := written.Publish(ctx, auth.Operator(), "mini", 1); err != nil {
		t.Fatal(err)
	}
	run := campaigns.New(e.store)
	for _, c := range []survey.NewCampaign{
		{Key: "mini-2024", Year: 2024, Questionnaire: "mini", Version: 1, Administrations: []string{"BE", "FR"}},
		{Key: "fr-only", Year: 2025, Questionnaire: "customs_annual", Version: 1, Administrations: []string{"FR"}},
	} {
		c.OpensAt, c.ClosesAt, c.MinCellSize = time.Now().Add(-time.Hour), time.Now().Add(48*time.Hour), 1
		if _, err := run.Create(ctx, auth.Operator(), c); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := run.Open(ctx, auth.Operator(), "mini-2024"); err != nil {
		t.Fatal(err)
	}
	answering := responding.New(e.store, e.now)
	if _, err := answering.SaveDraft(ctx, staffPrincipal(t, e, "resp_be"), "mini-2024", survey.Answers{}, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := answering.Submit(ctx, staffPrincipal(t, e, "resp_be"), "mini-2024", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := answering.SaveDraft(ctx, staffPrincipal(t, e, "resp_fr"), "mini-2024", survey.Answers{}, nil); err != nil {
		t.Fatal(err)
	}
}

// staffPrincipal is who the account <name>@customs.example acts as.
func staffPrincipal(t *testing.T, e *env, name string) auth.Principal {
	t.Helper()
	a, found, err := e.store.AccountByEmail(context.Background(), name+"@customs.example")
	if err != nil || !found {
		t.Fatalf("account %s: %v %v", name, found, err)
	}
	return a.Principal()
}

// staffSignIn returns a browser signed in as admin, or as the account
// <name>@customs.example.
func staffSignIn(e *env, name string) *browser {
	b := e.browser()
	if name == "admin" {
		b.login(adminEmail, adminPassword)
	} else {
		b.login(name+"@customs.example", userPassword)
	}
	return b
}

// staffUpload posts the questionnaire form as multipart/form-data, as a
// browser does: the pasted text, and a file when name is not empty.
func staffUpload(b *browser, text, name, file string) page {
	b.e.t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	for k, v := range map[string]string{"csrf": b.csrf, "json": text} {
		if err := mw.WriteField(k, v); err != nil {
			b.e.t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("document", name)
	if err != nil {
		b.e.t.Fatal(err)
	}
	if _, err := fw.Write([]byte(file)); err != nil {
		b.e.t.Fatal(err)
	}
	if err := mw.Close(); err != nil {
		b.e.t.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, b.e.server.URL+"/questionnaires", &body)
	if err != nil {
		b.e.t.Fatal(err)
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", b.e.server.URL)
	return b.do(req)
}

// staffAudit returns the newest event of the audit trail with the action
// and whole target, failing the test if there is none.
func staffAudit(t *testing.T, e *env, action, target string) survey.AuditEvent {
	t.Helper()
	events, err := e.store.AuditEvents(context.Background(), survey.AuditFilter{Action: action, Limit: 50})
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range events {
		if ev.Target == target {
			return ev
		}
	}
	t.Fatalf("no audit event %s %q among %+v", action, target, events)
	return survey.AuditEvent{}
}

// staffTable returns the cells' text of the table whose caption contains
// caption, row by row (head, body and foot), and whether each cell is a
// th with its scope: "th:col", "th:row" or "td".
func staffTable(t *testing.T, body, caption string) (rows [][]string, kinds [][]string) {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	var table *html.Node
	var find func(n *html.Node)
	find = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "caption" && strings.Contains(staffText(n), caption) {
			table = n.Parent
		}
		for c := n.FirstChild; c != nil && table == nil; c = c.NextSibling {
			find(c)
		}
	}
	find(doc)
	if table == nil {
		t.Fatalf("no table captioned %q in\n%s", caption, body)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "tr" {
			var row, kind []string
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				if c.Type != html.ElementNode {
					continue
				}
				row = append(row, strings.Join(strings.Fields(staffText(c)), " "))
				k := c.Data
				if c.Data == "th" {
					k = "th:" + staffAttr(c, "scope")
				}
				kind = append(kind, k)
			}
			rows, kinds = append(rows, row), append(kinds, kind)
			return
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(table)
	return rows, kinds
}

func staffText(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.WriteString(staffText(c))
	}
	return b.String()
}

func staffAttr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

// staffRow returns the row of rows whose first cell is first, or nil.
func staffRow(rows [][]string, first string) []string {
	for _, r := range rows {
		if len(r) > 0 && r[0] == first {
			return r
		}
	}
	return nil
}

// TestStaffCampaignList: admins see every campaign with its coverage and
// the links to its pages, scores included; a coordinator sees their
// administration's campaigns, their own coverage, and no scores.
func TestStaffCampaignList(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		staffWorld(t, e)
		for _, tt := range []struct {
			who         string
			mini        []string // the row of mini-2024
			frOnly      bool     // fr-only is listed
			scoresLinks bool
		}{
			{"admin", []string{"mini-2024", "2024", "mini, version 1", "Open", "", "2",
				"1 of 2 administrations; submitted responses: 1"}, true, true},
			{"coord_be", []string{"mini-2024", "2024", "mini, version 1", "Open", "", "2",
				"Submitted responses: 1; respondents: 2"}, false, false},
		} {
			t.Run(tt.who, func(t *testing.T) {
				b := staffSignIn(e, tt.who)
				p := b.get("/campaigns")
				if p.Status != http.StatusOK {
					t.Fatalf("status %d\n%s", p.Status, p.Body)
				}
				rows, kinds := staffTable(t, p.Body, "The campaigns you run or follow")
				if kinds[0][0] != "th:col" || kinds[1][0] != "th:row" {
					t.Errorf("headers: %v", kinds)
				}
				mini := staffRow(rows, "mini-2024")
				if len(mini) < 7 {
					t.Fatalf("no row of mini-2024 in %v", rows)
				}
				tt.mini[4] = mini[4] // the closing time, checked below
				if strings.Join(mini[:7], "|") != strings.Join(tt.mini, "|") {
					t.Errorf("mini-2024:\n got %q\nwant %q", mini[:7], tt.mini)
				}
				if !strings.HasSuffix(mini[4], " UTC") {
					t.Errorf("closing time %q", mini[4])
				}
				if (staffRow(rows, "fr-only") != nil) != tt.frOnly || staffRow(rows, "customs-2023") == nil {
					t.Errorf("campaigns listed: %v", rows)
				}
				for _, link := range []string{`href="/campaigns/mini-2024"`, `href="/campaigns/mini-2024/progress"`} {
					if !strings.Contains(p.Body, link) {
						t.Errorf("no link %s", link)
					}
				}
				if strings.Contains(p.Body, `href="/campaigns/mini-2024/scores"`) != tt.scoresLinks {
					t.Errorf("scores link shown: %v, want %v", !tt.scoresLinks, tt.scoresLinks)
				}
			})
		}
		b := staffSignIn(e, "admin")
		if p := b.get("/campaigns?lang=fr"); !strings.Contains(p.Body, "<h1>Campagnes</h1>") ||
			!strings.Contains(p.Body, "1 administrations sur 2") {
			t.Errorf("the list in French:\n%s", p.Body)
		}
	})
}

// TestCampaignOverview: the campaign's facts for staff; admins get the
// button that fits its status, coordinators none; another
// administration's campaign is not found.
func TestCampaignOverview(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		staffWorld(t, e)
		for _, tt := range []struct {
			who, key  string
			status    int
			open      bool // the form that opens it
			close     bool // the form that closes it
			mentioned []string
		}{
			{"admin", "customs-2023", 200, false, true, []string{"customs_annual, version 1", "<li>BE</li><li>FR</li>", ">Open<"}},
			{"admin", "fr-only", 200, true, false, []string{"<li>FR</li>", ">Draft<", "2025"}},
			{"coord_be", "customs-2023", 200, false, false, []string{"<li>BE</li><li>FR</li>", ">Open<"}},
			{"coord_be", "fr-only", 404, false, false, nil},
			{"coord_be", "no-such-campaign", 404, false, false, nil},
		} {
			t.Run(tt.who+" "+tt.key, func(t *testing.T) {
				p := staffSignIn(e, tt.who).get("/campaigns/" + tt.key)
				if p.Status != tt.status {
					t.Fatalf("status %d, want %d\n%s", p.Status, tt.status, p.Body)
				}
				if tt.status != http.StatusOK {
					return
				}
				if got := strings.Contains(p.Body, `action="/campaigns/`+tt.key+`/open"`); got != tt.open {
					t.Errorf("open form: %v, want %v", got, tt.open)
				}
				if got := strings.Contains(p.Body, `action="/campaigns/`+tt.key+`/close"`); got != tt.close {
					t.Errorf("close form: %v, want %v", got, tt.close)
				}
				for _, s := range append(tt.mentioned, "<h1>Campaign "+tt.key+"</h1>") {
					if !strings.Contains(p.Body, s) {
						t.Errorf("no %q in\n%s", s, p.Body)
					}
				}
			})
		}
	})
}

// TestOpenAndCloseCampaign: an admin opens a draft campaign and closes it
// after ticking the confirmation; a transition the campaign's status does
// not allow is a 409 with the reason on the page; each attempt is in the
// audit trail under the API's action name and target.
func TestOpenAndCloseCampaign(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		staffWorld(t, e)
		b := staffSignIn(e, "admin")
		status := func() string {
			c, err := campaigns.New(e.store).Get(context.Background(), auth.Operator(), "fr-only")
			if err != nil {
				t.Fatal(err)
			}
			return c.Status
		}
		b.get("/campaigns/fr-only")
		p := b.post("/campaigns/fr-only/open", nil)
		if p.Status != http.StatusSeeOther || p.Location != "/campaigns/fr-only?done=opened" || status() != survey.StatusOpen {
			t.Fatalf("open: %d %s, campaign %s\n%s", p.Status, p.Location, status(), p.Body)
		}
		if ev := staffAudit(t, e, "campaign.open", "key=fr-only"); ev.Status != http.StatusSeeOther || ev.ActorEmail != adminEmail {
			t.Errorf("audit of the open: %+v", ev)
		}
		if p := b.get(p.Location); !strings.Contains(p.Body, "The campaign is open") || !strings.Contains(p.Body, `action="/campaigns/fr-only/close"`) {
			t.Errorf("after the open:\n%s", p.Body)
		}

		p = b.post("/campaigns/fr-only/open", nil)
		if p.Status != http.StatusConflict || !strings.Contains(p.Body, "The campaign cannot be opened: its status is now “Open”") ||
			!strings.Contains(p.Body, `href="#campaign-status"`) || !strings.Contains(p.Body, "<title>Error:") {
			t.Errorf("open again: %d\n%s", p.Status, p.Body)
		}
		if ev := staffAudit(t, e, "campaign.open", "key=fr-only"); ev.Status != http.StatusConflict {
			t.Errorf("audit of the second open: %+v", ev)
		}

		p = b.post("/campaigns/fr-only/close", nil)
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `<a href="#confirm">Tick the box`) ||
			!strings.Contains(p.Body, `aria-invalid="true"`) || status() != survey.StatusOpen {
			t.Errorf("close without confirming: %d, campaign %s\n%s", p.Status, status(), p.Body)
		}
		if ev := staffAudit(t, e, "campaign.close", "key=fr-only"); ev.Status != http.StatusUnprocessableEntity {
			t.Errorf("audit of the unconfirmed close: %+v", ev)
		}
		p = b.post("/campaigns/fr-only/close", url.Values{"confirm": {"yes"}})
		if p.Status != http.StatusSeeOther || p.Location != "/campaigns/fr-only?done=closed" || status() != survey.StatusClosed {
			t.Fatalf("close: %d %s, campaign %s\n%s", p.Status, p.Location, status(), p.Body)
		}
		if ev := staffAudit(t, e, "campaign.close", "key=fr-only"); ev.Status != http.StatusSeeOther {
			t.Errorf("audit of the close: %+v", ev)
		}
		p = b.get(p.Location)
		if !strings.Contains(p.Body, "The campaign is closed") || strings.Contains(p.Body, `action="/campaigns/fr-only/open"`) ||
			strings.Contains(p.Body, `action="/campaigns/fr-only/close"`) || !strings.Contains(p.Body, `action="/campaigns/fr-only/reopen"`) {
			t.Errorf("after the close:\n%s", p.Body)
		}
		for _, form := range []url.Values{nil, {"confirm": {"yes"}}} {
			p = b.post("/campaigns/fr-only/close", form)
			if p.Status != http.StatusConflict || !strings.Contains(p.Body, "The campaign cannot be closed: its status is now “Closed”") {
				t.Errorf("close again (%v): %d\n%s", form, p.Status, p.Body)
			}
			if ev := staffAudit(t, e, "campaign.close", "key=fr-only"); ev.Status != http.StatusConflict {
				t.Errorf("audit of the second close: %+v", ev)
			}
		}
		p = b.post("/campaigns/no-such/open", nil)
		if p.Status != http.StatusNotFound {
			t.Errorf("open an unknown campaign: %d", p.Status)
		}
		if ev := staffAudit(t, e, "campaign.open", "key=no-such"); ev.Status != http.StatusNotFound {
			t.Errorf("audit of the unknown campaign: %+v", ev)
		}
	})
}

// TestProgressPage: the progress table per administration with totals, as
// an accessible table; a coordinator's has their administration's row
// only.
func TestProgressPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		staffWorld(t, e)
		for _, tt := range []struct {
			who  string
			want [][]string
		}{
			{"admin", [][]string{{"Administration", "Respondents", "Drafts", "Submitted", "Amendments not yet submitted", "Last submission"},
				{"BE", "2", "0", "1", "0", "UTC"}, {"FR", "1", "1", "0", "0", "None yet"}, {"Total", "3", "1", "1", "0", "UTC"}}},
			{"coord_be", [][]string{{"Administration", "Respondents", "Drafts", "Submitted", "Amendments not yet submitted", "Last submission"},
				{"BE", "2", "0", "1", "0", "UTC"}, {"Total", "2", "0", "1", "0", "UTC"}}},
		} {
			t.Run(tt.who, func(t *testing.T) {
				p := staffSignIn(e, tt.who).get("/campaigns/mini-2024/progress")
				if p.Status != http.StatusOK {
					t.Fatalf("status %d\n%s", p.Status, p.Body)
				}
				rows, kinds := staffTable(t, p.Body, "Responses to campaign mini-2024 by administration")
				if len(rows) != len(tt.want) {
					t.Fatalf("rows %v, want %v", rows, tt.want)
				}
				for i := range rows {
					// The last submission is a time ("… UTC"), or says none.
					if n := len(rows[i]); n > 0 && i > 0 && strings.HasSuffix(rows[i][n-1], " UTC") {
						rows[i][n-1] = "UTC"
					}
					if strings.Join(rows[i], "|") != strings.Join(tt.want[i], "|") {
						t.Errorf("row %d: %v, want %v", i, rows[i], tt.want[i])
					}
					want := "th:row"
					if i == 0 {
						want = "th:col"
					}
					if kinds[i][0] != want {
						t.Errorf("row %d starts with %s, want %s", i, kinds[i][0], want)
					}
				}
			})
		}
	})
}

// TestUsersPage: admins list every account and choose the role and
// administration of a new one; a coordinator lists their administration's
// accounts and adds respondents.
func TestUsersPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		for _, tt := range []struct {
			who           string
			listed, not   []string
			roleChoice    bool
			hiddenRespond bool
		}{
			{"admin", []string{adminEmail, "coord_be@", "resp_be@", "resp_fr@"}, nil, true, false},
			{"coord_be", []string{"coord_be@", "resp_be@", "resp_be2@"}, []string{adminEmail, "resp_fr@"}, false, true},
		} {
			t.Run(tt.who, func(t *testing.T) {
				p := staffSignIn(e, tt.who).get("/users")
				if p.Status != http.StatusOK {
					t.Fatalf("status %d\n%s", p.Status, p.Body)
				}
				rows, _ := staffTable(t, p.Body, "")
				emails := ""
				for _, r := range rows[1:] {
					emails += r[0] + " "
				}
				for _, s := range tt.listed {
					if !strings.Contains(emails, s) {
						t.Errorf("%s not listed: %s", s, emails)
					}
				}
				for _, s := range tt.not {
					if strings.Contains(emails, s) {
						t.Errorf("%s listed: %s", s, emails)
					}
				}
				if got := strings.Contains(p.Body, `type="radio" value="coordinator"`); got != tt.roleChoice {
					t.Errorf("role choice: %v, want %v", got, tt.roleChoice)
				}
				if got := strings.Contains(p.Body, `<input type="hidden" name="role" value="respondent">`); got != tt.hiddenRespond {
					t.Errorf("respondent form: %v, want %v", got, tt.hiddenRespond)
				}
			})
		}
	})
}

// TestAddUser: an account added through the form is listed and in the
// audit trail; problems come back beside their fields with the values
// kept, never the password.
func TestAddUser(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		coord := staffSignIn(e, "coord_be")
		coord.get("/users")
		p := coord.post("/users", url.Values{"email": {"new_be@customs.example"}, "password": {userPassword}, "role": {"respondent"}})
		if p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/users?created=") {
			t.Fatalf("add: %d %s\n%s", p.Status, p.Location, p.Body)
		}
		id := strings.TrimPrefix(p.Location, "/users?created=")
		if ev := staffAudit(t, e, "user.create", "id="+id); ev.Status != http.StatusSeeOther || ev.ActorEmail != "coord_be@customs.example" {
			t.Errorf("audit: %+v", ev)
		}
		p = coord.get(p.Location)
		rows, _ := staffTable(t, p.Body, "The accounts of administration BE")
		if r := staffRow(rows, "new_be@customs.example"); r == nil || r[1] != "Respondent" || r[2] != "BE" || r[3] != "Active" ||
			!strings.Contains(p.Body, "The account new_be@customs.example was created.") {
			t.Errorf("after the add: %v\n%s", rows, p.Body)
		}

		admin := staffSignIn(e, "admin")
		admin.get("/users")
		p = admin.post("/users", url.Values{"email": {"coord_fr@customs.example"}, "password": {userPassword},
			"role": {"coordinator"}, "administration": {"FR"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("admin adds a coordinator: %d\n%s", p.Status, p.Body)
		}
		a, found, err := e.store.AccountByEmail(context.Background(), "coord_fr@customs.example")
		if err != nil || !found || a.Role != auth.RoleCoordinator || a.Administration != "FR" {
			t.Errorf("the coordinator added: %+v %v %v", a, found, err)
		}

		const secret = "sekret pw" // too short for the policy, and never shown back
		for _, tt := range []struct {
			name   string
			by     *browser
			form   url.Values
			status int
			field  string
			msg    string
			kept   string
		}{
			{"bad e-mail", coord, url.Values{"email": {"not-an-address"}, "password": {secret}, "role": {"respondent"}},
				422, "email", "Enter an e-mail address in the correct format", `value="not-an-address"`},
			{"no e-mail", coord, url.Values{"email": {""}, "password": {userPassword}, "role": {"respondent"}},
				422, "email", "Enter an e-mail address", ""},
			{"weak password", coord, url.Values{"email": {"weak@customs.example"}, "password": {secret}, "role": {"respondent"}},
				422, "password", "password must be at least 12 characters long", `value="weak@customs.example"`},
			{"taken", coord, url.Values{"email": {"resp_be@customs.example"}, "password": {userPassword}, "role": {"respondent"}},
				409, "email", "An account with this e-mail address already exists", `value="resp_be@customs.example"`},
			{"admin in an administration", admin, url.Values{"email": {"a2@customs.example"}, "password": {userPassword},
				"role": {"admin"}, "administration": {"BE"}},
				422, "administration", "Commission staff belong to no administration", `<option value="BE" selected>`},
			{"coordinator of none", admin, url.Values{"email": {"c2@customs.example"}, "password": {userPassword},
				"role": {"coordinator"}},
				422, "administration", "Choose the administration of a coordinator or a respondent", `value="coordinator" checked`},
			{"no role", admin, url.Values{"email": {"r2@customs.example"}, "password": {userPassword}},
				422, "role", "Choose a role", ""},
		} {
			t.Run(tt.name, func(t *testing.T) {
				p := tt.by.post("/users", tt.form)
				if p.Status != tt.status {
					t.Fatalf("status %d, want %d\n%s", p.Status, tt.status, p.Body)
				}
				for _, s := range []string{"<title>Error:", `<a href="#` + tt.field + `">` + tt.msg, tt.field + `-error"><span class="visually-hidden">Error:</span> ` + tt.msg,
					`id="` + tt.field + `"`, tt.kept} {
					if !strings.Contains(p.Body, s) {
						t.Errorf("no %q in\n%s", s, p.Body)
					}
				}
				if strings.Contains(p.Body, secret) || strings.Contains(p.Body, userPassword) {
					t.Error("the password is shown back")
				}
				if ev := staffAudit(t, e, "user.create", ""); ev.Status != tt.status {
					t.Errorf("audit: %+v", ev)
				}
			})
		}
		p = coord.post("/users", url.Values{"email": {"boss@customs.example"}, "password": {userPassword}, "role": {"coordinator"}})
		if p.Status != http.StatusForbidden {
			t.Errorf("a coordinator adds a coordinator: %d", p.Status)
		}
		if ev := staffAudit(t, e, "user.create", ""); ev.Status != http.StatusForbidden {
			t.Errorf("audit of the refusal: %+v", ev)
		}
	})
}

// TestUploadQuestionnaire: a broken document comes back with its problems
// grouped by question key (by path for a question without a key, and the
// document's own apart), the document kept in the form; a valid one becomes
// version 1, a draft, in the list and the audit trail; its key cannot be
// used twice.
func TestUploadQuestionnaire(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		b := staffSignIn(e, "admin")
		b.get("/questionnaires")

		p := staffUpload(b, "", "broken.json", staffBrokenDocument)
		if p.Status != http.StatusUnprocessableEntity {
			t.Fatalf("broken: %d\n%s", p.Status, p.Body)
		}
		doc, err := html.Parse(strings.NewReader(p.Body))
		if err != nil {
			t.Fatal(err)
		}
		groups := map[string]string{} // heading → its list of problems
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode && n.Data == "h4" {
				for s := n.NextSibling; s != nil; s = s.NextSibling {
					if s.Type == html.ElementNode && s.Data == "ul" {
						groups[strings.Join(strings.Fields(staffText(n)), " ")] = strings.Join(strings.Fields(staffText(s)), " ")
						break
					}
				}
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		want := map[string]string{
			"The document": "indicators[0].questions[0]: names no question of this questionnaire (unknown_question)",
			"Question q_size (sections[0].questions[0])": "options[0].score: must be between 0 and 100, or null (out_of_range)",
			"The question at sections[0].questions[1]":   "key: is required (required)",
		}
		if len(groups) != len(want) {
			t.Errorf("groups %q", groups)
		}
		for h, list := range want {
			if groups[h] != list {
				t.Errorf("group %q: %q, want %q", h, groups[h], list)
			}
		}
		for _, s := range []string{"<title>Error:", `<a href="#document">The document has 3 problems, listed below</a>`,
			`<a href="#question-problems-1">Question q_size: 1 problem</a>`, `<a href="#document-problems">The document: 1 problem</a>`,
			`&#34;key&#34;: &#34;broken&#34;`} {
			if !strings.Contains(p.Body, s) {
				t.Errorf("no %q in\n%s", s, p.Body)
			}
		}
		if ev := staffAudit(t, e, "questionnaire.create", ""); ev.Status != http.StatusUnprocessableEntity {
			t.Errorf("audit of the broken one: %+v", ev)
		}

		b.get("/questionnaires")
		doc2 := strings.Replace(staffMiniDocument, `"key": "mini"`, `"key": "mini_two"`, 1)
		p = staffUpload(b, doc2, "", "")
		if p.Status != http.StatusSeeOther || p.Location != "/questionnaires?created=mini_two" {
			t.Fatalf("valid: %d %s\n%s", p.Status, p.Location, p.Body)
		}
		q, err := questionnaires.New(e.store).Get(context.Background(), auth.Operator(), "mini_two", 1)
		if err != nil || q.Status != survey.StatusDraft || q.Document.Title["fr"] != "Mini enquête" {
			t.Errorf("stored: %+v %v", q, err)
		}
		if ev := staffAudit(t, e, "questionnaire.create", "key=mini_two,version=1"); ev.Status != http.StatusSeeOther {
			t.Errorf("audit: %+v", ev)
		}
		p = b.get(p.Location)
		rows, _ := staffTable(t, p.Body, "The latest version of every questionnaire")
		if r := staffRow(rows, "mini_two"); r == nil || r[1] != "Mini survey" || r[2] != "1" || r[3] != "Draft" ||
			!strings.Contains(p.Body, "The questionnaire mini_two was created as version 1, a draft.") {
			t.Errorf("list after the upload: %v\n%s", rows, p.Body)
		}
		if r := staffRow(rows, "customs_annual"); r == nil || r[3] != "Published" {
			t.Errorf("customs_annual: %v", r)
		}

		for _, tt := range []struct {
			name, text, file string
			status           int
			field, msg       string
		}{
			{"the same key", doc2, "", 409, "json", "A questionnaire with the key mini_two exists already"},
			{"not JSON", "{\n  \"key\": maybe", "", 422, "json", "The document is not a JSON object: check its brackets, commas and quotes (the questionnaire is not valid JSON: line 2, column 10: invalid character &#39;m&#39; looking for beginning of value, at: &#34;key&#34;: maybe)"},
			{"nothing", "", "", 422, "document", "Choose a file or paste the document"},
			{"the file wins", "{", "x.json", 422, "document", "The document is not a JSON object"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				file := ""
				if tt.file != "" {
					file = "[]"
				}
				p := staffUpload(b, tt.text, tt.file, file)
				if p.Status != tt.status || !strings.Contains(p.Body, `<a href="#`+tt.field+`">`+tt.msg) {
					t.Errorf("status %d, want %d\n%s", p.Status, tt.status, p.Body)
				}
			})
		}
	})
}

// TestPublishQuestionnaire: the list's button publishes a draft version,
// once; the attempt is in the audit trail.
func TestPublishQuestionnaire(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		b := staffSignIn(e, "admin")
		b.get("/questionnaires")
		if p := staffUpload(b, staffMiniDocument, "", ""); p.Status != http.StatusSeeOther {
			t.Fatalf("upload: %d\n%s", p.Status, p.Body)
		}
		p := b.get("/questionnaires")
		if !strings.Contains(p.Body, `action="/questionnaires/mini/versions/1/publish"`) ||
			strings.Contains(p.Body, `action="/questionnaires/customs_annual/versions/1/publish"`) {
			t.Errorf("publish buttons:\n%s", p.Body)
		}
		p = b.post("/questionnaires/mini/versions/1/publish", nil)
		if p.Status != http.StatusSeeOther || p.Location != "/questionnaires?published=mini&version=1" {
			t.Fatalf("publish: %d %s\n%s", p.Status, p.Location, p.Body)
		}
		if q, err := questionnaires.New(e.store).Get(context.Background(), auth.Operator(), "mini", 1); err != nil || q.Status != survey.StatusPublished {
			t.Errorf("stored: %+v %v", q, err)
		}
		if ev := staffAudit(t, e, "questionnaire.publish", "key=mini,version=1"); ev.Status != http.StatusSeeOther {
			t.Errorf("audit: %+v", ev)
		}
		p = b.post("/questionnaires/mini/versions/1/publish", nil)
		if p.Status != http.StatusConflict || !strings.Contains(p.Body, "Version 1 of the questionnaire mini cannot be published") {
			t.Errorf("publish again: %d\n%s", p.Status, p.Body)
		}
		if p := b.post("/questionnaires/mini/versions/01/publish", nil); p.Status != http.StatusNotFound {
			t.Errorf("version 01: %d", p.Status)
		}
	})
}
