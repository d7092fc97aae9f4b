package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/store"
	"github.com/customs-survey/surveyd/survey"
	"github.com/customs-survey/surveyd/users"
)

// migrate applies pending migrations and lists them.
func migrate(ctx context.Context, args []string, getenv func(string) string, stdout io.Writer) error {
	cfg, _, err := loadConfig("migrate", args, getenv, nil)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	applied, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	if len(applied) == 0 {
		fmt.Fprintln(stdout, "the database is up to date")
	}
	for _, name := range applied {
		fmt.Fprintln(stdout, "applied", name)
	}
	return nil
}

// createUser creates an account from the command line. The password never
// comes from a flag (it would show in the process list and shell history):
// it is prompted for on a terminal, else read from the first line of stdin.
func createUser(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout io.Writer) error {
	var email, role, administration string
	cfg, _, err := loadConfig("user create", args, getenv, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "e-mail address")
		fs.StringVar(&role, "role", "", "admin, coordinator or respondent")
		fs.StringVar(&administration, "administration", "", "administration code (not for admins)")
	})
	if err != nil {
		return err
	}
	if email == "" || role == "" {
		return errors.New("user create: --email and --role are required")
	}
	password, err := readPassword(stdin, stdout)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, store.Options{Migrate: true})
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := users.New(st).Create(ctx, auth.Operator(),
		survey.NewUser{Email: email, Password: password, Role: role, Administration: administration})
	var invalid *survey.ValidationError
	if errors.As(err, &invalid) {
		msgs := make([]string, len(invalid.Errors))
		for i, fe := range invalid.Errors {
			msgs[i] = fe.Field + ": " + fe.Message
		}
		return fmt.Errorf("user create: %s", strings.Join(msgs, "; "))
	}
	if err != nil {
		return fmt.Errorf("user create: %w", err)
	}
	fmt.Fprintf(stdout, "created %s %s (id %s)\n", u.Role, u.Email, u.ID)
	return nil
}

func readPassword(stdin io.Reader, stdout io.Writer) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(stdout, "Password: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stdout)
		return string(b), err
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("user create: no password on standard input")
	}
	return line, nil
}
