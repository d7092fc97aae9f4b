package randanswers

import (
	"math/rand"
	"os"
	"testing"

	"github.com/customs-survey/surveyd/survey"
)

// TestAnswersAreSubmittable: whatever the seed, the answers pass
// a submission's checks of the load test's questionnaire.
func TestAnswersAreSubmittable(t *testing.T) {
	raw, err := os.ReadFile("../../cmd/surveyload/testdata/load_survey.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := survey.ParseDocument(raw)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(doc.Questions()); n != 30 {
		t.Fatalf("%d questions, want 30", n)
	}
	rng := rand.New(rand.NewSource(1))
	for range 200 {
		answers := For(rng, doc)
		if err := survey.CheckAnswers(doc, answers); err != nil {
			t.Fatalf("%v: %v", answers, err)
		}
		if _, _, err := survey.PrepareSubmission(doc, answers); err != nil {
			t.Fatalf("%v: %v", answers, err)
		}
	}
}
