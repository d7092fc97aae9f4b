package exports

import (
	"testing"

	"github.com/customs-survey/surveyd/survey"
)

// notesQuestionnaire has an indicator of each method and kind of
// definition that the Notes sheet puts in words.
const notesQuestionnaire = `{"key": "notes", "default_language": "fr", "title": {"fr": "Notes", "en": "Notes"},
  "option_sets": {"five": [{"key": "low", "label": {"fr": "Faible", "en": "Low"}, "score": 0},
    {"key": "high", "label": {"fr": "Forte", "en": "High"}, "score": 100},
    {"key": "dk", "label": {"fr": "Ne sait pas"}, "score": null}]},
  "sections": [{"key": "main", "title": {"fr": "Principal"}, "questions": [
    {"key": "content", "type": "single_choice", "options_ref": "five", "text": {"fr": "Contenu"}},
    {"key": "method", "type": "single_choice", "options_ref": "five", "text": {"fr": "Méthode"}},
    {"key": "tech", "type": "single_choice", "text": {"fr": "Technique"}, "options": [
      {"key": "bad", "label": {"fr": "Mauvaise"}, "score": 0}, {"key": "good", "label": {"fr": "Bonne"}, "score": 100},
      {"key": "na", "label": {"fr": "Sans objet"}, "score": null}]},
    {"key": "contacts", "type": "single_choice", "text": {"fr": "Contacts"}, "options": [
      {"key": "never", "label": {"fr": "Jamais"}}, {"key": "some", "label": {"fr": "Parfois"}},
      {"key": "often", "label": {"fr": "Souvent"}}, {"key": "always", "label": {"fr": "Toujours"}}]},
    {"key": "rating", "type": "number", "min": 0, "text": {"fr": "Note"}},
    {"key": "asked", "type": "single_choice", "options_ref": "five", "text": {"fr": "Demandée"},
     "show_if": {"question": "content", "in": ["high"]}},
    {"key": "also", "type": "single_choice", "options_ref": "five", "text": {"fr": "Aussi"},
     "show_if": {"question": "tech", "in": ["good", "na"]}}]}],
  "indicators": [
    {"code": "ONE", "method": "mean_score", "questions": ["content"]},
    {"code": "SAME", "method": "mean_score", "questions": ["content", "method"], "unit": "administration"},
    {"code": "MIXED", "method": "mean_score", "questions": ["content", "tech"]},
    {"code": "SHARE", "method": "share", "questions": ["contacts"], "options": ["some", "often", "always"],
     "where": {"question": "content", "in": ["low", "high"]}},
    {"code": "NUMBER", "method": "mean_value", "questions": ["rating"]},
    {"code": "ROUTED", "method": "mean_score", "questions": ["asked"]},
    {"code": "ROUTED TWICE", "method": "mean_score", "questions": ["asked", "also"],
     "where": {"question": "contacts", "in": ["often"]}},
    {"code": "ROUTED AS FILTERED", "method": "mean_score", "questions": ["asked"], "where": {"question": "content", "in": ["high"]}},
    {"code": "PARTLY ROUTED", "method": "mean_score", "questions": ["asked", "method"]}]}`

func TestAnnualNotes(t *testing.T) {
	doc, err := survey.ParseDocument([]byte(notesQuestionnaire))
	if err != nil {
		t.Fatal(err)
	}
	everyone := "every submitted response"
	tests := []struct {
		code, unit string
		want       annualNote
	}{
		{"ONE", "respondent", annualNote{
			value:     "Mean score, from 0 to 100 and shown as a percentage, of the option chosen: “Faible” 0, “Forte” 100",
			unit:      "respondent: each response counts once",
			questions: "“Contenu” (content)", filter: everyone,
			excluded: "“Ne sait pas”: no score, so the response is excluded"}},
		{"SAME", "administration", annualNote{
			value: "Mean score, from 0 to 100 and shown as a percentage, of the options chosen to the 2 questions, " +
				"first per response: “Faible” 0, “Forte” 100",
			unit:      "administration: each administration counts once, with the mean of its responses",
			questions: "“Contenu” (content); “Méthode” (method)", filter: everyone,
			excluded: "“Ne sait pas”: no score, so the response is excluded"}},
		// Questions with other options: no single list of scores.
		{"MIXED", "respondent", annualNote{
			value:     "Mean score, from 0 to 100 and shown as a percentage, of the options chosen to the 2 questions, first per response",
			unit:      "respondent: each response counts once",
			questions: "“Contenu” (content); “Technique” (tech)", filter: everyone,
			excluded: "“Ne sait pas” or “Sans objet”: no score, so the response is excluded"}},
		{"SHARE", "respondent", annualNote{
			value:     "Percentage of the respondents answering the question who chose “Parfois”, “Souvent” or “Toujours”",
			unit:      "respondent: each response counts once",
			questions: "“Contacts” (contacts)",
			filter:    "only the responses answering “Contenu” with “Faible” or “Forte”", excluded: "none"}},
		// A scale open above: no range to give.
		{"NUMBER", "respondent", annualNote{
			value: "Mean of the number answered, on the question's own scale, not a percentage",
			unit:  "respondent: each response counts once", questions: "“Note” (rating)", filter: everyone, excluded: "none"}},
		// Every question shown only to some: the others are not applicable.
		{"ROUTED", "respondent", annualNote{
			value:     "Mean score, from 0 to 100 and shown as a percentage, of the option chosen: “Faible” 0, “Forte” 100",
			unit:      "respondent: each response counts once",
			questions: "“Demandée” (asked)",
			filter: "every submitted response; the question was asked only of the responses answering “Contenu” with “Forte”, " +
				"the others count as not applicable",
			excluded: "“Ne sait pas”: no score, so the response is excluded"}},
		{"ROUTED TWICE", "respondent", annualNote{
			value: "Mean score, from 0 to 100 and shown as a percentage, of the options chosen to the 2 questions, " +
				"first per response: “Faible” 0, “Forte” 100",
			unit:      "respondent: each response counts once",
			questions: "“Demandée” (asked); “Aussi” (also)",
			filter: "only the responses answering “Contacts” with “Souvent”; the questions were asked only of the responses " +
				"answering “Contenu” with “Forte” or answering “Technique” with “Bonne” or “Sans objet”, the others count as not applicable",
			excluded: "“Ne sait pas”: no score, so the response is excluded"}},
		// The where already keeps only the responses it was shown to.
		{"ROUTED AS FILTERED", "respondent", annualNote{
			value:     "Mean score, from 0 to 100 and shown as a percentage, of the option chosen: “Faible” 0, “Forte” 100",
			unit:      "respondent: each response counts once",
			questions: "“Demandée” (asked)",
			filter:    "only the responses answering “Contenu” with “Forte”",
			excluded:  "“Ne sait pas”: no score, so the response is excluded"}},
		// A question shown to every response: none is not applicable.
		{"PARTLY ROUTED", "respondent", annualNote{
			value: "Mean score, from 0 to 100 and shown as a percentage, of the options chosen to the 2 questions, " +
				"first per response: “Faible” 0, “Forte” 100",
			unit:      "respondent: each response counts once",
			questions: "“Demandée” (asked); “Méthode” (method)", filter: everyone,
			excluded: "“Ne sait pas”: no score, so the response is excluded"}},
		// An indicator the questionnaire does not define: its method only.
		{"GONE", "respondent", annualNote{value: "share", unit: "respondent: each response counts once"}},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			method := "share"
			for _, ind := range doc.Indicators {
				if ind.Code == tt.code {
					method = ind.Method
				}
			}
			row := &annualRow{campaign: &AnnualCampaign{Questionnaire: doc}, code: tt.code, method: method, unit: tt.unit}
			got := newAnnualNote(row)
			tt.want.row = row
			if got != tt.want {
				t.Errorf("note\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}
