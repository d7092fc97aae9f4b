package api_test

import (
	"fmt"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// The documented limits of a questionnaire document (docs/scoring.md),
// written out as a client reads them.
const (
	limitQuestions  = 500
	limitOptions    = 1000
	limitIndicators = 200
)

// limitDoc builds a questionnaire of the given size: a multi-choice
// question "big" with bigOptions options, a single-choice question
// "bigset" on an option set of setOptions scored options, a number question
// "amount", and single-choice questions on a five-point scale up to
// questions in all, 50 per section; then indicators: a share over "big"
// and one over "bigset" with options breakdowns, a mean_score over 50
// questions with a questions breakdown, a mean_value, and mean_scores over
// three questions each, with questions and administrations breakdowns,
// some restricted by a where naming 500 options of "bigset".
func limitDoc(key string, questions, bigOptions, setOptions, indicators int) map[string]any {
	text := func(s string) map[string]any { return map[string]any{"en": s} }
	var big, set []any
	for i := range bigOptions {
		big = append(big, map[string]any{"key": fmt.Sprintf("o%d", i), "label": text("Option")})
	}
	for i := range setOptions {
		set = append(set, map[string]any{"key": fmt.Sprintf("b%d", i), "label": text("Option"), "score": i % 101})
	}
	var scale []any
	for i := range 5 {
		scale = append(scale, map[string]any{"key": fmt.Sprintf("s%d", i), "label": text("Level"), "score": 25 * i})
	}
	qs := []any{
		map[string]any{"key": "big", "type": "multi_choice", "text": text("Big"), "options": big},
		map[string]any{"key": "bigset", "type": "single_choice", "text": text("Big set"), "options_ref": "big_set"},
		map[string]any{"key": "amount", "type": "number", "text": text("Amount")},
	}
	var scaled []string
	for i := len(qs); i < questions; i++ {
		k := fmt.Sprintf("q%d", i)
		scaled = append(scaled, k)
		qs = append(qs, map[string]any{"key": k, "type": "single_choice", "text": text("Question"), "options_ref": "scale"})
	}
	var sections []any
	for i := 0; i < len(qs); i += 50 {
		sections = append(sections, map[string]any{"key": fmt.Sprintf("s%d", i/50), "title": text("Section"),
			"questions": qs[i:min(i+50, len(qs))]})
	}
	var firstTen, half []string
	for i := range 10 {
		firstTen = append(firstTen, fmt.Sprintf("o%d", i))
	}
	for i := range setOptions / 2 {
		half = append(half, fmt.Sprintf("b%d", i))
	}
	inds := []any{
		map[string]any{"code": "BIG", "method": "share", "questions": []string{"big"}, "options": firstTen,
			"breakdown": []string{"options", "administrations"}},
		map[string]any{"code": "BIGSET", "method": "share", "questions": []string{"bigset"}, "options": []string{"b600"},
			"breakdown": []string{"options"}},
		map[string]any{"code": "WIDE", "method": "mean_score", "questions": scaled[:50], "breakdown": []string{"questions"}},
		map[string]any{"code": "AMOUNT", "method": "mean_value", "questions": []string{"amount"}},
	}
	for i := len(inds); i < indicators; i++ {
		ind := map[string]any{"code": fmt.Sprintf("I%d", i), "method": "mean_score",
			"questions": []string{scaled[(3*i)%len(scaled)], scaled[(3*i+1)%len(scaled)], scaled[(3*i+2)%len(scaled)]},
			"breakdown": []string{"questions", "administrations"}}
		if i%10 == 0 {
			ind["where"] = map[string]any{"question": "bigset", "in": half}
		}
		inds = append(inds, ind)
	}
	return map[string]any{"key": key, "default_language": "en", "title": text("Limits"),
		"option_sets": map[string]any{"scale": scale, "big_set": set}, "sections": sections, "indicators": inds}
}

// TestDocumentLimits: a questionnaire at every documented limit (500
// questions, 1000 options in a question and in an option set, 200
// indicators) publishes and scores, in every format, on both databases
// (its aggregate is far wider than one SQL query may be, so the scorer
// splits it); one past any limit is refused with out_of_range on the list
// that is too long, and the problem states the limit.
func TestDocumentLimits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		big := e.secondProcess(url) // the default body limit of 1 MiB: documents at the limits fit in it
		admin := e.tokens["admin"]

		past := []struct {
			name                                    string
			questions, bigOptions, setOptions, inds int
			field, limit                            string
		}{
			{"questions", limitQuestions + 1, limitOptions, limitOptions, limitIndicators, "sections", "500"},
			{"options of a question", limitQuestions, limitOptions + 1, limitOptions, limitIndicators, "sections[0].questions[0].options", "1000"},
			{"options of an option set", limitQuestions, limitOptions, limitOptions + 1, limitIndicators, "option_sets.big_set", "1000"},
			{"indicators", limitQuestions, limitOptions, limitOptions, limitIndicators + 1, "indicators", "200"},
		}
		for i, tt := range past {
			t.Run("past the limit of "+tt.name, func(t *testing.T) {
				key := fmt.Sprintf("past_%d", i)
				res := big.request("POST", "/api/v1/questionnaires", admin, limitDoc(key, tt.questions, tt.bigOptions, tt.setOptions, tt.inds))
				if res.Status != http.StatusUnprocessableEntity {
					t.Fatalf("status %d, want 422: %.500s", res.Status, res.Body)
				}
				if got, want := problemFields(t, res), tt.field+":out_of_range"; len(got) != 1 || got[0] != want {
					t.Errorf("errors %v, want [%s]", got, want)
				}
				if !strings.Contains(string(res.Body), "at most "+tt.limit) {
					t.Errorf("the problem does not state the limit %s: %s", tt.limit, res.Body)
				}
			})
		}

		doc := limitDoc("at_limit", limitQuestions, limitOptions, limitOptions, limitIndicators)
		size := len(jsonText(t, doc))
		if size > 1<<20 {
			t.Fatalf("a document at the limits takes %d bytes, more than the default body limit", size)
		}
		big.openCampaign(doc, "at_limit", "at-limit", 2023, nil)

		// resp_be: every scale question at 50, every option of big, b0;
		// resp_be2: 100, the last ten options, b600; resp_fr: 100, o0
		// only, b50.
		answer := func(level string, bigKeys []string, set string, amount float64) map[string]any {
			a := map[string]any{"big": bigKeys, "bigset": set, "amount": amount}
			for i := 3; i < limitQuestions; i++ {
				a[fmt.Sprintf("q%d", i)] = level
			}
			return a
		}
		var all, lastTen []string
		for i := range limitOptions {
			all = append(all, fmt.Sprintf("o%d", i))
		}
		lastTen = all[len(all)-10:]
		big.submit(e.tokens["resp_be"], "at-limit", answer("s2", all, "b0", 10))
		big.submit(e.tokens["resp_be2"], "at-limit", answer("s4", lastTen, "b600", 20))
		big.submit(e.tokens["resp_fr"], "at-limit", answer("s4", []string{"o0"}, "b50", 30))

		start := time.Now()
		big.must(http.StatusOK, "GET", "/api/v1/campaigns/at-limit/scores", admin, nil)
		t.Logf("JSON scores of a questionnaire at every limit (%d KiB), 3 responses: %s", size>>10, time.Since(start).Round(time.Millisecond))
		report := checkScoresAllFormats(t, big, "at-limit")
		if n := len(report["indicators"].([]any)); n != limitIndicators {
			t.Fatalf("%d indicators scored, want %d", n, limitIndicators)
		}
		approx := func(code string, want float64) {
			t.Helper()
			if got := indicatorValue(t, report, code); got == nil || math.Abs(*got-want) > 1e-9 {
				t.Errorf("%s = %v, want %v", code, got, want)
			}
		}
		approx("BIG", 200.0/3)    // resp_be and resp_fr chose one of o0–o9
		approx("BIGSET", 100.0/3) // resp_be2 chose b600
		approx("WIDE", 250.0/3)   // respondent values 50, 100, 100
		approx("AMOUNT", 20)
		approx("I4", 250.0/3)
		approx(fmt.Sprintf("I%d", limitIndicators-1), 250.0/3)
		// where bigset in b0–b499: resp_be (b0) and resp_fr (b50).
		approx("I10", 75)

		options := breakdownRows(t, report, "BIG", "options")
		if len(options) != limitOptions {
			t.Fatalf("BIG has %d option rows, want %d", len(options), limitOptions)
		}
		for _, c := range []struct {
			key   string
			count int
		}{{"o0", 2}, {"o1", 1}, {"o500", 1}, {"o999", 2}} {
			if got := options[c.key]["count"]; fmt.Sprint(got) != fmt.Sprint(c.count) {
				t.Errorf("BIG option %s count %v, want %d", c.key, got, c.count)
			}
		}
	})
}

// breakdownRows returns the rows of one breakdown of an indicator, by key.
func breakdownRows(t *testing.T, report map[string]any, code, kind string) map[string]map[string]any {
	t.Helper()
	b, _ := indicatorMember(t, report, code, "breakdown").(map[string]any)
	rows, _ := b[kind].([]any)
	out := map[string]map[string]any{}
	for _, r := range rows {
		row, _ := r.(map[string]any)
		out[fmt.Sprint(row["key"])] = row
	}
	return out
}
