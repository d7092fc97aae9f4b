// The direct sums of the aggregate: measures whose respondent value is one
// answer row, summed from the answer rows without grouping them by
// response.

package store

import (
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/survey"
	"github.com/customs-survey/surveyd/tally"
)

// direct reports whether a part is a measure that can be summed straight
// from the answer rows: over one question that a response answers with one
// row at most (single choice, number), of an indicator without `where`,
// and shown to every response (no show_if). A response's value is then its
// one answer row's, and a response without a row is missing: no grouping
// by response is needed, which costs PostgreSQL a sort of every answer
// (runDirect) and SQLite the finishing of every aggregate at every
// response (runDirectJoined). Both take this path over a whole campaign
// (scanCells).
func direct(doc *survey.Document, p part) bool {
	if p.optionsOf != "" || len(p.questions) != 1 || doc.Indicators[p.indicator].Where != nil {
		return false
	}
	q := doc.Question(p.questions[0])
	return q != nil && q.ShowIf == nil && (q.Type == survey.TypeSingleChoice || q.Type == survey.TypeNumber)
}

// splitDirect separates the parts summed directly from the others, each in
// order.
func splitDirect(doc *survey.Document, all []part) (directParts, others []part) {
	for _, p := range all {
		if direct(doc, p) {
			directParts = append(directParts, p)
		} else {
			others = append(others, p)
		}
	}
	return directParts, others
}

// directQuestions lists the questions of direct parts in order, and the
// parts (by position) of each.
func directQuestions(parts []part) (questions []string, byQuestion map[string][]int) {
	byQuestion = map[string][]int{}
	for i, p := range parts {
		q := p.questions[0]
		if _, ok := byQuestion[q]; !ok {
			questions = append(questions, q)
		}
		byQuestion[q] = append(byQuestion[q], i)
	}
	return questions, byQuestion
}

// putDirect puts a direct part's cell of a unit in cells, unless it
// counts no response.
func putDirect(cells map[cellKey]survey.Cell, p part, u unit, c survey.Cell) {
	if tally.Counted(c) == 0 {
		return
	}
	part := tally.Measure
	if p.question != "" {
		part = tally.QuestionPart(p.question)
	}
	cells[cellKey{tally.Key{Indicator: p.indicator, Part: part, Administration: u.administration}, u.shard}] = c
}

// runDirect sums the direct parts on PostgreSQL with one grouped read of their
// questions' answer rows and adds their cells to cells. The database counts
// the rows per unit and distinct answer (question, option, number): a few
// groups per administration. An option's answer rows all carry its score
// (the questionnaire version is fixed), so the group's is theirs. Each
// group's respondent value is the definition's (tally.Value, which the
// submissions use), and the cell is made from the groups in two
// passes: n and Σ, then Σ count·(value − mean)², exact without any
// update formula. A unit's responses without a row are missing. It reads
// a whole campaign, each response in its shard (shardSQL; "" for none).
func runDirect(db *gorm.DB, campaignID int64, doc *survey.Document, parts []part, shardOf string,
	counts map[unit]int, cells map[cellKey]survey.Cell) error {
	questions, byQuestion := directQuestions(parts)
	shard := shardColumn(shardOf)
	// The groups are few (administrations × answers), but the planner
	// cannot know it and sorts millions of answer rows to group them:
	// a hash of the groups is the plan, for this query alone. And the
	// server's parallel workers, which scanCells turns off for the
	// scan by response, are on again: each hashes its share of the
	// answer rows into the same few groups, cheap to merge (at
	// 1,000,000 responses, 3.2–3.5 s instead of 5.6–5.7 s, against
	// 2.7–3.2 s for the plain scan). Only over a whole campaign:
	// scanCells does not take this way for one administration's shard,
	// which a submission recomputes while it holds its cells.
	for _, setting := range []string{"SET LOCAL enable_sort = off", "SET LOCAL max_parallel_workers_per_gather TO DEFAULT"} {
		if err := db.Exec(setting).Error; err != nil {
			return err
		}
	}
	defer db.Exec("SET LOCAL enable_sort = on")
	defer db.Exec("SET LOCAL max_parallel_workers_per_gather = 0")
	rows, err := db.Raw(`
SELECT r.administration_code, `+shard+` AS shard, a.question_key, a.option_key, MAX(a.score), BOOL_OR(a.null_score),
  a.number_value, COUNT(*)
FROM responses r
JOIN answers a ON a.submission_id = r.current_submission_id AND a.question_key IN ?
WHERE r.campaign_id = ? AND r.current_submission_id IS NOT NULL
GROUP BY r.administration_code, shard, a.question_key, a.option_key, a.number_value`,
		questions, campaignID).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()

	// values holds, per unit and part, each distinct value with its count.
	type counted struct {
		value float64
		n     int
	}
	type sums struct {
		cells  []survey.Cell
		values [][]counted
	}
	byUnit := map[unit]*sums{}
	for rows.Next() {
		var u unit
		var row survey.AnswerRow
		var n int
		if err := rows.Scan(&u.administration, &u.shard, &row.Question, &row.Option, &row.Score, &row.NullScore, &row.Number, &n); err != nil {
			return err
		}
		s := byUnit[u]
		if s == nil {
			s = &sums{cells: make([]survey.Cell, len(parts)), values: make([][]counted, len(parts))}
			byUnit[u] = s
		}
		one := []survey.AnswerRow{row}
		for _, i := range byQuestion[row.Question] {
			p := parts[i]
			v, _, beyond := tally.Value(doc.Indicators[p.indicator], p.questions, one)
			c := &s.cells[i]
			if v != nil {
				c.N += n
				c.Sum += float64(n) * *v
				s.values[i] = append(s.values[i], counted{*v, n})
			} else {
				c.Excluded += n
			}
			if beyond {
				c.OutOfRange += n
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for u, n := range counts {
		s := byUnit[u]
		if s == nil {
			s = &sums{cells: make([]survey.Cell, len(parts)), values: make([][]counted, len(parts))}
		}
		for i, p := range parts {
			c := s.cells[i]
			c.Missing = n - c.N - c.Excluded
			if c.N > 0 {
				mean := c.Sum / float64(c.N)
				for _, v := range s.values[i] {
					c.Deviations += float64(v.n) * (v.value - mean) * (v.value - mean)
				}
			}
			putDirect(cells, p, u, c)
		}
	}
	return nil
}

// runDirectJoined sums the direct parts on SQLite: one row per submitted
// response, in the scan's fixed order (orderFor), with each direct
// question's answer row joined by its own lookup in answers_submission
// (a response has one at most, so no join multiplies a response's row) and
// no grouping. SQLite groups by sorting, or, in the scan by response, by
// finishing every aggregate of every column at each of the responses; a
// join per question costs it one index lookup per question and response,
// as the scan's join does, and nothing more (at 100,000 responses, about
// three quarters of the scan's time). Each response's value is the
// definition's (tally.Value, which the submissions use), added to its
// unit's cell one at a time (tally.Merge), as the scan by response adds
// its rows. A response without an answer row is missing; one with two
// rows for a question (which validation never lets through) counts once,
// with the first. SQLite joins at most 64 tables in one statement: a
// document with more direct questions takes one query per
// aggregateLimits.joins of them.
func runDirectJoined(db *gorm.DB, campaignID int64, doc *survey.Document, parts []part, shardOf string,
	cells map[cellKey]survey.Cell) error {
	questions, byQuestion := directQuestions(parts)
	for len(questions) > 0 {
		n := min(len(questions), aggregateLimits.joins)
		if err := joinDirect(db, campaignID, doc, parts, questions[:n], byQuestion, shardOf, cells); err != nil {
			return err
		}
		questions = questions[n:]
	}
	return nil
}

// joinDirect runs one query of runDirectJoined, over some direct
// questions, and adds the cells of their parts to cells.
func joinDirect(db *gorm.DB, campaignID int64, doc *survey.Document, parts []part, questions []string,
	byQuestion map[string][]int, shardOf string, cells map[cellKey]survey.Cell) error {
	shard := shardColumn(shardOf)
	// Per question: whether it has a row (null_score is never NULL in a
	// row), and what the values of its parts read: a choice's score, or
	// its option too for a share; a number.
	type read struct {
		question string
		number   bool // number_value, else score
		option   bool // option_key too
		first    int  // its first column
	}
	var columns, joins []string
	var args []any
	var reads []read
	for i, key := range questions {
		r := read{question: key, number: doc.Question(key).Type == survey.TypeNumber, first: len(columns)}
		alias := fmt.Sprintf("a%d", i)
		columns = append(columns, alias+".null_score")
		if r.number {
			columns = append(columns, alias+".number_value")
		} else {
			columns = append(columns, alias+".score")
			for _, p := range byQuestion[key] {
				r.option = r.option || doc.Indicators[parts[p].indicator].Method == survey.MethodShare
			}
			if r.option {
				columns = append(columns, alias+".option_key")
			}
		}
		joins = append(joins, fmt.Sprintf("LEFT JOIN answers %[1]s ON %[1]s.submission_id = r.current_submission_id AND %[1]s.question_key = ?", alias))
		args = append(args, key)
		reads = append(reads, r)
	}
	rows, err := db.Raw(`
SELECT r.rowid, `+shard+` AS shard, r.administration_code,
  `+strings.Join(columns, ", ")+`
FROM responses r
`+strings.Join(joins, "\n")+`
WHERE r.campaign_id = ? AND r.current_submission_id IS NOT NULL
ORDER BY `+orderFor("sqlite"), append(args, campaignID)...).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()

	values := make([]any, len(columns))
	var u unit
	var rowid, last int64 = 0, -1
	dest := []any{&rowid, &u.shard, &u.administration}
	for i := range values {
		dest = append(dest, &values[i])
	}
	byUnit := map[unit][]survey.Cell{}
	one := make([]survey.AnswerRow, 1)
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		if rowid == last {
			// A second answer row to a direct question, which
			// validation never lets through: the response counts
			// once, with the first.
			continue
		}
		last = rowid
		sums := byUnit[u]
		if sums == nil {
			sums = make([]survey.Cell, len(parts))
			byUnit[u] = sums
		}
		for _, r := range reads {
			answered := values[r.first] != nil
			if answered {
				one[0] = survey.AnswerRow{Question: r.question, NullScore: number(values[r.first]) != 0}
				v := values[r.first+1]
				if v != nil {
					x := number(v)
					if r.number {
						one[0].Number = &x
					} else {
						one[0].Score = &x
					}
				}
				if r.option {
					switch o := values[r.first+2].(type) {
					case string:
						one[0].Option = &o
					case []byte:
						key := string(o)
						one[0].Option = &key
					}
				}
			}
			for _, i := range byQuestion[r.question] {
				var c survey.Cell
				if !answered {
					c.Missing = 1
				} else {
					v, _, beyond := tally.Value(doc.Indicators[parts[i].indicator], parts[i].questions, one)
					if v != nil {
						c.N, c.Sum = 1, *v
					} else {
						c.Excluded = 1
					}
					if beyond {
						c.OutOfRange = 1
					}
				}
				sums[i] = tally.Merge(sums[i], c)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for u, sums := range byUnit {
		for i, p := range parts {
			putDirect(cells, p, u, sums[i])
		}
	}
	return nil
}
