package api

import (
	"os"
	"regexp"
	"strconv"
	"testing"
)

// TestEveryProblemTypeIsDocumented holds the problem types of the code and
// the table of docs/problems.md to the same list, with the same statuses
// and titles, each with a section of its own.
func TestEveryProblemTypeIsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/problems.md")
	if err != nil {
		t.Fatal(err)
	}
	row := regexp.MustCompile(`(?m)^\| \[([a-z-]+)\]\(#([a-z-]+)\) \| (\d{3}) \| ([^|]+?) \|$`)
	documented := map[string]problemKind{}
	for _, m := range row.FindAllStringSubmatch(string(doc), -1) {
		status, _ := strconv.Atoi(m[3])
		documented[m[1]] = problemKind{name: m[1], status: status, title: m[4]}
		if m[1] != m[2] {
			t.Errorf("row %s links to #%s", m[1], m[2])
		}
		if !regexp.MustCompile(`(?m)^## ` + regexp.QuoteMeta(m[1]) + `$`).Match(doc) {
			t.Errorf("%s has no section", m[1])
		}
	}
	for _, k := range problemKinds {
		if got, ok := documented[k.name]; !ok {
			t.Errorf("problem type %s is not in the table of docs/problems.md", k.name)
		} else if got != k {
			t.Errorf("docs/problems.md says %+v, the code %+v", got, k)
		}
		delete(documented, k.name)
	}
	for name := range documented {
		t.Errorf("docs/problems.md documents %s, which the code does not have", name)
	}
}
