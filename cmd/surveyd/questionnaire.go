package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/customs-survey/surveyd/survey"
)

// questionnaireCheckUsage is the help of `surveyd questionnaire check`.
const questionnaireCheckUsage = `usage: surveyd questionnaire check FILE

Checks a questionnaire document offline, with the rules and the messages of
POST /api/v1/questionnaires (docs/questionnaires.md explains them). Each
problem is printed on a line of its own: its JSON path, the key of the
question it lies in, the message and the code. The command exits 0 and
prints a one-line summary when the document is valid, 1 otherwise.
`

// checkQuestionnaire is `surveyd questionnaire check FILE`: it validates a
// questionnaire document without a server or a database, so that an author
// can correct a document before uploading it. It uses survey.ParseDocument,
// as the API does, so it reports exactly what an upload would.
func checkQuestionnaire(_ context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("questionnaire check", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, questionnaireCheckUsage)
		return flag.ErrHelp
	case err != nil:
		return fmt.Errorf("questionnaire check: %w (surveyd questionnaire check --help says how to use it)", err)
	case fs.NArg() != 1:
		return errors.New("questionnaire check: give one file: surveyd questionnaire check FILE")
	}
	path := fs.Arg(0)
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("questionnaire check: %w", err)
	}
	doc, err := survey.ParseDocument(raw)
	if err != nil {
		lines := survey.ProblemLines(err)
		for _, line := range lines {
			fmt.Fprintln(stdout, line)
		}
		return fmt.Errorf("%s: %s", path, counted(len(lines), "problem"))
	}
	fmt.Fprintf(stdout, "%s: valid questionnaire %s: %s, %s, %s\n", path, doc.Key,
		counted(len(doc.Sections), "section"), counted(len(doc.Questions()), "question"), counted(len(doc.Indicators), "indicator"))
	return nil
}

// counted writes n and the noun, in the plural unless n is 1.
func counted(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return strconv.Itoa(n) + " " + noun + "s"
}
