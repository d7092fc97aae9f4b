// The score cells a submission keeps up to date (migration 0012,
// docs/scoring.md "Where the numbers come from").

package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/migrations"
	"github.com/customs-survey/surveyd/survey"
	"github.com/customs-survey/surveyd/tally"
)

// cellShards is the number of rows a cell is spread over, by a hash of the
// response id (shardOf): submissions of one administration's respondents
// write different rows, so that on PostgreSQL they wait for each other
// only when their responses share a shard. Reading the scores merges the
// shards, so more shards cost the read what they save the writes.
const cellShards = 16

// coverageIndicator and coveragePart name the cell that counts the
// submitted responses of an administration (its N), for the coverage.
const (
	coverageIndicator = -1
	coveragePart      = "responses"
)

// shardWeights weigh the codes of the last characters of a response id,
// last first, in shardOf and shardSQL, which must agree.
var shardWeights = []int{1, 3, 5, 7}

// shardOf is the shard of a response: a weighted sum of the codes of the
// last four characters of its id (padded with '_'), modulo cellShards. It
// is computed in SQL too (shardSQL), for the cells built from the answers.
func shardOf(responseID string) int {
	r := []rune(strings.Repeat("_", len(shardWeights)) + responseID)
	sum := 0
	for k, w := range shardWeights {
		sum += w * int(r[len(r)-1-k])
	}
	return sum % cellShards
}

// shardColumn is the SQL of the shard column of a scan's rows: shard (a
// response's shard, shardSQL), or 0 when shard is "" (no shards).
func shardColumn(shard string) string {
	if shard == "" {
		return "0"
	}
	return shard
}

// shardSQL is shardOf in the dialect's SQL, over the column id.
func shardSQL(dialect, id string) string {
	padded := "('" + strings.Repeat("_", len(shardWeights)) + "' || " + id + ")"
	var terms []string
	for k, w := range shardWeights {
		code := "unicode(substr(" + padded + ", -" + strconv.Itoa(k+1) + ", 1))"
		if dialect == migrations.Postgres {
			code = "ascii(right(" + padded + ", " + strconv.Itoa(k+1) + "))"
		}
		terms = append(terms, strconv.Itoa(w)+" * "+code)
	}
	return "((" + strings.Join(terms, " + ") + ") % " + strconv.Itoa(cellShards) + ")"
}

// cellKey names one stored row of a cell.
type cellKey struct {
	tally.Key
	shard int
}

// cellChange is what one change of a response does to one row of a cell:
// counts to add (negative to take away) and, for a measure, the
// respondent value it adds and the one it takes away (nil for none).
type cellChange struct {
	cellKey
	n, excluded, missing, notApplicable, outOfRange int
	added, dropped                                  *float64
}

// cellChanges is what replacing a response's submission with rows before
// (nil for its first submission) by rows after does to the cells of doc,
// in a fixed order (indicator, part, administration, shard), leaving out
// the cells it does not change. Both submissions are the same response's,
// so they fall in the same administration and shard.
func cellChanges(doc *survey.Document, responseID, administration string, before, after []survey.AnswerRow, first bool) []cellChange {
	shard := shardOf(responseID)
	byKey := map[tally.Key]*cellChange{}
	var order []tally.Key
	apply := func(e tally.Entry, sign int) {
		k := tally.Key{Indicator: e.Indicator, Part: e.Part, Administration: administration}
		c := byKey[k]
		if c == nil {
			c = &cellChange{cellKey: cellKey{k, shard}}
			byKey[k] = c
			order = append(order, k)
		}
		c.n += sign * e.Cell.N
		c.excluded += sign * e.Cell.Excluded
		c.missing += sign * e.Cell.Missing
		c.notApplicable += sign * e.Cell.NotApplicable
		c.outOfRange += sign * e.Cell.OutOfRange
		if e.Cell.N == 1 && tally.IsMeasure(e.Part) {
			v := e.Cell.Sum
			if sign > 0 {
				c.added = &v
			} else {
				c.dropped = &v
			}
		}
	}
	if !first {
		for _, e := range tally.Contribution(doc, before) {
			apply(e, -1)
		}
	} else {
		apply(tally.Entry{Indicator: coverageIndicator, Part: coveragePart, Cell: survey.Cell{N: 1}}, 1)
	}
	for _, e := range tally.Contribution(doc, after) {
		apply(e, 1)
	}
	slices.SortFunc(order, tally.Compare)
	out := make([]cellChange, 0, len(order))
	for _, k := range order {
		c := byKey[k]
		same := c.added == nil && c.dropped == nil || c.added != nil && c.dropped != nil && *c.added == *c.dropped
		if c.n == 0 && c.excluded == 0 && c.missing == 0 && c.notApplicable == 0 && c.outOfRange == 0 && same {
			continue // an amendment that leaves this cell as it was
		}
		out = append(out, *c)
	}
	return out
}

// cellColumns are the columns of score_cells a change writes.
const cellColumns = "campaign_id, indicator, part, administration_code, shard, n, total, deviations, " +
	"n_excluded, n_missing, n_not_applicable, n_out_of_range, total_error, deviations_error, added, dropped"

// cellsPerStatement bounds the rows of one SQLite upsert (14 parameters
// each), well inside its limit on parameters; only a questionnaire far
// wider than the programme's needs more than one statement.
const cellsPerStatement = 1000

// cellInsert is the statement that adds changes to a campaign's cells, and
// its arguments, in the store's dialect. On PostgreSQL the changes go as
// one array per column, unnested: the statement's text is the same
// whatever the number of changes, so each connection prepares and plans
// it once (a VALUES list of one row per change was a new statement, parsed
// and planned again, at almost every submission). SQLite gets a VALUES
// list of at most cellsPerStatement rows.
func (s *Store) cellInsert(campaignID int64, changes []cellChange) (string, []any) {
	total := func(c cellChange) float64 {
		t := 0.0
		if c.added != nil {
			t += *c.added
		}
		if c.dropped != nil {
			t -= *c.dropped
		}
		return t
	}
	if s.dialect == migrations.Postgres {
		var (
			indicators, shards, ns, excluded, missing, notApplicable, outOfRange []int
			parts, administrations                                               []string
			totals                                                               []float64
			added, dropped                                                       []*float64
		)
		for _, c := range changes {
			indicators, shards, ns = append(indicators, c.Indicator), append(shards, c.shard), append(ns, c.n)
			excluded, missing = append(excluded, c.excluded), append(missing, c.missing)
			notApplicable, outOfRange = append(notApplicable, c.notApplicable), append(outOfRange, c.outOfRange)
			parts, administrations = append(parts, c.Part), append(administrations, c.Administration)
			totals, added, dropped = append(totals, total(c)), append(added, c.added), append(dropped, c.dropped)
		}
		return cellsFromArrays(1, 2, "") + s.upsert,
			[]any{campaignID, indicators, parts, administrations, shards, ns, totals, excluded, missing, notApplicable,
				outOfRange, added, dropped}
	}
	var values strings.Builder
	args := make([]any, 0, 14*len(changes))
	for i, c := range changes {
		if i > 0 {
			values.WriteString(", ")
		}
		values.WriteString("(?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, 0, 0, ?, ?)")
		args = append(args, campaignID, c.Indicator, c.Part, c.Administration, c.shard, c.n, total(c),
			c.excluded, c.missing, c.notApplicable, c.outOfRange, c.added, c.dropped)
	}
	return "INSERT INTO score_cells (" + cellColumns + ") VALUES " + values.String() + s.upsert, args
}

// cellsFromArrays is the INSERT of score cells on PostgreSQL, without its
// ON CONFLICT clause: the campaign's id is parameter campaign, the
// columns of the changes (cellInsert's arrays, one per column) the twelve
// parameters from first on, and where, when not empty, the condition on
// which they are inserted.
func cellsFromArrays(campaign, first int, where string) string {
	p := func(i int) string { return "$" + strconv.Itoa(first+i) }
	if where != "" {
		where = "\nWHERE " + where
	}
	return `INSERT INTO score_cells (` + cellColumns + `)
SELECT $` + strconv.Itoa(campaign) + `::bigint, u.indicator, u.part, u.administration_code, u.shard, u.n, u.total, 0,
  u.n_excluded, u.n_missing, u.n_not_applicable, u.n_out_of_range, 0, 0, u.added, u.dropped
FROM unnest(` + p(0) + `::integer[], ` + p(1) + `::text[], ` + p(2) + `::text[], ` + p(3) + `::integer[], ` + p(4) +
		`::integer[], ` + p(5) + `::double precision[],
  ` + p(6) + `::integer[], ` + p(7) + `::integer[], ` + p(8) + `::integer[], ` + p(9) + `::integer[], ` + p(10) +
		`::double precision[], ` + p(11) + `::double precision[])
  WITH ORDINALITY AS u (indicator, part, administration_code, shard, n, total, n_excluded, n_missing,
  n_not_applicable, n_out_of_range, added, dropped, position)` + where + `
ORDER BY u.position`
}

// querier runs a statement that returns rows, and execer one that does
// not: a transaction of database/sql, or the connection of a GORM
// transaction (its Statement.ConnPool), for the statements of the
// submissions that GORM's reflection would slow down.
type querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// addCellChanges applies the changes of one response to a campaign's
// cells (cellInsert, with cellUpsert's ON CONFLICT clause), in the
// changes' order, so that concurrent submissions lock the rows they share
// in the same order and never deadlock. It returns the cells whose bound
// on rounding error has grown past 1e-10 of their value (the update says
// so), which the caller must compute again from the answers.
func (s *Store) addCellChanges(ctx context.Context, q querier, campaignID int64, changes []cellChange) ([]tally.Key, error) {
	var stale []tally.Key
	for rest := changes; len(rest) > 0; {
		n := len(rest)
		if s.dialect != migrations.Postgres {
			n = min(n, cellsPerStatement)
		}
		query, args := s.cellInsert(campaignID, rest[:n])
		rows, err := q.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var k tally.Key
			var again int
			if err := rows.Scan(&k.Indicator, &k.Part, &k.Administration, &again); err != nil {
				rows.Close()
				return nil, err
			}
			if again == 1 {
				stale = append(stale, k)
			}
		}
		if err := errors.Join(rows.Err(), rows.Close()); err != nil {
			return nil, err
		}
		rest = rest[n:]
	}
	return stale, nil
}

// writeCellChanges applies the changes of one response to a campaign's
// cells in the transaction tx (addCellChanges), and computes again from
// the answers any cell whose bound on rounding error has grown too large
// (recomputeCells).
func (s *Store) writeCellChanges(tx *gorm.DB, campaignID int64, doc *survey.Document, changes []cellChange) error {
	stale, err := s.addCellChanges(tx.Statement.Context, tx.Statement.ConnPool, campaignID, changes)
	if err != nil || len(stale) == 0 {
		return err
	}
	return s.recomputeCells(tx, campaignID, doc, changes[0].shard, stale)
}

// roundingUnit is a generous unit roundoff of float64 (2^-52, twice the
// true one), the rate at which cellUpsert's error bounds grow.
const roundingUnit = "2.220446049250313e-16"

// cellUpsert is the ON CONFLICT clause of writeCellChanges. Counts add up.
// The centred sum of squares is updated around the row's current mean μ:
// with a the value added and r the value taken away (either may be
// absent), d1 = (a − μ) − (r − μ) and d2 = (a − μ)² − (r − μ)², the new
// centred sum over the n' values is deviations + d2 − d1²/n' (Chan's
// formula for one value in and one out; a value added alone gives the
// familiar (a − μ)²·n/(n+1)). Every term is a distance from the mean,
// never a raw square, so that values far from 0 do not cancel. A cell
// left without values gets exact zeros, whatever rounding left behind, and
// so does the centred sum of a cell left with one value; when that value
// is the one just added, the total is that value, exactly, and both error
// bounds start again from zero (most cells of a shard hold one or two
// responses, so an amendment would otherwise often push a bound past its
// limit and cost a recomputation from the answers).
//
// Taking a value away can still cancel: the centred sum that remained
// when a value far from the others leaves is small beside the term taken
// away, and float64 rounding of that term (about 1e-16 of it) may then be
// large beside the result. So each row keeps a bound on the error its
// updates have accumulated: a few units of rounding of every term each
// update adds to total and deviations, and for deviations the effect of
// the error of μ. The statement returns, for each row, whether a bound has
// passed 1e-10 of its figure (or 1e-10, for a figure below 1); the caller
// then computes that cell again from the answers.
func cellUpsert(dialect string) string {
	greatest := "MAX"
	if dialect == migrations.Postgres {
		greatest = "GREATEST"
	}
	const (
		eps    = roundingUnit
		n0     = "score_cells.n"
		t0     = "score_cells.total"
		mean   = "(CASE WHEN " + n0 + " <> 0 THEN " + t0 + " / " + n0 + " ELSE 0 END)"
		n      = "(" + n0 + " + excluded.n)"
		added  = "(excluded.added - " + mean + ")"
		taken  = "(excluded.dropped - " + mean + ")"
		absA   = "COALESCE(ABS(" + added + "), 0)"
		absR   = "COALESCE(ABS(" + taken + "), 0)"
		d1     = "(COALESCE(" + added + ", 0) - COALESCE(" + taken + ", 0))"
		d2     = "(COALESCE(" + added + " * " + added + ", 0) - COALESCE(" + taken + " * " + taken + ", 0))"
		values = "(COALESCE(ABS(excluded.added), 0) + COALESCE(ABS(excluded.dropped), 0))"
		// meanError bounds the error of μ and of each distance from it.
		meanError = "((CASE WHEN " + n0 + " <> 0 THEN (score_cells.total_error + " + eps + " * ABS(" + t0 + ")) / ABS(" + n0 + ") ELSE 0 END) + " +
			eps + " * (ABS(" + mean + ") + " + values + "))"
		// alone: the one value left is the one just added (to an empty
		// cell, or in place of the only one), known exactly.
		alone  = "(" + n + " = 1 AND excluded.added IS NOT NULL)"
		update = ` ON CONFLICT (campaign_id, indicator, part, administration_code, shard) DO UPDATE SET
  n = ` + n + `,
  total = CASE WHEN ` + n + ` = 0 THEN 0 WHEN ` + alone + ` THEN excluded.added ELSE ` + t0 + ` + excluded.total END,
  deviations = CASE WHEN ` + n + ` <= 1 THEN 0 ELSE GREATEST(0, score_cells.deviations + ` + d2 + ` - ` + d1 + ` * ` + d1 + ` / ` + n + `) END,
  n_excluded = score_cells.n_excluded + excluded.n_excluded,
  n_missing = score_cells.n_missing + excluded.n_missing,
  n_not_applicable = score_cells.n_not_applicable + excluded.n_not_applicable,
  n_out_of_range = score_cells.n_out_of_range + excluded.n_out_of_range,
  total_error = CASE WHEN ` + n + ` = 0 OR ` + alone + ` THEN 0 ELSE score_cells.total_error + ` + eps + ` * 2 * (ABS(` + t0 + `) + ` + values + `) END,
  deviations_error = CASE WHEN ` + n + ` <= 1 THEN 0 ELSE score_cells.deviations_error
    + 8 * ` + eps + ` * (score_cells.deviations + ` + absA + ` * ` + absA + ` + ` + absR + ` * ` + absR + ` + ` + d1 + ` * ` + d1 + ` / ` + n + `)
    + 4 * ` + meanError + ` * (` + absA + ` + ` + absR + ` + ` + meanError + `) END,
  added = excluded.added,
  dropped = excluded.dropped
RETURNING indicator, part, administration_code,
  CASE WHEN total_error > 1e-10 * GREATEST(1, ABS(total)) OR deviations_error > 1e-10 * GREATEST(1, deviations) THEN 1 ELSE 0 END`
	)
	return strings.ReplaceAll(update, "GREATEST", greatest)
}

// recomputeCells computes some cells of one shard of an administration
// again from the answers (the aggregate scan of their indicators alone,
// over that shard's responses alone) and writes them with their error
// bounds back at zero. The rows are those the caller's upsert has just
// written, so it holds their locks: a concurrent submission that shares
// them waits, and is added on top.
func (s *Store) recomputeCells(tx *gorm.DB, campaignID int64, doc *survey.Document, shard int, keys []tally.Key) error {
	shardExpr := shardSQL(s.dialect, "r.id")
	indicators := map[int]bool{}
	for _, k := range keys {
		indicators[k.Indicator] = true
	}
	cells, err := scanCells(tx, campaignID, doc, scanOptions{indicators: indicators,
		filter: "r.administration_code = ? AND " + shardExpr + " = ?", filterArgs: []any{keys[0].Administration, shard}})
	if err != nil {
		return err
	}
	ctx, conn := tx.Statement.Context, tx.Statement.ConnPool
	if s.dialect == migrations.Postgres {
		// One statement, whatever the number of cells.
		var (
			indicators, ns, excluded, missing, notApplicable, outOfRange []int
			parts, administrations                                       []string
			totals, deviations                                           []float64
		)
		for _, k := range keys {
			c := cells[cellKey{k, 0}]
			indicators, parts, administrations = append(indicators, k.Indicator), append(parts, k.Part), append(administrations, k.Administration)
			ns, totals, deviations = append(ns, c.N), append(totals, c.Sum), append(deviations, c.Deviations)
			excluded, missing = append(excluded, c.Excluded), append(missing, c.Missing)
			notApplicable, outOfRange = append(notApplicable, c.NotApplicable), append(outOfRange, c.OutOfRange)
		}
		_, err := conn.ExecContext(ctx, `UPDATE score_cells c SET n = u.n, total = u.total, deviations = u.deviations,
  n_excluded = u.n_excluded, n_missing = u.n_missing, n_not_applicable = u.n_not_applicable, n_out_of_range = u.n_out_of_range,
  total_error = 0, deviations_error = 0
FROM unnest($3::integer[], $4::text[], $5::text[], $6::integer[], $7::double precision[], $8::double precision[],
  $9::integer[], $10::integer[], $11::integer[], $12::integer[])
  AS u (indicator, part, administration_code, n, total, deviations, n_excluded, n_missing, n_not_applicable, n_out_of_range)
WHERE c.campaign_id = $1 AND c.shard = $2 AND c.indicator = u.indicator AND c.part = u.part
  AND c.administration_code = u.administration_code`,
			campaignID, shard, indicators, parts, administrations, ns, totals, deviations, excluded, missing, notApplicable, outOfRange)
		return err
	}
	for _, k := range keys {
		c := cells[cellKey{k, 0}]
		if _, err := conn.ExecContext(ctx, `UPDATE score_cells SET n = ?, total = ?, deviations = ?, n_excluded = ?, n_missing = ?,
  n_not_applicable = ?, n_out_of_range = ?, total_error = 0, deviations_error = 0
WHERE campaign_id = ? AND indicator = ? AND part = ? AND administration_code = ? AND shard = ?`,
			c.N, c.Sum, c.Deviations, c.Excluded, c.Missing, c.NotApplicable, c.OutOfRange,
			campaignID, k.Indicator, k.Part, k.Administration, shard); err != nil {
			return err
		}
	}
	return nil
}

// submissionRows reads the answer rows of a stored submission, as scoring
// reads them (without GORM's reflection: every amendment reads them).
func (s *Store) submissionRows(ctx context.Context, q querier, submissionID string) ([]survey.AnswerRow, error) {
	rows, err := q.QueryContext(ctx, s.rebind(
		"SELECT question_key, option_key, score, null_score, number_value FROM answers WHERE submission_id = ? ORDER BY id"), submissionID)
	if err != nil {
		return nil, err
	}
	var out []survey.AnswerRow
	for rows.Next() {
		var r survey.AnswerRow
		if err := rows.Scan(&r.Question, &r.Option, &r.Score, &r.NullScore, &r.Number); err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	return out, errors.Join(rows.Err(), rows.Close())
}
