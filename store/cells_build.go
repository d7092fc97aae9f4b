// Building a campaign's score cells from its answers, reading them, and
// checking them (surveyd rescore).

package store

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/survey"
	"github.com/customs-survey/surveyd/tally"
)

// cellRow is one stored row of score_cells.
type cellRow struct {
	CampaignID         int64
	Indicator          int
	Part               string
	AdministrationCode string
	Shard              int
	N                  int
	Total              float64
	Deviations         float64
	NExcluded          int
	NMissing           int
	NNotApplicable     int
	NOutOfRange        int
	TotalError         float64 // bounds of rounding error, 0 when built
	DeviationsError    float64
}

func (cellRow) TableName() string { return "score_cells" }

// unbuiltRow names a campaign whose cells are not built yet (submissions
// stored before the cells existed).
type unbuiltRow struct {
	CampaignID int64 `gorm:"primaryKey"`
}

func (unbuiltRow) TableName() string { return "score_cells_unbuilt" }

// errCellsNotBuilt says that a campaign's cells must be built before they
// are read.
type errCellsNotBuilt struct{ campaignID int64 }

func (e errCellsNotBuilt) Error() string {
	return fmt.Sprintf("the score cells of campaign %d are not built", e.campaignID)
}

// cellsBuilt reports whether a campaign's cells are built: kept by every
// submission since the campaign was created, or built from its answers
// since.
func cellsBuilt(db *gorm.DB, row campaignRow) (bool, error) {
	var n int64
	err := db.Model(&unbuiltRow{}).Where("campaign_id = ?", row.ID).Count(&n).Error
	return n == 0, err
}

// readCells reads a campaign's stored cells, shards apart.
func readCells(db *gorm.DB, campaignID int64) (map[cellKey]survey.Cell, error) {
	var rows []cellRow
	if err := db.Where("campaign_id = ?", campaignID).Find(&rows).Error; err != nil {
		return nil, err
	}
	cells := make(map[cellKey]survey.Cell, len(rows))
	for _, r := range rows {
		cells[cellKey{tally.Key{Indicator: r.Indicator, Part: r.Part, Administration: r.AdministrationCode}, r.Shard}] =
			survey.Cell{N: r.N, Sum: r.Total, Deviations: r.Deviations, Excluded: r.NExcluded, Missing: r.NMissing,
				NotApplicable: r.NNotApplicable, OutOfRange: r.NOutOfRange}
	}
	return cells, nil
}

// RebuildCells builds a campaign's score cells from its answers with the
// full computation (the aggregate scan, by administration and shard) and
// the count of its submitted responses, replacing the cells stored, and
// returns what differed between the stored cells and the built ones, one
// line per cell (none when they agreed within rounding, 1e-9 relative).
// A campaign whose cells had never been built says so in one line. Scoring
// a campaign does the same, once, when its cells are not built; surveyd
// rescore does it on demand, as a check and a repair.
//
// On PostgreSQL the campaign's row is locked for update, so that the
// build waits for the submissions under way (which hold a share lock on
// it) and the submissions that come next wait for the build: every
// submission is either in the answers the build reads or added to the
// cells after it. SQLite's write lock does the same.
// Errors: ErrNotFound.
func (s *Store) RebuildCells(ctx context.Context, key string) ([]string, error) {
	var diffs []string
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		row, err := s.campaignRow(tx, survey.Everything, key)
		if err != nil {
			return err
		}
		diffs, err = s.buildCells(tx, row)
		return err
	})
	return diffs, s.translate(ctx, "rebuild score cells", err)
}

// buildCellsOf builds the cells of the campaign with this id, for scoring.
func (s *Store) buildCellsOf(ctx context.Context, campaignID int64) error {
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var row campaignRow
		if err := tx.Where("id = ?", campaignID).Take(&row).Error; err != nil {
			return err
		}
		_, err := s.buildCells(tx, row)
		return err
	})
	return err
}

// buildCells is RebuildCells inside its transaction.
func (s *Store) buildCells(tx *gorm.DB, row campaignRow) ([]string, error) {
	if err := s.forUpdate(tx).Select("id").Where("id = ?", row.ID).Take(&campaignRow{}).Error; err != nil {
		return nil, err
	}
	q, err := s.questionnaireOf(tx, row)
	if err != nil {
		return nil, err
	}
	built, err := cellsBuilt(tx, row)
	if err != nil {
		return nil, err
	}
	stored, err := readCells(tx, row.ID)
	if err != nil {
		return nil, err
	}
	var cells map[cellKey]survey.Cell
	if err := s.whileMapped(tx, func() (err error) {
		cells, err = scanCells(tx, row.ID, q.Document, scanOptions{shard: shardSQL(s.dialect, "r.id")})
		return err
	}); err != nil {
		return nil, err
	}
	var counts []struct {
		AdministrationCode string
		Shard              int
		N                  int
	}
	if err := tx.Raw(`SELECT r.administration_code, `+shardSQL(s.dialect, "r.id")+` AS shard, COUNT(*) AS n
FROM responses r WHERE r.campaign_id = ? AND r.current_submission_id IS NOT NULL
GROUP BY r.administration_code, shard`, row.ID).Scan(&counts).Error; err != nil {
		return nil, err
	}
	for _, c := range counts {
		cells[cellKey{tally.Key{Indicator: coverageIndicator, Part: coveragePart, Administration: c.AdministrationCode}, c.Shard}] = survey.Cell{N: c.N}
	}

	var diffs []string
	if built {
		diffs = cellDifferences(stored, cells)
	} else {
		diffs = []string{"the cells had not been built"}
	}
	if err := tx.Where("campaign_id = ?", row.ID).Delete(&cellRow{}).Error; err != nil {
		return nil, err
	}
	keys := make([]cellKey, 0, len(cells))
	for k := range cells {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, compareCellKeys)
	rows := make([]cellRow, len(keys))
	for i, k := range keys {
		c := cells[k]
		rows[i] = cellRow{CampaignID: row.ID, Indicator: k.Indicator, Part: k.Part, AdministrationCode: k.Administration, Shard: k.shard,
			N: c.N, Total: c.Sum, Deviations: c.Deviations, NExcluded: c.Excluded, NMissing: c.Missing,
			NNotApplicable: c.NotApplicable, NOutOfRange: c.OutOfRange}
	}
	if len(rows) > 0 {
		if err := tx.CreateInBatches(rows, 500).Error; err != nil {
			return nil, err
		}
	}
	if err := tx.Where("campaign_id = ?", row.ID).Delete(&unbuiltRow{}).Error; err != nil {
		return nil, err
	}
	return diffs, nil
}

// compareCellKeys orders stored cells: indicator, part, administration,
// shard.
func compareCellKeys(a, b cellKey) int {
	if c := tally.Compare(a.Key, b.Key); c != 0 {
		return c
	}
	return a.shard - b.shard
}

// cellDifferences lists the cells where stored and built differ: a count,
// or a sum or centred sum of squares beyond rounding. A cell with nothing
// in it is the same as no cell.
func cellDifferences(stored, built map[cellKey]survey.Cell) []string {
	keys := map[cellKey]bool{}
	for k := range stored {
		keys[k] = true
	}
	for k := range built {
		keys[k] = true
	}
	sorted := make([]cellKey, 0, len(keys))
	for k := range keys {
		sorted = append(sorted, k)
	}
	slices.SortFunc(sorted, compareCellKeys)
	var out []string
	for _, k := range sorted {
		if a, b := stored[k], built[k]; !sameCell(a, b) {
			out = append(out, fmt.Sprintf("indicator %d %q, %s, shard %d: stored %s, from the answers %s",
				k.Indicator, k.Part, k.Administration, k.shard, cellText(a), cellText(b)))
		}
	}
	return out
}

// sameCell reports whether two cells hold the same counts, and sums and
// centred sums of squares equal within 1e-9 relative (rounding: the
// cells are summed in another order than the scan sums).
func sameCell(a, b survey.Cell) bool {
	return a.N == b.N && a.Excluded == b.Excluded && a.Missing == b.Missing && a.NotApplicable == b.NotApplicable &&
		a.OutOfRange == b.OutOfRange &&
		closeEnough(a.Sum, b.Sum) && closeEnough(a.Deviations, b.Deviations)
}

// closeEnough reports whether a and b agree to 1e-9, relative to the
// larger of them (or to 1, near zero, where rounding leaves tiny residues
// of values that cancelled).
func closeEnough(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*max(1, math.Abs(a), math.Abs(b))
}

func cellText(c survey.Cell) string {
	var b strings.Builder
	fmt.Fprintf(&b, "n %d, sum %g, deviations %g, excluded %d, missing %d", c.N, c.Sum, c.Deviations, c.Excluded, c.Missing)
	if c.NotApplicable != 0 {
		fmt.Fprintf(&b, ", not applicable %d", c.NotApplicable)
	}
	if c.OutOfRange != 0 {
		fmt.Fprintf(&b, ", out of range %d", c.OutOfRange)
	}
	return b.String()
}

// isNotBuilt reports whether err says a campaign's cells must be built,
// and which.
func isNotBuilt(err error) (int64, bool) {
	var nb errCellsNotBuilt
	if errors.As(err, &nb) {
		return nb.campaignID, true
	}
	return 0, false
}

// readMergedCells reads a campaign's cells with their shards merged in the
// database, by the parallel formula for k parts: n, Σ and the counts add
// up, and the centred sums of squares add up with each shard's n times the
// squared distance of its mean from the cell's mean (tally.Merge, for many
// at once; non-negative terms, so no cancellation). The read returns one
// row per cell, not per shard.
func readMergedCells(db *gorm.DB, campaignID int64) (map[tally.Key]survey.Cell, error) {
	rows, err := db.Raw(`
SELECT indicator, part, administration_code, SUM(n), SUM(total),
  SUM(deviations) + SUM(CASE WHEN n > 0 THEN n * (total / n - mean) * (total / n - mean) ELSE 0 END),
  SUM(n_excluded), SUM(n_missing), SUM(n_not_applicable), SUM(n_out_of_range)
FROM (
  SELECT c.*, CASE WHEN SUM(n) OVER cell > 0 THEN SUM(total) OVER cell / SUM(n) OVER cell ELSE 0 END AS mean
  FROM score_cells c
  WHERE campaign_id = ?
  WINDOW cell AS (PARTITION BY indicator, part, administration_code)
) shards
GROUP BY indicator, part, administration_code`, campaignID).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	cells := map[tally.Key]survey.Cell{}
	for rows.Next() {
		var k tally.Key
		var c survey.Cell
		if err := rows.Scan(&k.Indicator, &k.Part, &k.Administration, &c.N, &c.Sum, &c.Deviations,
			&c.Excluded, &c.Missing, &c.NotApplicable, &c.OutOfRange); err != nil {
			return nil, err
		}
		cells[k] = c
	}
	return cells, rows.Err()
}
