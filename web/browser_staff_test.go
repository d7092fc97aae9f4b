package web_test

import (
	"context"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/internal/browsertest"
)

var revisionInput = regexp.MustCompile(`name="revision" value="([0-9]+)"`)

// submitAnswers has a respondent submit answers (q.<key> fields) through
// the respondent's pages, as a browser without JavaScript would: save and
// check, then submit.
func submitAnswers(t *testing.T, e *env, email string, answers url.Values) {
	t.Helper()
	b := e.browser()
	b.login(email, userPassword)
	revision := func(p page) string {
		t.Helper()
		m := revisionInput.FindStringSubmatch(p.Body)
		if m == nil {
			t.Fatalf("%s: no revision in the page (status %d)", email, p.Status)
		}
		return m[1]
	}
	form := url.Values{"then": {"check"}, "revision": {revision(b.get(formPath))}}
	for k, v := range answers {
		form[k] = v
	}
	if p := b.post(formPath+"/response", form); p.Status != http.StatusSeeOther {
		t.Fatalf("%s saving: status %d\n%s", email, p.Status, p.Body)
	}
	if p := b.post(formPath+"/submit", url.Values{"revision": {revision(b.get(formPath + "/check"))}}); p.Status != http.StatusSeeOther {
		t.Fatalf("%s submitting: status %d\n%s", email, p.Status, p.Body)
	}
}

// fullAnswers are answers to every required question, differing by which.
func fullAnswers(which int) url.Values {
	levels := []string{"advanced", "basic", "very_basic", "no_awareness"}
	scale := []string{"none", "little", "moderate", "large", "full"}
	v := url.Values{
		"q.awareness_level": {levels[which%len(levels)]},
		"q.ees_perf":        {scale[which%len(scale)]}, "q.ees_union_law": {scale[(which+1)%len(scale)]},
		"q.ees_cooperation": {scale[(which+2)%len(scale)]}, "q.ees_innovation": {scale[(which+3)%len(scale)]},
		"q.networking_contacts": {"frequently"},
	}
	if which%2 == 0 {
		v.Set("q.used_outputs", "yes")
	} else {
		v.Set("q.used_outputs", "no")
		v["q.why_not"] = []string{"no_outputs_yet", "no_capacity"}
	}
	return v
}

// progressRow is the row of the progress table for an administration:
// respondents, drafts, submitted, amendments not yet submitted, the last
// submission.
func progressRow(t *testing.T, ctx context.Context, administration string) []string {
	t.Helper()
	return browsertest.Eval[[]string](t, ctx, `(adm => {
		const row = [...document.querySelectorAll("tbody tr")].find(r => r.querySelector("th")?.innerText.trim() === adm);
		return row ? [...row.querySelectorAll("td")].map(td => td.innerText.trim()) : [];
	})(`+jsString(administration)+`)`)
}

// TestBrowserCoordinator: a coordinator follows the progress of the
// campaign, which changes when a respondent submits, and adds a
// respondent, past the errors of an empty form.
func TestBrowserCoordinator(t *testing.T) {
	e := browserEnv(t)
	ctx := browsertest.NewTab(t)
	signIn(t, ctx, e, "coord_be@customs.example", userPassword)
	browsertest.Axe(t, ctx, "campaigns")
	if status := press(t, ctx, link(t, ctx, "Progress of campaign customs-2023")); status != http.StatusOK {
		t.Fatalf("progress: status %d", status)
	}
	browsertest.Axe(t, ctx, "progress")
	before := progressRow(t, ctx, "BE")
	// Respondents, drafts, submitted, amendments not yet submitted, the
	// last submission.
	if len(before) != 5 || before[2] != "0" || before[3] != "0" || before[4] != "None yet" {
		t.Fatalf("BE before anyone submits: %q, want 5 cells, 0 submitted, 0 amendments, no submission", before)
	}
	submitAnswers(t, e, "resp_be@customs.example", fullAnswers(0))
	if status := browsertest.Follow(t, ctx, chromedp.Reload()); status != http.StatusOK {
		t.Fatalf("progress again: status %d", status)
	}
	if after := progressRow(t, ctx, "BE"); len(after) != 5 || after[0] != before[0] || after[2] != "1" || after[3] != "0" ||
		!strings.HasSuffix(after[4], " UTC") {
		t.Errorf("BE after resp_be submitted: %q, want %s respondents, 1 submitted and its time", after, before[0])
	}
	if got := progressRow(t, ctx, "FR"); len(got) != 0 {
		t.Errorf("a coordinator of BE sees FR's progress: %q", got)
	}

	if status := press(t, ctx, link(t, ctx, "Users")); status != http.StatusOK {
		t.Fatalf("users: status %d", status)
	}
	browsertest.Axe(t, ctx, "users")
	if status := press(t, ctx, button(t, ctx, "Add the user")); status != http.StatusUnprocessableEntity {
		t.Fatalf("adding a user with an empty form: status %d", status)
	}
	if got := focused(t, ctx); got != "error-summary" {
		t.Errorf("the focus is on %q, want the error summary", got)
	}
	if got := text(t, ctx, "#error-summary"); !strings.Contains(got, "Enter an e-mail address") {
		t.Errorf("error summary %q", got)
	}
	browsertest.Axe(t, ctx, "users with errors")
	typeIn(t, ctx, "E-mail address", "new_be@customs.example")
	typeIn(t, ctx, "Password", "a new respondent's password")
	if status := press(t, ctx, button(t, ctx, "Add the user")); status != http.StatusOK {
		t.Fatalf("adding a respondent: status %d", status)
	}
	if got := text(t, ctx, "[role=status]"); !strings.Contains(got, "new_be@customs.example") {
		t.Errorf("after adding: %q", got)
	}
	row := browsertest.Eval[string](t, ctx, `[...document.querySelectorAll("tbody tr")].map(r => r.innerText).find(s => s.includes("new_be@customs.example")) || ""`)
	if !strings.Contains(row, "Respondent") || !strings.Contains(row, "BE") {
		t.Errorf("the new account's row: %q", row)
	}
	browsertest.Axe(t, ctx, "users after adding")
	b := e.browser()
	b.get("/login")
	if p := b.post("/login", url.Values{"email": {"new_be@customs.example"}, "password": {"a new respondent's password"}}); p.Status != http.StatusSeeOther {
		t.Errorf("the new respondent cannot sign in: status %d", p.Status)
	}
}

// TestBrowserAdmin: Commission staff's pages: the campaigns, a campaign,
// the questionnaires and the upload of a broken document (its problems
// shown), and the scores, whose values are the API's and whose charts are
// there. Each passes the audit.
func TestBrowserAdmin(t *testing.T) {
	e := browserEnv(t)
	submitAnswers(t, e, "resp_be@customs.example", fullAnswers(0))
	submitAnswers(t, e, "resp_fr@customs.example", fullAnswers(1))
	ctx := browsertest.NewTab(t)
	signIn(t, ctx, e, adminEmail, adminPassword)
	browsertest.Axe(t, ctx, "campaigns")
	if status := press(t, ctx, link(t, ctx, "customs-2023")); status != http.StatusOK {
		t.Fatalf("the campaign: status %d", status)
	}
	browsertest.Axe(t, ctx, "campaign")

	if status := press(t, ctx, link(t, ctx, "Questionnaires")); status != http.StatusOK {
		t.Fatalf("questionnaires: status %d", status)
	}
	browsertest.Axe(t, ctx, "questionnaires")
	typeIn(t, ctx, "Or paste the document", `{"key": "broken", "default_language": "en", "title": {"en": "Broken"}, "sections": []}`)
	if status := press(t, ctx, button(t, ctx, "Add the questionnaire")); status != http.StatusUnprocessableEntity {
		t.Fatalf("uploading a broken document: status %d", status)
	}
	if got := focused(t, ctx); got != "error-summary" {
		t.Errorf("the focus is on %q, want the error summary", got)
	}
	if got := title(t, ctx); !strings.HasPrefix(got, "Error: ") {
		t.Errorf("title %q", got)
	}
	if !shown(t, ctx, ".doc-problems li") {
		t.Errorf("the document's problems are not listed:\n%s", text(t, ctx, "main"))
	}
	browsertest.Axe(t, ctx, "questionnaires with errors")

	browsertest.Navigate(t, ctx, e.server.URL+"/campaigns/customs-2023")
	if status := press(t, ctx, link(t, ctx, "Scores of campaign customs-2023")); status != http.StatusOK {
		t.Fatalf("scores: status %d", status)
	}
	browsertest.Axe(t, ctx, "scores")

	// The values are the API's.
	api := apiScoresOf(t, e)
	if len(api.Indicators) == 0 {
		t.Fatal("the API has no indicators")
	}
	page := browsertest.Eval[[]struct {
		Heading string `json:"heading"`
		Value   string `json:"value"`
		Charts  int    `json:"charts"`
		Tables  int    `json:"tables"`
	}](t, ctx, `[...document.querySelectorAll("section.indicator")].map(s => ({
		heading: s.querySelector("h2").innerText, value: s.querySelector(".figure-value").innerText.trim(),
		charts: s.querySelectorAll(".chart svg").length, tables: s.querySelectorAll(".chart table").length}))`)
	if len(page) != len(api.Indicators) {
		t.Fatalf("%d indicators on the page, %d in the API", len(page), len(api.Indicators))
	}
	charts := 0
	for i, ind := range api.Indicators {
		got := page[i]
		if !strings.HasPrefix(got.Heading, ind.Code) {
			t.Errorf("indicator %d: heading %q, want the API's %s", i+1, got.Heading, ind.Code)
		}
		if ind.Value == nil {
			if got.Value != "no value" {
				t.Errorf("%s: %q, want no value", ind.Code, got.Value)
			}
		} else {
			// Percentages but the mean of a question's values (mean_value).
			v, err := strconv.ParseFloat(strings.TrimSuffix(got.Value, "%"), 64)
			if err != nil || math.Abs(v-*ind.Value) > 0.005 || strings.HasSuffix(got.Value, "%") != (ind.Method != "mean_value") {
				t.Errorf("%s: the page says %q, the API %v (%s)", ind.Code, got.Value, *ind.Value, ind.Method)
			}
		}
		if got.Charts != got.Tables {
			t.Errorf("%s: %d charts, %d data tables", ind.Code, got.Charts, got.Tables)
		}
		charts += got.Charts
	}
	if charts == 0 {
		t.Error("no chart on the scores page")
	}
}

// apiScoresAnswer is the part of the API's scores that the page must agree
// with.
type apiScoresAnswer struct {
	Indicators []struct {
		Code   string   `json:"code"`
		Method string   `json:"method"`
		Value  *float64 `json:"value"`
	} `json:"indicators"`
}

// apiScoresOf reads the campaign's scores from the API, as the admin.
func apiScoresOf(t *testing.T, e *env) apiScoresAnswer {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"email": adminEmail, "password": adminPassword})
	res, err := http.Post(e.server.URL+"/api/v1/auth/login", "application/json", strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	var login struct {
		Token string `json:"access_token"`
	}
	err = json.NewDecoder(res.Body).Decode(&login)
	res.Body.Close()
	if err != nil || login.Token == "" {
		t.Fatalf("API login: %d %v", res.StatusCode, err)
	}
	req, _ := http.NewRequest(http.MethodGet, e.server.URL+"/api/v1/campaigns/customs-2023/scores", nil)
	req.Header.Set("Authorization", "Bearer "+login.Token)
	res, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	var out apiScoresAnswer
	if res.StatusCode != http.StatusOK || json.Unmarshal(raw, &out) != nil {
		t.Fatalf("API scores: %d %s", res.StatusCode, raw)
	}
	return out
}

// TestBrowserCampaignCorrection: an admin corrects a campaign from its
// overview, with the keyboard-free forms a browser without JavaScript
// posts: a refused correction (no administration left) leads to the error
// summary, a valid one back to the overview, which says so; every page
// passes axe.
func TestBrowserCampaignCorrection(t *testing.T) {
	e := browserEnv(t)
	ctx := browsertest.NewTab(t)
	signIn(t, ctx, e, adminEmail, adminPassword)
	browsertest.Navigate(t, ctx, e.server.URL+"/campaigns/customs-2023")
	browsertest.Axe(t, ctx, "campaign with its corrections")

	choose(t, ctx, "Invited administrations", "BE (Belgium)")
	choose(t, ctx, "Invited administrations", "FR (France)")
	if status := press(t, ctx, button(t, ctx, "Save the corrections")); status != http.StatusUnprocessableEntity {
		t.Fatalf("no administration left: status %d", status)
	}
	if got := focused(t, ctx); got != "error-summary" {
		t.Errorf("the focus is on %q, want the error summary", got)
	}
	if !strings.Contains(text(t, ctx, "#error-summary"), "Choose at least one administration") {
		t.Errorf("the error summary: %s", text(t, ctx, "#error-summary"))
	}
	browsertest.Axe(t, ctx, "campaign correction refused")

	choose(t, ctx, "Invited administrations", "BE (Belgium)")
	choose(t, ctx, "Invited administrations", "DE (Germany)")
	typeIn(t, ctx, "Title", "Customs survey 2023")
	if status := press(t, ctx, button(t, ctx, "Save the corrections")); status != http.StatusOK {
		t.Fatalf("the correction: status %d", status)
	}
	if main := text(t, ctx, "main"); !strings.Contains(main, "The campaign has been corrected.") || !strings.Contains(main, "Customs survey 2023") {
		t.Errorf("after the correction:\n%s", main)
	}
	browsertest.Axe(t, ctx, "campaign corrected")
	c, err := campaigns.New(e.store).Get(context.Background(), auth.Operator(), "customs-2023")
	if err != nil || c.Title != "Customs survey 2023" || strings.Join(c.Administrations, ",") != "BE,DE" {
		t.Errorf("the campaign after the correction: %+v, %v", c, err)
	}
}
