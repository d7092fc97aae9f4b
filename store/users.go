package store

import (
	"context"
	"errors"
	"fmt"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/migrations"
	"github.com/customs-survey/surveyd/survey"
)

// CreateUser creates an account on behalf of by. Admins may create any
// account; coordinators only respondents of their own administration.
// Errors: ErrForbidden, ErrConflict (e-mail taken), *ValidationError.
func (s *Store) CreateUser(ctx context.Context, by auth.Principal, in survey.NewUser) (survey.User, error) {
	if by.Role == auth.RoleCoordinator {
		if in.Administration == "" {
			in.Administration = by.Administration
		}
		if in.Role != string(auth.RoleRespondent) || in.Administration != by.Administration {
			return survey.User{}, survey.Errorf(survey.ErrForbidden, "coordinators may only create respondents of their own administration")
		}
	} else if by.Role != auth.RoleAdmin {
		return survey.User{}, survey.Errorf(survey.ErrForbidden, "your role may not create users")
	}
	v := &survey.ValidationError{}
	if err := auth.CheckPasswordPolicy(in.Password); err != nil {
		v.Add("password", survey.CodeWeakPassword, "%s", err.Error())
	}
	// The role/administration rule is the one PATCH /users applies too.
	var invalid *survey.ValidationError
	switch err := checkMembership(s.db.WithContext(ctx), in.Role, in.Administration, true); {
	case errors.As(err, &invalid):
		v.Errors = append(v.Errors, invalid.Errors...)
	case err != nil:
		return survey.User{}, s.translate(ctx, "create user", err)
	}
	if err := v.Err(); err != nil {
		return survey.User{}, err
	}
	hash, err := auth.HashPasswordContext(ctx, in.Password)
	if err != nil {
		return survey.User{}, fmt.Errorf("create user: %w", err)
	}
	row := userRow{
		ID: uuid.NewString(), Email: auth.NormalizeEmail(in.Email), PasswordHash: hash, Role: in.Role,
		PasswordChangedAt: s.now(), CreatedAt: s.now(),
	}
	if in.Administration != "" {
		row.AdministrationCode = &in.Administration
	}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return survey.User{}, survey.Errorf(survey.ErrConflict, "a user with this e-mail already exists")
		}
		return survey.User{}, s.translate(ctx, "create user", err)
	}
	return toUser(row), nil
}

// EnsureAdmin creates an admin account with the given e-mail and password
// while no admin exists, and reports whether it did.
func (s *Store) EnsureAdmin(ctx context.Context, email, password string) (bool, error) {
	// Once an admin exists the variables are not used at all: neither
	// checked nor hashed (argon2 at every start would be wasted).
	var admins int64
	if err := s.db.WithContext(ctx).Model(&userRow{}).Where("role = ?", auth.RoleAdmin).Count(&admins).Error; err != nil {
		return false, s.translate(ctx, "ensure admin", err)
	}
	if admins > 0 {
		return false, nil
	}
	if err := auth.CheckPasswordPolicy(password); err != nil {
		return false, fmt.Errorf("first admin: %w", err)
	}
	hash, err := auth.HashPasswordContext(ctx, password)
	if err != nil {
		return false, err
	}
	created := false
	err = s.transaction(ctx, func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&userRow{}).Where("role = ?", auth.RoleAdmin).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return nil
		}
		row := userRow{ID: uuid.NewString(), Email: auth.NormalizeEmail(email), PasswordHash: hash,
			Role: string(auth.RoleAdmin), PasswordChangedAt: s.now(), CreatedAt: s.now()}
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		created = true
		return nil
	})
	if err != nil {
		return false, s.translate(ctx, "ensure admin", err)
	}
	return created, nil
}

// Users lists the accounts visible to by: all for admins, their own
// administration's for coordinators.
func (s *Store) Users(ctx context.Context, by auth.Principal) ([]survey.User, error) {
	q := s.db.WithContext(ctx).Order("email")
	if by.Role != auth.RoleAdmin {
		q = q.Where("administration_code = ?", by.Administration)
	}
	var rows []userRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, s.translate(ctx, "list users", err)
	}
	out := make([]survey.User, len(rows))
	for i, r := range rows {
		out[i] = toUser(r)
	}
	return out, nil
}

// User returns one account by id if by may see it: admins see all,
// coordinators their own administration's.
// Errors: ErrNotFound (also for another administration's account).
func (s *Store) User(ctx context.Context, by auth.Principal, id string) (survey.User, error) {
	var row userRow
	q := s.db.WithContext(ctx).Where("id = ?", id)
	if by.Role != auth.RoleAdmin {
		q = q.Where("administration_code = ?", by.Administration)
	}
	if err := q.Take(&row).Error; err != nil {
		return survey.User{}, s.translate(ctx, "get user", err)
	}
	return toUser(row), nil
}

func toUser(r userRow) survey.User {
	u := survey.User{ID: r.ID, Email: r.Email, Role: r.Role, CreatedAt: r.CreatedAt, Disabled: r.DisabledAt != nil}
	if r.AdministrationCode != nil {
		u.Administration = *r.AdministrationCode
	}
	return u
}

// UpdateUser changes the role, administration or disabled state of an
// account on behalf of by. Admins may change any account; coordinators may
// only enable or disable respondents of their own administration.
//
// A change of role or administration, and disabling, make the account's
// access tokens stale (auth.Account.TokensValidAfter); disabling also
// revokes its refresh tokens. Re-enabling does neither: the account gets in
// again with a new login.
// Errors: ErrNotFound (also for another administration's account),
// ErrForbidden, ErrConflict (the last active admin, or by itself, would stop
// being an active admin; an account with responses would change
// administration), *ValidationError.
func (s *Store) UpdateUser(ctx context.Context, by auth.Principal, id string, change survey.UserChange) (survey.User, error) {
	if by.Role != auth.RoleAdmin && by.Role != auth.RoleCoordinator {
		return survey.User{}, survey.Errorf(survey.ErrForbidden, "your role may not change users")
	}
	now := s.now()
	var updated userRow
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		if err := s.lockUserChanges(tx); err != nil {
			return err
		}
		row, err := s.visibleUser(tx, by, id)
		if err != nil {
			return err
		}
		if by.Role == auth.RoleCoordinator {
			if change.Role != nil || change.Administration != nil {
				return survey.Errorf(survey.ErrForbidden, "coordinators may only enable or disable accounts")
			}
			if row.Role != string(auth.RoleRespondent) {
				return survey.Errorf(survey.ErrForbidden, "coordinators may only enable or disable respondents")
			}
		}
		oldAdministration := ""
		if row.AdministrationCode != nil {
			oldAdministration = *row.AdministrationCode
		}
		role, administration, disabled := row.Role, oldAdministration, row.DisabledAt != nil
		if change.Role != nil {
			role = *change.Role
		}
		if change.Administration != nil {
			administration = *change.Administration
		}
		if change.Disabled != nil {
			disabled = *change.Disabled
		}
		if err := checkMembership(tx, role, administration, change.Administration != nil && administration != oldAdministration); err != nil {
			return err
		}
		wasActiveAdmin := row.Role == string(auth.RoleAdmin) && row.DisabledAt == nil
		if wasActiveAdmin && (role != string(auth.RoleAdmin) || disabled) {
			if err := checkOtherActiveAdmin(tx, row.ID); err != nil {
				return err
			}
			if row.ID == by.UserID {
				return survey.Errorf(survey.ErrConflict, "you may not disable or demote yourself; ask another admin")
			}
		}
		membershipChanged := role != row.Role || administration != oldAdministration
		if administration != oldAdministration {
			// A response keeps the administration it was given; its
			// respondent must not move away from it.
			var n int64
			if err := tx.Model(&responseRow{}).Where("respondent_id = ?", row.ID).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return survey.Errorf(survey.ErrConflict, "this account has responses for its administration, which it must keep; create another account instead")
			}
		}
		updates := map[string]any{}
		if membershipChanged {
			updates["role"] = role
			updates["administration_code"] = nil
			if administration != "" {
				updates["administration_code"] = administration
			}
			updates["tokens_valid_after"] = now
		}
		switch {
		case disabled && row.DisabledAt == nil:
			updates["disabled_at"] = now
			updates["tokens_valid_after"] = now
		case !disabled && row.DisabledAt != nil:
			updates["disabled_at"] = nil
		}
		if len(updates) > 0 {
			if err := tx.Model(&userRow{}).Where("id = ?", row.ID).Updates(updates).Error; err != nil {
				return err
			}
		}
		if disabled {
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

// DeleteUser deletes an account that never answered nor created anything,
// on behalf of an admin. Accounts with history are disabled instead, so that
// every response and questionnaire keeps its author.
// Errors: ErrNotFound, ErrForbidden, ErrConflict (history, by itself, the
// last active admin).
func (s *Store) DeleteUser(ctx context.Context, by auth.Principal, id string) error {
	if by.Role != auth.RoleAdmin {
		return survey.Errorf(survey.ErrForbidden, "only admins may delete accounts")
	}
	const hasHistory = "this account has responses, submissions or questionnaires and cannot be deleted; disable it instead"
	err := s.transaction(ctx, func(tx *gorm.DB) error {
		if err := s.lockUserChanges(tx); err != nil {
			return err
		}
		row, err := s.visibleUser(tx, by, id)
		if err != nil {
			return err
		}
		if row.Role == string(auth.RoleAdmin) && row.DisabledAt == nil {
			if err := checkOtherActiveAdmin(tx, row.ID); err != nil {
				return err
			}
		}
		if row.ID == by.UserID {
			return survey.Errorf(survey.ErrConflict, "you may not delete your own account; ask another admin")
		}
		for _, ref := range []struct {
			model  any
			column string
		}{{&responseRow{}, "respondent_id"}, {&submissionRow{}, "submitted_by"}, {&questionnaireRow{}, "created_by"}} {
			var n int64
			if err := tx.Model(ref.model).Where(ref.column+" = ?", row.ID).Count(&n).Error; err != nil {
				return err
			}
			if n > 0 {
				return survey.Errorf(survey.ErrConflict, hasHistory)
			}
		}
		if err := tx.Where("user_id = ?", row.ID).Delete(&refreshTokenRow{}).Error; err != nil {
			return err
		}
		if err := tx.Where("scope = ?", "account:"+row.Email).Delete(&loginFailureRow{}).Error; err != nil {
			return err
		}
		return tx.Where("id = ?", row.ID).Delete(&userRow{}).Error
	})
	if errors.Is(err, gorm.ErrForeignKeyViolated) {
		// A table this method does not know of still refers to the user.
		return survey.Errorf(survey.ErrConflict, hasHistory)
	}
	return s.translate(ctx, "delete user", err)
}

// visibleUser reads (and on PostgreSQL locks) the account id if by may see
// it: admins see all, coordinators their own administration's.
func (s *Store) visibleUser(tx *gorm.DB, by auth.Principal, id string) (userRow, error) {
	q := s.forUpdate(tx).Where("id = ?", id)
	if by.Role != auth.RoleAdmin {
		q = q.Where("administration_code = ?", by.Administration)
	}
	var row userRow
	if err := q.Take(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return userRow{}, survey.Errorf(survey.ErrNotFound, "no such user")
		}
		return userRow{}, err
	}
	return row, nil
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

// checkOtherActiveAdmin fails with ErrConflict unless an active admin other
// than id exists: the service must never be left without one.
func checkOtherActiveAdmin(tx *gorm.DB, id string) error {
	var n int64
	if err := tx.Model(&userRow{}).Where("role = ? AND disabled_at IS NULL AND id <> ?", string(auth.RoleAdmin), id).Count(&n).Error; err != nil {
		return err
	}
	if n == 0 {
		return survey.Errorf(survey.ErrConflict, "this is the last active admin, who can be neither disabled, demoted nor deleted")
	}
	return nil
}

// checkMembership applies auth.CheckMembership to a role and administration
// of a request, as a validation error naming the field, and checks that a
// new administration exists.
func checkMembership(tx *gorm.DB, role, administration string, newAdministration bool) error {
	v := &survey.ValidationError{}
	switch err := auth.CheckMembership(auth.Role(role), administration); {
	case errors.Is(err, auth.ErrUnknownRole):
		v.Add("role", survey.CodeNotAllowed, "must be one of: admin, coordinator, respondent")
	case errors.Is(err, auth.ErrAdministrationNotAllowed):
		v.Add("administration", survey.CodeNotAllowed, "admins belong to no administration; send null")
	case errors.Is(err, auth.ErrAdministrationRequired):
		v.Add("administration", survey.CodeRequired, "coordinators and respondents belong to an administration")
	}
	if err := v.Err(); err != nil {
		return err
	}
	if administration != "" && newAdministration {
		var n int64
		if err := tx.Model(&administrationRow{}).Where("code = ?", administration).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return survey.Invalid("administration", survey.CodeUnknownAdministration, "no administration has code %q", administration)
		}
	}
	return nil
}
