package memstore

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/customs-survey/surveyd/survey"
)

// Tallies reads a campaign's tally and that of its previous campaign (nil
// if it names none), under the lock that stands for the store's snapshot.
// Errors: ErrNotFound.
func (s *Store) Tallies(ctx context.Context, sc survey.Scope, key string) (survey.CampaignTally, *survey.CampaignTally, error) {
	if err := ctx.Err(); err != nil {
		return survey.CampaignTally{}, nil, fmt.Errorf("scores: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.scopedCampaign(survey.Everything, key)
	if err != nil {
		return survey.CampaignTally{}, nil, err
	}
	current, err := s.campaignTally(c)
	if err != nil {
		return survey.CampaignTally{}, nil, fmt.Errorf("scores: %w", err)
	}
	if c.Previous == nil {
		return current, nil, nil
	}
	previous, err := s.campaignTally(c.Previous)
	if err != nil {
		return survey.CampaignTally{}, nil, fmt.Errorf("scores: previous campaign %s: %w", c.Previous.Key, err)
	}
	return current, &previous, nil
}

// campaignTally is one campaign's part of Tallies: the campaign as the
// store hands it out, a copy of its document, the submitted responses of
// each invited administration, and the tally of every indicator over the
// current submissions. The caller holds the lock.
func (s *Store) campaignTally(c *campaign) (survey.CampaignTally, error) {
	doc, err := cloneDocument(c.Questionnaire.Document)
	if err != nil {
		return survey.CampaignTally{}, fmt.Errorf("questionnaire %s v%d: stored document: %w",
			c.Questionnaire.Key, c.Questionnaire.Version, err)
	}
	t := survey.CampaignTally{Campaign: c.copy(), Document: doc}

	var submitted []Submitted
	byAdministration := map[string]int{}
	for _, r := range s.responses {
		if r.Campaign != c || r.Current == nil {
			continue
		}
		submitted = append(submitted, Submitted{Administration: r.Administration, Rows: r.Current.Rows})
		byAdministration[r.Administration]++
	}
	t.Responses = len(submitted)
	for _, code := range t.Campaign.Administrations {
		t.Invited = append(t.Invited, survey.AdministrationCount{Administration: code, Responses: byAdministration[code]})
	}
	t.Tallies = TallyOf(doc, submitted)
	return t, nil
}

// Submitted is a submitted response as scoring reads it: its
// administration and the answer rows of its current submission.
type Submitted struct {
	Administration string
	Rows           []survey.AnswerRow
}

// TallyOf is step 1 of docs/scoring.md for every indicator of doc, in
// order, over the current submissions of a campaign's responses: what the
// store's aggregate returns, written as the plain definition (each
// response's value, then each administration's sums) so that the contract
// can check the SQL against it. Rows are as the store returns them: cells
// and option counts by administration code (option counts then in
// questionnaire order); an administration appears in an indicator's cells
// only if one of its responses passes `where`, an option count or an
// Answering entry only when it is not zero. Every Tally has non-nil
// QuestionCells and Answering maps; a document without indicators has no
// tallies. (The store counts an options breakdown of more than 500 options
// in parts; when two parts fall in different statements, its counts come
// part after part: the same counts, in another order.)
func TallyOf(doc *survey.Document, submitted []Submitted) []survey.Tally {
	if len(doc.Indicators) == 0 {
		return nil
	}
	out := make([]survey.Tally, len(doc.Indicators))
	for i, ind := range doc.Indicators {
		// The responses that pass `where`, by administration, in order of
		// administration code.
		passing := map[string][]Submitted{}
		for _, r := range submitted {
			if passesWhere(ind.Where, r.Rows) {
				passing[r.Administration] = append(passing[r.Administration], r)
			}
		}
		codes := make([]string, 0, len(passing))
		for code := range passing {
			codes = append(codes, code)
		}
		sort.Strings(codes)

		t := survey.Tally{QuestionCells: map[string][]survey.Cell{}, Answering: map[string]int{}}
		for _, code := range codes {
			t.Cells = append(t.Cells, cellOf(ind, ind.Questions, code, passing[code]))
		}
		if ind.BreaksDown(survey.BreakdownQuestions) {
			for _, q := range ind.Questions {
				for _, code := range codes {
					t.QuestionCells[q] = append(t.QuestionCells[q], cellOf(ind, []string{q}, code, passing[code]))
				}
			}
		}
		if ind.BreaksDown(survey.BreakdownOptions) {
			question := ind.Questions[0]
			for _, code := range codes {
				chose := map[string]int{}
				for _, r := range passing[code] {
					answered := false
					picked := map[string]bool{}
					for _, row := range r.Rows {
						if row.Question == question {
							answered = true
							if row.Option != nil {
								picked[*row.Option] = true
							}
						}
					}
					if answered {
						t.Answering[code]++
					}
					for o := range picked {
						chose[o]++
					}
				}
				for _, o := range doc.OptionsOf(doc.Question(question)) {
					if chose[o.Key] > 0 {
						t.Options = append(t.Options, survey.OptionCell{Administration: code, Option: o.Key, Count: chose[o.Key]})
					}
				}
			}
		}
		out[i] = t
	}
	return out
}

// passesWhere reports whether a response's rows pass an indicator's
// `where`: without one every response does; with one, a chosen option of
// its question must be listed.
func passesWhere(where *survey.Condition, rows []survey.AnswerRow) bool {
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

// cellOf summarises, for one administration, the respondent values over
// questions of its responses that pass `where`.
func cellOf(ind survey.Indicator, questions []string, code string, responses []Submitted) survey.Cell {
	c := survey.Cell{Administration: code}
	var values []float64
	for _, r := range responses {
		v, answered, beyond := respondentValue(ind, questions, r.Rows)
		switch {
		case v != nil:
			c.N++
			c.Sum += *v
			values = append(values, *v)
		case answered:
			c.Excluded++
		default:
			c.Missing++
		}
		if beyond {
			c.OutOfRange++
		}
	}
	if c.N > 0 {
		mean := c.Sum / float64(c.N)
		for _, v := range values {
			c.Deviations += (v - mean) * (v - mean)
		}
	}
	return c
}

// respondentValue is step 1 of docs/scoring.md for one response: its value
// over questions (nil if it has none), whether it answered any of them,
// and whether it holds a number beyond ±survey.MaxNumber (mean_value).
func respondentValue(ind survey.Indicator, questions []string, rows []survey.AnswerRow) (value *float64, answered, beyond bool) {
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
