package main

import (
	"context"
	"encoding/csv"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/store"
	"github.com/customs-survey/surveyd/survey"
	"github.com/customs-survey/surveyd/users"
)

// importUsers creates the accounts of a CSV file for the operator, all or
// none (users.Service.Import; the file's format is users.ReadImportCSV's).
// On success it writes to stdout, as CSV, each account with its one-time
// password, shown this once: hand each to its holder, who signs in with it
// once and then chooses a password. Every bad line is in the error, one
// per line. While the passwords are hashed, a progress bar is drawn on
// stderr when stderr is a terminal, and nothing is written there
// otherwise. Each account created gets an audit event user.import with no
// actor: the command line's.
func importUsers(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var path string
	cfg, _, err := loadConfig("user import", args, getenv, func(fs *flag.FlagSet) {
		fs.StringVar(&path, "csv", "", "the CSV file of accounts: columns email, role, administration")
	})
	if err != nil {
		return err
	}
	if path == "" {
		return errors.New("user import: --csv FILE is required")
	}
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("user import: %w", err)
	}
	defer f.Close()
	st, err := store.Open(ctx, cfg.DatabaseURL, store.Options{Migrate: true})
	if err != nil {
		return err
	}
	defer st.Close()
	bar := newProgressBar(stderr)
	res, err := users.New(st).ImportCSV(ctx, auth.Operator(), f, bar.show)
	bar.done()
	if err != nil {
		return importError(err)
	}
	for _, a := range res.Accounts {
		ev := survey.AuditEvent{Action: "user.import", Target: survey.AuditTarget("id", a.User.ID), Status: 201}
		if err := st.RecordAudit(ctx, ev); err != nil {
			fmt.Fprintf(stderr, "user import: audit event of %s: %v\n", a.User.Email, err)
		}
	}
	return writeImported(stdout, res)
}

// writeImported writes the report of an import as CSV.
func writeImported(w io.Writer, res users.ImportResult) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"line", "email", "role", "administration", "id", "one_time_password", "expires_at"})
	expires := res.ExpiresAt.UTC().Format(time.RFC3339)
	for _, a := range res.Accounts {
		cw.Write([]string{strconv.Itoa(a.Line), a.User.Email, a.User.Role, a.User.Administration, a.User.ID, a.OneTimePassword, expires})
	}
	cw.Flush()
	return cw.Error()
}

// importError lists every bad line of a refused import, one per line.
func importError(err error) error {
	var invalid *survey.ValidationError
	if !errors.As(err, &invalid) {
		return fmt.Errorf("user import: %w", err)
	}
	msgs := make([]string, len(invalid.Errors))
	for i, fe := range invalid.Errors {
		msgs[i] = fmt.Sprintf("  %s: %s (%s)", fe.Field, fe.Message, fe.Code)
	}
	return fmt.Errorf("user import: nothing was created; %d problems:\n%s", len(msgs), strings.Join(msgs, "\n"))
}

// progressBar draws the progress of an import on a terminal; on anything
// else it draws nothing.
type progressBar struct {
	w  io.Writer // nil: not a terminal
	on bool
}

func newProgressBar(stderr io.Writer) *progressBar {
	if f, ok := stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return &progressBar{w: f}
	}
	return &progressBar{}
}

// barWidth is the number of cells of the bar.
const barWidth = 40

// show redraws the bar for done of total one-time passwords.
func (b *progressBar) show(done, total int) {
	if b.w == nil || total == 0 {
		return
	}
	filled := done * barWidth / total
	fmt.Fprintf(b.w, "\r[%s%s] %d/%d accounts", strings.Repeat("#", filled), strings.Repeat(".", barWidth-filled), done, total)
	b.on = true
}

// done ends the bar's line.
func (b *progressBar) done() {
	if b.on {
		fmt.Fprintln(b.w)
	}
}
