package exports

import (
	"slices"

	"github.com/customs-survey/surveyd/survey"
)

// The responses export can carry, beside the option keys of each choice
// question, the labels of those options in one language of the
// questionnaire: the words the respondents read and answered. The keys stay
// where they are, so that a reader of the plain export finds every column
// at the same place, the label columns in between.

// labelSuffix ends the name of a label column: "<question>.label". Question
// keys are made of a-z, 0-9 and _ only, so no question's own column can
// take that name (as "<question>_label" could).
const labelSuffix = ".label"

// labelSeparator joins the labels of a multi-choice answer in CSV and in
// the workbook, as ";" joins its keys.
const labelSeparator = "; "

// labelWidth is the workbook's width of a label column: most labels are a
// few words.
const labelWidth = 24

// LabelLanguages lists the languages that the responses export of doc can
// carry labels in: those of the questionnaire's title, which include its
// default language, in alphabetical order. They are the languages the
// questionnaire is offered in; a text missing in one of them falls back to
// the default language, as the respondents' form does.
func LabelLanguages(doc *survey.Document) []string {
	langs := []string{doc.DefaultLanguage}
	for lang := range doc.Title {
		if lang != doc.DefaultLanguage {
			langs = append(langs, lang)
		}
	}
	slices.Sort(langs)
	return langs
}

// labelColumn is the column of the option labels of the choice question q
// in lang, placed after q's column, the keys column of the row being
// written (row): it turns the keys that column decoded, earlier in the same
// row, into their labels through a table of q's options made once for the
// whole export, so that an answer is decoded once. A single choice gives
// one label, a multi choice its labels in the order of its keys
// (questionnaire order); a key that is not an option of q (there should be
// none) is shown as it is, and an unanswered question leaves the label
// empty too.
func labelColumn(doc *survey.Document, q *survey.Question, lang string, row *[]cell, keysColumn int) responseColumn {
	options := doc.OptionsOf(q)
	table := make(map[string]string, len(options))
	for _, o := range options {
		table[o.Key] = o.Label.Resolve(lang, doc.DefaultLanguage)
	}
	label := func(key string) string {
		if l, ok := table[key]; ok {
			return l
		}
		return key
	}
	return responseColumn{name: q.Key + labelSuffix, label: true, width: labelWidth,
		cell: func(*survey.ExportedResponse) (cell, error) {
			keys := &(*row)[keysColumn]
			switch keys.kind {
			case kindText:
				return textCell(label(keys.text)), nil
			case kindChoices:
				labels := make([]string, len(keys.choices))
				for i, key := range keys.choices {
					labels[i] = label(key)
				}
				return labelsCell(labels), nil
			}
			return cell{}, nil
		}}
}
