package survey

import (
	"bytes"
	"encoding/json"
	"errors"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// DefaultMaxTextLength is the longest text answer, in characters, accepted
// for a text question without max_length. Without a cap one answer could
// fill the whole request body and every export row after it.
const DefaultMaxTextLength = 10000

// CheckAnswers checks a draft: answers may be partial and may include
// answers to questions currently hidden by show_if (the respondent may yet
// change the answer that hides them), but every answer given must be of the
// right type and within its question's limits. A JSON null, like an empty
// multi-choice array, means "no answer".
//
// It returns nil or a *ValidationError whose fields are "answers.<question>"
// (or "answers.<question>[i]" for one element of a multi-choice answer).
func CheckAnswers(doc *Document, answers Answers) error {
	v := &ValidationError{}
	for _, q := range uniqueQuestions(doc) {
		if raw, ok := answers[q.Key]; ok {
			checkAnswer(doc, q, raw, v)
		}
	}
	reportUnknownAnswers(doc, answers, v)
	return v.Err()
}

// PrepareSubmission checks answers for submission and prepares them for
// storage. Answers to questions hidden by show_if are dropped first, as
// docs/api.md states, so a stale answer behind a changed condition neither
// blocks the submission nor reaches the scores; then every remaining answer
// is checked as in CheckAnswers and every visible required question must be
// answered (a blank text counts as no answer).
//
// On success it returns the kept answers as compact JSON and their
// AnswerRows in questionnaire order, one per answered question and one per
// selected option of a multi-choice question (in option order). Otherwise it
// returns a *ValidationError listing every problem.
func PrepareSubmission(doc *Document, answers Answers) (Answers, []AnswerRow, error) {
	visible := Visible(doc, answers)
	v := &ValidationError{}
	kept := Answers{}
	var rows []AnswerRow
	for _, q := range uniqueQuestions(doc) {
		if !visible[q.Key] {
			continue
		}
		raw, given := answers[q.Key]
		var a answer
		if given {
			var ok bool
			if a, ok = checkAnswer(doc, q, raw, v); !ok {
				continue
			}
		}
		if !given || a.empty {
			if q.Required {
				v.Add(memberPath("answers", q.Key), CodeRequired, "this question must be answered")
				nameQuestionSince(v, len(v.Errors)-1, q.Key)
			}
			continue
		}
		kept[q.Key] = compactJSON(raw)
		rows = append(rows, answerRows(doc, q, a)...)
	}
	reportUnknownAnswers(doc, answers, v)
	if err := v.Err(); err != nil {
		return nil, nil, err
	}
	return kept, rows, nil
}

// Visible reports, for every question of doc, whether it is shown given
// answers. A question with show_if is shown only when the question it names
// is itself shown and its answer (for multi choice, any selected option) is
// one of the listed options; questions are decided in document order, which
// is why show_if may only name earlier questions.
func Visible(doc *Document, answers Answers) map[string]bool {
	visible := map[string]bool{}
	byKey := map[string]*Question{}
	selected := map[string]map[string]bool{}
	for _, q := range uniqueQuestions(doc) {
		visible[q.Key] = shown(q, byKey, visible, selected, answers)
		byKey[q.Key] = q
	}
	return visible
}

// shown decides one question; byKey holds the questions before it, and
// selected the options chosen in each of them, read once per question that
// a show_if names, so that the cost is linear in the answers and the lists
// of the conditions.
func shown(q *Question, byKey map[string]*Question, visible map[string]bool, selected map[string]map[string]bool, answers Answers) bool {
	if q.ShowIf == nil {
		return true
	}
	target := byKey[q.ShowIf.Question]
	if target == nil || !visible[target.Key] {
		return false
	}
	chosen, ok := selected[target.Key]
	if !ok {
		chosen = map[string]bool{}
		for _, key := range selectedKeys(target, answers[target.Key]) {
			chosen[key] = true
		}
		selected[target.Key] = chosen
	}
	for _, want := range q.ShowIf.In {
		if chosen[want] {
			return true
		}
	}
	return false
}

// selectedKeys reads the answer to a choice question leniently: an answer
// of the wrong type selects nothing and is reported by the type checks, not
// here.
func selectedKeys(q *Question, raw json.RawMessage) []string {
	switch q.Type {
	case TypeSingleChoice:
		var one string
		if json.Unmarshal(raw, &one) == nil {
			return []string{one}
		}
	case TypeMultiChoice:
		var many []string
		if json.Unmarshal(raw, &many) == nil {
			return many
		}
	}
	return nil
}

// uniqueQuestions returns the questions of doc in order, keeping the first
// of any repeated key; a parsed document has none, but these functions must
// not depend on having been given one.
func uniqueQuestions(doc *Document) []*Question {
	if doc == nil {
		return nil
	}
	seen := map[string]bool{}
	var qs []*Question
	for _, q := range doc.Questions() {
		if !seen[q.Key] {
			seen[q.Key] = true
			qs = append(qs, q)
		}
	}
	return qs
}

func reportUnknownAnswers(doc *Document, answers Answers, v *ValidationError) {
	known := map[string]bool{}
	for _, q := range uniqueQuestions(doc) {
		known[q.Key] = true
	}
	for _, key := range sortedKeys(answers) {
		if !known[key] {
			v.Add(memberPath("answers", key), CodeUnknownQuestion, "the questionnaire has no such question")
			nameQuestionSince(v, len(v.Errors)-1, key)
		}
	}
}

// answer is a decoded answer that passed its checks.
type answer struct {
	// empty marks what counts as not answered: null, an empty selection,
	// or a blank text.
	empty    bool
	selected []string // choice questions, in the order sent
	number   float64
	text     string
}

// checkAnswer checks one answer to q and records its problems in v. It
// returns the decoded answer and whether it is valid.
func checkAnswer(doc *Document, q *Question, raw json.RawMessage, v *ValidationError) (answer, bool) {
	path := memberPath("answers", q.Key)
	before := len(v.Errors)
	defer nameQuestionSince(v, before, q.Key)
	value, err := decodeAnswer(raw)
	if err != nil {
		v.Add(path, CodeWrongType, "is not a valid JSON value")
		return answer{}, false
	}
	if value == nil {
		return answer{empty: true}, true
	}
	var a answer
	switch q.Type {
	case TypeSingleChoice:
		key, ok := value.(string)
		if !ok {
			v.Add(path, CodeWrongType, "must be an option key (a string)")
			return answer{}, false
		}
		if _, ok := hasOption(doc.OptionsOf(q), key); !ok {
			v.Add(path, CodeNotAnOption, "%s", notAnOption("", doc.OptionsOf(q)))
		}
		a.selected = []string{key}
	case TypeMultiChoice:
		list, ok := value.([]any)
		if !ok {
			v.Add(path, CodeWrongType, "must be an array of option keys")
			return answer{}, false
		}
		// A set of the option keys, built once: a lookup in the option
		// list for every selected key would cost options × selections.
		options := optionKeys(doc.OptionsOf(q))
		seen := make(map[string]bool, len(list))
		a.selected = make([]string, 0, len(list))
		for i, elem := range list {
			p := indexPath(path, i)
			key, ok := elem.(string)
			switch {
			case !ok:
				v.Add(p, CodeWrongType, "must be an option key (a string)")
			case seen[key]:
				v.Add(p, CodeDuplicateOption, "this option is already selected")
			default:
				seen[key] = true
				if !options[key] {
					v.Add(p, CodeNotAnOption, "%s", notAnOption("", doc.OptionsOf(q)))
				}
				a.selected = append(a.selected, key)
			}
		}
		a.empty = len(list) == 0
	case TypeNumber:
		n, ok := value.(json.Number)
		if !ok {
			v.Add(path, CodeWrongType, "must be a number")
			return answer{}, false
		}
		f, err := strconv.ParseFloat(string(n), 64)
		if err != nil {
			v.Add(path, CodeWrongType, "is beyond the range of a 64-bit floating-point number")
			return answer{}, false
		}
		checkNumber(path, q, f, v)
		a.number = f
	case TypeText:
		s, ok := value.(string)
		if !ok {
			v.Add(path, CodeWrongType, "must be a string")
			return answer{}, false
		}
		// encoding/json turns invalid UTF-8 and lone surrogate escapes
		// into U+FFFD without complaint, so they are looked for in the
		// raw bytes.
		if !utf8.Valid(raw) || hasLoneSurrogate(raw) || strings.ContainsRune(s, 0) {
			v.Add(path, CodeInvalidText, "must be valid UTF-8 text without NUL characters")
			return answer{}, false
		}
		limit := DefaultMaxTextLength
		if q.MaxLength != nil {
			limit = *q.MaxLength
		}
		if utf8.RuneCountInString(s) > limit {
			v.Add(path, CodeTooLong, "must be at most %d characters long", limit)
		}
		a.text = s
		a.empty = strings.TrimSpace(s) == ""
	}
	return a, len(v.Errors) == before
}

func checkNumber(path string, q *Question, f float64, v *ValidationError) {
	if !inNumberRange(f) {
		v.Add(path, CodeOutOfRange, "%s", numberRangeMessage)
		return
	}
	if q.Min != nil && f < *q.Min {
		v.Add(path, CodeOutOfRange, "must be at least %s", formatNumber(*q.Min))
	}
	if q.Max != nil && f > *q.Max {
		v.Add(path, CodeOutOfRange, "must be at most %s", formatNumber(*q.Max))
	}
	if q.Integer && f != math.Trunc(f) {
		v.Add(path, CodeNotAnInteger, "must be a whole number")
	}
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

// decodeAnswer decodes one JSON value, keeping numbers as text
// (json.Number) so that their range can be checked; trailing data after
// the value is an error. A number is its own text and a string, or null,
// true or false, is read by json.Unmarshal: a json.Decoder, which an
// array or an object needs for its numbers, allocates a buffer of its own,
// and a submission decodes every answer twice (saved, then submitted).
func decodeAnswer(raw json.RawMessage) (any, error) {
	if !json.Valid(raw) {
		return nil, errors.New("invalid JSON")
	}
	value := bytes.Trim(raw, " \t\r\n") // JSON's white space, the only kind Valid lets around a value
	var v any
	switch c := value[0]; {
	case c == '-' || '0' <= c && c <= '9':
		return json.Number(value), nil
	case c == '[' || c == '{':
		dec := json.NewDecoder(bytes.NewReader(value))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
	default:
		if err := json.Unmarshal(value, &v); err != nil {
			return nil, err
		}
	}
	return v, nil
}

// hasLoneSurrogate reports whether a JSON text contains a \u escape of a
// UTF-16 surrogate that is not part of a valid pair.
func hasLoneSurrogate(raw []byte) bool {
	for i := 0; i < len(raw); i++ {
		if raw[i] != '\\' {
			continue
		}
		if i+1 < len(raw) && raw[i+1] != 'u' {
			i++ // a one-character escape such as \\ or \"
			continue
		}
		r, ok := hexRune(raw, i)
		if !ok {
			return true
		}
		i += 5
		switch {
		case 0xDC00 <= r && r <= 0xDFFF:
			return true
		case 0xD800 <= r && r <= 0xDBFF:
			low, ok := hexRune(raw, i+1)
			if !ok || low < 0xDC00 || low > 0xDFFF {
				return true
			}
			i += 6
		}
	}
	return false
}

// hexRune decodes the \uXXXX escape starting at raw[i].
func hexRune(raw []byte, i int) (rune, bool) {
	if i+6 > len(raw) || raw[i] != '\\' || raw[i+1] != 'u' {
		return 0, false
	}
	n, err := strconv.ParseUint(string(raw[i+2:i+6]), 16, 16)
	if err != nil {
		return 0, false
	}
	return rune(n), true
}

// answerRows turns a valid, non-empty answer into the rows the database
// aggregates, copying scores so that the rows share no memory with doc.
func answerRows(doc *Document, q *Question, a answer) []AnswerRow {
	switch q.Type {
	case TypeSingleChoice, TypeMultiChoice:
		selected := map[string]bool{}
		for _, key := range a.selected {
			selected[key] = true
		}
		var rows []AnswerRow
		for _, o := range doc.OptionsOf(q) {
			if selected[o.Key] {
				rows = append(rows, AnswerRow{
					Question:  q.Key,
					Option:    copyPointer(&o.Key),
					Score:     copyPointer(o.Score.Value),
					NullScore: o.Score.IsNull(),
				})
			}
		}
		return rows
	case TypeNumber:
		return []AnswerRow{{Question: q.Key, Number: copyPointer(&a.number)}}
	case TypeText:
		return []AnswerRow{{Question: q.Key, Text: copyPointer(&a.text)}}
	}
	return nil
}

// compactJSON removes insignificant white space so that stored answers are
// byte-for-byte comparable between revisions.
func compactJSON(raw json.RawMessage) json.RawMessage {
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return append(json.RawMessage(nil), raw...)
	}
	return buf.Bytes()
}
