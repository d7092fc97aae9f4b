package store

import (
	"database/sql"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/survey"
	"github.com/customs-survey/surveyd/tally"
)

// aggregateLimits bound one aggregate query, well inside what both
// databases accept: PostgreSQL takes at most 1664 entries in a select list
// and 65535 parameters in a statement, SQLite at most 2000 columns in a
// result or subquery and 32766 parameters. A document whose aggregate is
// wider is scored by several queries, each over a group of its indicators.
var aggregateLimits = struct {
	columns int // columns of the widest level of one query
	params  int // bound parameters of one query
	options int // options of an options breakdown counted by one part
}{columns: 1000, params: 20000, options: 500}

// aggregate computes, in one scan of a campaign's current submissions per
// group of indicators, the per-administration rows of every indicator of
// doc: its cells, the cells of each question of a questions breakdown, and
// the option counts of an options breakdown (a survey.Tally per indicator).
// It is the full computation, from the answers: surveyd rescore checks the
// cells that submissions keep (score_cells) against it, and builds them
// with scanCells.
func aggregate(db *gorm.DB, campaignID int64, doc *survey.Document) ([]survey.Tally, error) {
	cells, err := scanCells(db, campaignID, doc, scanOptions{})
	if err != nil {
		return nil, err
	}
	return tally.Assemble(doc, mergeShards(cells)), nil
}

// scanOptions say how scanCells groups and which responses it reads.
type scanOptions struct {
	// shard, when not empty, is the SQL of a response's shard (shardSQL):
	// the cells are then per administration and shard, else every cell
	// is in shard 0.
	shard string
	// filter, when not empty, is a condition on the responses (alias r)
	// with its arguments.
	filter     string
	filterArgs []any
}

// scanCells computes the cells of every indicator of doc from a campaign's
// answers, as opts say.
//
// Each query has an inner level with one row per submitted response and,
// per indicator, the columns of step 1 of docs/scoring.md: whether the response
// passes `where` (w), how many answer rows it has for the questions (ans),
// and its respondent value (val). The middle level adds each
// administration's mean (a window function), so that the outer level, which
// sums per administration, can return centred sums of squares. Conditional
// aggregation over one join of responses and answers keeps the cost of
// scoring that of one scan for every document whose columns fit in
// aggregateLimits, which covers any ordinary questionnaire; wider documents
// take one scan per group (plan). The caller runs every query in one
// transaction, so that all groups see the same submissions.
func scanCells(db *gorm.DB, campaignID int64, doc *survey.Document, opts scanOptions) (map[cellKey]survey.Cell, error) {
	cells := map[cellKey]survey.Cell{}
	if len(doc.Indicators) == 0 {
		return cells, nil
	}
	for _, group := range plan(doc) {
		if err := runGroup(db, campaignID, doc, group, opts, cells); err != nil {
			return nil, err
		}
	}
	return cells, nil
}

// mergeShards merges the shards of each cell (tally.Merge).
func mergeShards(cells map[cellKey]survey.Cell) map[tally.Key]survey.Cell {
	out := make(map[tally.Key]survey.Cell, len(cells)/cellShards+1)
	for k, c := range cells {
		if prev, ok := out[k.Key]; ok {
			c = tally.Merge(prev, c)
		}
		out[k.Key] = c
	}
	return out
}

// part is one piece of the aggregate of an indicator: the cells of one
// measure (the indicator itself, or one question of its questions
// breakdown), or the counts of some options of its options breakdown.
type part struct {
	indicator int
	// A measure: question is "" for the indicator itself, else the
	// breakdown's question; questions are those its value is computed
	// over.
	question  string
	questions []string
	// An options part: the question and some of its option keys;
	// answering marks the part that also counts the responses that
	// answered the question.
	optionsOf string
	options   []string
	answering bool
}

// parts lists the pieces of every indicator of doc, in order. An options
// breakdown is cut into parts of at most aggregateLimits.options options,
// so that no single part is wider than a query may be.
func parts(doc *survey.Document) []part {
	var out []part
	for i, ind := range doc.Indicators {
		out = append(out, part{indicator: i, questions: ind.Questions})
		if ind.BreaksDown(survey.BreakdownQuestions) {
			for _, question := range ind.Questions {
				out = append(out, part{indicator: i, question: question, questions: []string{question}})
			}
		}
		if ind.BreaksDown(survey.BreakdownOptions) {
			var keys []string
			for _, o := range doc.OptionsOf(doc.Question(ind.Questions[0])) {
				keys = append(keys, o.Key)
			}
			first := true
			for len(keys) > 0 || first {
				n := min(len(keys), aggregateLimits.options)
				out = append(out, part{indicator: i, optionsOf: ind.Questions[0], options: keys[:n], answering: first})
				keys, first = keys[n:], false
			}
		}
	}
	return out
}

// cost is an upper bound of what a part adds to a query: inner columns
// (window included), outer columns and bound parameters (those of its
// columns, and its questions in the join's list).
func (p part) cost(ind survey.Indicator) (inner, outer, params int) {
	if p.optionsOf != "" {
		inner, outer, params = len(p.options), len(p.options), 2*len(p.options)+1
		if p.answering {
			inner, outer, params = inner+1, outer+1, params+1
		}
		return inner, outer, params
	}
	q := len(p.questions)
	switch ind.Method {
	case survey.MethodShare:
		return 3, measureColumns, 5*q + len(ind.Options)
	case survey.MethodMeanValue:
		return 4, measureColumns + 1, 4*q + 4
	default:
		return 3, measureColumns, 3 * q
	}
}

// whereCost is what an indicator's `where` flag adds to a query that
// holds a part of it: one inner column and its parameters.
func whereCost(ind survey.Indicator) (inner, params int) {
	if ind.Where == nil {
		return 1, 0
	}
	return 1, 2 + len(ind.Where.In)
}

// plan groups the parts of doc, in order, into as few queries as
// aggregateLimits allow. A part never needs more than one query, so every
// document the validator accepts (and any other of sane size) is scored.
func plan(doc *survey.Document) [][]part {
	// costIn is what p adds to a query, with its indicator's `where`
	// flag when the query has no part of that indicator yet.
	costIn := func(p part, flagged map[int]bool) (inner, outer, params int) {
		ind := doc.Indicators[p.indicator]
		inner, outer, params = p.cost(ind)
		if !flagged[p.indicator] {
			wi, wp := whereCost(ind)
			inner, params = inner+wi, params+wp
		}
		return inner, outer, params
	}
	var groups [][]part
	var current []part
	var inner, outer, params int
	flagged := map[int]bool{}
	for _, p := range parts(doc) {
		pi, po, pp := costIn(p, flagged)
		// The middle level has the response id and administration too,
		// the outer one the administration.
		fits := 2+inner+pi <= aggregateLimits.columns && 1+outer+po <= aggregateLimits.columns &&
			params+pp <= aggregateLimits.params
		if !fits && len(current) > 0 {
			groups = append(groups, current)
			current, inner, outer, params, flagged = nil, 0, 0, 0, map[int]bool{}
			pi, po, pp = costIn(p, flagged)
		}
		current = append(current, p)
		flagged[p.indicator] = true
		inner, outer, params = inner+pi, outer+po, params+pp
	}
	if len(current) > 0 {
		groups = append(groups, current)
	}
	return groups
}

// placed is a part with the first outer column of its figures.
type placed struct {
	part
	column int
	oor    bool // a mean_value measure, with the out-of-range count after its five sums
}

// runGroup runs the query of one group of parts and adds its rows to
// cells.
func runGroup(db *gorm.DB, campaignID int64, doc *survey.Document, group []part, opts scanOptions, cells map[cellKey]survey.Cell) error {
	q := scanQuery{shard: opts.shard, filter: opts.filter}
	var placedParts []placed
	flagged := map[int]bool{}
	measures, optionParts := 0, 0
	for _, p := range group {
		ind := doc.Indicators[p.indicator]
		if !flagged[p.indicator] {
			q.where(p.indicator, ind)
			flagged[p.indicator] = true
		}
		if p.optionsOf != "" {
			q.reads(p.optionsOf)
			placedParts = append(placedParts, placed{part: p, column: q.options(p.indicator, optionParts, p.optionsOf, p.options, p.answering)})
			optionParts++
			continue
		}
		q.reads(p.questions...)
		placedParts = append(placedParts, placed{part: p, column: q.measure(p.indicator, measures, ind, p.questions),
			oor: ind.Method == survey.MethodMeanValue})
		measures++
	}

	rows, err := db.Raw(q.sql(), append(append(q.args, campaignID), opts.filterArgs...)...).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	values := make([]sql.NullFloat64, q.columns)
	var key cellKey
	dest := []any{&key.Administration}
	if opts.shard != "" {
		dest = append(dest, &key.shard)
	}
	for i := range values {
		dest = append(dest, &values[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		num := func(col int) float64 { return values[col].Float64 } // NULL sums are 0
		put := func(part string, c survey.Cell) {
			cells[cellKey{tally.Key{Indicator: key.Indicator, Part: part, Administration: key.Administration}, key.shard}] = c
		}
		for _, p := range placedParts {
			key.Indicator = p.indicator
			if p.optionsOf != "" {
				col := p.column
				if p.answering {
					if n := int(num(col)); n > 0 {
						put(tally.Answering, survey.Cell{N: n})
					}
					col++
				}
				for k, option := range p.options {
					if n := int(num(col + k)); n > 0 {
						put(tally.OptionPart(option), survey.Cell{N: n})
					}
				}
				continue
			}
			c := survey.Cell{N: int(num(p.column)), Sum: num(p.column + 1),
				Deviations: num(p.column + 2), Excluded: int(num(p.column + 3)), Missing: int(num(p.column + 4))}
			if p.oor {
				c.OutOfRange = int(num(p.column + 5))
			}
			if c.N+c.Excluded+c.Missing == 0 {
				continue // no response of this administration passes `where`
			}
			part := tally.Measure
			if p.question != "" {
				part = tally.QuestionPart(p.question)
			}
			put(part, c)
		}
	}
	return rows.Err()
}
