package tally

import (
	"strings"

	"github.com/customs-survey/surveyd/survey"
)

// Key names one cell of a campaign: a part of one indicator (by its
// position in the document) for one administration.
type Key struct {
	Indicator      int
	Part           string
	Administration string
}

// The parts of an indicator. A measure part holds respondent values (n, Σ,
// centred Σ², excluded, missing, out of range); a count part counts
// responses in N only.
const (
	// Measure is the indicator's own measure, over all its questions.
	Measure = ""
	// Answering counts the responses that answered the question of an
	// options breakdown (its denominator).
	Answering = "a"
)

// QuestionPart is the measure of one question of a questions breakdown.
func QuestionPart(question string) string { return "q:" + question }

// OptionPart counts the responses that chose one option of an options
// breakdown.
func OptionPart(option string) string { return "o:" + option }

// Entry is what one response adds to one cell: a measure's N 1 and Sum its
// value, or Excluded, NotApplicable or Missing 1 (OutOfRange 1 beside Excluded for a
// number beyond the range); a count's N 1.
type Entry struct {
	Indicator int
	Part      string
	Cell      survey.Cell
}

// Contribution lists what a submitted response with these answer rows adds
// to the cells of doc's indicators (the administration is the caller's):
// for each indicator whose `where` it passes, its measure, the measure of
// each question of a questions breakdown, and for an options breakdown
// whether it answered the question and each option it chose. An indicator
// it does not pass gets nothing. Each cell appears at most once, in
// document order.
func Contribution(doc *survey.Document, rows []survey.AnswerRow) []Entry {
	var out []Entry
	for i, ind := range doc.Indicators {
		if !PassesWhere(ind.Where, rows) {
			continue
		}
		out = append(out, Entry{Indicator: i, Part: Measure, Cell: measure(doc, ind, ind.Questions, rows)})
		if ind.BreaksDown(survey.BreakdownQuestions) {
			for _, q := range ind.Questions {
				out = append(out, Entry{Indicator: i, Part: QuestionPart(q), Cell: measure(doc, ind, []string{q}, rows)})
			}
		}
		if ind.BreaksDown(survey.BreakdownOptions) {
			question := ind.Questions[0]
			answered := false
			picked := map[string]bool{}
			for _, row := range rows {
				if row.Question == question {
					answered = true
					if row.Option != nil {
						picked[*row.Option] = true
					}
				}
			}
			if answered {
				out = append(out, Entry{Indicator: i, Part: Answering, Cell: survey.Cell{N: 1}})
			}
			for _, o := range doc.OptionsOf(doc.Question(question)) {
				if picked[o.Key] {
					out = append(out, Entry{Indicator: i, Part: OptionPart(o.Key), Cell: survey.Cell{N: 1}})
				}
			}
		}
	}
	return out
}

// measure is one response's cell of a measure over questions: its value,
// or that it is excluded (answered without a value), not applicable (none
// of the questions was shown to it) or missing (shown one, answered none).
func measure(doc *survey.Document, ind survey.Indicator, questions []string, rows []survey.AnswerRow) survey.Cell {
	var c survey.Cell
	v, answered, beyond := Value(ind, questions, rows)
	switch {
	case v != nil:
		c.N, c.Sum = 1, *v
	case answered:
		c.Excluded = 1
	case !Shown(doc.ShowConditions(questions), rows):
		c.NotApplicable = 1
	default:
		c.Missing = 1
	}
	if beyond {
		c.OutOfRange = 1
	}
	return c
}

// IsMeasure reports whether part is a measure (respondent values), not a
// count.
func IsMeasure(part string) bool { return part == Measure || strings.HasPrefix(part, "q:") }
