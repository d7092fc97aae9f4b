package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/survey"
)

// Bounds of one batch of EachSubmittedBatch: at most exportBatchRows
// responses, and the batch ends with the response that brings its answers
// to exportBatchBytes or more: at most exportBatchBytes plus one response
// (itself at most the body limit) is held at a time.
const (
	exportBatchRows  = 100
	exportBatchBytes = 4 << 20
)

// exportedRow is one line of the responses export query.
type exportedRow struct {
	ResponseID     string
	Administration string
	SubmittedAt    time.Time
	Answers        string
}

// EachSubmittedBatch calls fn with the submitted responses of a campaign
// that sc sees, with the answers of their latest submission, a batch at a
// time, ordered by administration code, then response id: every
// administration's responses for a scope of everything, else those of the
// scope's administration only.
//
// Each batch is one query (keyset pagination on administration code and
// response id), read completely before fn runs: no database connection is
// held while fn works, however long it takes, so that fn may write to a
// slow client. That key never changes once a response exists (neither its
// administration nor its id do), so every response submitted before the
// call is passed exactly once, even when it is amended meanwhile: with its
// latest submission as of the query of its batch. A response first
// submitted during the call is passed at most once. An error of fn stops
// the iteration and is returned as it is.
// Only the responses of the administrations sc sees are passed.
// Errors: ErrNotFound (no such campaign, or one that sc does not see), and
// fn's errors.
func (s *Store) EachSubmittedBatch(ctx context.Context, sc survey.Scope, key string, fn func([]survey.ExportedResponse) error) error {
	db := s.db.WithContext(ctx)
	campaign, err := s.campaignRow(db, sc, key)
	if err != nil {
		return s.translate(ctx, "export responses", err)
	}
	// The row comparison walks the index responses_export (campaign_id,
	// administration_code, id) from the last key passed: each batch costs
	// its own rows, whatever the size of the campaign.
	const query = `
SELECT r.id AS response_id, r.administration_code AS administration, sub.submitted_at AS submitted_at, sub.answers AS answers
FROM responses r
JOIN submissions sub ON sub.id = r.current_submission_id
WHERE r.campaign_id = ? AND (? = '' OR r.administration_code = ?)
  AND (r.administration_code, r.id) > (?, ?)
ORDER BY r.administration_code, r.id
LIMIT ?`
	scope := "" // every administration
	if !sc.All {
		scope = sc.Administration
	}
	return survey.EachExportBatch(func(afterAdministration, afterID string) ([]survey.ExportedResponse, bool, error) {
		batch, more, err := s.exportBatch(db, query, campaign.ID, scope, afterAdministration, afterID)
		if err != nil {
			return nil, false, s.translate(ctx, "export responses", err)
		}
		return batch, more, nil
	}, fn)
}

// exportBatch reads the responses after the given key, up to the bounds of
// a batch, and returns them with whether more may follow. Its rows are
// closed, and its connection back in the pool, when it returns.
func (s *Store) exportBatch(db *gorm.DB, query string, campaignID int64, scope, afterAdministration, afterID string) ([]survey.ExportedResponse, bool, error) {
	rows, err := db.Raw(query, campaignID, scope, scope, afterAdministration, afterID, exportBatchRows).Rows()
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var batch []survey.ExportedResponse
	size := 0
	for rows.Next() {
		var row exportedRow
		if err := db.ScanRows(rows, &row); err != nil {
			return nil, false, err
		}
		out, err := toExportedResponse(row)
		if err != nil {
			return nil, false, err
		}
		batch = append(batch, out)
		if size += len(row.Answers); size >= exportBatchBytes {
			return batch, true, nil // the rest in the next batch
		}
	}
	return batch, len(batch) == exportBatchRows, rows.Err()
}

func toExportedResponse(row exportedRow) (survey.ExportedResponse, error) {
	out := survey.ExportedResponse{ResponseID: row.ResponseID, Administration: row.Administration, SubmittedAt: row.SubmittedAt.UTC()}
	if err := json.Unmarshal([]byte(row.Answers), &out.Answers); err != nil {
		return out, fmt.Errorf("answers of response %s: %w", row.ResponseID, err)
	}
	return out, nil
}
