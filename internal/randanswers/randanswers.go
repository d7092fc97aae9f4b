// Package randanswers draws random answers that a questionnaire accepts,
// for the load generator and the benchmarks. It imports only survey, so
// that the store's own tests can use it too.
package randanswers

import (
	"encoding/json"
	"fmt"
	"math/rand"

	"github.com/customs-survey/surveyd/survey"
)

// For answers every question of doc at random, within its
// bounds (a number: a whole number from its min, or 1, to its max, or 5),
// so that every required question is answered and a submission passes.
func For(rng *rand.Rand, doc *survey.Document) survey.Answers {
	answers := survey.Answers{}
	for _, q := range doc.Questions() {
		var v any
		switch q.Type {
		case survey.TypeSingleChoice:
			options := doc.OptionsOf(q)
			v = options[rng.Intn(len(options))].Key
		case survey.TypeMultiChoice:
			options := doc.OptionsOf(q)
			v = []string{options[rng.Intn(len(options))].Key}
		case survey.TypeNumber:
			low, high := 1.0, 5.0
			if q.Min != nil {
				low = *q.Min
			}
			if q.Max != nil {
				high = *q.Max
			}
			v = low + float64(rng.Intn(int(high-low)+1))
		default:
			v = fmt.Sprintf("comment %d", rng.Intn(1000))
		}
		answers[q.Key], _ = json.Marshal(v)
	}
	return answers
}
