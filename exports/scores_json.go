package exports

import (
	"encoding/json"
	"io"
	"net/url"
	"slices"
	"time"

	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
)

// ScoresDocument is a scores report as JSON: the body of GET
// /api/v1/campaigns/{key}/scores and the pages' JSON download, one shape
// for both (docs/openapi.yaml, ScoresReport).
type ScoresDocument struct {
	Campaign   string          `json:"campaign"`
	Year       int             `json:"year"`
	ComputedAt time.Time       `json:"computed_at"`
	Coverage   jsonCoverage    `json:"coverage"`
	Indicators []jsonIndicator `json:"indicators"`
	// Final is whether the campaign is closed (its figures final);
	// LastClosedAt when it was last closed and ReopenedAt when it was
	// reopened after that, null for never: figures of a reopened campaign
	// may differ from those published when it was last final.
	Final        bool       `json:"final"`
	LastClosedAt *time.Time `json:"last_closed_at"`
	ReopenedAt   *time.Time `json:"reopened_at"`
}

// jsonCoverage tells who answered.
type jsonCoverage struct {
	AdministrationsInvited   int      `json:"administrations_invited"`
	AdministrationsResponded int      `json:"administrations_responded"`
	Missing                  []string `json:"missing"`
	Responses                int      `json:"responses"`
}

// jsonIndicator is one computed indicator.
type jsonIndicator struct {
	Code     string   `json:"code"`
	Title    string   `json:"title"`
	Method   string   `json:"method"`
	Unit     string   `json:"unit"`
	Value    *float64 `json:"value"`
	N        int      `json:"n"`
	Excluded int      `json:"excluded"`
	Missing  int      `json:"missing"`
	// NotApplicable counts the responses to which none of the
	// indicator's questions was shown.
	NotApplicable int            `json:"not_applicable"`
	CI95          *[2]float64    `json:"ci95,omitempty"`
	Target        *jsonTarget    `json:"target,omitempty"`
	EndTarget     *jsonEndTarget `json:"end_target,omitempty"`
	Previous      *jsonPrevious  `json:"previous,omitempty"`
	Breakdown     *jsonBreakdown `json:"breakdown,omitempty"`
	Narrative     string         `json:"narrative"`
}

// jsonTarget is the target or milestone that applies to the campaign's
// year (kind target or milestone, and the year it is set for) and whether
// the value meets it (met or not_met).
type jsonTarget struct {
	Value  float64 `json:"value"`
	Kind   string  `json:"kind"`
	Year   int     `json:"year"`
	Status string  `json:"status"`
}

// jsonEndTarget is the end-of-programme target, its year, and whether the
// value meets it.
type jsonEndTarget struct {
	Value  float64 `json:"value"`
	Year   int     `json:"year"`
	Status string  `json:"status"`
}

// jsonPrevious is the same indicator in the previous campaign: the change
// in its unit (percentage_points or points), null when a value is missing
// or when the indicator's definition changed between the two
// questionnaires (comparable false, reason saying what changed).
type jsonPrevious struct {
	Campaign   string   `json:"campaign"`
	Year       int      `json:"year"`
	Value      *float64 `json:"value"`
	Change     *float64 `json:"change"`
	ChangeUnit string   `json:"change_unit"`
	Comparable bool     `json:"comparable"`
	Reason     string   `json:"reason,omitempty"`
}

// jsonBreakdown holds the rows of each kind of disaggregation the
// indicator asks for, an empty array for a kind without rows; a kind it
// does not ask for is absent, and so is the breakdown when it asks for
// none.
type jsonBreakdown struct {
	Options         *[]jsonBreakdownRow `json:"options,omitempty"`
	Questions       *[]jsonBreakdownRow `json:"questions,omitempty"`
	Administrations *[]jsonBreakdownRow `json:"administrations,omitempty"`
}

// jsonBreakdownRow is one line of a breakdown.
type jsonBreakdownRow struct {
	Key           string   `json:"key"`
	Label         string   `json:"label"`
	Value         *float64 `json:"value"`
	N             *int     `json:"n"`                        // null in suppressed rows
	Count         *int     `json:"count,omitempty"`          // options: responses that chose it
	Excluded      *int     `json:"excluded,omitempty"`       // questions and administrations
	Missing       *int     `json:"missing,omitempty"`        // questions and administrations
	NotApplicable *int     `json:"not_applicable,omitempty"` // where missing is
	Suppressed    bool     `json:"suppressed,omitempty"`     // administrations below min_cell_size
}

// utcTime is a time in UTC, or nil.
func utcTime(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func NewScoresDocument(r scoring.Report) ScoresDocument {
	out := ScoresDocument{Campaign: r.Campaign, Year: r.Year, ComputedAt: r.ComputedAt,
		Coverage: jsonCoverage{AdministrationsInvited: r.Coverage.AdministrationsInvited,
			AdministrationsResponded: r.Coverage.AdministrationsResponded, Missing: r.Coverage.Missing,
			Responses: r.Coverage.Responses},
		Final: r.Status == survey.StatusClosed, LastClosedAt: utcTime(r.LastClosedAt), ReopenedAt: utcTime(r.ReopenedAt)}
	if r.Indicators != nil {
		out.Indicators = make([]jsonIndicator, len(r.Indicators))
	}
	for i, res := range r.Indicators {
		out.Indicators[i] = toJSONIndicator(res)
	}
	return out
}

func toJSONIndicator(res scoring.Result) jsonIndicator {
	out := jsonIndicator{Code: res.Code, Title: res.Title, Method: res.Method, Unit: res.Unit, Value: res.Value,
		N: res.N, Excluded: res.Excluded, Missing: res.Missing, NotApplicable: res.NotApplicable, CI95: res.CI95, Narrative: res.Narrative}
	if t := res.Target; t != nil {
		out.Target = &jsonTarget{Value: t.Value, Kind: t.Kind, Year: t.Year, Status: t.Status}
	}
	if t := res.EndTarget; t != nil {
		out.EndTarget = &jsonEndTarget{Value: t.Value, Year: t.Year, Status: t.Status}
	}
	if p := res.Previous; p != nil {
		out.Previous = &jsonPrevious{Campaign: p.Campaign, Year: p.Year, Value: p.Value, Change: p.Change,
			ChangeUnit: p.ChangeUnit, Comparable: p.Comparable, Reason: p.Reason}
	}
	if b := res.Breakdown; b != nil {
		kinds := b.Kinds()
		rowsOf := func(kind string) *[]jsonBreakdownRow {
			if !slices.Contains(kinds, kind) {
				return nil
			}
			rows := toJSONBreakdownRows(b.Rows(kind))
			return &rows
		}
		out.Breakdown = &jsonBreakdown{Options: rowsOf(survey.BreakdownOptions), Questions: rowsOf(survey.BreakdownQuestions),
			Administrations: rowsOf(survey.BreakdownAdministrations)}
	}
	return out
}

func toJSONBreakdownRows(rows []scoring.Row) []jsonBreakdownRow {
	out := make([]jsonBreakdownRow, len(rows))
	for i, r := range rows {
		out[i] = jsonBreakdownRow{Key: r.Key, Label: r.Label, Value: r.Value, N: r.N, Count: r.Count,
			Excluded: r.Excluded, Missing: r.Missing, NotApplicable: r.NotApplicable, Suppressed: r.Suppressed}
	}
	return out
}

// WriteScoresJSON writes the report as JSON (ScoresDocument), as a frozen
// run keeps it.
func WriteScoresJSON(w io.Writer, r scoring.Report) error { return writeJSON(w, NewScoresDocument(r)) }

// writeJSON writes v as compact JSON.
func writeJSON(w io.Writer, v any) error {
	body, err := json.Marshal(v)
	if err != nil {
		return err
	}
	_, err = w.Write(body)
	return err
}

// LiveScoresDocument is a report computed now as JSON: the scores
// document, and, when the campaign has a frozen run, the latest one and
// whether these figures are still its figures (docs/openapi.yaml,
// FrozenScores). It is the body of GET /api/v1/campaigns/{key}/scores.
type LiveScoresDocument struct {
	ScoresDocument
	Frozen *jsonFrozen `json:"frozen,omitempty"`
}

// jsonFrozen is the latest frozen run of the campaign, and where its JSON is.
type jsonFrozen struct {
	ID       string    `json:"id"`
	FrozenAt time.Time `json:"frozen_at"`
	SHA256   string    `json:"sha256"`
	Matches  bool      `json:"matches"`
	Href     string    `json:"href"`
}

// NewLiveScoresDocument is the JSON of a report computed now, with the
// campaign's latest frozen run (nil: none).
func NewLiveScoresDocument(r scoring.Report, frozen *FrozenRun) LiveScoresDocument {
	out := LiveScoresDocument{ScoresDocument: NewScoresDocument(r)}
	if f := frozen; f != nil {
		out.Frozen = &jsonFrozen{ID: f.ID, FrozenAt: f.FrozenAt.UTC(), SHA256: f.SHA256, Matches: f.Matches,
			Href: ScoreRunPath(r.Campaign, f.ID)}
	}
	return out
}

// ScoreRunPath is the address of a frozen run in the API; its JSON unless
// asked for another format.
func ScoreRunPath(campaign, id string) string {
	return "/api/v1/campaigns/" + campaign + "/scores/runs/" + url.PathEscape(id)
}
