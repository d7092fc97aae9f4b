package users

import (
	"context"

	"github.com/customs-survey/surveyd/survey"
)

// Store is the persistence account management needs. Every method may also
// return an error of the store (unavailable database, ...).
type Store interface {
	// Administration returns an administration. Errors: ErrNotFound.
	Administration(ctx context.Context, code string) (survey.Administration, error)
	// CreateUser stores a new account. Errors: ErrConflict (e-mail taken).
	CreateUser(ctx context.Context, a survey.NewAccount) (survey.User, error)
	// CreateFirstAdmin stores a, an admin, unless an admin exists already,
	// and reports whether it did; HasAdmin tells beforehand.
	CreateFirstAdmin(ctx context.Context, a survey.NewAccount) (bool, error)
	HasAdmin(ctx context.Context) (bool, error)
	// Users lists the accounts sc sees, by e-mail; User returns one.
	// Errors: ErrNotFound (also for an account sc does not see).
	Users(ctx context.Context, sc survey.Scope) ([]survey.User, error)
	User(ctx context.Context, sc survey.Scope, id string) (survey.User, error)
	// UpdateUser reads the account id that sc sees, with the facts the
	// rules need, and applies what decide returns, in one transaction
	// that no other change of an account runs alongside (so that two
	// admins disabling each other cannot leave none).
	// Errors: ErrNotFound, and any error of decide.
	UpdateUser(ctx context.Context, sc survey.Scope, id string, decide func(survey.UserRecord) (survey.UserUpdate, error)) (survey.User, error)
	// DeleteUser is the same for a deletion: the account goes with its
	// refresh tokens and its login attempts if decide returns nil.
	// Errors: ErrNotFound, ErrConflict (the account is still referred
	// to), and any error of decide.
	DeleteUser(ctx context.Context, sc survey.Scope, id string, decide func(survey.UserRecord) error) error
}
