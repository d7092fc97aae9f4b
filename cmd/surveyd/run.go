package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
)

const usage = `usage: surveyd <command> [flags]

commands:
  serve         apply pending migrations, then serve the API until SIGINT/SIGTERM
                (--demo: on a fresh temporary database loaded with the 2023
                report's data)
  migrate       apply pending migrations and exit
  user create   create an account: --email, --role, --administration; the
                password is read from standard input (or prompted for)

environment:
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
`

// run is the whole program, with its environment passed in so that tests can
// run it in-process.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command given")
	}
	log := slog.New(slog.NewJSONHandler(stderr, nil))
	switch args[0] {
	case "serve":
		return serve(ctx, args[1:], getenv, stdout, log)
	case "migrate":
		return migrate(ctx, args[1:], getenv, stdout)
	case "user":
		if len(args) < 2 || args[1] != "create" {
			return errors.New("usage: surveyd user create --email ADDRESS --role ROLE [--administration CODE]")
		}
		return createUser(ctx, args[2:], getenv, stdin, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("unknown command %q", args[0])
	}
}
