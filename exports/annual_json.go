package exports

import (
	"bytes"
	"encoding/json"
	"io"
	"time"
)

// AnnualDocument is an annual report as JSON: the body of GET
// /api/v1/reports/{year} (docs/openapi.yaml, AnnualReport). Indicators are
// the Annex table and Coverage the Coverage sheet, each an object per row
// with one member per column (annualColumns, annualCoverageColumns), so that the
// JSON, the CSV and the workbook hold the same table.
type AnnualDocument struct {
	Year       int                  `json:"year"`
	Campaigns  []annualJSONCampaign `json:"campaigns"`
	Indicators []json.RawMessage    `json:"indicators"`
	Coverage   []json.RawMessage    `json:"coverage"`
}

// annualJSONCampaign is one campaign of the year, where its figures come
// from, whether those computed now still are a frozen run's, and the
// campaign's state now.
type annualJSONCampaign struct {
	Key     string         `json:"key"`
	Title   string         `json:"title"`
	Figures string         `json:"figures"` // FiguresLive or FiguresFrozen
	Run     *annualJSONRun `json:"run"`     // null when live
	Final   bool           `json:"final"`   // the figures'
	// LiveFiguresMatch is null when live.
	LiveFiguresMatch   *bool      `json:"live_figures_match"`
	CampaignFinal      bool       `json:"campaign_final"`
	CampaignReopenedAt *time.Time `json:"campaign_reopened_at"`
}

// annualJSONRun names the frozen run of a campaign's figures.
type annualJSONRun struct {
	ID       string    `json:"id"`
	FrozenAt time.Time `json:"frozen_at"`
	SHA256   string    `json:"sha256"`
}

// NewAnnualDocument is the JSON document of an annual report.
func NewAnnualDocument(r AnnualReport) (AnnualDocument, error) {
	out := AnnualDocument{Year: r.Year, Campaigns: make([]annualJSONCampaign, len(r.Campaigns)),
		Indicators: []json.RawMessage{}, Coverage: []json.RawMessage{}}
	for i := range r.Campaigns {
		c := &r.Campaigns[i]
		out.Campaigns[i] = annualJSONCampaign{Key: c.Key, Title: c.Title, Figures: c.Figures(), Final: c.Scores.Final,
			CampaignFinal: c.FinalNow(), CampaignReopenedAt: utcTime(c.ReopenedAt)}
		if run := c.Run; run != nil {
			out.Campaigns[i].Run = &annualJSONRun{ID: run.ID, FrozenAt: run.FrozenAt.UTC(), SHA256: run.SHA256}
			out.Campaigns[i].LiveFiguresMatch = &run.LiveFiguresMatch
		}
		row, err := annualJSONObject(annualCoverageColumns, c)
		if err != nil {
			return AnnualDocument{}, err
		}
		out.Coverage = append(out.Coverage, row)
	}
	for _, row := range annualRows(r) {
		obj, err := annualJSONObject(annualColumns, &row)
		if err != nil {
			return AnnualDocument{}, err
		}
		out.Indicators = append(out.Indicators, obj)
	}
	return out, nil
}

// WriteAnnualJSON writes the report as JSON (AnnualDocument), as the API
// answers it.
func WriteAnnualJSON(w io.Writer, r AnnualReport) error {
	doc, err := NewAnnualDocument(r)
	if err != nil {
		return err
	}
	body, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	_, err = w.Write(body)
	return err
}

// annualJSONObject is one row of a table as a JSON object: a member per column,
// in the columns' order, an empty cell as null.
func annualJSONObject[R any](cols []annualColumn[R], row *R) (json.RawMessage, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, col := range cols {
		if i > 0 {
			b.WriteByte(',')
		}
		name, err := json.Marshal(col.name)
		if err != nil {
			return nil, err
		}
		value, err := col.cell(row).json()
		if err != nil {
			return nil, err
		}
		b.Write(name)
		b.WriteByte(':')
		b.Write(value)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}
