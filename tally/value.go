// Package tally is step 1 of docs/scoring.md in Go: what one submitted
// response adds to the cells of a campaign's indicators (its respondent
// value, or whether it is excluded or missing, and the options it chose),
// how cells merge, and how keyed cells become the survey.Tally of each
// indicator. The store keeps a campaign's cells up to date with it as
// responses are submitted, and internal/memstore computes its tallies with
// it, so that both read the answers one way.
package tally

import (
	"math"
	"slices"

	"github.com/customs-survey/surveyd/survey"
)

// PassesWhere reports whether a response's rows pass an indicator's
// `where`: without one every response does; with one, a chosen option of
// its question must be listed.
func PassesWhere(where *survey.Condition, rows []survey.AnswerRow) bool {
	if where == nil {
		return true
	}
	for _, row := range rows {
		if row.Question == where.Question && row.Option != nil && slices.Contains(where.In, *row.Option) {
			return true
		}
	}
	return false
}

// Shown reports whether a response's rows meet any of conditions (those of
// survey.Document.ShowConditions): whether one of the questions they
// belong to was shown to it. Without conditions a question is always
// shown.
func Shown(conditions []*survey.Condition, rows []survey.AnswerRow) bool {
	if conditions == nil {
		return true
	}
	for _, c := range conditions {
		if PassesWhere(c, rows) {
			return true
		}
	}
	return false
}

// Value is step 1 of docs/scoring.md for one response: its value over
// questions (nil if it has none), whether it answered any of them, and
// whether it holds a number beyond ±survey.MaxNumber (mean_value).
func Value(ind survey.Indicator, questions []string, rows []survey.AnswerRow) (value *float64, answered, beyond bool) {
	var listed, nullScore bool
	var sum float64
	var n int
	for _, row := range rows {
		if !slices.Contains(questions, row.Question) {
			continue
		}
		answered = true
		switch ind.Method {
		case survey.MethodShare:
			if row.Option != nil && slices.Contains(ind.Options, *row.Option) {
				listed = true
			}
			nullScore = nullScore || row.NullScore
		case survey.MethodMeanValue:
			if row.Number == nil {
				continue
			}
			if math.Abs(*row.Number) > survey.MaxNumber {
				beyond = true
				continue
			}
			sum += *row.Number
			n++
		default: // mean_score: a null score is left out
			if row.Score != nil {
				sum += *row.Score
				n++
			}
		}
	}
	switch {
	case !answered:
		return nil, false, false
	case ind.Method == survey.MethodShare:
		switch {
		case listed:
			v := 100.0
			return &v, true, false
		case nullScore:
			return nil, true, false
		default:
			v := 0.0
			return &v, true, false
		}
	case n == 0:
		return nil, true, beyond
	default:
		v := sum / float64(n)
		return &v, true, beyond
	}
}
