package demo

import (
	"context"
	"github.com/customs-survey/surveyd/auth"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/scores"
	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/store"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// Report rounding modes: the 2023 report rounds most figures half up, but
// truncates RES 3.2.1 (1750/26 = 67.3077 → "67.30%") and RES 4.1
// (1575/26 = 60.5769 → "60.57%").
const (
	round    = "round"
	truncate = "truncate"
)

// publishedFigure is one survey-based figure of Annex 4 of the 2023 report.
type publishedFigure struct {
	code string
	// row names a row of the indicator's options or questions breakdown;
	// empty for the indicator's value.
	row      string
	printed  string // as printed in the report ("75,22" with its comma)
	decimals int    // decimals printed
	rounding string // how the report got there from the exact value
	n        int    // units with a value (administrations or respondents)
	excluded int    // "don't know" (value rows only)
	missing  int    // shown a question and answered none (value rows only)
	// notApplicable counts those routed past every question by show_if
	// (value rows only).
	notApplicable int
	target        string // met, not_met, or "" when no target or milestone applies to 2023
}

// published2023 lists, per campaign, the figures of the 2023 report that
// the data set reproduces.
var published2023 = map[string][]publishedFigure{
	"customs-2023": {
		{code: "OP 1.4.2", printed: "4.18", decimals: 2, rounding: round, n: 28, target: scoring.TargetMet},
		// The report compares with the 2024 milestone (50%), the next one
		// after 2023.
		{code: "OP 3.1", printed: "70.96", decimals: 2, rounding: round, n: 28, target: scoring.TargetMet},
		{code: "OP 3.1", row: "advanced", printed: "25", decimals: 0, rounding: round, n: 28},
		{code: "OP 3.1", row: "basic", printed: "67.86", decimals: 2, rounding: round, n: 28},
		{code: "OP 3.1", row: "very_basic", printed: "3.57", decimals: 2, rounding: round, n: 28},
		{code: "OP 3.1", row: "none", printed: "3.57", decimals: 2, rounding: round, n: 28},
		{code: "RES 1.2", printed: "76.8", decimals: 1, rounding: round, n: 28, target: scoring.TargetMet},
		{code: "RES 2.2.1", printed: "72.22", decimals: 2, rounding: round, n: 27, excluded: 1, target: scoring.TargetNotMet},
		{code: "RES 3.2.1", printed: "67.30", decimals: 2, rounding: truncate, n: 26, excluded: 2, target: scoring.TargetNotMet},
		{code: "RES 3.2.2", printed: "63.39", decimals: 2, rounding: round, n: 28, target: scoring.TargetNotMet},
		{code: "RES 4.1", printed: "60.57", decimals: 2, rounding: truncate, n: 26, excluded: 2, target: scoring.TargetNotMet},
		{code: "RES 4.2", printed: "56.25", decimals: 2, rounding: round, n: 28, target: scoring.TargetNotMet},
	},
	"participants-2023": {
		{code: "OP 2.1.4", printed: "84.07", decimals: 2, rounding: round, n: 113, notApplicable: 527, target: scoring.TargetMet},
		{code: "OP 2.2.3", printed: "80.1", decimals: 1, rounding: round, n: 212, excluded: 3, notApplicable: 425, target: scoring.TargetMet},
		{code: "OP 2.2.3", row: "elearning_content", printed: "79.1", decimals: 1, rounding: round, n: 206},
		{code: "OP 2.2.3", row: "elearning_methodology", printed: "79.8", decimals: 1, rounding: round, n: 212},
		{code: "OP 2.2.3", row: "elearning_technology", printed: "80.2", decimals: 1, rounding: round, n: 206},
		{code: "RES 1.1", printed: "78.3", decimals: 1, rounding: round, n: 640},
		{code: "RES 1.1 reasons", printed: "78.42", decimals: 2, rounding: round, n: 139},
		{code: "RES 2.2.5", printed: "64.5", decimals: 1, rounding: round, n: 50, notApplicable: 590},
		// Target 90% by 2027 (end of the programme), no milestone: no
		// target for 2023 (checkMilestones checks the end target).
		{code: "RES 2.2.6 agreement", printed: "78.06", decimals: 2, rounding: round, n: 98, excluded: 15, notApplicable: 527},
		{code: "RES 2.2.6 contacts", printed: "75,22", decimals: 2, rounding: round, n: 113, notApplicable: 527},
	},
}

// TestReport2023 loads the data set on each backend and checks the
// computed scores against the report's figures. api.TestReport2023Golden
// compares the whole report, as GET /campaigns/{key}/scores shows it, with
// the golden files.
func TestReport2023(t *testing.T) {
	ds, err := Report2023()
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		st, err := store.Open(ctx, url, store.Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		start := time.Now()
		if err := Load(ctx, st, ds); err != nil {
			t.Fatal(err)
		}
		t.Logf("loaded the data set in %s", time.Since(start).Round(time.Millisecond))

		reports := map[string]scoring.Report{}
		for _, key := range []string{"customs-2023", "participants-2023"} {
			r, err := scores.New(st, time.Now).Report(ctx, auth.Operator(), key, "en")
			if err != nil {
				t.Fatal(err)
			}
			reports[key] = r
		}

		t.Run("published", func(t *testing.T) {
			for key, figures := range published2023 {
				for _, f := range figures {
					checkPublished(t, reports[key], f)
				}
			}
		})
		t.Run("coverage", func(t *testing.T) {
			for key, responses := range map[string]int{"customs-2023": 28, "participants-2023": 640} {
				c := reports[key].Coverage
				if c.AdministrationsInvited != 30 || c.AdministrationsResponded != 28 ||
					!slices.Equal(c.Missing, []string{"CY", "DK"}) || c.Responses != responses {
					t.Errorf("%s: coverage %+v, want 30 invited, 28 responded, missing CY DK, %d responses", key, c, responses)
				}
			}
		})
		t.Run("changes", func(t *testing.T) { checkChanges(t, reports) })
		t.Run("service rounding", func(t *testing.T) { checkServiceRounding(t, reports["customs-2023"]) })
		t.Run("milestones", func(t *testing.T) { checkMilestones(t, reports) })
		t.Run("suppression", func(t *testing.T) {
			r := indicator(t, reports["customs-2023"], "RES 3.2.1")
			rows := r.Breakdown.Administrations
			if len(rows) != 28 {
				t.Fatalf("RES 3.2.1: %d administration rows, want 28", len(rows))
			}
			for _, row := range rows {
				if !row.Suppressed || row.Value != nil {
					t.Errorf("RES 3.2.1 %s: value %v, suppressed %v; one response < min_cell_size 5 must be suppressed",
						row.Key, row.Value, row.Suppressed)
				}
			}
		})
	})
}

// asPrinted formats v the report's way to the report's decimals.
func asPrinted(v float64, decimals int, rounding string) string {
	if rounding == truncate {
		// Decide on the decimal expansion, as a spreadsheet shows it.
		s := strconv.FormatFloat(v, 'f', decimals+6, 64)
		if decimals == 0 {
			return s[:strings.Index(s, ".")]
		}
		return s[:strings.Index(s, ".")+1+decimals]
	}
	return strconv.FormatFloat(scoring.Round(v, decimals), 'f', decimals, 64)
}

func checkPublished(t *testing.T, r scoring.Report, f publishedFigure) {
	t.Helper()
	res := indicator(t, r, f.code)
	name := f.code
	value, n := res.Value, res.N
	if f.row != "" {
		name += " " + f.row
		row := breakdownRow(res, f.row)
		if row == nil {
			t.Errorf("%s: no breakdown row", name)
			return
		}
		value = row.Value
		if row.N != nil {
			n = *row.N
		}
	} else {
		if res.Excluded != f.excluded || res.Missing != f.missing || res.NotApplicable != f.notApplicable {
			t.Errorf("%s: excluded %d, missing %d, not applicable %d; want %d, %d, %d", name,
				res.Excluded, res.Missing, res.NotApplicable, f.excluded, f.missing, f.notApplicable)
		}
		switch {
		case f.target == "" && res.Target != nil:
			t.Errorf("%s: target %+v for 2023, want none", name, *res.Target)
		case f.target != "" && (res.Target == nil || res.Target.Status != f.target):
			t.Errorf("%s: target %+v, want status %s", name, res.Target, f.target)
		}
	}
	if n != f.n {
		t.Errorf("%s: n = %d, want %d", name, n, f.n)
	}
	if value == nil {
		t.Errorf("%s: no value, want %s", name, f.printed)
		return
	}
	want := strings.ReplaceAll(f.printed, ",", ".")
	if got := asPrinted(*value, f.decimals, f.rounding); got != want {
		t.Errorf("%s: %v shown the report's way (%s, %d decimals) is %s, report prints %s",
			name, *value, f.rounding, f.decimals, got, f.printed)
	}
}

// checkChanges checks the year-on-year comparisons the report makes.
func checkChanges(t *testing.T, reports map[string]scoring.Report) {
	for _, c := range []struct {
		campaign, code string
		previous       string // previous value, 2 decimals
		delta          string // change in percentage points, 2 decimals
		check          func(d float64) bool
		says           string
	}{
		{"customs-2023", "RES 1.2", "70.00", "6.79", func(d float64) bool { return d > 6.5 && d < 7 }, "has increased almost 7 percentage points"},
		{"customs-2023", "RES 4.1", "60.00", "0.58", func(d float64) bool { return d > 0 && d < 1 }, "has slightly increased since 2022"},
		{"customs-2023", "RES 4.2", "60.19", "-3.94", func(d float64) bool { return scoring.Round(d, 0) == -4 }, "decreased 4 percentage points"},
		{"participants-2023", "RES 2.2.5", "68.50", "-4.00", func(d float64) bool { return scoring.Round(d, 0) == -4 }, "reduced by 4 percentage points"},
	} {
		res := indicator(t, reports[c.campaign], c.code)
		p := res.Previous
		if p == nil || p.Value == nil || p.Change == nil || !p.Comparable || p.ChangeUnit != scoring.ChangePercentagePoints {
			t.Errorf("%s: previous %+v, want a comparable value and a change in percentage points", c.code, p)
			continue
		}
		if p.Year != 2022 || scoring.Fixed2(*p.Value) != c.previous || scoring.Fixed2(*p.Change) != c.delta {
			t.Errorf("%s: previous %d %s, change %s pp; want 2022 %s, %s pp", c.code, p.Year,
				scoring.Fixed2(*p.Value), scoring.Fixed2(*p.Change), c.previous, c.delta)
		}
		if !c.check(*p.Change) {
			t.Errorf("%s: change %v pp does not fit the report's %q", c.code, *p.Change, c.says)
		}
	}
	// RES 1.1: "slightly lower than the reported values for 2022, which
	// were above 80%".
	res := indicator(t, reports["participants-2023"], "RES 1.1")
	if p := res.Previous; p == nil || p.Value == nil || *p.Value <= 80 || p.Change == nil || *p.Change >= 0 {
		t.Errorf("RES 1.1: previous %+v, want above 80%% and a decrease", p)
	}
}

// checkServiceRounding pins the documented difference: the service rounds
// half away from zero where the report truncates.
func checkServiceRounding(t *testing.T, r scoring.Report) {
	for code, want := range map[string][2]string{"RES 3.2.1": {"67.31", "67.30"}, "RES 4.1": {"60.58", "60.57"}} {
		res := indicator(t, r, code)
		if res.Value == nil {
			t.Errorf("%s: no value", code)
			continue
		}
		if got := scoring.Fixed2(*res.Value); got != want[0] {
			t.Errorf("%s: the service shows %s, want %s (the report prints %s)", code, got, want[0], want[1])
		}
		if !strings.Contains(res.Narrative, " of 70%") && !strings.Contains(res.Narrative, "70% target") {
			t.Errorf("%s: narrative %q does not name the target", code, res.Narrative)
		}
	}
}

// checkMilestones: OP 3.1 has no milestone of 2023; it is compared, as
// the report does, with the next one, of 2024 (50%), which it exceeds. RES 2.2.6 agreement
// has the end-of-programme target of 90% by 2027, not met in 2023.
func checkMilestones(t *testing.T, reports map[string]scoring.Report) {
	for _, c := range []struct {
		campaign, code string
		target         *scoring.Target
		end            *scoring.Target
		says           string
	}{
		{"customs-2023", "OP 3.1", &scoring.Target{Value: 50, Kind: scoring.TargetKindMilestone, Year: 2024, Status: scoring.TargetMet}, nil,
			"above the 2024 milestone of 50%"},
		{"participants-2023", "RES 2.2.6 agreement", nil, &scoring.Target{Value: 90, Kind: scoring.TargetKindEnd, Year: 2027, Status: scoring.TargetNotMet},
			"The end-of-programme target is 90% (2027)."},
	} {
		res := indicator(t, reports[c.campaign], c.code)
		if !sameTarget(res.Target, c.target) || !sameTarget(res.EndTarget, c.end) {
			t.Errorf("%s: target %+v, end target %+v; want %+v, %+v", c.code, res.Target, res.EndTarget, c.target, c.end)
		}
		if !strings.Contains(res.Narrative, c.says) {
			t.Errorf("%s: narrative %q does not say %q", c.code, res.Narrative, c.says)
		}
	}
}

func sameTarget(a, b *scoring.Target) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

func indicator(t *testing.T, r scoring.Report, code string) scoring.Result {
	t.Helper()
	for _, res := range r.Indicators {
		if res.Code == code {
			return res
		}
	}
	t.Fatalf("%s: no indicator %s", r.Campaign, code)
	return scoring.Result{}
}

func breakdownRow(res scoring.Result, key string) *scoring.Row {
	if res.Breakdown == nil {
		return nil
	}
	for _, rows := range [][]scoring.Row{res.Breakdown.Options, res.Breakdown.Questions, res.Breakdown.Administrations} {
		for i := range rows {
			if rows[i].Key == key {
				return &rows[i]
			}
		}
	}
	return nil
}
