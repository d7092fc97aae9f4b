package exports

import (
	"slices"
	"strconv"
	"strings"

	"github.com/customs-survey/surveyd/survey"
)

// annualNote is the method of one indicator of the Annex in words, read
// from the questionnaire its figures were computed from, in the
// questionnaire's default language.
type annualNote struct {
	row       *annualRow
	value     string // what the value is
	unit      string // what counts once
	questions string // the questions read
	filter    string // the responses counted
	excluded  string // the answers that give no value
}

// annualNotesColumns is the Notes sheet.
var annualNotesColumns = []annualColumn[annualNote]{
	{heading: "Indicator", width: 16, cell: func(n *annualNote) cell { return textCell(n.row.code) }},
	{heading: "Source campaign", width: 18, cell: func(n *annualNote) cell { return textCell(n.row.campaign.Key) }},
	{heading: "What the value is", width: 60, cell: func(n *annualNote) cell { return textCell(n.value) }},
	{heading: "Unit", width: 36, cell: func(n *annualNote) cell { return textCell(n.unit) }},
	{heading: "Questions", width: 60, cell: func(n *annualNote) cell { return textCell(n.questions) }},
	{heading: "Responses counted", width: 40, cell: func(n *annualNote) cell { return textCell(n.filter) }},
	{heading: "Excluded answers", width: 30, cell: func(n *annualNote) cell { return textCell(n.excluded) }},
}

// annualNotes puts the method of every indicator of the Annex in words.
func annualNotes(rows []annualRow) []annualNote {
	out := make([]annualNote, len(rows))
	for i := range rows {
		out[i] = newAnnualNote(&rows[i])
	}
	return out
}

// Units in words.
var annualUnitWords = map[string]string{
	survey.UnitRespondent:     "respondent: each response counts once",
	survey.UnitAdministration: "administration: each administration counts once, with the mean of its responses",
}

func newAnnualNote(row *annualRow) annualNote {
	note := annualNote{row: row, value: row.method, unit: annualUnitWords[row.unit]}
	doc := row.campaign.Questionnaire
	if doc == nil {
		return note
	}
	i := slices.IndexFunc(doc.Indicators, func(ind survey.Indicator) bool { return ind.Code == row.code })
	if i < 0 {
		return note
	}
	w := annualWording{doc: doc, lang: doc.DefaultLanguage}
	def := &doc.Indicators[i]
	questions := w.questions(def.Questions)
	texts := make([]string, len(questions))
	for j, q := range questions {
		texts[j] = annualQuote(q.Text.Resolve(w.lang, w.lang)) + " (" + q.Key + ")"
	}
	note.questions = strings.Join(texts, "; ")
	note.value = w.value(def, questions)
	note.filter = w.filter(def.Where, questions)
	note.excluded = w.excluded(questions)
	return note
}

// annualWording puts the parts of a questionnaire in words, in one language.
type annualWording struct {
	doc  *survey.Document
	lang string
}

// questions are the questions of keys that the document has.
func (w annualWording) questions(keys []string) []*survey.Question {
	var out []*survey.Question
	for _, key := range keys {
		if q := w.doc.Question(key); q != nil {
			out = append(out, q)
		}
	}
	return out
}

func (w annualWording) label(o survey.Option) string {
	return annualQuote(o.Label.Resolve(w.lang, w.lang))
}

// value says what an indicator's value is.
func (w annualWording) value(def *survey.Indicator, questions []*survey.Question) string {
	switch def.Method {
	case survey.MethodMeanScore:
		s := "Mean score, from 0 to 100 and shown as a percentage, of the option chosen"
		if len(questions) > 1 {
			s = "Mean score, from 0 to 100 and shown as a percentage, of the options chosen to the " +
				strconv.Itoa(len(questions)) + " questions, first per response"
		}
		if scores := w.scores(questions); scores != "" {
			s += ": " + scores
		}
		return s
	case survey.MethodShare:
		var chosen []string
		if len(questions) == 1 {
			for _, o := range w.doc.OptionsOf(questions[0]) {
				if slices.Contains(def.Options, o.Key) {
					chosen = append(chosen, w.label(o))
				}
			}
		}
		return "Percentage of the respondents answering the question who chose " + annualJoinOr(chosen)
	case survey.MethodMeanValue:
		s := "Mean of the number answered, on the question's own scale"
		if len(questions) == 1 && questions[0].Min != nil && questions[0].Max != nil {
			s += " (" + strconv.FormatFloat(*questions[0].Min, 'f', -1, 64) + " to " +
				strconv.FormatFloat(*questions[0].Max, 'f', -1, 64) + ")"
		}
		return s + ", not a percentage"
	}
	return def.Method
}

// scores lists the scores of the options of the questions, when they all
// have the same options: "Not at all 0, …, Fully 100".
func (w annualWording) scores(questions []*survey.Question) string {
	if len(questions) == 0 {
		return ""
	}
	options := w.doc.OptionsOf(questions[0])
	for _, q := range questions[1:] {
		if !slices.EqualFunc(options, w.doc.OptionsOf(q), func(a, b survey.Option) bool { return a.Key == b.Key }) {
			return ""
		}
	}
	var parts []string
	for _, o := range options {
		if o.Score.Value != nil {
			parts = append(parts, w.label(o)+" "+strconv.FormatFloat(*o.Score.Value, 'f', -1, 64))
		}
	}
	return strings.Join(parts, ", ")
}

// filter says which responses an indicator counts: those its where
// selects and, when every one of its questions has a show_if, only those
// to which one of them was shown; the others count as not applicable,
// apart from the missing (docs/scoring.md). A show_if that only repeats
// the where leaves none of the responses counted not applicable, and is
// not said twice.
func (w annualWording) filter(where *survey.Condition, questions []*survey.Question) string {
	s := "every submitted response"
	if where != nil {
		s = "only the responses " + w.condition(where)
	}
	var shown []string
	for _, q := range questions {
		if q.ShowIf == nil {
			return s
		}
		if c := w.condition(q.ShowIf); !slices.Contains(shown, c) {
			shown = append(shown, c)
		}
	}
	if len(shown) == 0 || where != nil && slices.Equal(shown, []string{w.condition(where)}) {
		return s
	}
	asked := "the question was asked only of the responses "
	if len(questions) > 1 {
		asked = "the questions were asked only of the responses "
	}
	return s + "; " + asked + annualJoinOr(shown) + ", the others count as not applicable"
}

// condition says which responses a condition selects: "answering “Used?”
// with “No”".
func (w annualWording) condition(c *survey.Condition) string {
	q := w.doc.Question(c.Question)
	if q == nil {
		return "that pass a condition on " + c.Question
	}
	var in []string
	for _, o := range w.doc.OptionsOf(q) {
		if slices.Contains(c.In, o.Key) {
			in = append(in, w.label(o))
		}
	}
	return "answering " + annualQuote(q.Text.Resolve(w.lang, w.lang)) + " with " + annualJoinOr(in)
}

// excluded lists the answers that give a response no value: the options
// scored null ("don't know").
func (w annualWording) excluded(questions []*survey.Question) string {
	var labels []string
	for _, q := range questions {
		for _, o := range w.doc.OptionsOf(q) {
			if l := w.label(o); o.Score.IsNull() && !slices.Contains(labels, l) {
				labels = append(labels, l)
			}
		}
	}
	if len(labels) == 0 {
		return "none"
	}
	return annualJoinOr(labels) + ": no score, so the response is excluded"
}

func annualQuote(s string) string { return "“" + s + "”" }

// annualJoinOr joins words as a sentence does: "a", "a or b", "a, b or c".
func annualJoinOr(words []string) string {
	switch len(words) {
	case 0:
		return ""
	case 1:
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " or " + words[len(words)-1]
}
