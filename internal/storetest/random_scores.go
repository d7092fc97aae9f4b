package storetest

import (
	"math/rand"

	"github.com/customs-survey/surveyd/survey"
)

// RandomScoreDocument draws a valid questionnaire with one to five
// indicators (every method, where, units, breakdowns, show_if), as the
// property case of the scores contract does, for the store's own
// property tests.
func RandomScoreDocument(rng *rand.Rand, key string) []byte { return randomScoreDocument(rng, key) }

// RandomScoreAnswers draws answers to doc: each question answered three
// times in four, numbers in quarters, now and then the greatest number
// allowed.
func RandomScoreAnswers(rng *rand.Rand, doc *survey.Document) survey.Answers {
	return randomScoreAnswers(rng, doc)
}
