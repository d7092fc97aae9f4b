package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/migrations"
)

// The methods below implement auth.Store.

// AccountByEmail returns the account with that e-mail.
func (s *Store) AccountByEmail(ctx context.Context, email string) (auth.Account, bool, error) {
	return s.account(ctx, "email = ?", auth.NormalizeEmail(email))
}

// AccountByID returns the account with that id.
func (s *Store) AccountByID(ctx context.Context, id string) (auth.Account, bool, error) {
	return s.account(ctx, "id = ?", id)
}

func (s *Store) account(ctx context.Context, where string, arg string) (auth.Account, bool, error) {
	var row accountRow
	err := s.db.WithContext(ctx).Where(where, arg).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return auth.Account{}, false, nil
	}
	if err != nil {
		return auth.Account{}, false, s.translate(ctx, "get account", err)
	}
	return toAccount(row), true, nil
}

func toAccount(row accountRow) auth.Account {
	r := row.Row
	a := auth.Account{
		ID: r.ID, Email: r.Email, PasswordHash: r.PasswordHash, Role: auth.Role(r.Role),
		Disabled: r.DisabledAt != nil, PasswordChangedAt: r.PasswordChangedAt,
		OneTimePasswordUsed: row.OneTimePasswordUsedAt != nil,
	}
	if row.OneTimePasswordExpiresAt != nil {
		a.OneTimePasswordExpiresAt = *row.OneTimePasswordExpiresAt
	}
	if r.AdministrationCode != nil {
		a.Administration = *r.AdministrationCode
	}
	if r.TokensValidAfter != nil {
		a.TokensValidAfter = *r.TokensValidAfter
	}
	return a
}

// SaveRefreshToken stores a new refresh token (its hash only).
func (s *Store) SaveRefreshToken(ctx context.Context, t auth.RefreshToken) error {
	row := refreshTokenRow{UserID: t.UserID, FamilyID: t.FamilyID, TokenHash: t.Hash, ExpiresAt: t.ExpiresAt.UTC(), CreatedAt: s.now()}
	return s.translate(ctx, "save refresh token", s.db.WithContext(ctx).Create(&row).Error)
}

// RotateRefreshToken reads the token with oldHash and its account, and
// does what decide says: rotate it (mark it used, on condition that it still
// is not, and store next in its family) or revoke its family. A rotation
// that loses the race to a concurrent one asks decide again, the token now
// used.
func (s *Store) RotateRefreshToken(ctx context.Context, oldHash string, next auth.RefreshToken,
	decide func(old auth.StoredRefreshToken, account auth.Account, found bool) (auth.Rotation, error)) (auth.Account, error) {
	now := s.now()
	var account auth.Account
	var refused error
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var old refreshTokenRow
		err := tx.Where("token_hash = ?", oldHash).Take(&old).Error
		if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
			return err
		}
		state := auth.StoredRefreshToken{Found: err == nil, Used: old.UsedAt != nil || old.RevokedAt != nil, ExpiresAt: old.ExpiresAt}
		found := false
		if state.Found {
			var user accountRow
			switch err := tx.Where("id = ?", old.UserID).Take(&user).Error; {
			case err == nil:
				account, found = toAccount(user), true
			case !errors.Is(err, gorm.ErrRecordNotFound):
				return err
			}
		}
		action, err := decide(state, account, found)
		if action == auth.Rotate && err == nil {
			// Conditional update: of two concurrent refreshes only one wins.
			res := tx.Model(&refreshTokenRow{}).Where("id = ? AND used_at IS NULL AND revoked_at IS NULL", old.ID).Update("used_at", now)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 1 {
				return tx.Create(&refreshTokenRow{UserID: old.UserID, FamilyID: old.FamilyID, TokenHash: next.Hash,
					ExpiresAt: next.ExpiresAt.UTC(), CreatedAt: now}).Error
			}
			state.Used = true
			action, err = decide(state, account, found)
		}
		refused = err
		if action == auth.RevokeFamily {
			// Committed even though the caller is refused.
			return tx.Model(&refreshTokenRow{}).Where("family_id = ? AND revoked_at IS NULL", old.FamilyID).
				Update("revoked_at", now).Error
		}
		return err
	})
	if err != nil && (refused == nil || !errors.Is(err, refused)) {
		return auth.Account{}, s.translate(ctx, "rotate refresh token", err)
	}
	if refused != nil {
		return auth.Account{}, refused
	}
	return account, nil
}

// RevokeRefreshFamily revokes the family of the token with that hash, and
// reports whether the token existed.
func (s *Store) RevokeRefreshFamily(ctx context.Context, hash string) (string, bool, error) {
	var row refreshTokenRow
	err := s.db.WithContext(ctx).Where("token_hash = ?", hash).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return "", false, nil
	}
	if err != nil {
		return "", false, s.translate(ctx, "revoke refresh token", err)
	}
	err = s.db.WithContext(ctx).Model(&refreshTokenRow{}).Where("family_id = ? AND revoked_at IS NULL", row.FamilyID).
		Update("revoked_at", s.now()).Error
	return row.UserID, true, s.translate(ctx, "revoke refresh token", err)
}

// RevokeUserRefreshTokens revokes every refresh token of a user.
func (s *Store) RevokeUserRefreshTokens(ctx context.Context, userID string) error {
	err := s.db.WithContext(ctx).Model(&refreshTokenRow{}).Where("user_id = ? AND revoked_at IS NULL", userID).
		Update("revoked_at", s.now()).Error
	return s.translate(ctx, "revoke refresh tokens", err)
}

// SetPassword stores a new password hash, marks the change (which also
// ends the account's access tokens, see auth.Account.TokensValidAfter),
// ends a one-time password and revokes every refresh token of the user, in
// one transaction.
// Errors: auth.ErrInvalidToken when the account is gone or disabled.
func (s *Store) SetPassword(ctx context.Context, userID, hash string) error {
	now := s.now()
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		res := tx.Model(&userRow{}).Where("id = ? AND disabled_at IS NULL", userID).
			Updates(map[string]any{"password_hash": hash, "password_changed_at": now, "tokens_valid_after": now,
				"one_time_password_expires_at": nil, "one_time_password_used_at": nil})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return auth.ErrInvalidToken
		}
		return revokeUserRefreshTokens(tx, userID, now)
	})
	if errors.Is(err, auth.ErrInvalidToken) {
		return err
	}
	return s.translate(ctx, "set password", err)
}

// revokeUserRefreshTokens revokes every live refresh token of a user within
// a transaction.
func revokeUserRefreshTokens(tx *gorm.DB, userID string, now time.Time) error {
	return tx.Model(&refreshTokenRow{}).Where("user_id = ? AND revoked_at IS NULL", userID).
		Update("revoked_at", now).Error
}

// RevokeAccessToken denies an access token until it expires, and forgets
// the denials of tokens that have expired meanwhile.
func (s *Store) RevokeAccessToken(ctx context.Context, jti string, expiresAt time.Time) error {
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		if err := tx.Where("expires_at < ?", s.now()).Delete(&revokedAccessTokenRow{}).Error; err != nil {
			return err
		}
		err := tx.Create(&revokedAccessTokenRow{JTI: jti, ExpiresAt: expiresAt.UTC()}).Error
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return nil // revoked twice
		}
		return err
	})
	return s.translate(ctx, "revoke access token", err)
}

// AccessTokenRevoked reports whether an access token was revoked.
func (s *Store) AccessTokenRevoked(ctx context.Context, jti string) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&revokedAccessTokenRow{}).Where("jti = ?", jti).Count(&n).Error
	return n > 0, s.translate(ctx, "check access token", err)
}

// TokenAccount reads, in one query, the account with that id and whether
// the access token with that id was revoked: the check of every
// authenticated request, so read without GORM's reflection, by a
// statement whose text never changes.
func (s *Store) TokenAccount(ctx context.Context, userID, jti string) (auth.Account, bool, bool, error) {
	var (
		row                                       accountRow
		administration                            sql.Null[string]
		disabled, validAfter, otpExpires, otpUsed sql.Null[time.Time]
		revoked                                   bool
		stamp                                     string
	)
	// The row's version, for the condition of a change that carries the
	// check (callerCondition): on PostgreSQL its xmin, which every update
	// of the row moves on; SQLite gives none.
	version := "''"
	if s.dialect == migrations.Postgres {
		version = "xmin::text"
	}
	found, err := scanRow(s.sql.QueryRowContext(ctx, s.rebind(`SELECT id, email, password_hash, role, administration_code,
  password_changed_at, disabled_at, tokens_valid_after, created_at, one_time_password_expires_at, one_time_password_used_at,
  EXISTS (SELECT 1 FROM revoked_access_tokens t WHERE t.jti = ?), `+version+`
FROM users WHERE id = ?`), jti, userID), &row.Row.ID, &row.Row.Email, &row.Row.PasswordHash, &row.Row.Role, &administration,
		&row.Row.PasswordChangedAt, &disabled, &validAfter, &row.Row.CreatedAt, &otpExpires, &otpUsed, &revoked, &stamp)
	if err != nil || !found {
		return auth.Account{}, false, false, s.translate(ctx, "check access token", err)
	}
	row.Row.AdministrationCode = nullable(administration)
	row.Row.DisabledAt = nullable(disabled)
	row.Row.TokensValidAfter = nullable(validAfter)
	row.OneTimePasswordExpiresAt = nullable(otpExpires)
	row.OneTimePasswordUsedAt = nullable(otpUsed)
	a := toAccount(row)
	a.Stamp = stamp
	return a, true, revoked, nil
}

// nullable is a pointer to n's value, nil for NULL.
func nullable[T any](n sql.Null[T]) *T {
	if !n.Valid {
		return nil
	}
	return &n.V
}
