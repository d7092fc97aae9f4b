package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// accountRow is a users row with the columns of a one-time password
// (migration 0009), which only the session use cases and resets read.
// The users columns are an exported field: GORM cannot fill an embedded
// struct of an unexported type.
type accountRow struct {
	Row                      userRow `gorm:"embedded"`
	OneTimePasswordExpiresAt *time.Time
	OneTimePasswordUsedAt    *time.Time
}

func (accountRow) TableName() string { return "users" }

// ResetPassword reads the account id that sc sees, with the facts the rules
// weigh, and unless decide refuses, replaces its password with the one-time
// password whose hash is given, accepted for lifetime from now and to be
// replaced at the next login. In the same transaction it ends every session
// of the account (its access tokens through tokens_valid_after, its refresh
// tokens, its browser sessions) and forgives its failed logins, so that the
// holder of the new password is not locked out by those of the old. It
// returns the account and when the one-time password expires.
// Errors: ErrNotFound, and those of decide.
func (s *Store) ResetPassword(ctx context.Context, sc survey.Scope, id, hash string, lifetime time.Duration,
	decide func(survey.UserRecord) error) (survey.User, time.Time, error) {
	now := s.now()
	expires := now.Add(lifetime)
	var user survey.User
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		row, err := s.decidedUser(tx, sc, id, decide)
		if err != nil {
			return err
		}
		err = tx.Model(&userRow{}).Where("id = ?", row.ID).Updates(map[string]any{"password_hash": hash,
			"password_changed_at": now, "tokens_valid_after": now,
			"one_time_password_expires_at": expires, "one_time_password_used_at": nil}).Error
		if err != nil {
			return err
		}
		if err := revokeUserRefreshTokens(tx, row.ID, now); err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", row.ID).Delete(&browserSessionRow{}).Error; err != nil {
			return err
		}
		user = toUser(row)
		return forgiveAccount(tx, row.Email, now)
	})
	if err != nil {
		return survey.User{}, time.Time{}, s.translate(ctx, "reset password", err)
	}
	return user, expires, nil
}

// UnlockUser forgives the failed logins of the account id that sc sees, as
// of now: logins that begin from now on no longer count them.
// Errors: ErrNotFound.
func (s *Store) UnlockUser(ctx context.Context, sc survey.Scope, id string) (survey.User, error) {
	row, err := s.scopedUser(s.db.WithContext(ctx), sc, id)
	if err == nil {
		err = forgiveAccount(s.db.WithContext(ctx), row.Email, s.now())
	}
	if err != nil {
		return survey.User{}, s.translate(ctx, "unlock user", err)
	}
	return toUser(row), nil
}

// forgiveAccount marks every attempt of the throttle's counter of the
// account with that e-mail as forgiven at at.
func forgiveAccount(tx *gorm.DB, email string, at time.Time) error {
	return tx.Model(&attemptRow{}).Where("scope = ? AND cleared_at IS NULL", auth.AccountScope(email)).
		Update("cleared_at", at).Error
}

// UseOneTimePassword marks the one-time password of the account as used at
// at, on condition that hash is still its password and that it is unused.
func (s *Store) UseOneTimePassword(ctx context.Context, userID, hash string, at time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&userRow{}).
		Where("id = ? AND password_hash = ? AND one_time_password_expires_at IS NOT NULL AND one_time_password_used_at IS NULL",
			userID, hash).
		Update("one_time_password_used_at", at.UTC().Truncate(time.Microsecond))
	if res.Error != nil {
		return false, s.translate(ctx, "use one-time password", res.Error)
	}
	return res.RowsAffected == 1, nil
}
