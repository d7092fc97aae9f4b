package web_test

import (
	"context"
	"encoding/csv"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/internal/browsertest"
	"github.com/customs-survey/surveyd/scores"
	"github.com/customs-survey/surveyd/survey"
)

// freezeScores closes customs-2023 and freezes its scores, as an admin
// would through the API, and returns the run.
func freezeScores(t *testing.T, e *env) scores.RunInfo {
	t.Helper()
	ctx, admin := context.Background(), auth.Principal{UserID: "admin", Role: auth.RoleAdmin}
	if _, err := campaigns.New(e.store).WithClock(e.now).Close(ctx, admin, "customs-2023"); err != nil {
		t.Fatal(err)
	}
	run, err := scores.NewRuns(scores.New(e.store, e.now), e.store).Freeze(ctx, admin, "customs-2023", "")
	if err != nil {
		t.Fatal(err)
	}
	return run
}

// reopenAndAnswer reopens customs-2023 and submits one more response,
// which changes its figures.
func reopenAndAnswer(t *testing.T, e *env) {
	t.Helper()
	if _, err := campaigns.New(e.store).WithClock(e.now).Reopen(context.Background(), auth.Operator(), "customs-2023",
		"FR answered late", e.now().Add(24*time.Hour)); err != nil {
		t.Fatal(err)
	}
	submitAnswers(t, e, "resp_fr@customs.example", fullAnswers(3))
}

// frozenNotice is the notice of the scores page on the frozen run: its
// text, its link, and whether the text is set in bold; "" when none.
func frozenNotice(t *testing.T, body string) (text, href string, bold bool) {
	t.Helper()
	notice := parseScoresPage(t, body).byID["frozen-run"]
	if notice == nil {
		return "", "", false
	}
	links := scoresElements(notice, "a")
	if len(links) != 1 {
		t.Fatalf("the notice has %d links", len(links))
	}
	return strings.Join(strings.Fields(scoresText(notice)), " "), scoresAttr(links[0], "href"), len(scoresElements(notice, "strong")) > 0
}

// frozenInDownload reads the page's CSV download and returns what its rows
// say of the frozen run: "<id> <matches>".
func frozenInDownload(t *testing.T, b *browser) string {
	t.Helper()
	res := b.get("/campaigns/customs-2023/scores/customs-2023.csv")
	records, err := csv.NewReader(strings.NewReader(res.Body)).ReadAll()
	if res.Status != http.StatusOK || err != nil || len(records) < 2 {
		t.Fatalf("CSV download: %d %v", res.Status, err)
	}
	run, matches := slices.Index(records[0], "frozen_run"), slices.Index(records[0], "frozen_matches")
	if run < 0 || matches < 0 {
		t.Fatalf("CSV header %v", records[0])
	}
	said := map[string]bool{}
	for _, rec := range records[1:] {
		said[rec[run]+" "+rec[matches]] = true
	}
	if len(said) != 1 {
		t.Fatalf("the rows disagree: %v", said)
	}
	for s := range said {
		return s
	}
	return ""
}

// TestScoresPageSaysFrozen: once the scores are frozen, the page says when
// and which run, and whether the figures below match it, in the page's
// language, with a link to the run's JSON as it was frozen; once the
// campaign is reopened and answered again, the page and its downloads say
// that the figures differ.
func TestScoresPageSaysFrozen(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		submitAnswers(t, e, "resp_be@customs.example", fullAnswers(0))
		b := e.browser()
		b.login(adminEmail, adminPassword)
		page := "/campaigns/customs-2023/scores"
		if text, _, _ := frozenNotice(t, b.get(page).Body); text != "" {
			t.Errorf("a notice before any run: %q", text)
		}
		if got := frozenInDownload(t, b); got != " " {
			t.Errorf("the download cites %q before any run", got)
		}

		run := freezeScores(t, e)
		when := respondTimeText(run.FrozenAt)
		href := "/campaigns/customs-2023/scores/runs/" + run.ID + ".json"
		text, link, bold := frozenNotice(t, b.get(page).Body)
		if want := "Frozen on " + when + " (run " + run.ID + "); the figures below match it. The frozen run (JSON)"; text != want ||
			link != href || bold {
			t.Errorf("notice %q (bold %v) linking to %s\nwant %q linking to %s", text, bold, link, want, href)
		}
		if got := frozenInDownload(t, b); got != run.ID+" true" {
			t.Errorf("the download cites %q, want %s true", got, run.ID)
		}
		// The link is the run's JSON, byte for byte as the API serves it.
		res := b.get(link)
		status, _, api := scoresAPIGet(t, e, "/api/v1/campaigns/customs-2023/scores/runs/"+run.ID+"?format=json",
			scoresAPIToken(t, e, adminEmail, adminPassword))
		if res.Status != http.StatusOK || status != http.StatusOK || res.Body != string(api) ||
			res.Header.Get("Content-Disposition") != `attachment; filename="customs-2023-scores-`+run.ID+`.json"` {
			t.Errorf("the run's JSON: %d (API %d) %q\n%.200s", res.Status, status, res.Header.Get("Content-Disposition"), res.Body)
		}
		for _, path := range []string{"/campaigns/customs-2023/scores/runs/" + run.ID + "0.json",
			"/campaigns/customs-2023/scores/runs/" + run.ID + ".pdf", "/campaigns/nope/scores/runs/" + run.ID + ".json"} {
			if res := b.get(path); res.Status != http.StatusNotFound {
				t.Errorf("%s: %d, want 404", path, res.Status)
			}
		}
		// The page's download is audited as the API's is: two events.
		events, err := e.store.AuditEvents(context.Background(), survey.AuditFilter{Action: "export.score_run", Limit: 10})
		if err != nil || len(events) != 2 || events[0].Target != "key=customs-2023,id="+run.ID || events[1].Target != events[0].Target {
			t.Errorf("audit events %+v, %v; want two export.score_run of the run", events, err)
		}

		reopenAndAnswer(t, e)
		text, link, bold = frozenNotice(t, b.get(page).Body)
		if want := "Frozen on " + when + " (run " + run.ID + "); the figures below DIFFER from it: cite the frozen run. The frozen run (JSON)"; text != want ||
			link != href || !bold {
			t.Errorf("notice %q (bold %v) linking to %s\nwant %q in bold linking to %s", text, bold, link, want, href)
		}
		if got := frozenInDownload(t, b); got != run.ID+" false" {
			t.Errorf("the download cites %q, want %s false", got, run.ID)
		}
		// In French, whose texts the run was not frozen in.
		text, _, _ = frozenNotice(t, b.get(page+"?lang=fr").Body)
		if !strings.HasPrefix(text, "Figés le ") || !strings.Contains(text, "(version "+run.ID+")") || !strings.Contains(text, "DIFFÈRENT") {
			t.Errorf("French notice %q", text)
		}
	})
}

// TestScoresFrozenNoticeIsAccessible: the page with the notice that its
// figures differ from the frozen run passes the accessibility audit.
func TestScoresFrozenNoticeIsAccessible(t *testing.T) {
	e := browserEnv(t)
	submitAnswers(t, e, "resp_be@customs.example", fullAnswers(0))
	freezeScores(t, e)
	reopenAndAnswer(t, e)
	ctx := browsertest.NewTab(t)
	signIn(t, ctx, e, adminEmail, adminPassword)
	browsertest.Navigate(t, ctx, e.server.URL+"/campaigns/customs-2023/scores")
	if !shown(t, ctx, "#frozen-run strong") {
		t.Fatal("no notice that the figures differ from the frozen run")
	}
	browsertest.Axe(t, ctx, "scores differing from the frozen run")
}
