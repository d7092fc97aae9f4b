package scoring

import (
	"slices"

	"github.com/customs-survey/surveyd/survey"
)

// Result is one computed indicator (docs/scoring.md, "The result of one
// indicator").
type Result struct {
	Code   string
	Title  string // in the language asked for, else the default language
	Method string
	Unit   string // respondent when the definition sets none
	// Value is the indicator's value at full precision; nil when no unit
	// gave one, or when it cannot be computed (the narrative says why).
	Value    *float64
	N        int
	Excluded int
	Missing  int
	// NotApplicable counts the responses to which none of the
	// indicator's questions was shown (show_if): neither missing nor
	// excluded.
	NotApplicable int
	CI95          *[2]float64 // the 95% confidence interval; nil below two units
	Target        *Target     // nil when no target or milestone applies to the campaign's year
	EndTarget     *Target     // the end-of-programme target; nil when none is set
	Previous      *Previous   // nil unless the previous campaign has an indicator with this code
	Breakdown     *Breakdown  // nil unless the indicator asks for one
	Narrative     string

	// Scale is the range of the value: 0–100 for percentages, the number
	// question's own range for mean_value.
	Scale Scale

	// noValue says why Value is withheld although responses have one (see
	// unusable); the narrative gives it.
	noValue string
}

// Target is a value the indicator should reach by a year, and whether the
// value meets it: the target or milestone that applies to the campaign's
// year (docs/scoring.md, "Targets, milestones and the end of the
// programme"), or the end-of-programme target.
type Target struct {
	Value  float64
	Kind   string // TargetKindTarget or TargetKindMilestone; TargetKindEnd for the end-of-programme target
	Year   int    // the year it is set for: the campaign's year for a fixed target
	Status string // TargetMet or TargetNotMet (also when there is no value)
}

// Target statuses.
const (
	TargetMet    = "met"
	TargetNotMet = "not_met"
)

// Kinds of target: the fixed target of every year, a milestone set for one
// year (the campaign's, or the next one after it), and the target of the
// end of the programme.
const (
	TargetKindTarget    = "target"
	TargetKindMilestone = "milestone"
	TargetKindEnd       = "end"
)

// Previous is the same indicator in the previous campaign.
type Previous struct {
	Campaign string
	Year     int
	Value    *float64 // nil when the previous campaign has no value
	// Change is Value now minus Value then, in ChangeUnit; nil when either
	// is missing or the two are not comparable.
	Change     *float64
	ChangeUnit string // ChangePercentagePoints or ChangePoints
	// Comparable is false when the indicator's definition changed between
	// the two questionnaires; Reason then says what changed.
	Comparable bool
	Reason     string
}

// Units of a change: percentage points between two percentages (mean_score,
// share), points of the number question's own scale (mean_value).
const (
	ChangePercentagePoints = "percentage_points"
	ChangePoints           = "points"
)

// IsPercentage reports whether the value of an indicator with that method
// is a percentage (mean_score, share: 0–100); a mean_value is on its
// question's own scale.
func IsPercentage(method string) bool { return method != survey.MethodMeanValue }

// ChangeUnitOf is the unit of the change of an indicator with that method.
func ChangeUnitOf(method string) string {
	if !IsPercentage(method) {
		return ChangePoints
	}
	return ChangePercentagePoints
}

// Breakdown holds the disaggregations an indicator asks for. Kinds says
// which were asked for: a kind asked for may have no rows (a campaign
// without responses), and one not asked for has none.
type Breakdown struct {
	Options         []Row
	Questions       []Row
	Administrations []Row

	kinds []string // the kinds asked for, in the indicator's order
}

// Kinds lists the kinds of breakdown the indicator asked for (options,
// questions, administrations), in the indicator's order.
func (b Breakdown) Kinds() []string { return slices.Clone(b.kinds) }

// Rows returns the rows of one kind of breakdown: options, questions or
// administrations.
func (b Breakdown) Rows(kind string) []Row {
	switch kind {
	case survey.BreakdownOptions:
		return b.Options
	case survey.BreakdownQuestions:
		return b.Questions
	case survey.BreakdownAdministrations:
		return b.Administrations
	}
	return nil
}

// Row is one line of a breakdown.
type Row struct {
	Key      string // option key, question key or administration code
	Label    string // option label or question text; the code for administrations
	Value    *float64
	N        *int // nil in suppressed rows
	Count    *int // options rows: responses that chose the option
	Excluded *int // questions rows and administrations rows not suppressed
	Missing  *int // questions rows and administrations rows not suppressed
	// NotApplicable is set where Missing is: responses to which the
	// row's questions were not shown.
	NotApplicable *int
	Suppressed    bool // administrations rows below min_cell_size: Value, N and the counts are withheld
}

// Scale is the closed range a value lives in, used to clip intervals.
type Scale struct {
	Min, Max float64
}

// Percent is the scale of mean_score and share.
var Percent = Scale{0, 100}
