package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/customs-survey/surveyd/exports"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/demo"
	"github.com/customs-survey/surveyd/responding"
	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
	"github.com/customs-survey/surveyd/users"
)

// scoresAPI is what the scores page shows of GET /api/v1/campaigns/{key}/scores.
type scoresAPI struct {
	Campaign   string `json:"campaign"`
	Year       int    `json:"year"`
	Indicators []struct {
		Code      string             `json:"code"`
		Title     string             `json:"title"`
		Method    string             `json:"method"`
		Unit      string             `json:"unit"`
		Value     *float64           `json:"value"`
		N         int                `json:"n"`
		CI95      *[2]float64        `json:"ci95"`
		Target    *scoresAPITarget   `json:"target"`
		Previous  *scoresAPIPrevious `json:"previous"`
		Breakdown *struct {
			Options         []scoresAPIRow `json:"options"`
			Administrations []scoresAPIRow `json:"administrations"`
			Questions       []scoresAPIRow `json:"questions"`
		} `json:"breakdown"`
		Narrative string `json:"narrative"`
	} `json:"indicators"`
}

type scoresAPITarget struct {
	Value  float64 `json:"value"`
	Kind   string  `json:"kind"`
	Year   int     `json:"year"`
	Status string  `json:"status"`
}

type scoresAPIPrevious struct {
	Year       int      `json:"year"`
	Value      *float64 `json:"value"`
	Change     *float64 `json:"change"`
	Comparable bool     `json:"comparable"`
}

type scoresAPIRow struct {
	Key        string   `json:"key"`
	Label      string   `json:"label"`
	Value      *float64 `json:"value"`
	N          *int     `json:"n"`
	Count      *int     `json:"count"`
	Suppressed bool     `json:"suppressed"`
}

// The figures as the English page writes them: two decimals rounded as
// the exports round them, "%" after percentages.
func scoresValue(v *float64, method string) string {
	if v == nil {
		return "no value"
	}
	if method == survey.MethodMeanValue {
		return scoring.Fixed2(*v)
	}
	return scoring.Fixed2(*v) + "%"
}

func scoresChange(d *float64, method string) string {
	if d == nil {
		return "cannot be computed (a value is missing)"
	}
	s := scoring.Fixed2(*d)
	switch r := scoring.Round(*d, 2); {
	case r > 0:
		s = "+" + s
	case r == 0:
		s = "0.00" // not "-0.00"
	}
	if method == survey.MethodMeanValue {
		return s + " points"
	}
	return s + " percentage points"
}

func scoresUnits(unit string, n int) string {
	word := map[string]string{"administration": "administration", "respondent": "response"}[unit]
	if n != 1 {
		word += "s"
	}
	return fmt.Sprintf("%d %s", n, word)
}

// loadScoresReport2023 loads the data set of the 2023 report (package demo) and
// adds a coordinator and a respondent of BE.
func loadScoresReport2023(t *testing.T, e *env) {
	t.Helper()
	ds, err := demo.Report2023()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if err := demo.Load(ctx, e.store, ds); err != nil {
		t.Fatalf("load the 2023 data set: %v", err)
	}
	for _, u := range []struct{ name, role string }{{"coord_be", "coordinator"}, {"resp_be", "respondent"}} {
		if _, err := users.New(e.store).Create(ctx, auth.Operator(), survey.NewUser{Email: u.name + "@customs.example",
			Password: userPassword, Role: u.role, Administration: "BE"}); err != nil {
			t.Fatal(err)
		}
	}
}

// scoresAPIToken signs in to the API and returns the access token.
func scoresAPIToken(t *testing.T, e *env, email, password string) string {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"email": email, "password": password})
	res, err := http.Post(e.server.URL+"/api/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var tokens struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&tokens); err != nil || res.StatusCode != http.StatusOK || tokens.AccessToken == "" {
		t.Fatalf("API login as %s: %d %v", email, res.StatusCode, err)
	}
	return tokens.AccessToken
}

// scoresAPIGet answers GET path of the API with the bearer token.
func scoresAPIGet(t *testing.T, e *env, path, token string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.server.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, res.Header, body
}

// scoresDoc is a parsed page with its scoresElements by id.
type scoresDoc struct {
	root *html.Node
	byID map[string]*html.Node
}

// parseScoresPage parses a page and fails the test if two scoresElements share an id.
func parseScoresPage(t *testing.T, body string) scoresDoc {
	t.Helper()
	root, err := html.Parse(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	p := scoresDoc{root: root, byID: map[string]*html.Node{}}
	scoresWalk(root, func(n *html.Node) {
		if id := scoresAttr(n, "id"); id != "" {
			if _, dup := p.byID[id]; dup {
				t.Errorf("the id %q is on two scoresElements", id)
			}
			p.byID[id] = n
		}
	})
	return p
}

// text is the id's element's text, spaces collapsed; "" when there is no
// such element.
func (p scoresDoc) text(id string) string {
	n := p.byID[id]
	if n == nil {
		return ""
	}
	return scoresText(n)
}

func scoresWalk(n *html.Node, fn func(*html.Node)) {
	fn(n)
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		scoresWalk(c, fn)
	}
}

func scoresAttr(n *html.Node, name string) string {
	for _, a := range n.Attr {
		if a.Key == name {
			return a.Val
		}
	}
	return ""
}

func scoresText(n *html.Node) string {
	var b strings.Builder
	scoresWalk(n, func(c *html.Node) {
		if c.Type == html.TextNode {
			b.WriteString(c.Data)
		}
	})
	// Only ASCII white space is collapsed: a no-break space is part of a
	// figure ("67,31\u00a0%").
	return strings.Join(strings.FieldsFunc(b.String(), func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' || r == '\r' }), " ")
}

// scoresElements lists the scoresElements of a tag under n.
func scoresElements(n *html.Node, tag string) []*html.Node {
	var out []*html.Node
	scoresWalk(n, func(c *html.Node) {
		if c.Type == html.ElementNode && c.Data == tag {
			out = append(out, c)
		}
	})
	return out
}

// scoresTableRows are the rows of a table's body: the row heading, then the
// cells.
func scoresTableRows(table *html.Node) [][]string {
	var rows [][]string
	for _, tbody := range scoresElements(table, "tbody") {
		for _, tr := range scoresElements(tbody, "tr") {
			var row []string
			for c := tr.FirstChild; c != nil; c = c.NextSibling {
				if c.Type == html.ElementNode && (c.Data == "th" || c.Data == "td") {
					row = append(row, scoresText(c))
				}
			}
			rows = append(rows, row)
		}
	}
	return rows
}

// checkScoresCharts checks every chart of a page: an svg with role img, named
// and described by its own title and desc, followed by a table with a
// caption, column headings and row headings. It returns the charts by id.
func checkScoresCharts(t *testing.T, p scoresDoc) map[string]*html.Node {
	t.Helper()
	charts := map[string]*html.Node{}
	for _, svg := range scoresElements(p.root, "svg") {
		chart := svg.Parent
		id := scoresAttr(chart, "id")
		if scoresAttr(chart, "class") != "chart" || id == "" {
			t.Errorf("an svg outside a chart: %s", scoresAttr(svg, "aria-labelledby"))
			continue
		}
		charts[id] = chart
		if scoresAttr(svg, "role") != "img" {
			t.Errorf("%s: role %q, want img", id, scoresAttr(svg, "role"))
		}
		if !strings.HasPrefix(scoresAttr(svg, "viewBox"), "0 0 320 ") {
			t.Errorf("%s: viewBox %q", id, scoresAttr(svg, "viewBox"))
		}
		names := strings.Fields(scoresAttr(svg, "aria-labelledby"))
		if len(names) != 2 {
			t.Errorf("%s: aria-labelledby %q, want a title and a desc", id, scoresAttr(svg, "aria-labelledby"))
			continue
		}
		for i, tag := range []string{"title", "desc"} {
			n := p.byID[names[i]]
			if n == nil || n.Data != tag || n.Parent != svg || scoresText(n) == "" {
				t.Errorf("%s: aria-labelledby names %q, which is not a %s of the svg with a text", id, names[i], tag)
			}
		}
		tables := scoresElements(chart, "table")
		if len(tables) != 1 {
			t.Errorf("%s: %d tables, want 1", id, len(tables))
			continue
		}
		caption := scoresElements(tables[0], "caption")
		if len(caption) != 1 || scoresText(caption[0]) != scoresText(p.byID[names[0]]) {
			t.Errorf("%s: the table's caption is not the chart's title", id)
		}
		scopes := map[string]int{}
		for _, th := range scoresElements(tables[0], "th") {
			scopes[scoresAttr(th, "scope")]++
		}
		if rows := len(scoresTableRows(tables[0])); scopes["col"] == 0 || scopes["row"] != rows || rows == 0 || len(scopes) != 2 {
			t.Errorf("%s: table headings %v for %d rows", id, scopes, rows)
		}
	}
	return charts
}

// TestScoresPage loads the 2023 report's data set and checks the page of
// both 2023 campaigns against GET /api/v1/campaigns/{key}/scores: every
// figure of every indicator as the page writes it, its narrative, one chart
// per options breakdown, administrations breakdown and previous value, each
// with its text alternative and table, the suppressed cells labelled in
// text; and the downloads, equal to the API's exports and audited as
// theirs.
func TestScoresPage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		loadScoresReport2023(t, e)
		token := scoresAPIToken(t, e, adminEmail, adminPassword)
		b := e.browser()
		b.login(adminEmail, adminPassword)
		for _, key := range []string{"customs-2023", "participants-2023"} {
			status, _, body := scoresAPIGet(t, e, "/api/v1/campaigns/"+key+"/scores", token)
			var api scoresAPI
			if err := json.Unmarshal(body, &api); status != http.StatusOK || err != nil || len(api.Indicators) == 0 {
				t.Fatalf("%s: API scores %d %v: %.300s", key, status, err, body)
			}
			res := b.get("/campaigns/" + key + "/scores")
			if res.Status != http.StatusOK {
				t.Fatalf("%s: status %d\n%s", key, res.Status, res.Body)
			}
			p := parseScoresPage(t, res.Body)
			charts := checkScoresCharts(t, p)
			want := 0
			for i, ind := range api.Indicators {
				id := fmt.Sprintf("indicator-%d", i+1)
				figures := map[string]string{
					"":           ind.Code + ": " + ind.Title,
					"-value":     scoresValue(ind.Value, ind.Method),
					"-n":         scoresUnits(ind.Unit, ind.N),
					"-interval":  "none (fewer than two units with a value)",
					"-target":    fmt.Sprintf("no target for %d", api.Year),
					"-status":    "",
					"-previous":  "",
					"-change":    "",
					"-narrative": ind.Narrative,
				}
				if ci := ind.CI95; ci != nil {
					figures["-interval"] = scoresValue(&ci[0], ind.Method) + " to " + scoresValue(&ci[1], ind.Method)
				}
				if tg := ind.Target; tg != nil {
					figures["-target"] = scoresValue(&tg.Value, ind.Method)
					if tg.Kind == "milestone" {
						figures["-target"] += fmt.Sprintf(" (milestone %d)", tg.Year)
					}
					figures["-status"] = map[string]string{"met": "Target met", "not_met": "Target not met"}[tg.Status]
				}
				if pr := ind.Previous; pr != nil {
					figures["-previous"] = scoresValue(pr.Value, ind.Method)
					figures["-change"] = scoresChange(pr.Change, ind.Method)
					if !pr.Comparable {
						figures["-change"] = "not computed: the indicator's definition changed"
					}
				}
				for suffix, w := range figures {
					if got := p.text(id + suffix); got != w {
						t.Errorf("%s %s (%s%s): %q, want %q", key, ind.Code, id, suffix, got, w)
					}
				}
				// The charts the indicator has, and their tables.
				kinds := map[string]bool{}
				if bd := ind.Breakdown; bd != nil {
					kinds["options"] = len(bd.Options) > 0
					kinds["administrations"] = len(bd.Administrations) > 0
				}
				kinds["change"] = ind.Previous != nil && ind.Previous.Value != nil
				for kind, has := range kinds {
					chart := charts[id+"-chart-"+kind]
					if (chart != nil) != has {
						t.Errorf("%s %s: a %s chart: %v, want %v", key, ind.Code, kind, chart != nil, has)
						continue
					}
					if !has {
						continue
					}
					want++
					var rows [][]string
					switch kind {
					case "options":
						for _, r := range ind.Breakdown.Options {
							rows = append(rows, []string{r.Label, scoresValue(r.Value, survey.MethodShare), fmt.Sprint(*r.Count)})
						}
					case "administrations":
						for _, r := range ind.Breakdown.Administrations {
							if r.Suppressed {
								rows = append(rows, []string{r.Key, "suppressed", "not shown"})
								continue
							}
							rows = append(rows, []string{r.Key, scoresValue(r.Value, ind.Method), fmt.Sprint(*r.N)})
						}
					case "change":
						rows = [][]string{{fmt.Sprint(api.Year), scoresValue(ind.Value, ind.Method)},
							{fmt.Sprint(ind.Previous.Year), scoresValue(ind.Previous.Value, ind.Method)},
							{"Change", scoresChange(ind.Previous.Change, ind.Method)}}
					}
					if got := fmt.Sprint(scoresTableRows(scoresElements(chart, "table")[0])); got != fmt.Sprint(rows) {
						t.Errorf("%s %s: %s table\n%s\nwant\n%s", key, ind.Code, kind, got, rows)
					}
					desc := scoresText(scoresElements(chart, "desc")[0])
					for _, r := range rows {
						if !strings.Contains(desc, r[0]+": "+r[1]) {
							t.Errorf("%s %s: the %s chart's description does not say %q: %s", key, ind.Code, kind, r[0]+": "+r[1], desc)
						}
					}
				}
			}
			// The questions breakdown is a table.
			for i, ind := range api.Indicators {
				table := p.byID[fmt.Sprintf("indicator-%d-questions", i+1)]
				if ind.Breakdown == nil || len(ind.Breakdown.Questions) == 0 {
					if table != nil {
						t.Errorf("%s %s: a questions table without a questions breakdown", key, ind.Code)
					}
					continue
				}
				var rows [][]string
				for _, r := range ind.Breakdown.Questions {
					rows = append(rows, []string{r.Label, scoresValue(r.Value, ind.Method), fmt.Sprint(*r.N)})
				}
				if table == nil || fmt.Sprint(scoresTableRows(table)) != fmt.Sprint(rows) {
					t.Errorf("%s %s: the questions table is not\n%s", key, ind.Code, rows)
				}
			}
			if len(charts) != want || want == 0 {
				t.Errorf("%s: %d charts, want %d", key, len(charts), want)
			}
		}

		// RES 3.2.1 of customs-2023 breaks down by administration, every
		// cell below the minimum size of 5: each is labelled in the drawing
		// and in the table, and the note says what it means.
		p := parseScoresPage(t, b.get("/campaigns/customs-2023/scores").Body)
		chart := p.byID["indicator-5-chart-administrations"]
		if chart == nil || p.text("indicator-5") != "RES 3.2.1: Contribution of new common components of the EES to improving the operational performance of national authorities" {
			t.Fatalf("no administrations chart for RES 3.2.1 (%q)", p.text("indicator-5"))
		}
		svg := scoresElements(chart, "svg")[0]
		labels := 0
		for _, text := range scoresElements(svg, "text") {
			if scoresText(text) == "suppressed" {
				labels++
			}
		}
		hatched := 0
		for _, r := range scoresElements(svg, "rect") {
			if strings.HasPrefix(scoresAttr(r, "fill"), "url(#") && scoresAttr(r, "stroke") != "" {
				hatched++
			}
		}
		if labels != 28 || hatched != 28 {
			t.Errorf("%d cells labelled suppressed and %d hatched and outlined, want 28", labels, hatched)
		}
		note := "Suppressed: fewer than 5 responses with a value, or hidden together with such a cell so that it cannot be worked out from the total."
		if notes := scoresElements(chart, "p"); len(notes) != 1 || scoresText(notes[0]) != note || !strings.Contains(scoresText(svg), note) {
			t.Errorf("the note on suppressed cells is missing from the chart or its description")
		}

		// The downloads are the API's exports, audited as the API audits them.
		for _, f := range []struct{ ext, contentType string }{
			{"csv", "text/csv; charset=utf-8"},
			{"xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
			{"json", exports.JSON.ContentType()},
		} {
			href := "/campaigns/customs-2023/scores/customs-2023." + f.ext
			found := false
			for _, a := range scoresElements(p.root, "a") {
				found = found || scoresAttr(a, "href") == href
			}
			if !found {
				t.Errorf("no link to %s", href)
			}
			count := len(scoresExports(t, e))
			_, _, want := scoresAPIGet(t, e, "/api/v1/campaigns/customs-2023/scores?format="+f.ext, token)
			// The API records its export once the answer is sent: wait for it.
			apiEvents := scoresExports(t, e)
			for deadline := time.Now().Add(5 * time.Second); len(apiEvents) == count && time.Now().Before(deadline); {
				time.Sleep(10 * time.Millisecond)
				apiEvents = scoresExports(t, e)
			}
			got := b.get(href)
			if got.Status != http.StatusOK || got.Header.Get("Content-Type") != f.contentType ||
				got.Header.Get("Content-Disposition") != `attachment; filename="customs-2023-scores.`+f.ext+`"` {
				t.Errorf("%s: %d %q %q", href, got.Status, got.Header.Get("Content-Type"), got.Header.Get("Content-Disposition"))
			}
			switch f.ext {
			case "csv":
				if got.Body != string(want) || len(want) < 1000 {
					t.Errorf("the CSV download differs from the API's CSV export:\n%.500s\nwant\n%.500s", got.Body, want)
				}
			case "json":
				// The same document as the API's, but for when it was computed.
				var page, api map[string]any
				if json.Unmarshal([]byte(got.Body), &page) != nil || json.Unmarshal(want, &api) != nil {
					t.Fatalf("the JSON download or the API's answer is not JSON")
				}
				delete(page, "computed_at")
				delete(api, "computed_at")
				if !reflect.DeepEqual(page, api) || len(want) < 1000 {
					t.Errorf("the JSON download differs from the API's JSON:\n%.500s\nwant\n%.500s", got.Body, want)
				}
			case "xlsx":
				if !strings.HasPrefix(got.Body, "PK\x03\x04") || len(got.Body) < 1000 {
					t.Errorf("the XLSX download is not a workbook: %q", got.Body[:min(len(got.Body), 40)])
				}
			}
			webEvents := scoresExports(t, e)
			if len(webEvents) != len(apiEvents)+1 {
				t.Fatalf("%s: %d export.scores events after it, %d before", href, len(webEvents), len(apiEvents))
			}
			fromAPI, fromPage := apiEvents[0], webEvents[0]
			if fromPage.Target != fromAPI.Target || fromPage.Status != fromAPI.Status || fromPage.ActorID != fromAPI.ActorID ||
				fromPage.ActorRole != fromAPI.ActorRole || fromPage.ActorEmail != adminEmail || fromPage.Target != "key=customs-2023" ||
				fromPage.Status != http.StatusOK {
				t.Errorf("%s: audited as %+v; the API's export: %+v", href, fromPage, fromAPI)
			}
		}
		before := len(scoresExports(t, e))
		for _, path := range []string{"/campaigns/customs-2023/scores/customs-2022.csv",
			"/campaigns/customs-2023/scores/customs-2023.pdf", "/campaigns/customs-2023/scores/customs-2023", "/campaigns/nothing/scores/nothing.csv"} {
			if got := b.get(path); got.Status != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", path, got.Status)
			}
		}
		if after := len(scoresExports(t, e)); after != before {
			t.Errorf("refused downloads were audited as exports: %d events, %d before", after, before)
		}
	})
}

// scoresExports lists the export.scores events of the audit trail, newest
// first.
func scoresExports(t *testing.T, e *env) []survey.AuditEvent {
	t.Helper()
	events, err := e.store.AuditEvents(context.Background(), survey.AuditFilter{Action: "export.scores", Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	return events
}

// TestScoresPageIsForAdmins: coordinators and respondents are refused the
// page and the downloads (403); a visitor who is not signed in is sent to
// the login page; an unknown campaign is not found.
func TestScoresPageIsForAdmins(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		for _, who := range []string{"coord_be", "resp_be"} {
			b := e.browser()
			b.login(who+"@customs.example", userPassword)
			for _, path := range []string{"/campaigns/customs-2023/scores", "/campaigns/customs-2023/scores/customs-2023.csv"} {
				if p := b.get(path); p.Status != http.StatusForbidden || strings.Contains(p.Body, "customs-2023-scores") {
					t.Errorf("%s %s: %d, want 403", who, path, p.Status)
				}
			}
		}
		anonymous := e.browser()
		if p := anonymous.get("/campaigns/customs-2023/scores"); p.Status != http.StatusSeeOther || !strings.HasPrefix(p.Location, "/login?next=") {
			t.Errorf("signed out: %d %s", p.Status, p.Location)
		}
		admin := e.browser()
		admin.login(adminEmail, adminPassword)
		if p := admin.get("/campaigns/customs-2023/scores"); p.Status != http.StatusOK {
			t.Errorf("admin: %d", p.Status)
		}
		if p := admin.get("/campaigns/customs-2099/scores"); p.Status != http.StatusNotFound {
			t.Errorf("unknown campaign: %d, want 404", p.Status)
		}
	})
}

// TestScoresTextLanguage: ?lang= gives the questionnaire's texts in that
// language where it has them, and every text in another language than the
// page's says so (lang); the narratives are in English; French pages write
// numbers the French way.
func TestScoresTextLanguage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		ctx := context.Background()
		accounts, err := users.New(e.store).List(ctx, auth.Operator())
		if err != nil {
			t.Fatal(err)
		}
		respond := responding.New(e.store, time.Now)
		answers := map[string]string{"resp_be": "advanced", "resp_be2": "basic", "resp_fr": "basic"}
		for _, u := range accounts {
			level, ok := answers[strings.TrimSuffix(u.Email, "@customs.example")]
			if !ok {
				continue
			}
			p := auth.Principal{UserID: u.ID, Email: u.Email, Role: auth.Role(u.Role), Administration: u.Administration}
			a := survey.Answers{}
			for q, v := range map[string]string{"awareness_level": level, "ees_perf": "large", "ees_union_law": "full",
				"ees_cooperation": "moderate", "ees_innovation": "little", "used_outputs": "yes"} {
				a[q] = json.RawMessage(`"` + v + `"`)
			}
			if _, err := respond.SaveDraft(ctx, p, "customs-2023", a, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := respond.Submit(ctx, p, "customs-2023", nil); err != nil {
				t.Fatal(err)
			}
		}
		b := e.browser()
		b.login(adminEmail, adminPassword)

		for _, tt := range []struct {
			query string
			// The headings of RES 3.2.1 (indicator 7, translated) and OP
			// 3.1 (indicator 1, English only), and the lang of their titles.
			heading7, lang7, heading1, lang1 string
			narrativeLang                    string
			value1                           string // OP 3.1: BE (100 + 67) / 2, FR 67, averaged
			option1                          string // the first row of OP 3.1's options table
			optionLang6                      string // the lang of an option of RES 2.2.6, in English only
			selected                         string
		}{
			{"", "RES 3.2.1: Contribution of new common components of the EES to operational performance", "",
				"OP 3.1: Degree of awareness of the programme", "", "", "75.25%", "[Advanced 25.00% 1]", "", "en"},
			{"?lang=fr", "RES 3.2.1: Contribution des nouvelles composantes communes des SEE à la performance opérationnelle", "",
				"OP 3.1: Degree of awareness of the programme", "en", "en", "75,25\u00a0%", "[Avancé 25,00\u00a0% 1]", "en", "fr"},
		} {
			res := b.get("/campaigns/customs-2023/scores" + tt.query)
			if res.Status != http.StatusOK {
				t.Fatalf("%q: %d", tt.query, res.Status)
			}
			p := parseScoresPage(t, res.Body)
			for _, h := range []struct{ id, text, lang string }{{"indicator-7", tt.heading7, tt.lang7}, {"indicator-1", tt.heading1, tt.lang1}} {
				n := p.byID[h.id]
				if n == nil {
					t.Fatalf("%q: no %s", tt.query, h.id)
				}
				spans := scoresElements(n, "span")
				if got, lang := scoresText(n), scoresAttr(spans[len(spans)-1], "lang"); got != h.text || lang != h.lang {
					t.Errorf("%q: %s %q lang %q, want %q lang %q", tt.query, h.id, got, lang, h.text, h.lang)
				}
			}
			if got := scoresAttr(p.byID["indicator-1-narrative"], "lang"); got != tt.narrativeLang {
				t.Errorf("%q: the narrative's lang %q, want %q", tt.query, got, tt.narrativeLang)
			}
			if got := p.text("indicator-1-value"); got != tt.value1 {
				t.Errorf("%q: OP 3.1 %q, want %q", tt.query, got, tt.value1)
			}
			if got := fmt.Sprint(scoresTableRows(scoresElements(p.byID["indicator-1-chart-options"], "table")[0])[0]); got != tt.option1 {
				t.Errorf("%q: OP 3.1's first option %s, want %s", tt.query, got, tt.option1)
			}
			th := scoresElements(scoresElements(p.byID["indicator-6-chart-options"], "tbody")[0], "th")[0]
			if got := scoresAttr(th, "lang"); got != tt.optionLang6 {
				t.Errorf("%q: the lang of %q is %q, want %q", tt.query, scoresText(th), got, tt.optionLang6)
			}
			selected := ""
			for _, o := range scoresElements(p.byID["text-language"], "option") {
				for _, a := range o.Attr {
					if a.Key == "selected" {
						selected += scoresAttr(o, "value")
					}
				}
			}
			if selected != tt.selected {
				t.Errorf("%q: the language %q is selected, want %q", tt.query, selected, tt.selected)
			}
		}
	})
}
