package exports

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/survey"
)

// labelsDoc is a questionnaire in English and French whose French is
// incomplete: a single choice of its own options, one of an option set, a
// multi choice, a number and a text; an option label a spreadsheet would
// take for a formula, and one with a comma and a quote.
func labelsDoc(t testing.TB) *survey.Document {
	t.Helper()
	doc, err := survey.ParseDocument([]byte(`{"key": "labels", "default_language": "en",
	 "title": {"en": "Labels", "fr": "Libellés"},
	 "option_sets": {"yes_no": [{"key": "yes", "label": {"en": "Yes", "fr": "Oui"}}, {"key": "no", "label": {"en": "No", "fr": "Non"}}]},
	 "sections": [{"key": "s", "title": {"en": "S"}, "questions": [
	  {"key": "level", "type": "single_choice", "text": {"en": "Your level?", "fr": "Votre niveau ?"},
	   "options": [{"key": "high", "label": {"en": "High", "fr": "Élevé"}}, {"key": "low", "label": {"en": "-Low, \"very\"", "fr": "Bas"}}]},
	  {"key": "used", "type": "single_choice", "text": {"en": "Used?"}, "options_ref": "yes_no"},
	  {"key": "why", "type": "multi_choice", "text": {"en": "Why?", "fr": "Pourquoi ?"},
	   "options": [{"key": "a", "label": {"en": "Reason A", "fr": "Raison A"}}, {"key": "b", "label": {"en": "=Reason B"}}, {"key": "c", "label": {"en": "Reason C"}}]},
	  {"key": "staff", "type": "number", "text": {"en": "Staff?", "fr": "Personnel ?"}},
	  {"key": "note", "type": "text", "text": {"en": "=Note"}}]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// labelsResponses answer labelsDoc: everything, then almost nothing, then
// multi-choice keys in another order than the questionnaire's.
func labelsResponses() []survey.ExportedResponse {
	at := time.Date(2024, 3, 1, 9, 30, 0, 123456000, time.UTC)
	answers := func(kv ...any) survey.Answers {
		out := survey.Answers{}
		for i := 0; i+1 < len(kv); i += 2 {
			raw, _ := json.Marshal(kv[i+1])
			out[kv[i].(string)] = raw
		}
		return out
	}
	return []survey.ExportedResponse{
		{ResponseID: "r1", Administration: "BE", SubmittedAt: at,
			Answers: answers("level", "low", "used", "yes", "why", []string{"c", "a"}, "staff", 12, "note", "fine, thanks")},
		{ResponseID: "r2", Administration: "BE", SubmittedAt: at.Add(time.Minute), Answers: answers("used", "no")},
		{ResponseID: "r3", Administration: "FR", SubmittedAt: at.Add(2 * time.Minute),
			Answers: answers("level", "high", "why", []string{"b", "a", "c"}, "staff", 3.5, "note", "-1")},
	}
}
