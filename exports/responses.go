package exports

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/customs-survey/surveyd/survey"
)

// responseColumn is one column of the responses export.
type responseColumn struct {
	name string
	// title is the question's text, for the workbook's row of question
	// texts; empty for the other columns.
	title string
	// label marks the column of a question's option labels, over which
	// the workbook spans the question's title.
	label bool
	width float64 // in the workbook; 0 for the default
	cell  func(r *survey.ExportedResponse) (cell, error)
}

// fixedColumns precede the question columns. No question may be keyed
// response_id, administration or submitted_at (the questionnaire validator
// reserves them), so the names never collide.
var fixedColumns = []responseColumn{
	{name: "response_id", width: 38, cell: func(r *survey.ExportedResponse) (cell, error) {
		return textCell(r.ResponseID), nil
	}},
	{name: "administration", cell: func(r *survey.ExportedResponse) (cell, error) {
		return textCell(r.Administration), nil
	}},
	{name: "submitted_at", width: 22, cell: func(r *survey.ExportedResponse) (cell, error) {
		return timeCell(r.SubmittedAt), nil
	}},
}

// responseColumns is the table of a questionnaire's responses: the fixed
// columns, then one per question in questionnaire order, titled by the
// question's text in the language of the labels (labels, empty for none),
// else in the questionnaire's default language. Given a language, each
// choice question's column is followed by the column of its option labels
// (labelColumn), which reads the row being written (row, the cells that
// Responses.Write fills column by column). The titles are worked out here,
// once per export, and only the workbook writes them.
func responseColumns(doc *survey.Document, labels string, row *[]cell) []responseColumn {
	cols := slices.Clone(fixedColumns)
	lang := labels
	if lang == "" {
		lang = doc.DefaultLanguage
	}
	for position, q := range doc.Questions() {
		decode := answerDecoder(doc, q)
		title := q.Text.Resolve(lang, doc.DefaultLanguage)
		cols = append(cols, responseColumn{name: q.Key, title: title, width: questionWidth, cell: func(r *survey.ExportedResponse) (cell, error) {
			raw := r.Answer(position, q.Key)
			if len(raw) == 0 || string(raw) == "null" {
				return cell{}, nil
			}
			c, err := decode(raw)
			if err != nil {
				return c, fmt.Errorf("response %s, question %s: %w", r.ResponseID, q.Key, err)
			}
			return c, nil
		}})
		if labels != "" && (q.Type == survey.TypeSingleChoice || q.Type == survey.TypeMultiChoice) {
			cols = append(cols, labelColumn(doc, q, labels, row, len(cols)-1))
		}
	}
	return cols
}

// answerDecoder reads a stored answer to q, which PrepareSubmission has
// already checked against the questionnaire: a failure means corrupt data.
// A single choice is its option key as text, a multi choice the keys in
// questionnaire order whatever order the respondent clicked them in, a
// number the number as submitted. The answers are read by the readers of
// answers_decode.go, which take json.Marshal's forms without the cost of
// json.Unmarshal.
func answerDecoder(doc *survey.Document, q *survey.Question) func(json.RawMessage) (cell, error) {
	switch q.Type {
	case survey.TypeMultiChoice:
		rank := map[string]int{}
		for i, o := range doc.OptionsOf(q) {
			rank[o.Key] = i
		}
		return func(raw json.RawMessage) (cell, error) {
			keys, err := decodeStrings(raw)
			if err != nil {
				return cell{}, err
			}
			slices.SortStableFunc(keys, func(a, b string) int { return rankOf(rank, a) - rankOf(rank, b) })
			return choicesCell(keys), nil
		}
	case survey.TypeNumber:
		return func(raw json.RawMessage) (cell, error) {
			n, err := decodeNumber(raw)
			if err != nil {
				return cell{}, err
			}
			v, err := n.Float64()
			if err != nil {
				return cell{}, err
			}
			return cell{kind: kindNumber, text: n.String(), number: v}, nil
		}
	case survey.TypeSingleChoice:
		// An option key as json.Marshal writes it is read without
		// allocating; anything else as a text.
		key := optionKeys(doc.OptionsOf(q))
		return func(raw json.RawMessage) (cell, error) {
			if k, ok := key(raw); ok {
				return textCell(k), nil
			}
			s, err := decodeString(raw)
			if err != nil {
				return cell{}, err
			}
			return textCell(s), nil
		}
	default: // text
		return func(raw json.RawMessage) (cell, error) {
			s, err := decodeString(raw)
			if err != nil {
				return cell{}, err
			}
			return textCell(s), nil
		}
	}
}

// optionKeys returns the lookup of an option's key by its JSON, as
// json.Marshal writes it. A question has a few options as a rule, which
// are compared in turn: up to 8, that is quicker than a hash of the JSON.
func optionKeys(options []survey.Option) func(raw []byte) (string, bool) {
	var raws, keys []string
	byRaw := make(map[string]string, len(options))
	for _, o := range options {
		if raw, err := json.Marshal(o.Key); err == nil {
			raws, keys = append(raws, string(raw)), append(keys, o.Key)
			byRaw[string(raw)] = o.Key
		}
	}
	if len(raws) > 8 {
		return func(raw []byte) (string, bool) {
			k, ok := byRaw[string(raw)]
			return k, ok
		}
	}
	return func(raw []byte) (string, bool) {
		for i, r := range raws {
			if string(raw) == r {
				return keys[i], true
			}
		}
		return "", false
	}
}

// rankOf puts options the questionnaire does not know (there should be
// none) after those it does.
func rankOf(rank map[string]int, key string) int {
	if r, ok := rank[key]; ok {
		return r
	}
	return len(rank)
}
