package store

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/migrations"
	"github.com/customs-survey/surveyd/survey"
)

// CreateUser stores a new account.
// Errors: ErrConflict (e-mail taken).
func (s *Store) CreateUser(ctx context.Context, a survey.NewAccount) (survey.User, error) {
	row := newUserRow(a, s.now())
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return survey.User{}, survey.Errorf(survey.ErrConflict, "a user with this e-mail already exists")
		}
		return survey.User{}, s.translate(ctx, "create user", err)
	}
	return toUser(row), nil
}

func newUserRow(a survey.NewAccount, now time.Time) userRow {
	return userRow{ID: uuid.NewString(), Email: a.Email, PasswordHash: a.PasswordHash, Role: a.Role,
		AdministrationCode: nullString(a.Administration), PasswordChangedAt: now, CreatedAt: now}
}

// HasAdmin reports whether an admin account exists.
func (s *Store) HasAdmin(ctx context.Context) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&userRow{}).Where("role = ?", string(auth.RoleAdmin)).Count(&n).Error
	return n > 0, s.translate(ctx, "find an admin", err)
}

// CreateFirstAdmin stores a, an admin, unless an admin exists, and reports
// whether it did.
func (s *Store) CreateFirstAdmin(ctx context.Context, a survey.NewAccount) (bool, error) {
	created := false
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&userRow{}).Where("role = ?", string(auth.RoleAdmin)).Count(&n).Error; err != nil || n > 0 {
			return err
		}
		row := newUserRow(a, s.now())
		created = true
		return tx.Create(&row).Error
	})
	if err != nil {
		return false, s.translate(ctx, "create the first admin", err)
	}
	return created, nil
}

// Users lists the accounts sc sees, by e-mail.
func (s *Store) Users(ctx context.Context, sc survey.Scope) ([]survey.User, error) {
	return s.UserPage(ctx, sc, survey.UserFilter{}, survey.PageRequest{})
}

// UserPage lists the accounts sc sees that f selects, one page of them, by
// e-mail.
func (s *Store) UserPage(ctx context.Context, sc survey.Scope, f survey.UserFilter, p survey.PageRequest) ([]survey.User, error) {
	q := userScope(s.db.WithContext(ctx), sc)
	if f.Role != "" {
		q = q.Where("role = ?", f.Role)
	}
	if f.Administration != "" {
		q = q.Where("administration_code = ?", f.Administration)
	}
	if f.EmailContains != "" {
		q = q.Where(`email LIKE ? ESCAPE '\'`, "%"+likeEscaper.Replace(strings.ToLower(f.EmailContains))+"%")
	}
	var rows []userRow
	if err := s.keyset(q, "email", p).Find(&rows).Error; err != nil {
		return nil, s.translate(ctx, "list users", err)
	}
	out := make([]survey.User, len(rows))
	for i, r := range rows {
		out[i] = toUser(r)
	}
	return out, nil
}

// User returns one account that sc sees.
// Errors: ErrNotFound.
func (s *Store) User(ctx context.Context, sc survey.Scope, id string) (survey.User, error) {
	row, err := s.scopedUser(s.db.WithContext(ctx), sc, id)
	if err != nil {
		return survey.User{}, s.translate(ctx, "get user", err)
	}
	return toUser(row), nil
}

// likeEscaper escapes the wildcards of LIKE (with ESCAPE '\\') in a
// piece of text to match as it is.
var likeEscaper = strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`)

// userScope limits a query of users to those sc sees: every account, or
// those of one administration.
func userScope(q *gorm.DB, sc survey.Scope) *gorm.DB {
	if sc.All {
		return q
	}
	return q.Where("administration_code = ?", sc.Administration)
}

func toUser(r userRow) survey.User {
	return survey.User{ID: r.ID, Email: r.Email, Role: r.Role, Administration: emptyIfNull(r.AdministrationCode),
		CreatedAt: r.CreatedAt, Disabled: r.DisabledAt != nil}
}

// UpdateUser reads the account id that sc sees, with the facts the rules
// weigh, and writes what decide returns, in one transaction that no other
// change of an account runs alongside.
// Errors: ErrNotFound, and those of decide.
func (s *Store) UpdateUser(ctx context.Context, sc survey.Scope, id string, decide func(survey.UserRecord) (survey.UserUpdate, error)) (survey.User, error) {
	var updated userRow
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		row, rec, err := s.userRecord(tx, sc, id)
		if err != nil {
			return err
		}
		change, err := decide(rec)
		if err != nil {
			return err
		}
		now := s.now()
		updates := map[string]any{}
		if m := change.Membership; m != nil {
			updates["role"] = m.Role
			updates["administration_code"] = nullString(m.Administration)
		}
		if change.Disabled != nil {
			updates["disabled_at"] = nil
			if *change.Disabled {
				updates["disabled_at"] = now
			}
		}
		if change.StaleTokens {
			updates["tokens_valid_after"] = now
		}
		if len(updates) > 0 {
			if err := tx.Model(&userRow{}).Where("id = ?", row.ID).Updates(updates).Error; err != nil {
				return err
			}
		}
		if change.RevokeRefreshTokens {
			if err := revokeUserRefreshTokens(tx, row.ID, now); err != nil {
				return err
			}
		}
		return tx.Where("id = ?", row.ID).Take(&updated).Error
	})
	if err != nil {
		return survey.User{}, s.translate(ctx, "update user", err)
	}
	return toUser(updated), nil
}

// DeleteUser deletes the account id that sc sees, with its refresh tokens
// and login attempts, if decide allows it, in one transaction that no other
// change of an account runs alongside.
// Errors: ErrNotFound, ErrConflict (still referred to), and those of decide.
func (s *Store) DeleteUser(ctx context.Context, sc survey.Scope, id string, decide func(survey.UserRecord) error) error {
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		row, err := s.decidedUser(tx, sc, id, decide)
		if err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", row.ID).Delete(&refreshTokenRow{}).Error; err != nil {
			return err
		}
		if err := tx.Where("scope = ?", auth.AccountScope(row.Email)).Delete(&loginFailureRow{}).Error; err != nil {
			return err
		}
		return tx.Where("id = ?", row.ID).Delete(&userRow{}).Error
	})
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		// A table that userRecord does not look at still refers to it.
		return survey.Errorf(survey.ErrConflict, "this account is still referred to and cannot be deleted; disable it instead")
	}
	return s.translate(ctx, "delete user", err)
}

// decidedUser reads the account id that sc sees, as userRecord does, and
// returns its row if decide allows the change, else decide's error.
func (s *Store) decidedUser(tx *gorm.DB, sc survey.Scope, id string, decide func(survey.UserRecord) error) (userRow, error) {
	row, rec, err := s.userRecord(tx, sc, id)
	if err != nil {
		return row, err
	}
	return row, decide(rec)
}

// userRecord locks the account changes (lockUserChanges), reads (and on
// PostgreSQL locks) the account id if sc sees it, and gathers the facts of
// survey.UserRecord.
func (s *Store) userRecord(tx *gorm.DB, sc survey.Scope, id string) (userRow, survey.UserRecord, error) {
	if err := s.lockUserChanges(tx); err != nil {
		return userRow{}, survey.UserRecord{}, err
	}
	row, err := s.scopedUser(s.forUpdate(tx), sc, id)
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return row, survey.UserRecord{}, survey.Errorf(survey.ErrNotFound, "no such user")
	}
	if err != nil {
		return row, survey.UserRecord{}, err
	}
	rec := survey.UserRecord{User: toUser(row)}
	count := func(model any, where string, args ...any) (bool, error) {
		var n int64
		err := tx.Model(model).Where(where, args...).Limit(1).Count(&n).Error
		return n > 0, err
	}
	if rec.OtherActiveAdmin, err = count(&userRow{}, "role = ? AND disabled_at IS NULL AND id <> ?", string(auth.RoleAdmin), row.ID); err != nil {
		return row, rec, err
	}
	if rec.HasResponses, err = count(&responseRow{}, "respondent_id = ?", row.ID); err != nil {
		return row, rec, err
	}
	rec.HasHistory = rec.HasResponses
	for _, ref := range []struct {
		model  any
		column string
	}{{&submissionRow{}, "submitted_by"}, {&questionnaireRow{}, "created_by"}} {
		if rec.HasHistory {
			break
		}
		if rec.HasHistory, err = count(ref.model, ref.column+" = ?", row.ID); err != nil {
			return row, rec, err
		}
	}
	return row, rec, nil
}

// scopedUser reads the account id if sc sees it (gorm.ErrRecordNotFound
// otherwise).
func (s *Store) scopedUser(q *gorm.DB, sc survey.Scope, id string) (userRow, error) {
	var row userRow
	return row, userScope(q, sc).Where("id = ?", id).Take(&row).Error
}

// userChangesLock is the PostgreSQL advisory lock of lockUserChanges; any
// constant works as long as every process uses the same one.
const userChangesLock = 7215380222

// lockUserChanges serialises the transactions that may take away an active
// admin, so that two admins disabling each other at the same moment cannot
// leave none. SQLite needs nothing: its write transactions take the database
// lock at BEGIN.
func (s *Store) lockUserChanges(tx *gorm.DB) error {
	if s.dialect != migrations.Postgres {
		return nil
	}
	return tx.Exec("SELECT pg_advisory_xact_lock(?)", userChangesLock).Error
}
