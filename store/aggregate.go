package store

import (
	"database/sql"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/scoring"
	"github.com/customs-survey/surveyd/survey"
)

// aggregate computes, in one scan of a campaign's current submissions, the
// per-administration rows of every indicator of doc: its cells, the cells
// of each question of a questions breakdown, and the option counts of an
// options breakdown (scoring.Input without the indicator's own fields).
//
// The inner query has one row per submitted response and, per indicator,
// the columns of step 1 of SCORING.md: whether the response passes
// `where` (w), how many answer rows it has for the questions (ans), and its
// respondent value (val). The middle one adds each administration's mean
// (a window function), so that the outer query, which sums per
// administration, can return centred sums of squares.
// Conditional aggregation over one join of responses and answers keeps the
// cost of scoring that of one scan, however many indicators there are.
func aggregate(db *gorm.DB, campaignID int64, doc *survey.Document) ([]scoring.Input, error) {
	if len(doc.Indicators) == 0 {
		return nil, nil
	}
	var q scanQuery
	type measure struct {
		indicator int    // index in doc.Indicators
		question  string // "" for the indicator itself, else one question of a questions breakdown
		column    int    // first outer column
	}
	type optionMeasure struct {
		indicator int
		options   []string
		column    int // answering, then one column per option
	}
	var measures []measure
	var optionMeasures []optionMeasure
	for i, ind := range doc.Indicators {
		q.where(i, ind)
		measures = append(measures, measure{indicator: i, column: q.measure(i, len(measures), ind, ind.Questions)})
		if breaksDown(ind, "questions") {
			for _, question := range ind.Questions {
				measures = append(measures, measure{indicator: i, question: question,
					column: q.measure(i, len(measures), ind, []string{question})})
			}
		}
		if breaksDown(ind, "options") {
			var keys []string
			for _, o := range doc.OptionsOf(doc.Question(ind.Questions[0])) {
				keys = append(keys, o.Key)
			}
			optionMeasures = append(optionMeasures, optionMeasure{indicator: i, options: keys,
				column: q.options(i, len(optionMeasures), ind.Questions[0], keys)})
		}
	}

	rows, err := db.Raw(q.sql(), append(q.args, campaignID)...).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	inputs := make([]scoring.Input, len(doc.Indicators))
	for i := range inputs {
		inputs[i].QuestionCells = map[string][]scoring.Cell{}
		inputs[i].Answering = map[string]int{}
	}
	values := make([]sql.NullFloat64, q.columns)
	dest := make([]any, q.columns+1)
	var administration string
	dest[0] = &administration
	for i := range values {
		dest[i+1] = &values[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		num := func(col int) float64 { return values[col].Float64 } // NULL sums are 0
		for _, m := range measures {
			c := scoring.Cell{Administration: administration, N: int(num(m.column)), Sum: num(m.column + 1),
				Deviations: num(m.column + 2), Excluded: int(num(m.column + 3)), Missing: int(num(m.column + 4))}
			if c.N+c.Excluded+c.Missing == 0 {
				continue // no response of this administration passes `where`
			}
			in := &inputs[m.indicator]
			if m.question == "" {
				in.Cells = append(in.Cells, c)
			} else {
				in.QuestionCells[m.question] = append(in.QuestionCells[m.question], c)
			}
		}
		for _, m := range optionMeasures {
			in := &inputs[m.indicator]
			if n := int(num(m.column)); n > 0 {
				in.Answering[administration] = n
			}
			for k, key := range m.options {
				if n := int(num(m.column + 1 + k)); n > 0 {
					in.Options = append(in.Options, scoring.OptionCell{Administration: administration, Option: key, Count: n})
				}
			}
		}
	}
	return inputs, rows.Err()
}

// scanQuery builds the single aggregate query. Keys go in as parameters;
// the column names it makes up (w0, m3_val, ...) are its own.
type scanQuery struct {
	inner, outer []string
	windows      []string // each measure's mean per administration
	innerArgs    []any
	outerArgs    []any
	args         []any
	columns      int // outer columns after the administration code
}

// where adds the flag of indicator i's `where`: 1 when the response's
// answer to the where question is one of its options.
func (q *scanQuery) where(i int, ind survey.Indicator) {
	if ind.Where == nil {
		q.inner = append(q.inner, fmt.Sprintf("1 AS w%d", i))
		return
	}
	q.inner = append(q.inner, fmt.Sprintf("MAX(CASE WHEN a.question_key = ? AND a.option_key IN ? THEN 1 ELSE 0 END) AS w%d", i))
	q.innerArgs = append(q.innerArgs, ind.Where.Question, ind.Where.In)
}

// measure adds the respondent value of ind over questions (step 1) and its
// five per-administration sums, and returns the first outer column.
func (q *scanQuery) measure(i, m int, ind survey.Indicator, questions []string) int {
	name := fmt.Sprintf("m%d", m)
	q.inner = append(q.inner, "SUM(CASE WHEN a.question_key IN ? THEN 1 ELSE 0 END) AS "+name+"_ans")
	q.innerArgs = append(q.innerArgs, questions)
	switch ind.Method {
	case survey.MethodShare:
		// 100 if a chosen option is one of the indicator's; else no value
		// if a null-score option was chosen; else 0 when answered.
		q.inner = append(q.inner, `CASE
    WHEN SUM(CASE WHEN a.question_key IN ? AND a.option_key IN ? THEN 1 ELSE 0 END) > 0 THEN 100.0
    WHEN SUM(CASE WHEN a.question_key IN ? AND a.null_score THEN 1 ELSE 0 END) > 0 THEN NULL
    WHEN SUM(CASE WHEN a.question_key IN ? THEN 1 ELSE 0 END) > 0 THEN 0.0
  END AS `+name+"_val")
		q.innerArgs = append(q.innerArgs, questions, ind.Options, questions, questions)
	case survey.MethodMeanValue:
		q.inner = append(q.inner, "AVG(CASE WHEN a.question_key IN ? THEN a.number_value END) AS "+name+"_val")
		q.innerArgs = append(q.innerArgs, questions)
	default: // mean_score: AVG skips the null scores of "don't know"
		q.inner = append(q.inner, "AVG(CASE WHEN a.question_key IN ? THEN a.score END) AS "+name+"_val")
		q.innerArgs = append(q.innerArgs, questions)
	}
	q.windows = append(q.windows, fmt.Sprintf(
		"AVG(CASE WHEN i.w%d = 1 THEN i.%s_val END) OVER (PARTITION BY i.administration_code) AS %s_mean", i, name, name))
	w, v, ans := fmt.Sprintf("v.w%d = 1", i), "v."+name+"_val", "v."+name+"_ans"
	dev := "(" + v + " - v." + name + "_mean)"
	q.outer = append(q.outer,
		"COUNT(CASE WHEN "+w+" THEN "+v+" END)",
		"SUM(CASE WHEN "+w+" THEN "+v+" END)",
		// Centred on the administration's mean, computed by the window
		// function one level down: no cancellation in Σx² − n·mean².
		"SUM(CASE WHEN "+w+" THEN "+dev+" * "+dev+" END)",
		"SUM(CASE WHEN "+w+" AND "+ans+" > 0 AND "+v+" IS NULL THEN 1 ELSE 0 END)",
		"SUM(CASE WHEN "+w+" AND "+ans+" = 0 THEN 1 ELSE 0 END)")
	first := q.columns
	q.columns += 5
	return first
}

// options adds, for the options breakdown of indicator i, whether each
// response answered the question and which options it chose, and returns
// the first outer column (answering responses, then one count per option).
func (q *scanQuery) options(i, k int, question string, keys []string) int {
	name := fmt.Sprintf("o%d", k)
	w := fmt.Sprintf("v.w%d = 1", i)
	q.inner = append(q.inner, "SUM(CASE WHEN a.question_key = ? THEN 1 ELSE 0 END) AS "+name+"_ans")
	q.innerArgs = append(q.innerArgs, question)
	q.outer = append(q.outer, "SUM(CASE WHEN "+w+" AND v."+name+"_ans > 0 THEN 1 ELSE 0 END)")
	for x, key := range keys {
		col := fmt.Sprintf("%s_%d", name, x)
		q.inner = append(q.inner, "MAX(CASE WHEN a.question_key = ? AND a.option_key = ? THEN 1 ELSE 0 END) AS "+col)
		q.innerArgs = append(q.innerArgs, question, key)
		q.outer = append(q.outer, "SUM(CASE WHEN "+w+" THEN v."+col+" ELSE 0 END)")
	}
	first := q.columns
	q.columns += 1 + len(keys)
	return first
}

// sql assembles the query; its arguments are q.args then the campaign id.
func (q *scanQuery) sql() string {
	q.args = append(append([]any{}, q.outerArgs...), q.innerArgs...)
	inner, outer := strings.Join(q.inner, ",\n      "), strings.Join(q.outer, ",\n  ")
	return `
SELECT v.administration_code,
  ` + outer + `
FROM (
  SELECT i.*,
    ` + strings.Join(q.windows, ",\n    ") + `
  FROM (
    SELECT r.id, r.administration_code,
      ` + inner + `
    FROM responses r
    LEFT JOIN answers a ON a.submission_id = r.current_submission_id
    WHERE r.campaign_id = ? AND r.current_submission_id IS NOT NULL
    GROUP BY r.id, r.administration_code
  ) i
) v
GROUP BY v.administration_code
ORDER BY v.administration_code`
}
