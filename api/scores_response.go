package api

import (
	"slices"
	"time"

	"github.com/customs-survey/surveyd/scoring"
)

// scoresResponse is the body of GET /campaigns/{key}/scores.
type scoresResponse struct {
	Campaign   string              `json:"campaign"`
	Year       int                 `json:"year"`
	ComputedAt time.Time           `json:"computed_at"`
	Coverage   coverageResponse    `json:"coverage"`
	Indicators []indicatorResponse `json:"indicators"`
}

// coverageResponse tells who answered.
type coverageResponse struct {
	AdministrationsInvited   int      `json:"administrations_invited"`
	AdministrationsResponded int      `json:"administrations_responded"`
	Missing                  []string `json:"missing"`
	Responses                int      `json:"responses"`
}

// indicatorResponse is one computed indicator.
type indicatorResponse struct {
	Code      string             `json:"code"`
	Title     string             `json:"title"`
	Method    string             `json:"method"`
	Unit      string             `json:"unit"`
	Value     *float64           `json:"value"`
	N         int                `json:"n"`
	Excluded  int                `json:"excluded"`
	Missing   int                `json:"missing"`
	CI95      *[2]float64        `json:"ci95,omitempty"`
	Target    *targetResponse    `json:"target,omitempty"`
	Previous  *previousResponse  `json:"previous,omitempty"`
	Breakdown *breakdownResponse `json:"breakdown,omitempty"`
	Narrative string             `json:"narrative"`
}

// targetResponse is an indicator's target for the campaign's year and
// whether the value meets it (met or not_met).
type targetResponse struct {
	Value  float64 `json:"value"`
	Status string  `json:"status"`
}

// previousResponse is the same indicator in the previous campaign.
type previousResponse struct {
	Campaign string   `json:"campaign"`
	Year     int      `json:"year"`
	Value    *float64 `json:"value"`
	DeltaPP  *float64 `json:"delta_pp"`
}

// breakdownResponse holds the rows of each kind of disaggregation the
// indicator asks for, an empty array for a kind without rows; a kind it
// does not ask for is absent, and so is the breakdown when it asks for
// none.
type breakdownResponse struct {
	Options         *[]breakdownRowResponse `json:"options,omitempty"`
	Questions       *[]breakdownRowResponse `json:"questions,omitempty"`
	Administrations *[]breakdownRowResponse `json:"administrations,omitempty"`
}

// breakdownRowResponse is one line of a breakdown.
type breakdownRowResponse struct {
	Key        string   `json:"key"`
	Label      string   `json:"label"`
	Value      *float64 `json:"value"`
	N          *int     `json:"n"`                    // null in suppressed rows
	Count      *int     `json:"count,omitempty"`      // options: responses that chose it
	Excluded   *int     `json:"excluded,omitempty"`   // questions and administrations
	Missing    *int     `json:"missing,omitempty"`    // questions and administrations
	Suppressed bool     `json:"suppressed,omitempty"` // administrations below min_cell_size
}

func toScoresResponse(r scoring.Report) scoresResponse {
	out := scoresResponse{Campaign: r.Campaign, Year: r.Year, ComputedAt: r.ComputedAt,
		Coverage: coverageResponse{AdministrationsInvited: r.Coverage.AdministrationsInvited,
			AdministrationsResponded: r.Coverage.AdministrationsResponded, Missing: r.Coverage.Missing,
			Responses: r.Coverage.Responses}}
	if r.Indicators != nil {
		out.Indicators = make([]indicatorResponse, len(r.Indicators))
	}
	for i, res := range r.Indicators {
		out.Indicators[i] = toIndicatorResponse(res)
	}
	return out
}

func toIndicatorResponse(res scoring.Result) indicatorResponse {
	out := indicatorResponse{Code: res.Code, Title: res.Title, Method: res.Method, Unit: res.Unit, Value: res.Value,
		N: res.N, Excluded: res.Excluded, Missing: res.Missing, CI95: res.CI95, Narrative: res.Narrative}
	if t := res.Target; t != nil {
		out.Target = &targetResponse{Value: t.Value, Status: t.Status}
	}
	if p := res.Previous; p != nil {
		out.Previous = &previousResponse{Campaign: p.Campaign, Year: p.Year, Value: p.Value, DeltaPP: p.DeltaPP}
	}
	if b := res.Breakdown; b != nil {
		kinds := b.Kinds()
		rowsOf := func(kind string) *[]breakdownRowResponse {
			if !slices.Contains(kinds, kind) {
				return nil
			}
			rows := toBreakdownRows(b.Rows(kind))
			return &rows
		}
		out.Breakdown = &breakdownResponse{Options: rowsOf("options"), Questions: rowsOf("questions"),
			Administrations: rowsOf("administrations")}
	}
	return out
}

func toBreakdownRows(rows []scoring.Row) []breakdownRowResponse {
	out := make([]breakdownRowResponse, len(rows))
	for i, r := range rows {
		out[i] = breakdownRowResponse{Key: r.Key, Label: r.Label, Value: r.Value, N: r.N, Count: r.Count,
			Excluded: r.Excluded, Missing: r.Missing, Suppressed: r.Suppressed}
	}
	return out
}
