package scoring

import (
	"encoding/json"
	"slices"
)

// Result is one computed indicator, as GET /campaigns/{key}/scores shows it
// (docs/scoring.md, "The result of one indicator").
type Result struct {
	Code      string      `json:"code"`
	Title     string      `json:"title"`
	Method    string      `json:"method"`
	Unit      string      `json:"unit"`
	Value     *float64    `json:"value"`
	N         int         `json:"n"`
	Excluded  int         `json:"excluded"`
	Missing   int         `json:"missing"`
	CI95      *[2]float64 `json:"ci95,omitempty"`
	Target    *Target     `json:"target,omitempty"`
	Previous  *Previous   `json:"previous,omitempty"`
	Breakdown *Breakdown  `json:"breakdown,omitempty"`
	Narrative string      `json:"narrative"`

	// Scale is the range of the value: 0–100 for percentages, the number
	// question's own range for mean_value.
	Scale Scale `json:"-"`

	// noValue says why Value is withheld although responses have one (see
	// unusable); the narrative gives it.
	noValue string
}

// Target is an indicator's target for the campaign's year and whether the
// value meets it.
type Target struct {
	Value  float64 `json:"value"`
	Status string  `json:"status"` // met or not_met
}

// Target statuses.
const (
	TargetMet    = "met"
	TargetNotMet = "not_met"
)

// Previous is the same indicator in the previous campaign.
type Previous struct {
	Campaign string   `json:"campaign"`
	Year     int      `json:"year"`
	Value    *float64 `json:"value"`
	DeltaPP  *float64 `json:"delta_pp"`
}

// Breakdown holds the disaggregations an indicator asks for.
type Breakdown struct {
	Options         []Row `json:"options,omitempty"`
	Questions       []Row `json:"questions,omitempty"`
	Administrations []Row `json:"administrations,omitempty"`

	kinds []string // the kinds asked for, in the indicator's order
}

// Kinds lists the kinds of breakdown the indicator asked for (options,
// questions, administrations), in the indicator's order.
func (b Breakdown) Kinds() []string { return slices.Clone(b.kinds) }

// Rows returns the rows of one kind of breakdown: options, questions or
// administrations.
func (b Breakdown) Rows(kind string) []Row {
	switch kind {
	case "options":
		return b.Options
	case "questions":
		return b.Questions
	case "administrations":
		return b.Administrations
	}
	return nil
}

// MarshalJSON writes every kind the indicator asked for, as an array even
// when it has no rows (an empty campaign), and no other.
func (b Breakdown) MarshalJSON() ([]byte, error) {
	out := make(map[string][]Row, len(b.kinds))
	for _, kind := range b.kinds {
		if out[kind] = b.Rows(kind); out[kind] == nil {
			out[kind] = []Row{}
		}
	}
	return json.Marshal(out)
}

// Row is one line of a breakdown.
type Row struct {
	Key        string   `json:"key"`
	Label      string   `json:"label"`
	Value      *float64 `json:"value"`
	N          *int     `json:"n"`                    // null in suppressed rows
	Count      *int     `json:"count,omitempty"`      // options: responses that chose it
	Excluded   *int     `json:"excluded,omitempty"`   // questions and administrations
	Missing    *int     `json:"missing,omitempty"`    // questions and administrations
	Suppressed bool     `json:"suppressed,omitempty"` // administrations below min_cell_size
}

// Scale is the closed range a value lives in, used to clip intervals.
type Scale struct {
	Min, Max float64
}

// Percent is the scale of mean_score and share.
var Percent = Scale{0, 100}
