package exports

import (
	"encoding/csv"
	"fmt"
	"io"
	"time"

	"github.com/customs-survey/surveyd/survey"
)

// AnnualReport is every campaign of one reporting year, gathered for the
// annex of the annual progress report (package reports builds it): each
// campaign's scores document, live or frozen, with the questionnaire it
// was computed from, and the order of the annex's rows.
type AnnualReport struct {
	Year      int
	Campaigns []AnnualCampaign
	// Order lists the annex's rows, one per indicator of every campaign,
	// in the report's order.
	Order []AnnualEntry
}

// AnnualCampaign is one campaign of the year and its figures.
type AnnualCampaign struct {
	Key string
	// Title is the campaign's title, else its questionnaire's in the
	// default language.
	Title       string
	MinCellSize int
	// Questionnaire is the document the figures were computed from: the
	// definitions that the Notes sheet puts in words.
	Questionnaire *survey.Document
	// Scores is the scores document of the campaign, as the scores
	// endpoint answers it, or as it was frozen.
	Scores ScoresDocument
	// Run is the frozen run the figures come from; nil when they were
	// computed for this report.
	Run *AnnualRun
	// Status and ReopenedAt are the campaign's as it is now (open or
	// closed; when it was reopened after it was last closed, nil if it was
	// not), which the figures of a frozen run do not tell.
	Status     string
	ReopenedAt *time.Time
}

// AnnualRun names the frozen run of a campaign's figures.
type AnnualRun struct {
	ID       string
	FrozenAt time.Time
	SHA256   string // of the run's canonical JSON
	// LiveFiguresMatch is whether the figures computed for this report
	// are still those of the run (scores.SameFigures).
	LiveFiguresMatch bool
}

// AnnualEntry is one row of the annex: the indicator at index Indicator of
// the scores document of campaign Campaign (indexes of Campaigns and of
// its Scores.Indicators).
type AnnualEntry struct {
	Campaign, Indicator int
}

// FinalNow is whether the campaign is closed now: its figures final,
// whatever those of a frozen run say.
func (c *AnnualCampaign) FinalNow() bool { return c.Status == survey.StatusClosed }

// Figures says where a campaign's figures come from: FiguresLive or
// FiguresFrozen.
func (c *AnnualCampaign) Figures() string {
	if c.Run != nil {
		return FiguresFrozen
	}
	return FiguresLive
}

// Where the figures of a campaign come from.
const (
	FiguresLive   = "live"   // computed from the responses for this report
	FiguresFrozen = "frozen" // the campaign's latest run frozen in its default language
)

// WriteAnnual writes an annual report in a format: the Annex table as CSV,
// the workbook of four sheets, or the JSON document (WriteAnnualCSV,
// WriteAnnualXLSX, WriteAnnualJSON).
func WriteAnnual(w io.Writer, format Format, r AnnualReport) error {
	switch format {
	case CSV:
		return WriteAnnualCSV(w, r)
	case XLSX:
		return WriteAnnualXLSX(w, r)
	case JSON:
		return WriteAnnualJSON(w, r)
	}
	return fmt.Errorf("exports: no annual report writer for format %q", format)
}

// annualRows is the Annex table of a report, in its order.
func annualRows(r AnnualReport) []annualRow {
	rows := make([]annualRow, 0, len(r.Order))
	for _, e := range r.Order {
		c := &r.Campaigns[e.Campaign]
		rows = append(rows, newAnnualRow(c, &c.Scores.Indicators[e.Indicator]))
	}
	return rows
}

// WriteAnnualCSV writes the Annex table of an annual report as CSV (RFC
// 4180, UTF-8, no byte order mark): one header row of the column names of
// annualColumns, then one row per indicator in the report's order. Values
// are rounded half away from zero to 2 decimals, an absent value is an
// empty field, and text fields are neutralised by SafeCell.
func WriteAnnualCSV(w io.Writer, r AnnualReport) error {
	cw := csv.NewWriter(w)
	header := make([]string, len(annualColumns))
	for i, col := range annualColumns {
		header[i] = col.name
	}
	if err := cw.Write(header); err != nil {
		return err
	}
	rec := make([]string, len(annualColumns))
	for _, row := range annualRows(r) {
		for i, col := range annualColumns {
			rec[i] = col.cell(&row).csv()
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
