package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/store"
	"github.com/customs-survey/surveyd/survey"
	"github.com/customs-survey/surveyd/users"
)

// resetPassword is `surveyd user reset-password --email ADDRESS`: the
// operator (auth.Operator) resets an account's password as an admin does
// through the API (users.Service.ResetPassword: every session ends, the
// failed logins are forgiven, a new password must be chosen at the next
// login) and gets the one-time password, printed once, to hand over. The
// reset is in the audit trail, with no actor, as a change made on the
// server.
func resetPassword(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	var email string
	cfg, _, err := loadConfig("user reset-password", args, getenv, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "e-mail address of the account")
	})
	if err != nil {
		return err
	}
	if email == "" {
		return errors.New("user reset-password: --email is required")
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, store.Options{Migrate: true})
	if err != nil {
		return err
	}
	defer st.Close()
	account, found, err := st.AccountByEmail(ctx, email)
	if err != nil {
		return fmt.Errorf("user reset-password: %w", err)
	}
	if !found {
		return fmt.Errorf("user reset-password: no account has the e-mail %s", auth.NormalizeEmail(email))
	}
	reset, err := users.New(st).ResetPassword(ctx, auth.Operator(), account.ID)
	if err != nil {
		return fmt.Errorf("user reset-password: %w", err)
	}
	fmt.Fprintf(stdout, "reset the password of %s %s (id %s); every session of the account has ended.\n"+
		"one-time password: %s\n"+
		"It opens one session until %s; the account must then choose a new password.\n",
		reset.User.Role, reset.User.Email, reset.User.ID, reset.OneTimePassword, reset.ExpiresAt.UTC().Format("2006-01-02 15:04 UTC"))
	// Printed first: the reset has happened, and its one-time password
	// must not be lost should the trail fail.
	ev := survey.AuditEvent{Action: "user.reset_password", Target: survey.AuditTarget("id", account.ID), Status: http.StatusOK}
	if err := st.RecordAudit(ctx, ev); err != nil {
		return fmt.Errorf("user reset-password: the password was reset, but the reset is not in the audit trail: %w", err)
	}
	return nil
}
