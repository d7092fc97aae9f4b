package store

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// CreateAdministration adds an administration.
// Errors: ErrConflict when the code exists.
func (s *Store) CreateAdministration(ctx context.Context, code, name string) (survey.Administration, error) {
	row := administrationRow{Code: code, Name: name, CreatedAt: s.now()}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrDuplicatedKey) {
			return survey.Administration{}, survey.Errorf(survey.ErrConflict, "administration %s already exists", code)
		}
		return survey.Administration{}, s.translate(ctx, "create administration", err)
	}
	return toAdministration(row), nil
}

// Administrations lists every administration by code.
func (s *Store) Administrations(ctx context.Context) ([]survey.Administration, error) {
	var rows []administrationRow
	if err := s.db.WithContext(ctx).Order("code").Find(&rows).Error; err != nil {
		return nil, s.translate(ctx, "list administrations", err)
	}
	out := make([]survey.Administration, len(rows))
	for i, r := range rows {
		out[i] = toAdministration(r)
	}
	return out, nil
}

// Administration returns one administration.
// Errors: ErrNotFound.
func (s *Store) Administration(ctx context.Context, code string) (survey.Administration, error) {
	var row administrationRow
	if err := s.db.WithContext(ctx).Where("code = ?", code).Take(&row).Error; err != nil {
		return survey.Administration{}, s.translate(ctx, "get administration", err)
	}
	return toAdministration(row), nil
}

func toAdministration(r administrationRow) survey.Administration {
	return survey.Administration{Code: r.Code, Name: r.Name, CreatedAt: r.CreatedAt}
}

// NormalizeEmail is the form in which e-mail addresses are stored and
// looked up, so that logins are case-insensitive.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

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
		v.Add("password", "weak_password", "%s", err.Error())
	}
	switch {
	case in.Role == string(auth.RoleAdmin) && in.Administration != "":
		v.Add("administration", "not_allowed", "admins belong to no administration")
	case in.Role != string(auth.RoleAdmin) && in.Administration == "":
		v.Add("administration", "required", "coordinators and respondents belong to an administration")
	}
	if in.Administration != "" && v.Err() == nil {
		var n int64
		if err := s.db.WithContext(ctx).Model(&administrationRow{}).Where("code = ?", in.Administration).Count(&n).Error; err != nil {
			return survey.User{}, s.translate(ctx, "create user", err)
		}
		if n == 0 {
			v.Add("administration", "unknown_administration", "no administration has code %q", in.Administration)
		}
	}
	if err := v.Err(); err != nil {
		return survey.User{}, err
	}
	hash, err := auth.HashPassword(in.Password)
	if err != nil {
		return survey.User{}, fmt.Errorf("create user: %w", err)
	}
	row := userRow{
		ID: uuid.NewString(), Email: NormalizeEmail(in.Email), PasswordHash: hash, Role: in.Role,
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
	if err := auth.CheckPasswordPolicy(password); err != nil {
		return false, fmt.Errorf("first admin: %w", err)
	}
	hash, err := auth.HashPassword(password)
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
		row := userRow{ID: uuid.NewString(), Email: NormalizeEmail(email), PasswordHash: hash,
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

// Setting returns a stored setting, or ErrNotFound.
func (s *Store) setting(ctx context.Context, key string) (string, error) {
	var row settingRow
	if err := s.db.WithContext(ctx).Where("key = ?", key).Take(&row).Error; err != nil {
		return "", s.translate(ctx, "get setting", err)
	}
	return row.Value, nil
}

// JWTSecret returns the HMAC key kept in the database, generating and
// storing it on first use. Every process sharing the database gets the same
// key: the first writer wins and the others read its key.
func (s *Store) JWTSecret(ctx context.Context) ([]byte, error) {
	const key = "jwt_secret"
	if v, err := s.setting(ctx, key); err == nil {
		return decodeSecret(v)
	} else if !errors.Is(err, survey.ErrNotFound) {
		return nil, err
	}
	secret, err := auth.GenerateSecret()
	if err != nil {
		return nil, err
	}
	row := settingRow{Key: key, Value: encodeSecret(secret)}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil && !errors.Is(err, gorm.ErrDuplicatedKey) {
		return nil, s.translate(ctx, "store jwt secret", err)
	}
	v, err := s.setting(ctx, key)
	if err != nil {
		return nil, err
	}
	return decodeSecret(v)
}
