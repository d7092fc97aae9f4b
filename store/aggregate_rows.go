// The sums of the aggregate: the rows of a scan (one per response) added
// up per administration and shard.

package store

import (
	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/survey"
	"github.com/customs-survey/surveyd/tally"
)

// placed is a part with the columns of its figures in the scan's rows.
type placed struct {
	part
	where  int  // the column of its indicator's `where` flag, -1 for none
	shown  int  // a measure's shown flag (scanQuery.shown), -1 when its questions are always shown
	column int  // its first column
	oor    bool // a mean_value measure: out-of-range count after the value
}

// unit names the responses whose cells add up together: one
// administration's, in one shard.
type unit struct {
	administration string
	shard          int
}

// responseCounts counts the submitted responses of a campaign per unit,
// each response in its shard (shardSQL; "" for none): those without an
// answer row in a scan are missing from (or not applicable to) each
// measure without `where`.
func responseCounts(db *gorm.DB, campaignID int64, shardOf string) (map[unit]int, error) {
	shard := shardColumn(shardOf)
	rows, err := db.Raw(`SELECT r.administration_code, `+shard+` AS shard, COUNT(*)
FROM responses r WHERE r.campaign_id = ? AND r.current_submission_id IS NOT NULL
GROUP BY r.administration_code, shard`, campaignID).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	counts := map[unit]int{}
	for rows.Next() {
		var u unit
		var n int
		if err := rows.Scan(&u.administration, &u.shard, &n); err != nil {
			return nil, err
		}
		counts[u] = n
	}
	return counts, rows.Err()
}

// runGroup runs the query of one group of parts and adds its figures to
// cells. With counts (the submitted responses per unit, responseCounts)
// the query joins only the responses with an answer to a question it
// reads, and the others are added as unanswered; without, it joins every
// submitted response.
func runGroup(db *gorm.DB, campaignID int64, doc *survey.Document, group []part, opts scanOptions, dialect string,
	counts map[unit]int, cells map[cellKey]survey.Cell) error {
	q := scanQuery{filter: opts.filter, order: orderFor(dialect), shard: opts.shard, everyResponse: counts == nil}
	var placedParts []placed
	flags := map[int]int{}
	for _, p := range group {
		ind := doc.Indicators[p.indicator]
		flag, ok := flags[p.indicator]
		if !ok {
			flag = q.where(ind)
			flags[p.indicator] = flag
		}
		if p.optionsOf != "" {
			placedParts = append(placedParts, placed{part: p, where: flag, shown: -1, column: q.options(p.optionsOf, p.options, p.answering)})
			continue
		}
		shown := -1
		if conditions := doc.ShowConditions(p.questions); conditions != nil {
			shown = q.shown(conditions)
		}
		placedParts = append(placedParts, placed{part: p, where: flag, shown: shown, column: q.measure(ind, p.questions),
			oor: ind.Method == survey.MethodMeanValue})
	}
	text, args := q.sql()
	rows, err := db.Raw(text, append(append(args, campaignID), opts.filterArgs...)...).Rows()
	if err != nil {
		return err
	}
	defer rows.Close()

	sums := map[unit]*unitSums{}
	values := make([]any, len(q.columns))
	var shard int
	var administration string
	dest := []any{&shard, &administration}
	for i := range values {
		dest = append(dest, &values[i])
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		u := unit{administration: administration, shard: shard}
		s := sums[u]
		if s == nil {
			s = newUnitSums(placedParts)
			sums[u] = s
		}
		s.addRow(placedParts, values)
	}
	if err := rows.Err(); err != nil {
		return err
	}
	for u, n := range counts {
		if sums[u] == nil {
			sums[u] = newUnitSums(placedParts)
		}
		sums[u].addUnanswered(placedParts, doc, n-sums[u].responses)
	}
	for u, s := range sums {
		s.put(placedParts, u, cells)
	}
	return nil
}

// unitSums are the figures of one unit's responses for the parts of one
// query: a cell per measure, a count per option (and answering count) of
// an options part, in the parts' order.
type unitSums struct {
	responses int           // rows added
	cells     []survey.Cell // the first of each part is at its slot
	slots     []int
}

func newUnitSums(parts []placed) *unitSums {
	s := &unitSums{slots: make([]int, len(parts))}
	n := 0
	for i, p := range parts {
		s.slots[i] = n
		if p.optionsOf == "" {
			n++
		} else {
			n += len(p.options) + 1 // answering first
		}
	}
	s.cells = make([]survey.Cell, n)
	return s
}

// addRow adds one response's row: for each part of an indicator whose
// `where` it passes, its value (or that it is excluded, missing or not
// applicable) to the
// measure's cell, or the options it chose to their counts.
func (s *unitSums) addRow(parts []placed, values []any) {
	s.responses++
	for i, p := range parts {
		if p.where >= 0 && number(values[p.where]) == 0 {
			continue
		}
		slot := s.slots[i]
		if p.optionsOf != "" {
			col := p.column
			if p.answering {
				if number(values[col]) > 0 {
					s.cells[slot].N++
				}
				col++
			}
			for k := range p.options {
				if number(values[col+k]) > 0 {
					s.cells[slot+1+k].N++
				}
			}
			continue
		}
		var c survey.Cell
		switch {
		case values[p.column+1] != nil:
			c.N, c.Sum = 1, number(values[p.column+1])
		case number(values[p.column]) > 0:
			c.Excluded = 1
		case p.shown >= 0 && number(values[p.shown]) == 0:
			c.NotApplicable = 1
		default:
			c.Missing = 1
		}
		if p.oor && number(values[p.column+2]) > 0 {
			c.OutOfRange = 1
		}
		s.cells[slot] = tally.Merge(s.cells[slot], c)
	}
}

// addUnanswered counts n responses without an answer row in the scan:
// missing from each measure of an indicator without `where` (they pass no
// `where`, since that needs an answer), or not applicable to it when its
// questions are all conditional (the scan reads the questions their
// show_if name, so these responses met none).
func (s *unitSums) addUnanswered(parts []placed, doc *survey.Document, n int) {
	if n <= 0 {
		return
	}
	for i, p := range parts {
		if p.optionsOf != "" || doc.Indicators[p.indicator].Where != nil {
			continue
		}
		if p.shown >= 0 {
			s.cells[s.slots[i]].NotApplicable += n
		} else {
			s.cells[s.slots[i]].Missing += n
		}
	}
}

// put writes the unit's figures into cells: a measure's cell when a
// response passed `where`, a count when not zero.
func (s *unitSums) put(parts []placed, u unit, cells map[cellKey]survey.Cell) {
	key := func(indicator int, part string) cellKey {
		return cellKey{tally.Key{Indicator: indicator, Part: part, Administration: u.administration}, u.shard}
	}
	for i, p := range parts {
		slot := s.slots[i]
		if p.optionsOf != "" {
			if p.answering && s.cells[slot].N > 0 {
				cells[key(p.indicator, tally.Answering)] = s.cells[slot]
			}
			for k, option := range p.options {
				if c := s.cells[slot+1+k]; c.N > 0 {
					cells[key(p.indicator, tally.OptionPart(option))] = c
				}
			}
			continue
		}
		c := s.cells[slot]
		if tally.Counted(c) == 0 {
			continue // no response of this unit passes `where`
		}
		part := tally.Measure
		if p.question != "" {
			part = tally.QuestionPart(p.question)
		}
		cells[key(p.indicator, part)] = c
	}
}

// number is a scanned column as a number: drivers return integers and
// floats (a NULL, or anything else, is 0).
func number(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int64:
		return float64(x)
	case int32:
		return float64(x)
	case float32:
		return float64(x)
	case bool:
		if x {
			return 1
		}
	}
	return 0
}
