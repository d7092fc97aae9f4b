package users

import (
	"context"
	"time"

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
	// UserPage lists the accounts sc sees that f selects, one page of
	// them, by e-mail (the page's sort key).
	UserPage(ctx context.Context, sc survey.Scope, f survey.UserFilter, p survey.PageRequest) ([]survey.User, error)
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
	// ResetPassword reads the account id that sc sees, with the facts the
	// rules need, and unless decide refuses, replaces its password with the
	// one-time password whose hash is given, accepted for lifetime from
	// now and to be replaced at the next login; it ends every session of
	// the account (access tokens, refresh tokens, browser sessions) and
	// forgives its failed logins, in one transaction. It returns the
	// account and when the one-time password expires.
	// Errors: ErrNotFound, and any error of decide.
	ResetPassword(ctx context.Context, sc survey.Scope, id, hash string, lifetime time.Duration,
		decide func(survey.UserRecord) error) (survey.User, time.Time, error)
	// TakenEmails returns those of emails (normalised) that are already
	// the e-mail of an account, whatever its administration.
	TakenEmails(ctx context.Context, emails []string) ([]string, error)
	// ImportUsers stores the accounts, all or none, in one transaction,
	// each with its one-time password (PasswordHash), accepted for
	// lifetime from now and to be replaced at the first login, as after a
	// reset. It returns them in the order given, and when their one-time
	// passwords expire.
	// Errors: ErrConflict (an e-mail taken, an administration that does
	// not exist).
	ImportUsers(ctx context.Context, accounts []survey.NewAccount, lifetime time.Duration) ([]survey.User, time.Time, error)
	// UnlockUser forgives the failed logins of the account id that sc
	// sees, for the logins that begin from now on.
	// Errors: ErrNotFound.
	UnlockUser(ctx context.Context, sc survey.Scope, id string) (survey.User, error)
}
