package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// environment lists the settings that every command reads; flags override
// the first three.
const environment = `environment:
  SURVEY_ADDR            listen address (default :8080)
  SURVEY_DATABASE_URL    sqlite://PATH (default sqlite://surveyd.db) or postgres://...
  SURVEY_ADMIN_EMAIL     first admin, created at start-up while no admin exists
  SURVEY_ADMIN_PASSWORD
  SURVEY_JWT_SECRET      HMAC key for access tokens, at least 32 bytes
                         (default: generated once and kept in the database)
  SURVEY_BODY_LIMIT      largest request body (default 1MiB)
  SURVEY_TRUSTED_PROXIES reverse proxies allowed to set X-Forwarded-For
                         (comma-separated IPs or CIDRs; default none)
  SURVEY_READ_TIMEOUT    longest time a client may take to send a request
                         (default 30s)
  SURVEY_CORS_ORIGINS    browser origins allowed to call the API
                         (comma-separated; default none: CORS off)
  SURVEY_AUDIT_RETENTION how long audit events are kept (default 1095d;
                         days such as 400d, a duration such as 720h, or 0
                         to keep every event)
  SURVEY_PASSWORD_HASH_MEMORY
                         memory that concurrent password checks may use
                         (default 64MiB; each takes 19MiB, at least one runs)
  SURVEY_PAGES           on (default) or off: serve the web pages at /
  SURVEY_METRICS_ADDR    serve GET /metrics on this address of its own
                         (such as :9090) instead of the main one
  SURVEY_COOKIE_SECURE   on when a proxy terminates TLS in front of the service
`

// io is what a command may read and write, passed in so that tests can run
// the whole program in-process.
type cmdIO struct {
	getenv         func(string) string
	stdin          io.Reader
	stdout, stderr io.Writer
	log            *slog.Logger
}

// command is one thing surveyd does: its words on the command line, a line
// for the list of commands, and what runs it with the rest of the arguments.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, env cmdIO) error
}

// commands is every command of surveyd, in the order of the usage text.
var commands = []command{
	{"serve", "apply pending migrations, then serve the API and the pages until SIGINT/SIGTERM\n(--demo: on a fresh temporary database loaded with the 2023 report's data)",
		func(ctx context.Context, args []string, env cmdIO) error {
			return serve(ctx, args, env.getenv, env.stdout, env.log)
		}},
	{"migrate", "apply pending migrations and exit",
		func(ctx context.Context, args []string, env cmdIO) error {
			return migrate(ctx, args, env.getenv, env.stdout)
		}},
	{"rescore", "build a campaign's score cells again from its answers (surveyd rescore CAMPAIGN)\nand say whether the cells its submissions kept differed",
		func(ctx context.Context, args []string, env cmdIO) error {
			return rescore(ctx, args, env.getenv, env.stdout)
		}},
	{"questionnaire check", "validate a questionnaire document (FILE) offline, with the API's messages\n(docs/questionnaires.md is the authors' guide)",
		func(ctx context.Context, args []string, env cmdIO) error {
			return checkQuestionnaire(ctx, args, env.stdout)
		}},
	{"user create", "create an account: --email, --role, --administration; the password\nis read from standard input (or prompted for)",
		func(ctx context.Context, args []string, env cmdIO) error {
			return createUser(ctx, args, env.getenv, env.stdin, env.stdout)
		}},
	{"user reset-password", "give the account of --email a one-time password (printed once, valid 72 h)\nto be changed at the next sign-in; every session of the account ends",
		func(ctx context.Context, args []string, env cmdIO) error {
			return resetPassword(ctx, args, env.getenv, env.stdout)
		}},
	{"user import", "create respondents from a CSV file (--csv FILE: email, role,\nadministration); prints each account's one-time password",
		func(ctx context.Context, args []string, env cmdIO) error {
			return importUsers(ctx, args, env.getenv, env.stdout, env.stderr)
		}},
}

// usage is the list of commands and the environment.
func usage() string {
	var b strings.Builder
	b.WriteString("usage: surveyd <command> [flags]\n\ncommands:\n")
	for _, c := range commands {
		lines := strings.Split(c.summary, "\n")
		fmt.Fprintf(&b, "  %-22s %s\n", c.name, lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(&b, "  %-22s %s\n", "", l)
		}
	}
	b.WriteString("\n`surveyd <command> --help` lists the flags of a command.\n\n")
	b.WriteString(environment)
	return b.String()
}

// find returns the command that args start with, and the arguments left;
// ok is false when none matches.
func find(args []string) (command, []string, bool) {
	for _, c := range commands {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			return c, args[len(words):], true
		}
	}
	return command{}, nil, false
}

// run is the whole program. Asking for help (`help`, `-h`, `--help`, alone
// or after a command) prints the usage on stdout and succeeds.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage())
		return errors.New("no command given")
	}
	switch args[0] {
	case "help", "-h", "-help", "--help":
		fmt.Fprint(stdout, usage())
		return nil
	}
	c, rest, ok := find(args)
	if !ok {
		fmt.Fprint(stderr, usage())
		return fmt.Errorf("unknown command %q", strings.Join(args[:min(len(args), 2)], " "))
	}
	env := cmdIO{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr,
		log: slog.New(slog.NewJSONHandler(stderr, nil))}
	err := c.run(ctx, rest, env)
	var help *helpRequested
	switch {
	case errors.As(err, &help):
		fmt.Fprintf(stdout, "usage: surveyd %s [flags]\n\n%s\n", c.name, strings.ReplaceAll(c.summary, "\n", " "))
		if help.flags != "" {
			fmt.Fprintf(stdout, "\nflags:\n%s", help.flags)
		}
		fmt.Fprint(stdout, "\nThe settings of the environment are listed by `surveyd --help`.\n")
		return nil
	case errors.Is(err, flag.ErrHelp):
		// The command printed its own usage.
		return nil
	}
	return err
}

// helpRequested is returned by a command asked for --help: run prints the
// command's usage with its flags and exits 0.
type helpRequested struct{ flags string }

func (*helpRequested) Error() string { return "help requested" }

// parseFlags parses the flags of the command name; --help becomes a
// *helpRequested carrying the flags' descriptions, and any other mistake an
// error that says where to find them.
func parseFlags(fs *flag.FlagSet, name string, args []string) error {
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		var b strings.Builder
		fs.SetOutput(&b)
		fs.PrintDefaults()
		return &helpRequested{flags: b.String()}
	case err != nil:
		return fmt.Errorf("%s: %w (surveyd %s --help lists the flags)", name, err, name)
	case fs.NArg() > 0:
		return fmt.Errorf("%s: unexpected argument %q (surveyd %s --help lists the flags)", name, fs.Arg(0), name)
	}
	return nil
}
