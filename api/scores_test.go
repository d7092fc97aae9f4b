package api_test

import (
	"encoding/json"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// submit saves and submits a respondent's answers to a campaign.
func (e *env) submit(token, campaign string, answers map[string]any) {
	e.t.Helper()
	path := "/api/v1/campaigns/" + campaign + "/response"
	e.must(200, "PUT", path, token, map[string]any{"answers": answers})
	e.must(200, "POST", path+"/submit", token, nil)
}

type scoreReport struct {
	Campaign string
	Year     int
	Coverage struct {
		AdministrationsInvited   int      `json:"administrations_invited"`
		AdministrationsResponded int      `json:"administrations_responded"`
		Missing                  []string `json:"missing"`
		Responses                int      `json:"responses"`
	}
	Indicators []struct {
		Code, Method, Unit, Narrative string
		Value                         *float64
		N, Excluded, Missing          int
		CI95                          *[2]float64
		Target                        *struct {
			Value  float64
			Kind   string
			Year   int
			Status string
		}
		Previous *struct {
			Campaign   string
			Year       int
			Value      *float64
			Change     *float64
			ChangeUnit string `json:"change_unit"`
			Comparable bool
			Reason     string
		}
		Breakdown *struct {
			Options, Questions, Administrations []struct {
				Key        string
				Value      *float64
				N          int
				Suppressed bool
			}
		}
	}
}

func (e *env) scores(campaign string) scoreReport {
	e.t.Helper()
	res := e.request("GET", "/api/v1/campaigns/"+campaign+"/scores", e.tokens["admin"], nil)
	if res.Status != 200 {
		e.t.Fatalf("scores: %d %s", res.Status, res.Body)
	}
	var r scoreReport
	if err := json.Unmarshal(res.Body, &r); err != nil {
		e.t.Fatal(err)
	}
	return r
}

// TestScoresEndToEnd submits three responses through the API and checks
// every indicator of customs_annual.json against values worked out by hand
// from docs/scoring.md (in the comments).
func TestScoresEndToEnd(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		e.submit(e.tokens["resp_be"], "customs-2023", map[string]any{
			"awareness_level": "advanced", "ees_perf": "large", "ees_union_law": "full", "ees_cooperation": "moderate",
			"ees_innovation": "little", "used_outputs": "no", "why_not": []string{"no_outputs_yet"},
			"support_satisfaction": 4, "networking_contacts": "frequently"})
		e.submit(e.tokens["resp_be2"], "customs-2023", map[string]any{
			"awareness_level": "basic", "ees_perf": "dont_know", "ees_union_law": "large", "ees_cooperation": "dont_know",
			"ees_innovation": "none", "used_outputs": "yes", "support_satisfaction": 5, "networking_contacts": "not_applicable"})
		e.submit(e.tokens["resp_fr"], "customs-2023", map[string]any{
			"awareness_level": "no_awareness", "ees_perf": "full", "ees_union_law": "moderate", "ees_cooperation": "full",
			"ees_innovation": "full", "used_outputs": "no", "why_not": []string{"not_relevant", "other"}, "why_not_other": "budget",
			"support_satisfaction": 3, "networking_contacts": "never"})
		// A draft never counts, nor does a pending amendment.
		e.must(200, "PUT", responsePath, e.tokens["resp_fr"], map[string]any{"answers": map[string]any{"ees_perf": "none"}})
		e.must(200, "PUT", "/api/v1/campaigns/customs-2023/response", e.tokens["resp_be"],
			map[string]any{"answers": map[string]any{"ees_perf": "none"}})

		r := e.scores("customs-2023")
		if r.Campaign != "customs-2023" || r.Year != 2023 || r.Coverage.AdministrationsInvited != 2 ||
			r.Coverage.AdministrationsResponded != 2 || len(r.Coverage.Missing) != 0 || r.Coverage.Responses != 3 {
			t.Errorf("report header: %+v", r)
		}
		type want struct {
			value          *float64
			n, ex, mis     int
			status         string
			breakdownKind  string
			breakdown      map[string]float64
			suppressedRows int
		}
		wants := map[string]want{
			// BE (advanced 100 + basic 67)/2 = 83.5, FR 0: (83.5 + 0)/2.
			// Options per administration, averaged: BE advanced 50, basic
			// 50; FR none 100.
			// Below the 2024 milestone of 50, the next one after 2023.
			"OP 3.1": {value: f(41.75), n: 2, status: "not_met", breakdownKind: "options",
				breakdown: map[string]float64{"advanced": 25, "basic": 25, "very_basic": 0, "no_awareness": 50}},
			// Share of yes per administration: BE 1 of 2 = 50, FR 0.
			"RES 1.1": {value: f(25), n: 2},
			// Among the two that said no: BE chose no_outputs_yet, FR not.
			"RES 1.1 reasons": {value: f(50), n: 2},
			// BE (100 + 75)/2 = 87.5, FR 50.
			"RES 1.2": {value: f(68.75), n: 2, status: "not_met"},
			// BE 50 (the other "don't know": excluded), FR 100: exactly on target.
			"RES 2.2.1": {value: f(75), n: 2, ex: 1, status: "met"},
			// frequently 100, never 0; not_applicable excluded. Options
			// over the 3 answering respondents; administrations of 1-2
			// responses are below min_cell_size 5.
			"RES 2.2.6 contacts": {value: f(50), n: 2, ex: 1, breakdownKind: "options",
				breakdown:      map[string]float64{"never": 100.0 / 3, "rarely": 0, "occasionally": 0, "frequently": 100.0 / 3, "very_frequently": 0, "not_applicable": 100.0 / 3},
				suppressedRows: 2},
			// BE 75 (one "don't know"), FR 100.
			"RES 3.2.1": {value: f(87.5), n: 2, ex: 1, status: "met"},
			// BE (25 + 0)/2, FR 100.
			"RES 4.1": {value: f(56.25), n: 2, status: "not_met"},
			// Respondent means: BE 62.5 and 37.5 (two "don't know" skipped),
			// FR 87.5; administrations 50 and 87.5. Per question: perf
			// (75+100)/2, union (87.5+50)/2, coop (50+100)/2, innov (12.5+100)/2.
			"EES overall": {value: f(68.75), n: 2, breakdownKind: "questions",
				breakdown:      map[string]float64{"ees_perf": 87.5, "ees_union_law": 68.75, "ees_cooperation": 75, "ees_innovation": 56.25},
				suppressedRows: 2},
			// (4 + 5 + 3)/3 on the 1–5 scale, target 4.
			"OP 1.4.2": {value: f(4), n: 3, status: "met"},
		}
		if len(r.Indicators) != len(wants) {
			t.Fatalf("%d indicators, want %d", len(r.Indicators), len(wants))
		}
		for _, got := range r.Indicators {
			w, ok := wants[got.Code]
			if !ok {
				t.Errorf("unexpected indicator %s", got.Code)
				continue
			}
			if got.Value == nil || math.Abs(*got.Value-*w.value) > 1e-9 || got.N != w.n || got.Excluded != w.ex || got.Missing != w.mis {
				t.Errorf("%s: value %v n %d excluded %d missing %d; want %v %d %d %d", got.Code, deref(got.Value), got.N, got.Excluded, got.Missing, *w.value, w.n, w.ex, w.mis)
			}
			if (got.Target == nil) != (w.status == "") || (got.Target != nil && got.Target.Status != w.status) {
				t.Errorf("%s: target %+v, want status %q", got.Code, got.Target, w.status)
			}
			if got.Narrative == "" || (got.CI95 != nil && (*got.Value < got.CI95[0] || *got.Value > got.CI95[1])) {
				t.Errorf("%s: narrative %q ci %v", got.Code, got.Narrative, got.CI95)
			}
			if w.breakdownKind == "" {
				continue
			}
			rows := got.Breakdown.Options
			if w.breakdownKind == "questions" {
				rows = got.Breakdown.Questions
			}
			if len(rows) != len(w.breakdown) {
				t.Errorf("%s: %d %s rows, want %d", got.Code, len(rows), w.breakdownKind, len(w.breakdown))
			}
			for _, row := range rows {
				if row.Value == nil || math.Abs(*row.Value-w.breakdown[row.Key]) > 1e-9 {
					t.Errorf("%s %s %s: %v, want %v", got.Code, w.breakdownKind, row.Key, deref(row.Value), w.breakdown[row.Key])
				}
			}
			suppressed := 0
			for _, row := range got.Breakdown.Administrations {
				if row.Suppressed && row.Value == nil {
					suppressed++
				}
			}
			if suppressed != w.suppressedRows {
				t.Errorf("%s: %d suppressed administration rows, want %d", got.Code, suppressed, w.suppressedRows)
			}
		}

		// The next year's campaign compares with this one.
		e.must(200, "POST", "/api/v1/campaigns/customs-2023/close", e.tokens["admin"], nil)
		e.must(201, "POST", "/api/v1/campaigns", e.tokens["admin"], map[string]any{
			"key": "customs-2024", "year": 2024, "questionnaire": "customs_annual", "version": 1,
			"opens_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), "closes_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
			"administrations": []string{"BE", "FR"}, "previous_campaign": "customs-2023"})
		e.must(200, "POST", "/api/v1/campaigns/customs-2024/open", e.tokens["admin"], nil)
		e.submit(e.tokens["resp_fr"], "customs-2024", map[string]any{
			"awareness_level": "advanced", "ees_perf": "full", "ees_union_law": "moderate", "ees_cooperation": "full",
			"ees_innovation": "full", "used_outputs": "yes"})
		next := e.scores("customs-2024")
		if next.Coverage.AdministrationsResponded != 1 || len(next.Coverage.Missing) != 1 || next.Coverage.Missing[0] != "BE" {
			t.Errorf("coverage 2024: %+v", next.Coverage)
		}
		for _, got := range next.Indicators {
			switch got.Code {
			case "OP 3.1": // 100 against the 2024 milestone of 50, up 58.25 from 41.75
				if got.Target == nil || got.Target.Value != 50 || got.Target.Kind != "milestone" || got.Target.Year != 2024 ||
					got.Target.Status != "met" || got.Previous == nil || got.Previous.Change == nil || *got.Previous.Change != 58.25 ||
					got.Previous.ChangeUnit != "percentage_points" || !got.Previous.Comparable ||
					got.Previous.Campaign != "customs-2023" || got.Previous.Year != 2023 {
					t.Errorf("OP 3.1 in 2024: %+v %+v", got.Target, got.Previous)
				}
				if want := "The value for 2024 is 100%, above the 2024 milestone of 50%, and has increased 58.25 percentage points compared to 2023."; got.Narrative != want {
					t.Errorf("narrative %q, want %q", got.Narrative, want)
				}
			case "RES 1.2": // 50, down 18.75 from 68.75
				if got.Previous == nil || got.Previous.Change == nil || *got.Previous.Change != -18.75 {
					t.Errorf("RES 1.2 in 2024: %+v", got.Previous)
				}
			case "OP 1.4.2": // nobody answered the rating: no value, no change (in points, on the 1–5 scale)
				if got.Value != nil || got.Previous == nil || got.Previous.Change != nil || got.Previous.ChangeUnit != "points" || got.Missing != 1 {
					t.Errorf("OP 1.4.2 in 2024: value %v previous %+v missing %d", deref(got.Value), got.Previous, got.Missing)
				}
			}
		}
	})
}

func f(v float64) *float64 { return &v }

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

// TestScoresKeepPrecision: values far from zero and close together, where
// Σx² − n·mean² would lose every digit of the variance. The interval must
// still be mean ± 1.96·s/√n to 1e-6.
func TestScoresKeepPrecision(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		admin := e.tokens["admin"]
		doc := map[string]any{"key": "big", "default_language": "en", "title": map[string]string{"en": "Big"},
			"sections": []any{map[string]any{"key": "s", "title": map[string]string{"en": "S"}, "questions": []any{
				map[string]any{"key": "amount", "type": "number", "text": map[string]string{"en": "Amount?"}}}}},
			"indicators": []any{map[string]any{"code": "BIG", "method": "mean_value", "questions": []string{"amount"}}}}
		e.must(201, "POST", "/api/v1/questionnaires", admin, doc)
		e.must(200, "POST", "/api/v1/questionnaires/big/versions/1/publish", admin, nil)
		e.must(201, "POST", "/api/v1/campaigns", admin, map[string]any{"key": "big-2023", "year": 2023, "questionnaire": "big",
			"version": 1, "opens_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339),
			"closes_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339), "administrations": []string{"BE", "FR", "DE"}})
		e.must(200, "POST", "/api/v1/campaigns/big-2023/open", admin, nil)
		for i, who := range []string{"resp_be", "resp_be2", "resp_fr", "resp_de"} {
			e.submit(e.tokens[who], "big-2023", map[string]any{"amount": 1e9 + 0.1*float64(i+1)})
		}
		r := e.scores("big-2023")
		got := r.Indicators[0]
		// mean 1e9+0.25; s = sqrt(((0.15)²+(0.05)²)·2/3) = 0.1290994; half = 1.96·s/2
		half := 1.96 * math.Sqrt((0.15*0.15+0.05*0.05)*2/3) / 2
		if got.Value == nil || math.Abs(*got.Value-(1e9+0.25)) > 1e-6 || got.CI95 == nil ||
			math.Abs(got.CI95[0]-(1e9+0.25-half)) > 1e-6 || math.Abs(got.CI95[1]-(1e9+0.25+half)) > 1e-6 {
			t.Errorf("value %v ci %v, want %v ± %v", deref(got.Value), got.CI95, 1e9+0.25, half)
		}
	})
}

// TestScoresWithoutSubmissions: before anyone submits, each breakdown kind
// an indicator asks for is an array, empty where it has no rows (no
// administration has answered), never null or absent, and a kind it does
// not ask for is absent.
func TestScoresWithoutSubmissions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		res := e.request("GET", "/api/v1/campaigns/customs-2023/scores", e.tokens["admin"], nil)
		if res.Status != http.StatusOK {
			t.Fatalf("scores: %d %s", res.Status, res.Body)
		}
		var body struct {
			Indicators []struct {
				Code      string                      `json:"code"`
				Breakdown map[string]*json.RawMessage `json:"breakdown"`
			} `json:"indicators"`
		}
		if err := json.Unmarshal(res.Body, &body); err != nil {
			t.Fatal(err)
		}
		want := map[string]map[string]string{
			"OP 3.1":             {"options": "rows"},
			"RES 2.2.6 contacts": {"options": "rows", "administrations": "[]"},
			"RES 3.2.1":          {"options": "rows"},
			"EES overall":        {"questions": "rows", "administrations": "[]"},
		}
		for _, ind := range body.Indicators {
			kinds := want[ind.Code]
			if len(ind.Breakdown) != len(kinds) {
				t.Errorf("%s: breakdown %v, want the kinds %v", ind.Code, ind.Breakdown, kinds)
			}
			for kind, shape := range kinds {
				raw := ind.Breakdown[kind]
				var rows []json.RawMessage
				if raw == nil || json.Unmarshal(*raw, &rows) != nil || rows == nil {
					t.Errorf("%s: %s is not an array", ind.Code, kind)
					continue
				}
				if (shape == "[]") != (len(rows) == 0) {
					t.Errorf("%s: %s has %d rows, want %s", ind.Code, kind, len(rows), shape)
				}
			}
		}
	})
}
