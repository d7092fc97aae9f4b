package tally

import (
	"slices"
	"sort"

	"github.com/customs-survey/surveyd/survey"
)

// Merge is the cell of the responses of a and b together (Chan, Golub and
// LeVeque's parallel formula): the centred sums of squares add, plus
// n_a·n_b/(n_a+n_b) times the squared difference of the means, a sum of
// non-negative terms, so that no cancellation creeps in however many
// cells are merged. The administration is a's.
func Merge(a, b survey.Cell) survey.Cell {
	out := a
	out.N += b.N
	out.Sum += b.Sum
	out.Excluded += b.Excluded
	out.Missing += b.Missing
	out.NotApplicable += b.NotApplicable
	out.OutOfRange += b.OutOfRange
	switch {
	case a.N <= 0:
		out.Deviations = b.Deviations
	case b.N <= 0:
		out.Deviations = a.Deviations
	default:
		d := b.Sum/float64(b.N) - a.Sum/float64(a.N)
		out.Deviations = a.Deviations + b.Deviations + d*d*float64(a.N)*float64(b.N)/float64(out.N)
	}
	return out
}

// Assemble turns a campaign's cells into the tally of each indicator of
// doc, in order, as the store's aggregate returns them: cells by
// administration code, only those with a response that passes `where`
// (Counted above 0); option counts by administration, then
// in questionnaire order, and Answering entries, only when not zero. Every
// Tally has non-nil QuestionCells and Answering maps; a document without
// indicators has no tallies.
func Assemble(doc *survey.Document, cells map[Key]survey.Cell) []survey.Tally {
	if len(doc.Indicators) == 0 {
		return nil
	}
	var codes []string
	seen := map[string]bool{}
	for k := range cells {
		if !seen[k.Administration] {
			seen[k.Administration] = true
			codes = append(codes, k.Administration)
		}
	}
	sort.Strings(codes)
	// measureCells lists the cells of one measure with a response.
	measureCells := func(i int, part string) []survey.Cell {
		var out []survey.Cell
		for _, code := range codes {
			c, ok := cells[Key{i, part, code}]
			if ok && Counted(c) > 0 {
				c.Administration = code
				out = append(out, c)
			}
		}
		return out
	}
	out := make([]survey.Tally, len(doc.Indicators))
	for i, ind := range doc.Indicators {
		t := survey.Tally{Cells: measureCells(i, Measure), QuestionCells: map[string][]survey.Cell{}, Answering: map[string]int{}}
		if ind.BreaksDown(survey.BreakdownQuestions) {
			for _, q := range ind.Questions {
				if qc := measureCells(i, QuestionPart(q)); len(qc) > 0 {
					t.QuestionCells[q] = qc
				}
			}
		}
		if ind.BreaksDown(survey.BreakdownOptions) {
			options := doc.OptionsOf(doc.Question(ind.Questions[0]))
			for _, code := range codes {
				if n := cells[Key{i, Answering, code}].N; n > 0 {
					t.Answering[code] = n
				}
				for _, o := range options {
					if n := cells[Key{i, OptionPart(o.Key), code}].N; n > 0 {
						t.Options = append(t.Options, survey.OptionCell{Administration: code, Option: o.Key, Count: n})
					}
				}
			}
		}
		out[i] = t
	}
	return out
}

// Submitted is a submitted response as scoring reads it: its
// administration and the answer rows of its current submission.
type Submitted struct {
	Administration string
	Rows           []survey.AnswerRow
}

// Of is the tally of every indicator of doc over the current submissions
// of a campaign's responses, written as the plain definition: each
// response's Contribution, then per cell n, Σ and the centred sum of
// squares around the cell's mean, computed in two passes. The rows are as
// Assemble orders them.
func Of(doc *survey.Document, submitted []Submitted) []survey.Tally {
	cells := map[Key]survey.Cell{}
	values := map[Key][]float64{}
	for _, r := range submitted {
		for _, e := range Contribution(doc, r.Rows) {
			k := Key{e.Indicator, e.Part, r.Administration}
			c := cells[k]
			c.N += e.Cell.N
			c.Sum += e.Cell.Sum
			c.Excluded += e.Cell.Excluded
			c.Missing += e.Cell.Missing
			c.NotApplicable += e.Cell.NotApplicable
			c.OutOfRange += e.Cell.OutOfRange
			cells[k] = c
			if e.Cell.N == 1 {
				values[k] = append(values[k], e.Cell.Sum) // a count's are all 0
			}
		}
	}
	for k, vs := range values {
		c := cells[k]
		mean := c.Sum / float64(c.N)
		for _, v := range vs {
			c.Deviations += (v - mean) * (v - mean)
		}
		cells[k] = c
	}
	return Assemble(doc, cells)
}

// Counted is how many responses a measure's cell counts: with a value,
// excluded, missing or not applicable. A cell counting none has no
// response that passes its indicator's `where`.
func Counted(c survey.Cell) int { return c.N + c.Excluded + c.Missing + c.NotApplicable }

// Sorted lists the keys of cells in a fixed order: indicator, part,
// administration.
func Sorted(cells map[Key]survey.Cell) []Key {
	keys := make([]Key, 0, len(cells))
	for k := range cells {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, Compare)
	return keys
}

// Compare orders keys by indicator, part, then administration.
func Compare(a, b Key) int {
	switch {
	case a.Indicator != b.Indicator:
		return a.Indicator - b.Indicator
	case a.Part != b.Part:
		if a.Part < b.Part {
			return -1
		}
		return 1
	case a.Administration < b.Administration:
		return -1
	case a.Administration > b.Administration:
		return 1
	}
	return 0
}
