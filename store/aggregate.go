package store

import (
	"database/sql"
	"slices"

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
	joins   int // questions joined by one query of the direct sums on SQLite (at most 64 tables)
}{columns: 1000, params: 20000, options: 500, joins: 60}

// aggregate computes, from a campaign's current submissions, the
// per-administration rows of every indicator of doc: its cells, the cells
// of each question of a questions breakdown, and the option counts of an
// options breakdown (a survey.Tally per indicator). It is the full
// computation, from the answers: surveyd rescore checks the cells that
// submissions keep (score_cells) against it, and builds them with
// scanCells. On PostgreSQL its queries run in one read-only transaction
// that sees one snapshot. On SQLite, where every transaction takes the
// write lock (immediate), they run outside one: aggregate serves tests
// and benchmarks, on campaigns that nothing changes meanwhile (the
// service's own full computations, buildCells and recomputeCells, run in
// their transactions).
func aggregate(db *gorm.DB, campaignID int64, doc *survey.Document) ([]survey.Tally, error) {
	var cells map[cellKey]survey.Cell
	scan := func(tx *gorm.DB) (err error) {
		cells, err = scanCells(tx, campaignID, doc, scanOptions{})
		return err
	}
	var err error
	if db.Dialector.Name() == "postgres" {
		err = db.Transaction(scan, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	} else {
		err = scan(db)
	}
	if err != nil {
		return nil, err
	}
	return tally.Assemble(doc, mergeShards(cells)), nil
}

// scanOptions say how scanCells groups and which responses it reads.
type scanOptions struct {
	// shard, when not empty, is the SQL of a response's shard (shardSQL):
	// the cells are then per administration and shard (shardOf), else
	// every cell is in shard 0.
	shard string
	// filter, when not empty, is a condition on the responses (alias r)
	// with its arguments.
	filter     string
	filterArgs []any
	// indicators, when not nil, are the only indicators (by position in
	// the document) whose cells are computed.
	indicators map[int]bool
}

// scanCells computes the cells of every indicator of doc from a campaign's
// answers, as opts say.
//
// Over a whole campaign, a measure whose respondent value is one answer
// row (direct) is summed without grouping the answers by response
// (aggregate_direct.go): on PostgreSQL by one grouped read of the answer
// rows, on SQLite by one row per response with each direct question's
// answer joined. For the others the database does step 1 of
// docs/scoring.md: each query returns one row per submitted response (on PostgreSQL, per
// response with an answer read) with, per indicator, whether the response passes
// `where` and, per measure, how many answer rows it has for the questions
// and its respondent value (aggregate_sql.go). Conditional aggregation
// over one join of responses and answers keeps that to one scan for every
// document whose columns fit in aggregateLimits, which covers any
// ordinary questionnaire; wider documents take one scan per group (plan).
// The sums per administration are made here as the rows stream in
// (addRow): counts, Σ, and the centred sums of squares by adding one value
// at a time to the cell (tally.Merge, Welford's update), without the
// second pass that centring needs in SQL. The service runs every query in
// one transaction, so that all groups see the same submissions; on
// PostgreSQL the transaction's JIT compilation is turned off, since
// compiling the scan's expressions costs more than it saves at any size,
// and so are parallel workers for the scans by response: each would hold
// part of every response's answers, and merging their partial sums per
// response costs more than one process grouping them (the grouped read of
// the direct measures turns them on again for itself).
func scanCells(db *gorm.DB, campaignID int64, doc *survey.Document, opts scanOptions) (map[cellKey]survey.Cell, error) {
	cells := map[cellKey]survey.Cell{}
	if len(doc.Indicators) == 0 {
		return cells, nil
	}
	dialect := db.Dialector.Name()
	if dialect == "postgres" {
		if err := db.Exec("SELECT set_config('jit', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)").Error; err != nil {
			return nil, err
		}
	}
	// Over a whole campaign, PostgreSQL's scans join only the responses
	// with an answer read, and the others are counted apart
	// (responseCounts). SQLite walks the responses in index order and
	// looks their answers up, so an outer join keeps every response in the
	// scan for nothing, and counting them apart would read them twice (a
	// sixth of the time). The few responses of one administration's
	// shard, which a submission recomputes (opts.filter), take the outer
	// join on both databases, direct measures included: one statement
	// instead of three, in the submission's transaction.
	var counts map[unit]int
	directParts, others := []part(nil), parts(doc)
	if opts.indicators != nil {
		others = slices.DeleteFunc(others, func(p part) bool { return !opts.indicators[p.indicator] })
	}
	if opts.filter == "" {
		if dialect == "postgres" {
			var err error
			if counts, err = responseCounts(db, campaignID, opts.shard); err != nil {
				return nil, err
			}
		}
		directParts, others = splitDirect(doc, others)
	}
	if len(directParts) > 0 {
		var err error
		if dialect == "postgres" {
			err = runDirect(db, campaignID, doc, directParts, opts.shard, counts, cells)
		} else {
			err = runDirectJoined(db, campaignID, doc, directParts, opts.shard, cells)
		}
		if err != nil {
			return nil, err
		}
	}
	for _, group := range plan(doc, others) {
		if err := runGroup(db, campaignID, doc, group, opts, dialect, counts, cells); err != nil {
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

// cost is an upper bound of what a part adds to a query: columns and
// bound parameters (those of its columns, and its questions in the join's
// list), with the shown flag of a measure over conditional questions.
func (p part) cost(doc *survey.Document, ind survey.Indicator) (columns, params int) {
	if p.optionsOf == "" {
		if conditions := doc.ShowConditions(p.questions); conditions != nil {
			columns, params = 1, 0
			for _, c := range conditions {
				params += 3 + len(c.In)
			}
		}
	}
	c, n := p.ownCost(ind)
	return columns + c, params + n
}

// ownCost is cost without the shown flag.
func (p part) ownCost(ind survey.Indicator) (columns, params int) {
	if p.optionsOf != "" {
		columns, params = len(p.options), 2*len(p.options)+1
		if p.answering {
			columns, params = columns+1, params+1
		}
		return columns, params
	}
	q := len(p.questions)
	switch ind.Method {
	case survey.MethodShare:
		return 2, 5*q + len(ind.Options)
	case survey.MethodMeanValue:
		return 3, 4*q + 4
	default:
		return 2, 3 * q
	}
}

// whereCost is what an indicator's `where` flag adds to a query that
// holds a part of it: one column and its parameters (none without
// `where`).
func whereCost(ind survey.Indicator) (columns, params int) {
	if ind.Where == nil {
		return 0, 0
	}
	return 1, 2 + len(ind.Where.In)
}

// plan groups parts of doc, in order, into as few queries as
// aggregateLimits allow. A part never needs more than one query, so every
// document the validator accepts (and any other of sane size) is scored.
func plan(doc *survey.Document, all []part) [][]part {
	// costIn is what p adds to a query, with its indicator's `where`
	// flag when the query has no part of that indicator yet.
	costIn := func(p part, flagged map[int]bool) (columns, params int) {
		ind := doc.Indicators[p.indicator]
		columns, params = p.cost(doc, ind)
		if !flagged[p.indicator] {
			wc, wp := whereCost(ind)
			columns, params = columns+wc, params+wp
		}
		return columns, params
	}
	var groups [][]part
	var current []part
	var columns, params int
	flagged := map[int]bool{}
	for _, p := range all {
		pc, pp := costIn(p, flagged)
		// The rows have the response's shard and administration too.
		fits := 2+columns+pc <= aggregateLimits.columns && params+pp <= aggregateLimits.params
		if !fits && len(current) > 0 {
			groups = append(groups, current)
			current, columns, params, flagged = nil, 0, 0, map[int]bool{}
			pc, pp = costIn(p, flagged)
		}
		current = append(current, p)
		flagged[p.indicator] = true
		columns, params = columns+pc, params+pp
	}
	if len(current) > 0 {
		groups = append(groups, current)
	}
	return groups
}
