// The SQL of the aggregate: one scan of a campaign's answers for a group of
// indicators, one row per response (aggregate.go plans the groups and sums
// the rows per administration).

package store

import (
	"strings"

	"github.com/customs-survey/surveyd/survey"
)

// scanQuery builds one aggregate query: per submitted response, its shard
// and administration, then the columns of step 1 of docs/scoring.md that its
// parts ask for. Keys go in as parameters.
type scanQuery struct {
	columns []string
	args    []any
	// questions are those whose answers the query reads: the join takes
	// no other answer row, so that a group of indicators scans only its
	// own questions' answers (the rows of a large multi-choice answer go
	// through the group that counts them, not through every group).
	questions []string
	read      map[string]bool
	// filter, when not empty, is a further condition on the responses
	// (alias r); its arguments follow the campaign id.
	filter string
	// order is the GROUP BY and ORDER BY of the rows (orderFor): a fixed
	// order, so that the sums made of them are the same at every scan.
	order string
	// shard is the SQL of a response's shard (shardSQL), or "" for none
	// (every row in shard 0).
	shard string
	// everyResponse makes the join outer: every submitted response has
	// its row, those without an answer read too.
	everyResponse bool
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

// column adds one column with its arguments and returns its position.
func (q *scanQuery) column(sql string, args ...any) int {
	q.columns = append(q.columns, sql)
	q.args = append(q.args, args...)
	return len(q.columns) - 1
}

// where adds the flag of an indicator's `where`: 1 when the response's
// answer to the where question is one of its options. It returns the
// column, or -1 for an indicator without `where`, which every response
// passes.
func (q *scanQuery) where(ind survey.Indicator) int {
	if ind.Where == nil {
		return -1
	}
	q.reads(ind.Where.Question)
	return q.column("MAX(CASE WHEN a.question_key = ? AND a.option_key IN ? THEN 1 ELSE 0 END)", ind.Where.Question, ind.Where.In)
}

// shown adds the flag of a measure whose every question has a show_if
// (survey.Document.ShowConditions): 1 when the response meets one of
// conditions, i.e. one of the questions was shown to it; a response
// without a value that meets none is not applicable, not missing. It
// returns the column.
func (q *scanQuery) shown(conditions []*survey.Condition) int {
	var when []string
	var args []any
	for _, c := range conditions {
		q.reads(c.Question)
		when = append(when, "(a.question_key = ? AND a.option_key IN ?)")
		args = append(args, c.Question, c.In)
	}
	return q.column("MAX(CASE WHEN "+strings.Join(when, " OR ")+" THEN 1 ELSE 0 END)", args...)
}

// measure adds the columns of the response's value of ind over questions
// (step 1): how many answer rows it has for them, its value (NULL for
// none) and, for mean_value, how many of its numbers lie beyond the range.
// It returns the first of them.
func (q *scanQuery) measure(ind survey.Indicator, questions []string) int {
	q.reads(questions...)
	first := q.column("COUNT(CASE WHEN a.question_key IN ? THEN 1 END)", questions)
	switch ind.Method {
	case survey.MethodShare:
		// 100 if a chosen option is one of the indicator's; else no value
		// if a null-score option was chosen; else 0 when answered.
		q.column(`CASE
    WHEN MAX(CASE WHEN a.question_key IN ? AND a.option_key IN ? THEN 1 ELSE 0 END) = 1 THEN CAST(100 AS DOUBLE PRECISION)
    WHEN MAX(CASE WHEN a.question_key IN ? AND a.null_score THEN 1 ELSE 0 END) = 1 THEN NULL
    WHEN COUNT(CASE WHEN a.question_key IN ? THEN 1 END) > 0 THEN CAST(0 AS DOUBLE PRECISION)
  END`, questions, ind.Options, questions, questions)
	case survey.MethodMeanValue:
		// Only numbers within ±survey.MaxNumber are summed, so that no
		// sum or square can overflow (PostgreSQL fails on a double
		// precision overflow, SQLite gives an infinity). A number beyond
		// can only come from data stored before that range was enforced:
		// its response has no value, and is counted apart so that
		// scoring withholds the indicator's value and says why.
		q.column("AVG(CASE WHEN a.question_key IN ? AND a.number_value BETWEEN ? AND ? THEN a.number_value END)",
			questions, -survey.MaxNumber, survey.MaxNumber)
		q.column("COUNT(CASE WHEN a.question_key IN ? AND NOT (a.number_value BETWEEN ? AND ?) THEN 1 END)",
			questions, -survey.MaxNumber, survey.MaxNumber)
	default: // mean_score: AVG skips the null scores of "don't know"
		q.column("AVG(CASE WHEN a.question_key IN ? THEN a.score END)", questions)
	}
	return first
}

// options adds, for some options of an options breakdown's question, which
// of them the response chose, after, with answering, how many answer rows
// it has for the question; it returns the first column.
func (q *scanQuery) options(question string, keys []string, answering bool) int {
	q.reads(question)
	first := len(q.columns)
	if answering {
		q.column("COUNT(CASE WHEN a.question_key = ? THEN 1 END)", question)
	}
	for _, key := range keys {
		q.column("MAX(CASE WHEN a.question_key = ? AND a.option_key = ? THEN 1 ELSE 0 END)", question, key)
	}
	return first
}

// sql assembles the query, and its arguments with the campaign id's place
// (then come the filter's). Each row starts with the response's shard and
// administration: not its id, a string that every row would copy. Unless
// everyResponse, it joins only the responses that have an answer to a
// question read, so that the database can hash the smaller side;
// aggregate.go counts the others apart (responseCounts): they are missing
// from every measure without `where`, and in nothing else.
func (q *scanQuery) sql() (string, []any) {
	filter := ""
	if q.filter != "" {
		filter = " AND " + q.filter
	}
	shard := shardColumn(q.shard)
	join := "JOIN"
	if q.everyResponse {
		join = "LEFT JOIN"
	}
	return `
SELECT ` + shard + ` AS shard, r.administration_code,
  ` + strings.Join(q.columns, ",\n  ") + `
FROM responses r
` + join + ` answers a ON a.submission_id = r.current_submission_id AND a.question_key IN ?
WHERE r.campaign_id = ? AND r.current_submission_id IS NOT NULL` + filter + `
GROUP BY ` + q.order + `
ORDER BY ` + q.order, append(q.args, q.questions)
}

// orderFor is the grouping of a scan's rows by response, and their order,
// in a dialect: the cheapest fixed one. On SQLite it is the order in which
// the responses index (responses_export) yields them, so that SQLite
// groups and orders the rows as they come, with no sort; on PostgreSQL
// that of the grouping by response (the administration comes with its
// response).
func orderFor(dialect string) string {
	if dialect == "sqlite" {
		return "r.administration_code, r.id"
	}
	return "r.id, r.administration_code"
}
