package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/survey"
)

// importBatch is how many rows one statement of an import inserts, and how
// many e-mails one query of TakenEmails looks up: far below the bound
// either database puts on the parameters of a statement.
const importBatch = 200

// TakenEmails returns those of emails (normalised) that are already the
// e-mail of an account, whatever its administration.
func (s *Store) TakenEmails(ctx context.Context, emails []string) ([]string, error) {
	taken := []string{}
	for start := 0; start < len(emails); start += importBatch {
		var found []string
		err := s.db.WithContext(ctx).Model(&userRow{}).Where("email IN ?", emails[start:min(start+importBatch, len(emails))]).
			Order("email").Pluck("email", &found).Error
		if err != nil {
			return nil, s.translate(ctx, "find taken e-mails", err)
		}
		taken = append(taken, found...)
	}
	return taken, nil
}

// ImportUsers stores the accounts, all or none, in one transaction, each
// with its one-time password, accepted for lifetime from now and to be
// replaced at the first login (as after a reset, migration 0009). It
// returns them in the order given, and when their one-time passwords
// expire.
// Errors: ErrConflict (an e-mail taken, an administration that does not
// exist).
func (s *Store) ImportUsers(ctx context.Context, accounts []survey.NewAccount, lifetime time.Duration) ([]survey.User, time.Time, error) {
	now := s.now()
	expires := now.Add(lifetime)
	rows := make([]userRow, len(accounts))
	ids := make([]string, len(accounts))
	for i, a := range accounts {
		rows[i] = newUserRow(a, now)
		ids[i] = rows[i].ID
	}
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		for start := 0; start < len(rows); start += importBatch {
			batch := rows[start:min(start+importBatch, len(rows))]
			if err := tx.Create(&batch).Error; err != nil {
				return err
			}
			err := tx.Model(&userRow{}).Where("id IN ?", ids[start:start+len(batch)]).
				Update("one_time_password_expires_at", expires).Error
			if err != nil {
				return err
			}
		}
		return nil
	})
	if errors.Is(err, gorm.ErrDuplicatedKey) {
		return nil, time.Time{}, survey.Errorf(survey.ErrConflict, "an e-mail of the import is already the e-mail of an account")
	}
	if err != nil {
		return nil, time.Time{}, s.translate(ctx, "import users", err)
	}
	out := make([]survey.User, len(rows))
	for i, r := range rows {
		out[i] = toUser(r)
	}
	return out, expires, nil
}
