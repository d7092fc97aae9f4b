// The SQL of the aggregate: one scan of a campaign's answers for a group of
// indicators (aggregate.go plans the groups).

package store

import (
	"fmt"
	"strings"

	"github.com/customs-survey/surveyd/survey"
)

// measureColumns is the number of outer columns of a measure: n, Σ, the
// centred Σ², excluded and missing (a mean_value measure has one more, the
// responses whose number lies beyond survey.MaxNumber).
const measureColumns = 5

// scanQuery builds one aggregate query. Keys go in as parameters; the
// column names it makes up (w0, m3_val, ...) are its own.
type scanQuery struct {
	inner, outer []string
	windows      []string // each measure's mean per administration
	innerArgs    []any
	outerArgs    []any
	args         []any
	columns      int // outer columns after the administration code
	// questions are those whose answers the query reads: the join takes
	// no other answer row, so that a group of indicators scans only its
	// own questions' answers (the rows of a large multi-choice answer go
	// through the group that counts them, not through every group).
	questions []string
	read      map[string]bool
	// shard, when not empty, is the SQL of a response's shard (shardSQL
	// over r.id): the rows are then per administration and shard, the
	// cells of score_cells, instead of per administration.
	shard string
	// filter, when not empty, is a further condition on the responses
	// (alias r); its arguments follow the campaign id.
	filter string
}

// reads adds questions to those whose answers the query joins.
func (q *scanQuery) reads(questions ...string) {
	if q.read == nil {
		q.read = map[string]bool{}
	}
	for _, key := range questions {
		if !q.read[key] {
			q.read[key] = true
			q.questions = append(q.questions, key)
		}
	}
}

// where adds the flag of indicator i's `where`: 1 when the response's
// answer to the where question is one of its options.
func (q *scanQuery) where(i int, ind survey.Indicator) {
	if ind.Where == nil {
		q.inner = append(q.inner, fmt.Sprintf("1 AS w%d", i))
		return
	}
	q.reads(ind.Where.Question)
	q.inner = append(q.inner, fmt.Sprintf("MAX(CASE WHEN a.question_key = ? AND a.option_key IN ? THEN 1 ELSE 0 END) AS w%d", i))
	q.innerArgs = append(q.innerArgs, ind.Where.Question, ind.Where.In)
}

// measure adds the respondent value of ind over questions (step 1) and its
// per-administration sums, and returns the first outer column.
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
		// Only numbers within ±survey.MaxNumber are summed, so that no
		// sum or square can overflow (PostgreSQL fails on a double
		// precision overflow, SQLite gives an infinity). A number beyond
		// can only come from data stored before that range was enforced:
		// its response has no value, and is counted apart so that
		// scoring withholds the indicator's value and says why.
		q.inner = append(q.inner,
			"AVG(CASE WHEN a.question_key IN ? AND a.number_value BETWEEN ? AND ? THEN a.number_value END) AS "+name+"_val",
			"SUM(CASE WHEN a.question_key IN ? AND NOT (a.number_value BETWEEN ? AND ?) THEN 1 ELSE 0 END) AS "+name+"_oor")
		q.innerArgs = append(q.innerArgs, questions, -survey.MaxNumber, survey.MaxNumber, questions, -survey.MaxNumber, survey.MaxNumber)
	default: // mean_score: AVG skips the null scores of "don't know"
		q.inner = append(q.inner, "AVG(CASE WHEN a.question_key IN ? THEN a.score END) AS "+name+"_val")
		q.innerArgs = append(q.innerArgs, questions)
	}
	q.windows = append(q.windows, fmt.Sprintf(
		"AVG(CASE WHEN i.w%d = 1 THEN i.%s_val END) OVER (PARTITION BY %s) AS %s_mean", i, name, q.groups("i"), name))
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
	q.columns += measureColumns
	if ind.Method == survey.MethodMeanValue {
		q.outer = append(q.outer, "SUM(CASE WHEN "+w+" AND v."+name+"_oor > 0 THEN 1 ELSE 0 END)")
		q.columns++
	}
	return first
}

// options adds, for some options of the options breakdown of indicator i,
// which of them each response chose, and with answering whether it
// answered the question at all; it returns the first outer column
// (answering responses if asked for, then one count per option).
func (q *scanQuery) options(i, k int, question string, keys []string, answering bool) int {
	name := fmt.Sprintf("o%d", k)
	w := fmt.Sprintf("v.w%d = 1", i)
	first := q.columns
	if answering {
		q.inner = append(q.inner, "SUM(CASE WHEN a.question_key = ? THEN 1 ELSE 0 END) AS "+name+"_ans")
		q.innerArgs = append(q.innerArgs, question)
		q.outer = append(q.outer, "SUM(CASE WHEN "+w+" AND v."+name+"_ans > 0 THEN 1 ELSE 0 END)")
		q.columns++
	}
	for x, key := range keys {
		col := fmt.Sprintf("%s_%d", name, x)
		q.inner = append(q.inner, "MAX(CASE WHEN a.question_key = ? AND a.option_key = ? THEN 1 ELSE 0 END) AS "+col)
		q.innerArgs = append(q.innerArgs, question, key)
		q.outer = append(q.outer, "SUM(CASE WHEN "+w+" THEN v."+col+" ELSE 0 END)")
	}
	q.columns += len(keys)
	return first
}

// sql assembles the query; its arguments are q.args then the campaign id.
// A group without measures has no window to add. A response without an
// answer to the questions read still has its row (the LEFT JOIN gives it
// one with NULLs), so that it counts as missing.
func (q *scanQuery) sql() string {
	q.args = append(append(append([]any{}, q.outerArgs...), q.innerArgs...), q.questions)
	inner, outer := strings.Join(q.inner, ",\n      "), strings.Join(q.outer, ",\n  ")
	middle := "i.*"
	if len(q.windows) > 0 {
		middle += ",\n    " + strings.Join(q.windows, ",\n    ")
	}
	filter := ""
	if q.filter != "" {
		filter = " AND " + q.filter
	}
	shard := ""
	if q.shard != "" {
		shard = q.shard + " AS shard,\n      "
	}
	return `
SELECT ` + q.groups("v") + `,
  ` + outer + `
FROM (
  SELECT ` + middle + `
  FROM (
    SELECT r.id, r.administration_code,
      ` + shard + inner + `
    FROM responses r
    LEFT JOIN answers a ON a.submission_id = r.current_submission_id AND a.question_key IN ?
    WHERE r.campaign_id = ? AND r.current_submission_id IS NOT NULL` + filter + `
    GROUP BY r.id, r.administration_code
  ) i
) v
GROUP BY ` + q.groups("v") + `
ORDER BY ` + q.groups("v")
}

// groups lists the columns the outer query groups by, of the level named
// by alias: the administration, and the shard when the query has one.
func (q *scanQuery) groups(alias string) string {
	if q.shard != "" {
		return alias + ".administration_code, " + alias + ".shard"
	}
	return alias + ".administration_code"
}
