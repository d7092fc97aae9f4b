package web

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/customs-survey/surveyd/survey"
)

// The questionnaire as the respondents' pages show it: sections and
// questions with their texts in one language (each passage marked with its
// own language when it is not the interface's), the values of the form,
// and the problems the use cases found. The form names a question's field
// "q.<key>" and gives it the id "q-<key>" (the first option's, for choice
// questions), which the error summary and the "Change" links point to.

// respSection is a section of the questionnaire as a page shows it.
type respSection struct {
	Key       string
	Title     string
	TitleLang string
	Questions []*respQuestion
}

// respQuestion is a question as a page shows it, with its value and
// problem.
type respQuestion struct {
	Key       string
	ID        string // the id of its (first) control
	Type      string
	Required  bool
	Need      string // "required" or "optional", in words
	Text      string
	TextLang  string // set when not in the interface's language
	Help      string
	HelpLang  string
	Options   []respOption
	Min, Max  string // attributes of a number field, or ""
	Step      string
	Limit     string // a hint on the number's bounds or the text's length
	MaxLength int
	Condition *respCondition
	Value     string // the value of a number or text field
	Error     string // the message beside the question
	Applies   bool   // shown given the answers (summaries only)
	prefix    string // "Error:", before the message for screen readers
}

// respOption is an option of a choice question.
type respOption struct {
	Key     string
	ID      string
	Label   string
	Lang    string
	Checked bool
}

// respCondition is a question's show_if, in words: answer only if one of
// Options was the answer to the question Text. Lead, Or, To and the quotes
// are the interface's words around the questionnaire's passages.
type respCondition struct {
	Question    string // the key of the question it depends on
	QuestionID  string
	Text        string
	TextLang    string
	In          string // the option keys, space separated, for the script
	Options     []respOption
	Lead, Or    string
	To          string
	Open, Close string
}

// ErrorView gives the field_error partial the question's message.
func (q *respQuestion) ErrorView() fieldErrorView {
	return fieldErrorView{Field: q.ID, Message: q.Error, Prefix: q.prefix}
}

// IsChoice and Multi tell the templates which controls a question takes.
func (q *respQuestion) IsChoice() bool {
	return q.Type == survey.TypeSingleChoice || q.Type == survey.TypeMultiChoice
}
func (q *respQuestion) Multi() bool { return q.Type == survey.TypeMultiChoice }

// Chosen returns the options selected.
func (q *respQuestion) Chosen() []respOption {
	var out []respOption
	for _, o := range q.Options {
		if o.Checked {
			out = append(out, o)
		}
	}
	return out
}

// Answered reports whether the question has a value.
func (q *respQuestion) Answered() bool { return len(q.Chosen()) > 0 || q.Value != "" }

// DescribedBy lists the ids of the texts that describe the question's
// control: its help, its condition, its limits and its problem.
func (q *respQuestion) DescribedBy() string {
	var ids []string
	if q.Help != "" {
		ids = append(ids, q.ID+"-hint")
	}
	if q.Condition != nil {
		ids = append(ids, q.ID+"-condition")
	}
	if q.Limit != "" {
		ids = append(ids, q.ID+"-limit")
	}
	if q.Error != "" {
		ids = append(ids, q.ID+"-error")
	}
	return strings.Join(ids, " ")
}

// respSections lays out the questionnaire in lang for a visitor, with the
// form's values and the messages beside the questions (by question key).
func respSections(v *visitor, doc *survey.Document, lang string, values respValues, messages map[string]string) []respSection {
	loc := doc.Localize(lang)
	passage := func(t survey.Text) string { return respPassageLang(t, loc.Language, doc.DefaultLanguage, v.lang) }
	byKey := map[string]*respQuestion{}
	var out []respSection
	for i, ls := range loc.Sections {
		raw := &doc.Sections[i]
		sec := respSection{Key: ls.Key, Title: ls.Title, TitleLang: passage(raw.Title)}
		for j, lq := range ls.Questions {
			rq := &raw.Questions[j]
			q := &respQuestion{Key: lq.Key, ID: "q-" + lq.Key, Type: lq.Type, Required: lq.Required, Text: lq.Text,
				TextLang: passage(rq.Text), Help: lq.Help, Applies: true, Error: messages[lq.Key],
				Need: v.T("respond.optional"), prefix: v.T("error.prefix")}
			if lq.Required {
				q.Need = v.T("respond.required")
			}
			if lq.Help != "" {
				q.HelpLang = passage(rq.Help)
			}
			selected := map[string]bool{}
			for _, s := range values[lq.Key] {
				selected[s] = true
			}
			rawOptions := doc.OptionsOf(rq)
			for k, lo := range lq.Options {
				o := respOption{Key: lo.Key, ID: q.ID + "-" + lo.Key, Label: lo.Label, Lang: passage(rawOptions[k].Label),
					Checked: selected[lo.Key]}
				if k == 0 {
					o.ID = q.ID
				}
				q.Options = append(q.Options, o)
			}
			switch lq.Type {
			case survey.TypeNumber:
				if vals := values[lq.Key]; len(vals) > 0 {
					q.Value = vals[0]
				}
				q.Min, q.Max, q.Step, q.Limit = respBounds(v, lq)
			case survey.TypeText:
				if vals := values[lq.Key]; len(vals) > 0 {
					q.Value = vals[0]
				}
				if lq.MaxLength != nil {
					q.MaxLength = *lq.MaxLength
					q.Limit = v.T("respond.max_chars", q.MaxLength)
				}
			}
			if c := lq.ShowIf; c != nil {
				if trigger := byKey[c.Question]; trigger != nil {
					cond := &respCondition{Question: trigger.Key, QuestionID: trigger.ID, Text: trigger.Text,
						TextLang: trigger.TextLang, In: strings.Join(c.In, " "), Lead: v.T("respond.only_if"),
						Or: v.T("respond.or"), To: v.T("respond.only_if_to"), Open: v.T("respond.quote_open"),
						Close: v.T("respond.quote_close")}
					for _, o := range trigger.Options {
						if slices.Contains(c.In, o.Key) {
							cond.Options = append(cond.Options, o)
						}
					}
					q.Condition = cond
				}
			}
			byKey[q.Key] = q
			sec.Questions = append(sec.Questions, q)
		}
		out = append(out, sec)
	}
	return out
}

// respBounds gives a number field its min, max and step attributes and a
// hint that says them in words.
func respBounds(v *visitor, lq survey.LocalizedQuestion) (lo, hi, step, hint string) {
	step = "any"
	kind := "respond.number"
	if lq.Integer {
		step, kind = "1", "respond.whole"
	}
	if lq.Min != nil {
		lo = respFormatNumber(*lq.Min)
	}
	if lq.Max != nil {
		hi = respFormatNumber(*lq.Max)
	}
	switch {
	case lo != "" && hi != "":
		hint = v.T(kind+".between", lo, hi)
	case lo != "":
		hint = v.T(kind+".min", lo)
	case hi != "":
		hint = v.T(kind+".max", hi)
	case lq.Integer:
		hint = v.T(kind)
	}
	return lo, hi, step, hint
}

func respFormatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// respProblems lays out the questionnaire with the problems the use case
// found: the message beside each question (the first of its problems) and
// the error summary, one entry per question in the form's order.
func respProblems(v *visitor, doc *survey.Document, lang string, values respValues, invalid *survey.ValidationError) ([]respSection, problems) {
	messages := map[string]string{}
	var others problems
	for _, fe := range invalid.Errors {
		q := doc.Question(respQuestionOfField(fe.Field))
		if q == nil {
			others.add("response-form", fe.Message)
			continue
		}
		if _, done := messages[q.Key]; !done {
			messages[q.Key] = respMessage(v, q, fe)
		}
	}
	sections := respSections(v, doc, lang, values, messages)
	var out problems
	for _, sec := range sections {
		for _, q := range sec.Questions {
			if q.Error != "" {
				out.add(q.ID, v.T("respond.error.about", q.Error, q.Text))
			}
		}
	}
	return sections, append(out, others...)
}

// respQuestionOfField is the question key of a problem's field
// ("answers.<key>" or "answers.<key>[i]"), or "".
func respQuestionOfField(field string) string {
	key, ok := strings.CutPrefix(field, "answers.")
	if !ok {
		return ""
	}
	key, _, _ = strings.Cut(key, "[")
	return key
}

// respMessage says a problem in the interface's words, GOV.UK style (what
// to do), from its code and the question's limits; a problem without
// words of its own keeps the use case's message.
func respMessage(v *visitor, q *survey.Question, fe survey.FieldError) string {
	choice := q.Type == survey.TypeSingleChoice || q.Type == survey.TypeMultiChoice
	switch fe.Code {
	case survey.CodeRequired:
		switch q.Type {
		case survey.TypeSingleChoice:
			return v.T("respond.error.select_one")
		case survey.TypeMultiChoice:
			return v.T("respond.error.select_some")
		case survey.TypeNumber:
			return v.T("respond.error.enter_number")
		}
		return v.T("respond.error.enter_text")
	case survey.CodeOutOfRange:
		lo, hi := -survey.MaxNumber, survey.MaxNumber
		if q.Min != nil {
			lo = *q.Min
		}
		if q.Max != nil {
			hi = *q.Max
		}
		return v.T("respond.error.range", respFormatNumber(lo), respFormatNumber(hi))
	case survey.CodeNotAnInteger:
		return v.T("respond.error.whole")
	case survey.CodeWrongType:
		if q.Type == survey.TypeNumber {
			return v.T("respond.error.not_number")
		}
		if choice {
			return v.T("respond.error.not_option")
		}
	case survey.CodeNotAnOption, survey.CodeDuplicateOption:
		return v.T("respond.error.not_option")
	case survey.CodeTooLong:
		limit := survey.DefaultMaxTextLength
		if q.MaxLength != nil {
			limit = *q.MaxLength
		}
		return v.T("respond.error.too_long", limit)
	case survey.CodeInvalidText:
		return v.T("respond.error.invalid_text")
	}
	return fe.Message
}

// respMarkApplicable marks the questions that the answers leave hidden
// (show_if), whose answers a submission drops.
func respMarkApplicable(sections []respSection, doc *survey.Document, answers survey.Answers) {
	visible := survey.Visible(doc, answers)
	for _, sec := range sections {
		for _, q := range sec.Questions {
			q.Applies = visible[q.Key]
		}
	}
}

// respDocLang is the language a questionnaire is shown in: the one asked
// for when the document has it, else the interface's when the document has
// it (so that the whole page speaks one language), else the document's
// default.
func respDocLang(doc *survey.Document, asked, iface string) string {
	if _, ok := doc.Title[asked]; ok && asked != "" {
		return asked
	}
	if _, ok := doc.Title[iface]; ok {
		return iface
	}
	return doc.DefaultLanguage
}

// respPassageLang is the language of one text of a document shown in
// lang: lang when the text has it, else the default language it falls
// back to; "" when that is the interface's language (no lang attribute
// needed).
func respPassageLang(t survey.Text, lang, def, iface string) string {
	l := def
	if _, ok := t[lang]; ok {
		l = lang
	}
	if l == iface {
		return ""
	}
	return l
}

// respDocLanguages are the languages of a questionnaire (those of its
// title), the default first.
func respDocLanguages(doc *survey.Document) []string {
	var out []string
	for l := range doc.Title {
		if l != doc.DefaultLanguage {
			out = append(out, l)
		}
	}
	slices.Sort(out)
	return append([]string{doc.DefaultLanguage}, out...)
}

// respLanguageNames are the names of the Union's languages in themselves,
// for the questionnaire's language links.
var respLanguageNames = map[string]string{
	"bg": "Български", "cs": "Čeština", "da": "Dansk", "de": "Deutsch", "el": "Ελληνικά", "en": "English",
	"es": "Español", "et": "Eesti", "fi": "Suomi", "fr": "Français", "ga": "Gaeilge", "hr": "Hrvatski",
	"hu": "Magyar", "it": "Italiano", "lt": "Lietuvių", "lv": "Latviešu", "mt": "Malti", "nl": "Nederlands",
	"pl": "Polski", "pt": "Português", "ro": "Română", "sk": "Slovenčina", "sl": "Slovenščina", "sv": "Svenska",
}

func respLanguageName(code string) string {
	if n, ok := respLanguageNames[code]; ok {
		return n
	}
	return strings.ToUpper(code)
}

// respTime is a moment as a page shows it: in words, and for <time>.
type respTime struct {
	Text string
	ISO  string
}

// respondTime says t in the interface's language, in UTC (the service's
// one time zone for officials of every country).
func respondTime(lang string, t time.Time) respTime {
	t = t.UTC()
	month := translate(lang, "respond.month."+strconv.Itoa(int(t.Month())))
	return respTime{Text: translate(lang, "respond.datetime", t.Day(), month, t.Year(), t.Format("15:04")),
		ISO: t.Format(time.RFC3339)}
}
