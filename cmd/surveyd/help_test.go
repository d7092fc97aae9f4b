package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestHelp runs the real program, as a child process, with the ways people
// ask for help: each prints the usage it asked for on stdout and exits 0;
// a mistake exits 1 and says where the usage is.
func TestHelp(t *testing.T) {
	tests := []struct {
		args     []string
		exit     int
		stdout   []string // each must appear
		stderr   string
		noStdout bool
	}{
		{args: []string{"--help"}, stdout: []string{"usage: surveyd <command>", "user create", "SURVEY_DATABASE_URL"}},
		{args: []string{"help"}, stdout: []string{"usage: surveyd <command>"}},
		{args: []string{"serve", "--help"}, stdout: []string{"usage: surveyd serve [flags]", "-addr", "-database-url", "-demo"}},
		{args: []string{"serve", "-h"}, stdout: []string{"usage: surveyd serve [flags]"}},
		{args: []string{"migrate", "--help"}, stdout: []string{"usage: surveyd migrate [flags]", "-database-url"}},
		{args: []string{"user", "create", "--help"}, stdout: []string{"usage: surveyd user create [flags]", "-email", "-role", "-administration"}},
		{args: []string{"serve", "--no-such-flag"}, exit: 1, stderr: "surveyd serve --help lists the flags", noStdout: true},
		{args: []string{"user", "delete"}, exit: 1, stderr: `unknown command "user delete"`},
		{args: nil, exit: 1, stderr: "no command given"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			cmd := exec.Command(os.Args[0], tt.args...)
			cmd.Env = append(os.Environ(), asBinary+"=1", "SURVEY_DATABASE_URL=sqlite://"+t.TempDir()+"/help.db")
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			exit := 0
			var exitErr *exec.ExitError
			if errors.As(err, &exitErr) {
				exit = exitErr.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if exit != tt.exit {
				t.Errorf("exit status %d, want %d; stderr:\n%s", exit, tt.exit, stderr.String())
			}
			for _, want := range tt.stdout {
				if !strings.Contains(stdout.String(), want) {
					t.Errorf("stdout does not say %q:\n%s", want, stdout.String())
				}
			}
			if tt.noStdout && stdout.Len() > 0 {
				t.Errorf("stdout is not empty:\n%s", stdout.String())
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr does not say %q:\n%s", tt.stderr, stderr.String())
			}
		})
	}
}
