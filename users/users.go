package users

import (
	"context"
	"errors"
	"fmt"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/auth/passwords"
	"github.com/customs-survey/surveyd/survey"
)

// Service is account management on behalf of a caller.
type Service struct {
	store Store
}

// New returns the service over st.
func New(st Store) *Service { return &Service{store: st} }

// Create creates an account on behalf of by. Admins may create any
// account; coordinators only respondents of their own administration
// (which is also the default administration of what they create).
// The rules of the fields (survey.NewUser's tags) are checked first, so
// that every client gets the same problems with the same codes.
// Errors: ErrForbidden, ErrConflict (e-mail taken), *ValidationError.
func (s *Service) Create(ctx context.Context, by auth.Principal, in survey.NewUser) (survey.User, error) {
	if err := survey.CheckRules(in); err != nil {
		return survey.User{}, err
	}
	switch by.Role {
	case auth.RoleAdmin:
	case auth.RoleCoordinator:
		if in.Administration == "" {
			in.Administration = by.Administration
		}
		if in.Role != string(auth.RoleRespondent) || in.Administration != by.Administration {
			return survey.User{}, survey.Errorf(survey.ErrForbidden, "coordinators may only create respondents of their own administration")
		}
	default:
		return survey.User{}, survey.Errorf(survey.ErrForbidden, "your role may not create users")
	}
	v := &survey.ValidationError{}
	if err := passwords.CheckPolicy(in.Password); err != nil {
		v.Add("password", survey.CodeWeakPassword, "%s", err.Error())
	}
	// The role/administration rule is the one Update applies too.
	var invalid *survey.ValidationError
	switch err := s.checkMembership(ctx, in.Role, in.Administration, true); {
	case errors.As(err, &invalid):
		v.Errors = append(v.Errors, invalid.Errors...)
	case err != nil:
		return survey.User{}, err
	}
	if err := v.Err(); err != nil {
		return survey.User{}, err
	}
	hash, err := passwords.HashContext(ctx, in.Password)
	if err != nil {
		return survey.User{}, fmt.Errorf("create user: %w", err)
	}
	return s.store.CreateUser(ctx, survey.NewAccount{Email: auth.NormalizeEmail(in.Email), PasswordHash: hash,
		Role: in.Role, Administration: in.Administration})
}

// EnsureAdmin creates an admin account with the given e-mail and password
// while no admin exists, and reports whether it did. Once an admin exists
// the password is neither checked nor hashed (argon2 at every start would
// be wasted).
func (s *Service) EnsureAdmin(ctx context.Context, email, password string) (bool, error) {
	if exists, err := s.store.HasAdmin(ctx); err != nil || exists {
		return false, err
	}
	if err := passwords.CheckPolicy(password); err != nil {
		return false, fmt.Errorf("first admin: %w", err)
	}
	hash, err := passwords.HashContext(ctx, password)
	if err != nil {
		return false, err
	}
	return s.store.CreateFirstAdmin(ctx, survey.NewAccount{Email: auth.NormalizeEmail(email), PasswordHash: hash,
		Role: string(auth.RoleAdmin)})
}

// List returns the accounts by may see: all for admins, their own
// administration's for coordinators.
// Errors: ErrForbidden (any other role).
func (s *Service) List(ctx context.Context, by auth.Principal) ([]survey.User, error) {
	if err := mayReadAccounts(by); err != nil {
		return nil, err
	}
	return s.store.Users(ctx, survey.ScopeOf(by))
}

// Get returns one account if by may see it.
// Errors: ErrNotFound (also for another administration's account),
// ErrForbidden (a role other than admin or coordinator).
func (s *Service) Get(ctx context.Context, by auth.Principal, id string) (survey.User, error) {
	if err := mayReadAccounts(by); err != nil {
		return survey.User{}, err
	}
	return s.store.User(ctx, survey.ScopeOf(by), id)
}

// mayReadAccounts lets admins and coordinators read accounts.
func mayReadAccounts(by auth.Principal) error {
	if by.Role != auth.RoleAdmin && by.Role != auth.RoleCoordinator {
		return survey.Errorf(survey.ErrForbidden, "your role may not read accounts")
	}
	return nil
}

// checkMembership applies the role/administration rule to a role and
// administration of a request, and checks that a new administration exists.
func (s *Service) checkMembership(ctx context.Context, role, administration string, newAdministration bool) error {
	if err := membershipRule(role, administration); err != nil {
		return err
	}
	if administration != "" && newAdministration {
		return s.checkAdministration(ctx, administration)
	}
	return nil
}

// membershipRule is auth.CheckMembership as a validation error naming the
// field.
func membershipRule(role, administration string) error {
	switch err := auth.CheckMembership(auth.Role(role), administration); {
	case errors.Is(err, auth.ErrUnknownRole):
		return survey.Invalid("role", survey.CodeNotAllowed, "must be one of: %s", auth.RoleNames())
	case errors.Is(err, auth.ErrAdministrationNotAllowed):
		return survey.Invalid("administration", survey.CodeNotAllowed, "admins belong to no administration; send null")
	case errors.Is(err, auth.ErrAdministrationRequired):
		return survey.Invalid("administration", survey.CodeRequired, "coordinators and respondents belong to an administration")
	}
	return nil
}

// checkAdministration fails with a validation error unless the
// administration exists.
func (s *Service) checkAdministration(ctx context.Context, code string) error {
	_, err := s.store.Administration(ctx, code)
	if errors.Is(err, survey.ErrNotFound) {
		return survey.Invalid("administration", survey.CodeUnknownAdministration, "no administration has code %q", code)
	}
	return err
}

// Update changes the role, administration or disabled state of an account
// on behalf of by. Admins may change any account; coordinators may only
// enable or disable respondents of their own administration.
//
// A change of role or administration, and disabling, make the account's
// access tokens stale (auth.Account.TokensValidAfter); a disabled account
// also loses its refresh tokens. Re-enabling does neither: the account gets
// in again with a new login.
// Errors: ErrNotFound (also for another administration's account),
// ErrForbidden, ErrConflict (the last active admin, or by itself, would stop
// being an active admin; an account with responses would change
// administration), *ValidationError.
func (s *Service) Update(ctx context.Context, by auth.Principal, id string, change survey.UserChange) (survey.User, error) {
	if by.Role != auth.RoleAdmin && by.Role != auth.RoleCoordinator {
		return survey.User{}, survey.Errorf(survey.ErrForbidden, "your role may not change users")
	}
	// An administration is never deleted, so whether a new one exists can
	// be asked before the account is locked; the answer counts only once
	// the rules before it have passed, in the order decideUpdate applies.
	var unknownAdministration error
	if change.Administration != nil && *change.Administration != "" {
		err := s.checkAdministration(ctx, *change.Administration)
		var invalid *survey.ValidationError
		if err != nil && !errors.As(err, &invalid) {
			return survey.User{}, err
		}
		unknownAdministration = err
	}
	return s.store.UpdateUser(ctx, survey.ScopeOf(by), id, func(u survey.UserRecord) (survey.UserUpdate, error) {
		return decideUpdate(by, u, change, unknownAdministration)
	})
}

// decideUpdate applies the rules of Update to one account as it is now.
// unknownAdministration is the validation error of a new administration
// that does not exist, if any.
func decideUpdate(by auth.Principal, u survey.UserRecord, change survey.UserChange, unknownAdministration error) (survey.UserUpdate, error) {
	var out survey.UserUpdate
	if by.Role == auth.RoleCoordinator {
		if change.Role != nil || change.Administration != nil {
			return out, survey.Errorf(survey.ErrForbidden, "coordinators may only enable or disable accounts")
		}
		if u.Role != string(auth.RoleRespondent) {
			return out, survey.Errorf(survey.ErrForbidden, "coordinators may only enable or disable respondents")
		}
	}
	next := survey.Membership{Role: u.Role, Administration: u.Administration}
	if change.Role != nil {
		next.Role = *change.Role
	}
	if change.Administration != nil {
		next.Administration = *change.Administration
	}
	disabled := u.Disabled
	if change.Disabled != nil {
		disabled = *change.Disabled
	}
	if err := membershipRule(next.Role, next.Administration); err != nil {
		return out, err
	}
	if next.Administration != u.Administration && unknownAdministration != nil {
		return out, unknownAdministration
	}
	if u.Role == string(auth.RoleAdmin) && !u.Disabled && (next.Role != string(auth.RoleAdmin) || disabled) {
		if !u.OtherActiveAdmin {
			return out, errLastAdmin
		}
		if u.ID == by.UserID {
			return out, survey.Errorf(survey.ErrConflict, "you may not disable or demote yourself; ask another admin")
		}
	}
	if next.Administration != u.Administration && u.HasResponses {
		// A response keeps the administration it was given; its
		// respondent must not move away from it.
		return out, survey.Errorf(survey.ErrConflict, "this account has responses for its administration, which it must keep; create another account instead")
	}
	if next.Role != u.Role || next.Administration != u.Administration {
		out.Membership, out.StaleTokens = &next, true
	}
	if disabled != u.Disabled {
		out.Disabled = &disabled
		out.StaleTokens = out.StaleTokens || disabled
	}
	out.RevokeRefreshTokens = disabled
	return out, nil
}

var errLastAdmin = survey.Errorf(survey.ErrConflict, "this is the last active admin, who can be neither disabled, demoted nor deleted")

// Delete deletes an account that never answered nor created anything, on
// behalf of an admin. Accounts with history are disabled instead, so that
// every response and questionnaire keeps its author.
// Errors: ErrNotFound, ErrForbidden, ErrConflict (history, by itself, the
// last active admin).
func (s *Service) Delete(ctx context.Context, by auth.Principal, id string) error {
	if by.Role != auth.RoleAdmin {
		return survey.Errorf(survey.ErrForbidden, "only admins may delete accounts")
	}
	return s.store.DeleteUser(ctx, survey.ScopeOf(by), id, func(u survey.UserRecord) error {
		switch {
		case u.Role == string(auth.RoleAdmin) && !u.Disabled && !u.OtherActiveAdmin:
			return errLastAdmin
		case u.ID == by.UserID:
			return survey.Errorf(survey.ErrConflict, "you may not delete your own account; ask another admin")
		case u.HasHistory:
			return survey.Errorf(survey.ErrConflict, "this account has responses, submissions or questionnaires and cannot be deleted; disable it instead")
		}
		return nil
	})
}
