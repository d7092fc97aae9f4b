package web

import (
	"bytes"
	"encoding/json"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/customs-survey/surveyd/survey"
)

// The values of the respondents' form: what a posted form or a saved
// response holds per question, and the answers they make for the
// responding use case, as the API's JSON would carry them.

// respValues are a form's values per question key, as typed (or as saved).
type respValues map[string][]string

// respFieldPrefix starts the name of every question's field, so that no
// question key can collide with the form's own fields (csrf, revision).
const respFieldPrefix = "q."

// respPostedValues reads the fields of the questionnaire's questions from a
// posted form. Text areas send line breaks as CR LF; they are kept as LF,
// as the browser counted them against maxlength.
func respPostedValues(doc *survey.Document, form url.Values) respValues {
	out := respValues{}
	for _, q := range doc.Questions() {
		vals := form[respFieldPrefix+q.Key]
		if len(vals) == 0 {
			continue
		}
		if q.Type == survey.TypeText {
			vals = []string{strings.ReplaceAll(vals[0], "\r\n", "\n")}
		}
		out[q.Key] = vals
	}
	return out
}

// respSavedValues turns saved answers back into form values.
func respSavedValues(doc *survey.Document, answers survey.Answers) respValues {
	out := respValues{}
	for _, q := range doc.Questions() {
		raw, ok := answers[q.Key]
		if !ok {
			continue
		}
		switch q.Type {
		case survey.TypeMultiChoice:
			var keys []string
			if json.Unmarshal(raw, &keys) == nil {
				out[q.Key] = keys
			}
		case survey.TypeNumber:
			dec := json.NewDecoder(bytes.NewReader(raw))
			dec.UseNumber()
			var n any
			if dec.Decode(&n) == nil && n != nil {
				if num, ok := n.(json.Number); ok {
					out[q.Key] = []string{num.String()}
				}
			}
		default:
			var s string
			if json.Unmarshal(raw, &s) == nil {
				out[q.Key] = []string{s}
			}
		}
	}
	return out
}

// respAnswers turns form values into the answers the API's JSON carries: a
// single choice is "key", a multiple choice ["k1","k2"], a number a JSON
// number, a text a string. An empty field is no answer. A number field
// whose text is no number is sent as a string, so that the use case
// reports it as it would the API's (wrong type).
func respAnswers(doc *survey.Document, values respValues) survey.Answers {
	out := survey.Answers{}
	for _, q := range doc.Questions() {
		vals := values[q.Key]
		switch q.Type {
		case survey.TypeMultiChoice:
			keys := slices.DeleteFunc(slices.Clone(vals), func(s string) bool { return s == "" })
			if len(keys) > 0 {
				out[q.Key] = respJSON(keys)
			}
		case survey.TypeNumber:
			if len(vals) > 0 && strings.TrimSpace(vals[0]) != "" {
				out[q.Key] = respNumberJSON(strings.TrimSpace(vals[0]))
			}
		default:
			if len(vals) > 0 && vals[0] != "" {
				out[q.Key] = respJSON(vals[0])
			}
		}
	}
	return out
}

// respJSON encodes a value as a client would, without escaping <, > and &.
func respJSON(v any) json.RawMessage {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return json.RawMessage(`null`)
	}
	return bytes.TrimSpace(buf.Bytes())
}

var respJSONNumberText = regexp.MustCompile(`^-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// respNumberJSON is the JSON of a number typed in a form: the text itself
// when it is a JSON number, else the number it reads as (+5, 05, .5), else
// the text as a string.
func respNumberJSON(s string) json.RawMessage {
	if respJSONNumberText.MatchString(s) {
		return json.RawMessage(s)
	}
	if strings.Trim(s, "0123456789+-.eE") == "" {
		if f, err := strconv.ParseFloat(s, 64); err == nil && !math.IsInf(f, 0) && !math.IsNaN(f) {
			return json.RawMessage(strconv.FormatFloat(f, 'g', -1, 64))
		}
	}
	return respJSON(s)
}
