package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOperatorStaysOnTheCommandLine: the operator's principal, an admin
// with no account, is for surveyd's subcommands only. The HTTP layers and
// the use cases must never use it: a request acts as its token's or
// session's principal.
func TestOperatorStaysOnTheCommandLine(t *testing.T) {
	for _, dir := range []string{"api", "web", "users", "questionnaires", "campaigns", "responding", "scores", "store", "survey"} {
		files, err := filepath.Glob(filepath.Join("..", dir, "*.go"))
		if err != nil || len(files) == 0 {
			t.Fatalf("no Go files in %s: %v", dir, err)
		}
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(body), "auth.Operator") {
				t.Errorf("%s uses auth.Operator", f)
			}
		}
	}
}
