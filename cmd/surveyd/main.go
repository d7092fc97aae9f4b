// Command surveyd runs the survey collection and scoring service.
//
//	surveyd serve              apply migrations, then serve the API and the pages
//	surveyd migrate            apply pending migrations and exit
//	surveyd user create ...    create an account (password from stdin)
//
// `surveyd --help` lists every command (the table in run.go) and the
// settings of the environment; `--help` after a command lists its flags.
// Configuration comes from the environment (docs/api.md, "Running the
// server"); flags mirror it.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Getenv, os.Stdin, os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "surveyd:", err)
		os.Exit(1)
	}
}
