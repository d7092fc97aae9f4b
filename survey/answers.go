package survey

import "encoding/json"

// Answers maps question keys to answer values as sent by the respondent:
// an option key (single choice), an array of distinct option keys (multi
// choice), a JSON number (number) or a string (text).
type Answers map[string]json.RawMessage

// AnswerRow is one stored answer: one row per answered question, or per
// selected option of a multi-choice question. The option's score (or the
// numeric value) is copied from the published questionnaire so that the
// database can aggregate scores without the document (docs/scoring.md).
type AnswerRow struct {
	Question  string
	Option    *string  // choice questions: the chosen option
	Score     *float64 // the option's score when it has a numeric one
	NullScore bool     // the option's score is explicitly null ("don't know")
	Number    *float64 // number questions
	Text      *string  // text questions
}
