package docs

import (
	"bufio"
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/customs-survey/surveyd/survey"
)

// example is a fenced block of questionnaires.md: a document, and what
// checking it must print.
type example struct {
	line     int    // of the opening fence, for messages
	document string // the ```json block
	// problems is the ```text block that follows the document, blank lines
	// aside, or nil when none does.
	problems []string
}

// examples reads the ```json blocks of a Markdown guide and the ```text
// block after each, if any.
func examples(t *testing.T, path string) []example {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out []example
	var block *strings.Builder
	lang, start := "", 0
	blankSinceJSON := true // only blank lines since the last ```json block closed
	sc := bufio.NewScanner(bytes.NewReader(raw))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		switch {
		case block == nil && strings.HasPrefix(line, "```"):
			lang, start, block = strings.TrimPrefix(line, "```"), n, &strings.Builder{}
		case block != nil && line == "```":
			text := block.String()
			switch {
			case lang == "json":
				out = append(out, example{line: start, document: text})
				blankSinceJSON = true
				block = nil
				continue
			case lang == "text" && blankSinceJSON && len(out) > 0 && out[len(out)-1].problems == nil:
				out[len(out)-1].problems = strings.Split(strings.TrimSuffix(text, "\n"), "\n")
			}
			block = nil
			blankSinceJSON = false
		case block != nil:
			block.WriteString(line + "\n")
		case strings.TrimSpace(line) != "":
			blankSinceJSON = false
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if block != nil {
		t.Fatalf("%s:%d: a fence is not closed", path, start)
	}
	return out
}

// TestQuestionnaireGuideExamples checks every example of questionnaires.md
// with survey.ParseDocument, as the API and `surveyd questionnaire check`
// do. The guide's convention: every ```json block is a whole questionnaire
// document; when a ```text block follows it (with nothing but blank lines
// between), the document must fail and the block is, line for line, what
// `surveyd questionnaire check` prints for it (survey.ProblemLines);
// otherwise the document must be valid. So no message shown in the guide
// can drift from the service's own.
func TestQuestionnaireGuideExamples(t *testing.T) {
	const path = "questionnaires.md"
	list := examples(t, path)
	valid, invalid := 0, 0
	for _, ex := range list {
		_, err := survey.ParseDocument([]byte(ex.document))
		got := survey.ProblemLines(err)
		switch {
		case ex.problems == nil && err != nil:
			t.Errorf("%s:%d: the example should be valid, and is not:\n%s", path, ex.line, strings.Join(got, "\n"))
		case ex.problems != nil && strings.Join(got, "\n") != strings.Join(ex.problems, "\n"):
			t.Errorf("%s:%d: the example's problems differ from the guide's\n got:\n%s\n guide:\n%s",
				path, ex.line, strings.Join(got, "\n"), strings.Join(ex.problems, "\n"))
		}
		if ex.problems == nil {
			valid++
		} else {
			invalid++
		}
	}
	// The guide shows both kinds; a change of the convention that made
	// the test see none of one kind would otherwise pass unnoticed.
	if valid < 5 || invalid < 5 {
		t.Errorf("%s: %d valid and %d failing examples found; the guide has more of each", path, valid, invalid)
	}
}
