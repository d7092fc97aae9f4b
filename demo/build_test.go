package demo

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/customs-survey/surveyd/survey"
)

// update rewrites testdata/report2023/dataset.json instead of comparing
// with it: go test ./demo -update. (The scores golden files are written by
// go test ./api -run TestReport2023Golden -update.)
var update = flag.Bool("update", false, "rewrite testdata/report2023/dataset.json")

// goldenDir holds the data set and the scores computed from it.
const goldenDir = "../testdata/report2023"

// TestReport2023Dataset keeps testdata/report2023/dataset.json identical to
// the data set that Report2023 builds.
func TestReport2023Dataset(t *testing.T) {
	ds, err := Report2023()
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(ds, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	got = append(got, '\n')
	path := filepath.Join(goldenDir, "dataset.json")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./demo -update to write it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the JSON of Report2023(); run go test ./demo -update and review the diff", path)
	}

	again, err := Report2023()
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := json.MarshalIndent(again, "", "  "); !bytes.Equal(append(b, '\n'), got) {
		t.Error("Report2023 is not deterministic")
	}
}

// TestReport2023ResponsesAreValid checks every response against its
// questionnaire as a submission would be checked, and that none carries an
// answer that submission would drop (a question hidden by show_if), so that
// the data set says exactly what is stored.
func TestReport2023ResponsesAreValid(t *testing.T) {
	ds, err := Report2023()
	if err != nil {
		t.Fatal(err)
	}
	docs := map[string]*survey.Document{}
	for _, raw := range ds.Questionnaires {
		doc, err := survey.ParseDocument(raw)
		if err != nil {
			t.Fatal(err)
		}
		docs[doc.Key] = doc
	}
	for _, c := range ds.Campaigns {
		doc := docs[c.Questionnaire]
		if doc == nil {
			t.Fatalf("campaign %s: no questionnaire %s", c.Key, c.Questionnaire)
		}
		seen := map[string]bool{}
		for i, r := range c.Responses {
			if nonResponding[r.Administration] {
				t.Errorf("campaign %s: response %d from %s, which never responds", c.Key, i, r.Administration)
			}
			if who := r.Administration + "/" + r.Respondent; seen[who] {
				t.Errorf("campaign %s: %s answers twice", c.Key, who)
			} else {
				seen[who] = true
			}
			if r.SubmittedAt.Before(c.OpensAt) || !r.SubmittedAt.Before(c.ClosesAt) {
				t.Errorf("campaign %s: response %d submitted at %s, outside %s–%s", c.Key, i, r.SubmittedAt, c.OpensAt, c.ClosesAt)
			}
			kept, _, err := survey.PrepareSubmission(doc, r.Answers)
			if err != nil {
				t.Errorf("campaign %s: response %d: %v", c.Key, i, err)
				continue
			}
			if len(kept) != len(r.Answers) {
				t.Errorf("campaign %s: response %d: %d answers, %d kept", c.Key, i, len(r.Answers), len(kept))
			}
		}
	}
}
