package api_test

import (
	"database/sql"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"testing"

	_ "github.com/glebarez/go-sqlite"  // database/sql driver "sqlite", to alter stored rows
	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx", likewise

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// amountDoc is a questionnaire with a number question "amount" (bounds
// set by edit) and a mean_value indicator over it, by administration.
func amountDoc(key string, bounds map[string]any) map[string]any {
	amount := map[string]any{"key": "amount", "type": "number", "text": map[string]any{"en": "Amount"}}
	for k, v := range bounds {
		amount[k] = v
	}
	return map[string]any{
		"key": key, "default_language": "en", "title": map[string]any{"en": "Amounts"},
		"sections": []any{map[string]any{"key": "main", "title": map[string]any{"en": "Main"}, "questions": []any{
			map[string]any{"key": "used", "type": "single_choice", "text": map[string]any{"en": "Used?"}, "options": []any{
				map[string]any{"key": "yes", "label": map[string]any{"en": "Yes"}, "score": 100},
				map[string]any{"key": "no", "label": map[string]any{"en": "No"}, "score": 0}}},
			amount,
		}}},
		"indicators": []any{
			map[string]any{"code": "AMOUNT", "method": "mean_value", "questions": []string{"amount"},
				"breakdown": []string{"questions", "administrations"}},
			map[string]any{"code": "USED", "method": "mean_score", "questions": []string{"used"}},
		},
	}
}

// openAmountCampaign publishes amountDoc (no bounds) and opens a campaign
// of it for BE and FR.
func openAmountCampaign(e *env, key string, year int, previous string) {
	e.t.Helper()
	extra := map[string]any{}
	if previous != "" {
		extra["previous_campaign"] = previous
	}
	e.openCampaign(amountDoc(key, nil), key, strings.ReplaceAll(key, "_", "-"), year, extra)
}

// TestNumberRange: every number answer, and every min and max of a number
// question, lies within ±1e15 (docs/scoring.md), so that no sum, square or
// mean of the scores can overflow; beyond it the service answers 422
// out_of_range on the field, and stores nothing.
func TestNumberRange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		admin := e.tokens["admin"]

		documents := []struct {
			name   string
			bounds map[string]any
			want   []string // field:code; none means 201
		}{
			{"bounds at the range", map[string]any{"min": -1e15, "max": 1e15}, nil},
			{"min below the range", map[string]any{"min": -1.0000000000000002e15}, []string{"sections[0].questions[1].min:out_of_range"}},
			{"max beyond the range", map[string]any{"max": 1e16}, []string{"sections[0].questions[1].max:out_of_range"}},
			{"max near float64's limit", map[string]any{"min": 0, "max": math.MaxFloat64}, []string{"sections[0].questions[1].max:out_of_range"}},
			{"both beyond", map[string]any{"min": -1e300, "max": 1e300},
				[]string{"sections[0].questions[1].max:out_of_range", "sections[0].questions[1].min:out_of_range"}},
		}
		for i, tt := range documents {
			t.Run("document/"+tt.name, func(t *testing.T) {
				key := fmt.Sprintf("bounds_%d", i)
				res := e.request("POST", "/api/v1/questionnaires", admin, amountDoc(key, tt.bounds))
				checkOutcome(t, res, http.StatusCreated, tt.want)
				if tt.want == nil {
					return
				}
				if !strings.Contains(string(res.Body), "1e15") {
					t.Errorf("the problem does not state the range: %s", res.Body)
				}
				if e.request("GET", "/api/v1/questionnaires/"+key, admin, nil).Status != http.StatusNotFound {
					t.Error("the refused questionnaire was stored")
				}
			})
		}

		openAmountCampaign(e, "amounts", 2023, "")
		path := "/api/v1/campaigns/amounts/response"
		answers := []struct {
			name  string
			value any
			ok    bool
		}{
			{"the top of the range", 1e15, true},
			{"the bottom of the range", -1e15, true},
			{"the smallest subnormal", 5e-324, true},
			{"just beyond the range", 1.0000000000000002e15, false},
			{"far beyond", 1e200, false},
			{"float64's largest", math.MaxFloat64, false},
			{"negative beyond", -1e16, false},
		}
		for _, tt := range answers {
			t.Run("answer/"+tt.name, func(t *testing.T) {
				res := e.request("PUT", path, e.tokens["resp_fr"], map[string]any{"answers": map[string]any{"amount": tt.value}})
				if tt.ok {
					if res.Status != http.StatusOK {
						t.Fatalf("status %d, want 200: %s", res.Status, res.Body)
					}
					return
				}
				if res.Status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422: %s", res.Status, res.Body)
				}
				if got := problemFields(t, res); len(got) != 1 || got[0] != "answers.amount:out_of_range" {
					t.Errorf("errors %v, want [answers.amount:out_of_range]", got)
				}
				if !strings.Contains(string(res.Body), "1e15") {
					t.Errorf("the problem does not state the range: %s", res.Body)
				}
			})
		}

		// What once broke the scores for good: two huge answers in one
		// administration. Both are now refused, and the scores stay whole.
		for _, who := range []string{"resp_be", "resp_be2"} {
			res := e.request("PUT", path, e.tokens[who], map[string]any{"answers": map[string]any{"amount": 1.7e308}})
			if res.Status != http.StatusUnprocessableEntity {
				t.Fatalf("%s: 1.7e308 answered %d: %s", who, res.Status, res.Body)
			}
			e.submit(e.tokens[who], "amounts", map[string]any{"amount": 1e15, "used": "yes"})
		}
		e.submit(e.tokens["resp_fr"], "amounts", map[string]any{"amount": -1e15, "used": "no"})
		report := checkScoresAllFormats(t, e, "amounts")
		if got, want := indicatorValue(t, report, "AMOUNT"), (1e15+1e15-1e15)/3.0; got == nil || *got != want {
			t.Errorf("AMOUNT = %v, want (1e15 + 1e15 - 1e15)/3 = %v", got, want)
		}
	})
}

// TestScoresWithNumbersStoredBeyondTheRange: numbers stored before the
// range was enforced (written here straight into the database) must not
// break any campaign's scores, nor those of the next campaign that names it
// as previous: the indicator over them has no value and its narrative says
// why; the other indicators are unaffected.
func TestScoresWithNumbersStoredBeyondTheRange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		openAmountCampaign(e, "old_amounts", 2022, "")
		for _, who := range []string{"resp_be", "resp_be2", "resp_fr"} {
			e.submit(e.tokens[who], "old-amounts", map[string]any{"amount": 7, "used": "yes"})
		}
		// Two in one administration made PostgreSQL's SUM overflow, one was
		// enough for an infinite sum on SQLite.
		db := rawDB(t, url)
		if _, err := db.Exec(`UPDATE answers SET number_value = CASE WHEN submission_id IN (
  SELECT s.id FROM submissions s JOIN responses r ON r.id = s.response_id WHERE r.administration_code = 'BE')
  THEN 1.7976931348623157e308 ELSE -1e200 END WHERE question_key = 'amount'`); err != nil {
			t.Fatal(err)
		}
		// Such data predates the score cells too: the campaign is one whose
		// cells are built from its answers when it is first scored.
		if _, err := db.Exec(`INSERT INTO score_cells_unbuilt (campaign_id) SELECT id FROM campaigns WHERE key = 'old-amounts'`); err != nil {
			t.Fatal(err)
		}
		openAmountCampaign(e, "new_amounts", 2023, "old-amounts")
		e.submit(e.tokens["resp_fr"], "new-amounts", map[string]any{"amount": 3, "used": "no"})

		old := checkScoresAllFormats(t, e, "old-amounts")
		if got := indicatorValue(t, old, "AMOUNT"); got != nil {
			t.Errorf("AMOUNT over numbers beyond the range = %v, want no value", *got)
		}
		narrative := indicatorMember(t, old, "AMOUNT", "narrative")
		if s, _ := narrative.(string); !strings.Contains(s, "beyond") || !strings.Contains(s, "1e15") {
			t.Errorf("the narrative does not say why there is no value: %q", narrative)
		}
		if got := indicatorValue(t, old, "USED"); got == nil || *got != 100 {
			t.Errorf("USED = %v, want 100 (unaffected)", got)
		}

		current := checkScoresAllFormats(t, e, "new-amounts")
		if got := indicatorValue(t, current, "AMOUNT"); got == nil || *got != 3 {
			t.Errorf("AMOUNT of the next campaign = %v, want 3", got)
		}
	})
}

// rawDB opens the test database directly, to write what the service never
// would.
func rawDB(t *testing.T, url string) *sql.DB {
	t.Helper()
	driver, dsn := "pgx", url
	if path, ok := strings.CutPrefix(url, "sqlite://"); ok {
		driver, dsn = "sqlite", path+"?_pragma=busy_timeout(10000)"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// indicatorMember returns one member of an indicator of a decoded report.
func indicatorMember(t *testing.T, report map[string]any, code, member string) any {
	t.Helper()
	list, _ := report["indicators"].([]any)
	for _, item := range list {
		if ind, _ := item.(map[string]any); ind["code"] == code {
			return ind[member]
		}
	}
	t.Fatalf("no indicator %s in the report", code)
	return nil
}

// indicatorValue returns an indicator's value, nil when it has none.
func indicatorValue(t *testing.T, report map[string]any, code string) *float64 {
	t.Helper()
	v := indicatorMember(t, report, code, "value")
	if v == nil {
		return nil
	}
	f, err := strconv.ParseFloat(fmt.Sprint(v), 64)
	if err != nil {
		t.Fatalf("%s value %v is not a number", code, v)
	}
	return &f
}
