package api_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// The documented range of every number answer (docs/scoring.md): written
// out here as a client reads it, not taken from the code under test.
const numberBound = 1e15

// TestScoresAlwaysFinite is a property test: random valid questionnaires
// (every question type, every indicator method, unit, breakdown, where,
// target and previous campaign) and random answers, extreme numbers
// included, are created through the router; every campaign the service
// accepted answers for must then score in JSON, CSV and XLSX with 200 and
// finite numbers only. A number the service refuses must be refused as
// out_of_range on its own field; whatever it accepts must be scorable.
// The seed is fixed, so that a failure can be replayed.
func TestScoresAlwaysFinite(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		e.world()
		admin := e.tokens["admin"]
		for _, u := range []struct{ name, adm string }{{"resp_be3", "BE"}, {"resp_fr2", "FR"}} {
			email := u.name + "@customs.example"
			e.must(http.StatusCreated, "POST", "/api/v1/users", admin,
				map[string]string{"email": email, "password": userPassword, "role": "respondent", "administration": u.adm})
			e.tokens[u.name] = e.login(email, userPassword)
		}
		respondents := []string{"resp_be", "resp_be2", "resp_be3", "resp_fr", "resp_fr2"}

		rng := rand.New(rand.NewPCG(20261126, 7))
		previous := ""
		refused := 0
		for iter := range 4 {
			g := &propGen{rng: rng}
			key := fmt.Sprintf("prop_%d", iter)
			doc := g.document(key)
			if res := e.request("POST", "/api/v1/questionnaires", admin, doc); res.Status != http.StatusCreated {
				t.Fatalf("iteration %d: a generated questionnaire was refused: %d %s\n%s", iter, res.Status, res.Body, jsonText(t, doc))
			}
			e.must(http.StatusOK, "POST", "/api/v1/questionnaires/"+key+"/versions/1/publish", admin, nil)
			campaign := fmt.Sprintf("prop-%d", iter)
			body := map[string]any{
				"key": campaign, "year": 2020 + iter, "questionnaire": key, "version": 1,
				"opens_at":        time.Now().Add(-time.Hour).UTC().Format(time.RFC3339),
				"closes_at":       time.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339),
				"administrations": []string{"BE", "FR"}, "min_cell_size": 1 + rng.IntN(3),
			}
			if previous != "" {
				body["previous_campaign"] = previous
			}
			e.must(http.StatusCreated, "POST", "/api/v1/campaigns", admin, body)
			e.must(http.StatusOK, "POST", "/api/v1/campaigns/"+campaign+"/open", admin, nil)
			for _, who := range respondents {
				refused += g.respond(t, e, campaign, e.tokens[who])
			}
			checkScoresAllFormats(t, e, campaign)
			previous = campaign
		}
		t.Logf("%d numbers beyond ±%g were refused along the way", refused, numberBound)
	})
}

// checkScoresAllFormats fetches a campaign's scores as JSON, CSV and XLSX
// and fails unless each is a 200 with a complete body in which every number
// is finite. It returns the JSON report.
func checkScoresAllFormats(t *testing.T, e *env, campaign string) map[string]any {
	t.Helper()
	path := "/api/v1/campaigns/" + campaign + "/scores"
	var report map[string]any
	for _, format := range []string{"json", "csv", "xlsx"} {
		res := e.request("GET", path+"?format="+format, e.tokens["admin"], nil)
		if res.Status != http.StatusOK || len(res.Body) == 0 {
			t.Fatalf("%s scores of %s: status %d, %d bytes: %s", format, campaign, res.Status, len(res.Body), res.Body)
		}
		var cells [][]string
		switch format {
		case "json":
			dec := json.NewDecoder(bytes.NewReader(res.Body))
			dec.UseNumber()
			if err := dec.Decode(&report); err != nil {
				t.Fatalf("JSON scores of %s: %v\n%s", campaign, err, res.Body)
			}
			var numbers []string
			collectNumbers(report, &numbers)
			cells = [][]string{numbers}
		case "csv":
			records, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
			if err != nil || len(records) < 2 {
				t.Fatalf("CSV scores of %s: %v\n%s", campaign, err, res.Body)
			}
			cells = records
		case "xlsx":
			f, err := excelize.OpenReader(bytes.NewReader(res.Body))
			if err != nil {
				t.Fatalf("XLSX scores of %s: %v", campaign, err)
			}
			for _, sheet := range f.GetSheetList() {
				rows, err := f.GetRows(sheet, excelize.Options{RawCellValue: true})
				if err != nil {
					t.Fatal(err)
				}
				cells = append(cells, rows...)
			}
			f.Close()
		}
		for _, row := range cells {
			for _, cell := range row {
				// ParseFloat reads "Inf", "+Inf", "-Inf", "NaN" and
				// "infinity": none may appear as a figure.
				if x, err := strconv.ParseFloat(strings.TrimSpace(cell), 64); err == nil && (math.IsInf(x, 0) || math.IsNaN(x)) {
					t.Errorf("%s scores of %s hold the non-finite figure %q", format, campaign, cell)
				}
			}
		}
	}
	return report
}

// collectNumbers appends every number of a decoded JSON value.
func collectNumbers(v any, out *[]string) {
	switch x := v.(type) {
	case json.Number:
		*out = append(*out, string(x))
	case map[string]any:
		for _, m := range x {
			collectNumbers(m, out)
		}
	case []any:
		for _, m := range x {
			collectNumbers(m, out)
		}
	}
}

// propGen generates one random questionnaire and answers to it.
type propGen struct {
	rng       *rand.Rand
	questions []*propQuestion
}

type propQuestion struct {
	key, typ  string
	options   []propOption
	scored    bool // every option has a score, at least one numeric: usable by mean_score
	setName   string
	min, max  *float64
	integer   bool
	maxLength int
	required  bool
	showIf    map[string]any
}

type propOption struct {
	key      string
	hasScore bool
	score    *float64 // nil with hasScore: a null score
}

func (o propOption) json() map[string]any {
	m := map[string]any{"key": o.key, "label": map[string]any{"en": "Option " + o.key}}
	if o.hasScore {
		if o.score == nil {
			m["score"] = nil
		} else {
			m["score"] = *o.score
		}
	}
	return m
}

// numberEdges are the bounds a generated number question may have.
var numberEdges = []float64{-numberBound, -123456.75, -1, 0, 1, 5, 1e6, 1e12, numberBound}

func (g *propGen) pick(p float64) bool { return g.rng.Float64() < p }

func (g *propGen) question(i int, typ string) *propQuestion {
	q := &propQuestion{key: fmt.Sprintf("q%d", i), typ: typ, required: g.pick(0.4)}
	switch typ {
	case "single_choice", "multi_choice":
		q.scored = typ == "single_choice" && g.pick(0.7)
		unscored := !q.scored && g.pick(0.5)
		n := 2 + g.rng.IntN(5)
		numeric := false
		for k := range n {
			o := propOption{key: fmt.Sprintf("o%d", k)}
			switch {
			case unscored:
			case q.scored && k == n-1 && !numeric, !g.pick(0.2):
				s := float64(g.rng.IntN(5)) * 25
				o.hasScore, o.score, numeric = true, &s, true
			default:
				o.hasScore = true // null: "don't know"
			}
			q.options = append(q.options, o)
		}
		if g.pick(0.5) {
			q.setName = "set_" + q.key
		}
	case "number":
		switch g.rng.IntN(4) {
		case 1:
			q.min = &numberEdges[g.rng.IntN(len(numberEdges))]
		case 2:
			q.max = &numberEdges[g.rng.IntN(len(numberEdges))]
		case 3:
			a, b := numberEdges[g.rng.IntN(len(numberEdges))], numberEdges[g.rng.IntN(len(numberEdges))]
			lo, hi := min(a, b), max(a, b)
			q.min, q.max = &lo, &hi
		}
		// integer only where a whole number fits between the bounds.
		q.integer = g.pick(0.3) && (q.min == nil || q.max == nil || math.Ceil(*q.min) <= math.Floor(*q.max))
	case "text":
		if g.pick(0.5) {
			q.maxLength = 5 + g.rng.IntN(50)
		}
	}
	// show_if on an earlier choice question.
	if g.pick(0.3) {
		var choices []*propQuestion
		for _, p := range g.questions {
			if p.options != nil {
				choices = append(choices, p)
			}
		}
		if len(choices) > 0 {
			target := choices[g.rng.IntN(len(choices))]
			q.showIf = map[string]any{"question": target.key, "in": g.someOptions(target, false)}
		}
	}
	return q
}

// someOptions picks a non-empty subset of q's options, in order; nonNull
// leaves out those with a null score.
func (g *propGen) someOptions(q *propQuestion, nonNull bool) []string {
	var keys []string
	for _, o := range q.options {
		if nonNull && o.hasScore && o.score == nil {
			continue
		}
		if g.pick(0.5) {
			keys = append(keys, o.key)
		}
	}
	if len(keys) == 0 {
		for _, o := range q.options {
			if !nonNull || !o.hasScore || o.score != nil {
				return []string{o.key}
			}
		}
	}
	return keys
}

func (g *propGen) document(key string) map[string]any {
	// Every type at least once, then a random mix.
	types := []string{"single_choice", "multi_choice", "number", "text"}
	for range 3 + g.rng.IntN(6) {
		types = append(types, types[g.rng.IntN(4)])
	}
	// A scored single choice question for mean_score, at least.
	types = append(types, "single_choice")
	g.rng.Shuffle(len(types), func(i, j int) { types[i], types[j] = types[j], types[i] })
	sets := map[string]any{}
	var sections []any
	var current []any
	for i, typ := range types {
		q := g.question(i, typ)
		if i == len(types)-1 && !slices.ContainsFunc(g.questions, func(p *propQuestion) bool { return p.scored }) {
			q = g.question(i, "single_choice")
			q.scored = true
			for k := range q.options {
				s := float64(25 * k)
				q.options[k].hasScore, q.options[k].score = true, &s
			}
		}
		g.questions = append(g.questions, q)
		m := map[string]any{"key": q.key, "type": q.typ, "text": map[string]any{"en": "Question " + q.key}}
		if q.required {
			m["required"] = true
		}
		if q.options != nil {
			var opts []any
			for _, o := range q.options {
				opts = append(opts, o.json())
			}
			if q.setName != "" {
				sets[q.setName] = opts
				m["options_ref"] = q.setName
			} else {
				m["options"] = opts
			}
		}
		if q.min != nil {
			m["min"] = *q.min
		}
		if q.max != nil {
			m["max"] = *q.max
		}
		if q.integer {
			m["integer"] = true
		}
		if q.maxLength > 0 {
			m["max_length"] = q.maxLength
		}
		if q.showIf != nil {
			m["show_if"] = q.showIf
		}
		current = append(current, m)
		if len(current) >= 3 || i == len(types)-1 {
			sections = append(sections, map[string]any{"key": fmt.Sprintf("s%d", len(sections)),
				"title": map[string]any{"en": "Section"}, "questions": current})
			current = nil
		}
	}
	doc := map[string]any{"key": key, "default_language": "en", "title": map[string]any{"en": "Property " + key},
		"sections": sections, "indicators": g.indicators()}
	if len(sets) > 0 {
		doc["option_sets"] = sets
	}
	return doc
}

func (g *propGen) ofType(keep func(*propQuestion) bool) []*propQuestion {
	var out []*propQuestion
	for _, q := range g.questions {
		if keep(q) {
			out = append(out, q)
		}
	}
	return out
}

// indicators makes one indicator of each method, then a few more; codes
// are the same in every document, so that a campaign's previous one has
// them too.
func (g *propGen) indicators() []any {
	methods := []string{"mean_score", "share", "mean_value"}
	for range g.rng.IntN(4) {
		methods = append(methods, methods[g.rng.IntN(3)])
	}
	scored := g.ofType(func(q *propQuestion) bool { return q.scored })
	choices := g.ofType(func(q *propQuestion) bool { return q.options != nil })
	numbers := g.ofType(func(q *propQuestion) bool { return q.typ == "number" })
	var out []any
	for i, method := range methods {
		ind := map[string]any{"code": fmt.Sprintf("I%d", i), "method": method, "title": map[string]any{"en": "Indicator"}}
		var qs []*propQuestion
		switch method {
		case "mean_score":
			g.rng.Shuffle(len(scored), func(a, b int) { scored[a], scored[b] = scored[b], scored[a] })
			qs = scored[:1+g.rng.IntN(min(3, len(scored)))]
		case "share":
			qs = []*propQuestion{choices[g.rng.IntN(len(choices))]}
			ind["options"] = g.someOptions(qs[0], true)
		case "mean_value":
			qs = []*propQuestion{numbers[g.rng.IntN(len(numbers))]}
		}
		var keys []string
		for _, q := range qs {
			keys = append(keys, q.key)
		}
		ind["questions"] = keys
		if g.pick(0.5) {
			ind["unit"] = []string{"respondent", "administration"}[g.rng.IntN(2)]
		}
		if g.pick(0.3) {
			w := choices[g.rng.IntN(len(choices))]
			ind["where"] = map[string]any{"question": w.key, "in": g.someOptions(w, false)}
		}
		switch g.rng.IntN(3) {
		case 1:
			ind["target"] = map[string]any{"value": float64(g.rng.IntN(101))}
		case 2:
			ind["target"] = map[string]any{"by_year": map[string]any{"2021": 50, "2022": 75.5}, "end": map[string]any{"year": 2027, "value": 90}}
		}
		var breakdown []string
		if len(qs) == 1 && qs[0].options != nil && g.pick(0.5) {
			breakdown = append(breakdown, "options")
		}
		if g.pick(0.4) {
			breakdown = append(breakdown, "questions")
		}
		if g.pick(0.5) {
			breakdown = append(breakdown, "administrations")
		}
		if breakdown != nil {
			ind["breakdown"] = breakdown
		}
		out = append(out, ind)
	}
	return out
}

// numberCandidates are the answers tried for a number question: its own
// bounds, the edges of the documented range, the smallest subnormal, and
// numbers beyond the range, which the service may only refuse.
var numberCandidates = []float64{
	0, 1, -1, 0.1, 5e-324, -5e-324, 999999999999999.5, numberBound, -numberBound, 4.5e14,
	1.0000000000000002e15, 1e16, -1e200, 1e200, math.MaxFloat64, -math.MaxFloat64,
}

// fits reports whether x satisfies q's own min, max and integer rules.
func (q *propQuestion) fits(x float64) bool {
	return (q.min == nil || x >= *q.min) && (q.max == nil || x <= *q.max) && (!q.integer || x == math.Trunc(x))
}

// number picks an answer for q; inRange keeps it within the documented range.
func (g *propGen) number(q *propQuestion, inRange bool) float64 {
	var cands []float64
	for _, x := range append(slices.Clone(numberCandidates), derefs(q.min, q.max)...) {
		if q.fits(x) && (!inRange || math.Abs(x) <= numberBound) {
			cands = append(cands, x)
		}
	}
	if len(cands) == 0 {
		// Only the bounds remain, e.g. [-123456.75, -123456.75].
		return *q.min
	}
	// Extremes often: they are what breaks sums.
	if g.pick(0.6) {
		slices.SortFunc(cands, func(a, b float64) int { return cmpAbs(b, a) })
		return cands[g.rng.IntN(min(4, len(cands)))]
	}
	return cands[g.rng.IntN(len(cands))]
}

func cmpAbs(a, b float64) int {
	switch {
	case math.Abs(a) < math.Abs(b):
		return -1
	case math.Abs(a) > math.Abs(b):
		return 1
	}
	return 0
}

func derefs(ps ...*float64) []float64 {
	var out []float64
	for _, p := range ps {
		if p != nil {
			out = append(out, *p)
		}
	}
	return out
}

// answers draws one respondent's answers.
func (g *propGen) answers() map[string]any {
	answers := map[string]any{}
	for _, q := range g.questions {
		if !q.required && g.pick(0.2) {
			continue
		}
		switch q.typ {
		case "single_choice":
			answers[q.key] = q.options[g.rng.IntN(len(q.options))].key
		case "multi_choice":
			if !q.required && g.pick(0.1) {
				answers[q.key] = []string{}
				continue
			}
			var keys []string
			for _, o := range q.options {
				if g.pick(0.4) {
					keys = append(keys, o.key)
				}
			}
			if len(keys) == 0 {
				keys = []string{q.options[g.rng.IntN(len(q.options))].key}
			}
			answers[q.key] = keys
		case "number":
			answers[q.key] = g.number(q, false)
		case "text":
			s := strings.Repeat("ok ", 1+g.rng.IntN(3))
			if q.maxLength > 0 && len(s) > q.maxLength {
				s = s[:q.maxLength]
			}
			answers[q.key] = s
		}
	}
	return answers
}

// respond saves and submits one respondent's answers. A number beyond the
// documented range may be refused, as out_of_range on its own field and
// nothing else; it is then replaced by one within the range. It returns
// how many numbers were refused.
func (g *propGen) respond(t *testing.T, e *env, campaign, token string) int {
	t.Helper()
	path := "/api/v1/campaigns/" + campaign + "/response"
	answers := g.answers()
	refused := 0
	for attempt := 0; ; attempt++ {
		res := e.request("PUT", path, token, map[string]any{"answers": answers})
		if res.Status == http.StatusOK {
			break
		}
		if res.Status != http.StatusUnprocessableEntity || attempt > 0 {
			t.Fatalf("save to %s: %d %s\n%s", campaign, res.Status, res.Body, jsonText(t, answers))
		}
		for _, fc := range problemFields(t, res) {
			field, code, _ := strings.Cut(fc, ":")
			key := strings.TrimPrefix(field, "answers.")
			x, isNumber := answers[key].(float64)
			if code != "out_of_range" || !isNumber || math.Abs(x) <= numberBound {
				t.Fatalf("save to %s: a valid answer was refused: %s\n%s", campaign, res.Body, jsonText(t, answers))
			}
			answers[key] = g.number(g.questionByKey(key), true)
			refused++
		}
	}
	e.must(http.StatusOK, "POST", path+"/submit", token, nil)
	return refused
}

func (g *propGen) questionByKey(key string) *propQuestion {
	for _, q := range g.questions {
		if q.key == key {
			return q
		}
	}
	return nil
}
