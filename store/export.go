package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// exportedRow is one line of the responses export query.
type exportedRow struct {
	ResponseID     string
	Administration string
	SubmittedAt    time.Time
	Answers        string
}

// EachSubmittedResponse calls fn with every submitted response of a campaign
// that p may see, with the answers of its latest submission, ordered by
// administration, then submission time, then response id. Admins get every
// administration's responses, coordinators their own administration's only.
//
// The rows are streamed from one database cursor, one at a time, so that an
// export of any size costs the memory of one response; the cursor (and its
// connection) stays open while fn runs, so fn should not wait on anything
// but its own output. An error of fn stops the iteration and is returned as
// it is.
// Errors: ErrNotFound (no such campaign, or one that does not invite p's
// administration), ErrForbidden (respondents), and fn's errors.
func (s *Store) EachSubmittedResponse(ctx context.Context, p auth.Principal, key string, fn func(survey.ExportedResponse) error) error {
	if p.Role != auth.RoleAdmin && p.Role != auth.RoleCoordinator {
		return survey.Errorf(survey.ErrForbidden, "only admins and coordinators may export responses")
	}
	db := s.db.WithContext(ctx)
	campaign, err := s.campaignRow(db, p, key)
	if err != nil {
		return s.translate(ctx, "export responses", err)
	}
	scope := scopeOf(p)
	rows, err := db.Raw(`
SELECT r.id AS response_id, r.administration_code AS administration, sub.submitted_at AS submitted_at, sub.answers AS answers
FROM responses r
JOIN submissions sub ON sub.id = r.current_submission_id
WHERE r.campaign_id = ? AND (? = '' OR r.administration_code = ?)
ORDER BY r.administration_code, sub.submitted_at, r.id`, campaign.ID, scope, scope).Rows()
	if err != nil {
		return s.translate(ctx, "export responses", err)
	}
	defer rows.Close()
	for rows.Next() {
		var row exportedRow
		if err := db.ScanRows(rows, &row); err != nil {
			return s.translate(ctx, "export responses", err)
		}
		out, err := toExportedResponse(row)
		if err != nil {
			return s.translate(ctx, "export responses", err)
		}
		if err := fn(out); err != nil {
			return err
		}
	}
	return s.translate(ctx, "export responses", rows.Err())
}

func toExportedResponse(row exportedRow) (survey.ExportedResponse, error) {
	out := survey.ExportedResponse{ResponseID: row.ResponseID, Administration: row.Administration, SubmittedAt: row.SubmittedAt.UTC()}
	if err := json.Unmarshal([]byte(row.Answers), &out.Answers); err != nil {
		return out, fmt.Errorf("answers of response %s: %w", row.ResponseID, err)
	}
	return out, nil
}
