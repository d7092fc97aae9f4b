package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/responding"
	"github.com/customs-survey/surveyd/survey"
)

// TestEachSubmittedBatchPassesEachResponseOnce amends responses, and
// submits a new one, between the batches of an export: every response
// submitted before the export is passed exactly once, in the documented
// order (administration, then response id), an amended response not yet
// passed with its amendment, and the new one at most once.
func TestEachSubmittedBatchPassesEachResponseOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		s, newcomer := openCampaign(t, url)
		ctx := context.Background()
		answers := func(comment string) survey.Answers {
			return survey.Answers{
				"awareness_level": raw(`"basic"`), "ees_perf": raw(`"large"`), "ees_union_law": raw(`"full"`),
				"ees_cooperation": raw(`"none"`), "ees_innovation": raw(`"little"`), "used_outputs": raw(`"yes"`),
				"comments": raw(fmt.Sprintf("%q", comment)),
			}
		}
		const n = 2*exportBatchRows + 50
		in := make([]survey.ImportedResponse, n)
		for i := range in {
			in[i] = survey.ImportedResponse{Administration: "BE", Respondent: fmt.Sprintf("r%03d", i), Answers: answers("imported")}
		}
		if err := campaigns.New(s).Import(ctx, auth.Operator(), "c-2023", in); err != nil {
			t.Fatal(err)
		}
		var existing []struct{ ID, RespondentID string }
		if err := s.db.Raw(`SELECT id, respondent_id FROM responses ORDER BY administration_code, id`).Scan(&existing).Error; err != nil {
			t.Fatal(err)
		}
		amend := func(respondent string) {
			t.Helper()
			p := auth.Principal{UserID: respondent, Role: auth.RoleRespondent, Administration: "BE"}
			if _, err := responding.New(s, time.Now).SaveDraft(ctx, p, "c-2023", answers("amended"), nil); err != nil {
				t.Fatal(err)
			}
			if _, err := responding.New(s, time.Now).Submit(ctx, p, "c-2023", nil); err != nil {
				t.Fatal(err)
			}
		}
		first, last := existing[0], existing[len(existing)-1]

		seen := map[string]int{}
		var order []string
		comments := map[string]string{}
		batches := 0
		err := s.EachSubmittedBatch(ctx, survey.Everything, "c-2023", func(batch []survey.ExportedResponse) error {
			batches++
			if len(batch) > exportBatchRows {
				t.Errorf("a batch of %d responses", len(batch))
			}
			for _, r := range batch {
				seen[r.ResponseID]++
				order = append(order, r.ResponseID)
				var c string
				_ = json.Unmarshal(r.AnswerTo("comments"), &c)
				comments[r.ResponseID] = c
			}
			if batches == 1 {
				// Amendments move a response's latest submission time
				// past every other; a new response appears.
				amend(first.RespondentID)
				amend(last.RespondentID)
				amend(newcomer.UserID)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if batches < 3 {
			t.Errorf("%d batches for %d responses", batches, n)
		}
		for _, r := range existing {
			if seen[r.ID] != 1 {
				t.Errorf("response %s passed %d times", r.ID, seen[r.ID])
			}
			delete(seen, r.ID)
		}
		// What is left is the newcomer's response, if it was passed.
		if len(seen) > 1 {
			t.Errorf("%d responses passed that were not submitted before the export, want at most 1", len(seen))
		}
		for id, k := range seen {
			if k > 1 {
				t.Errorf("the new response %s passed %d times", id, k)
			}
		}
		if got := comments[first.ID]; got != "imported" {
			t.Errorf("the first response, passed before its amendment, shows %q", got)
		}
		if got := comments[last.ID]; got != "amended" {
			t.Errorf("the last response, amended before its batch, shows %q, want its amendment", got)
		}
		if !slices.IsSortedFunc(order, strings.Compare) { // one administration: by id
			t.Errorf("responses are not passed in order of id")
		}
	})
}

// TestExportBatchesAreBoundedInBytes: small responses, then large ones (100
// KB of text each). A batch stops once it holds exportBatchBytes, so that an
// export holds that much at a time whatever the answers' sizes (a batch
// sized on the small ones would have taken 100 large ones, 10 MB), and none
// is lost at the cut.
func TestExportBatchesAreBoundedInBytes(t *testing.T) {
	const doc = `{"key": "notes", "title": {"en": "Notes"}, "default_language": "en", "sections": [
	  {"key": "s", "title": {"en": "Notes"}, "questions": [
	    {"key": "note", "type": "text", "max_length": 200000, "text": {"en": "Your notes"}}]}]}`
	dbtest.Each(t, func(t *testing.T, url string) {
		s, _ := openCampaignOf(t, url, []byte(doc))
		ctx := context.Background()
		const small, large = exportBatchRows, 150
		in := make([]survey.ImportedResponse, small+large)
		for i := range in {
			text := "short"
			if i >= small {
				text = strings.Repeat("x", 100_000)
			}
			in[i] = survey.ImportedResponse{Administration: "BE", Respondent: fmt.Sprintf("r%04d", i),
				Answers: survey.Answers{"note": raw(`"` + text + `"`)}}
		}
		if err := campaigns.New(s).Import(ctx, auth.Operator(), "c-2023", in); err != nil {
			t.Fatal(err)
		}
		total := 0
		err := s.EachSubmittedBatch(ctx, survey.Everything, "c-2023", func(batch []survey.ExportedResponse) error {
			size := 0
			for _, r := range batch {
				size += len(r.AnswerTo("note"))
			}
			if size > exportBatchBytes+100_100 {
				t.Errorf("a batch of %d responses holds %d bytes of answers, more than %d and one response", len(batch), size, exportBatchBytes)
			}
			total += len(batch)
			return nil
		})
		if err != nil || total != small+large {
			t.Fatalf("%d responses passed (%v), want %d", total, err, small+large)
		}
	})
}

// TestSplitValuesAgreesWithUnmarshal: the stored answers are split into
// the values json.Unmarshal decodes, placed in question order, whether
// written by json.Marshal (the fast path) or in any other form, and
// malformed ones fail as they do. A key the questionnaire does not have is
// left out.
func TestSplitValuesAgreesWithUnmarshal(t *testing.T) {
	marshalled, err := json.Marshal(survey.Answers{"a": raw(`"x,\"y\"\n"`), "b": raw(`["p","q"]`), "c": raw(`12.5`),
		"d": raw(`{"n":[1,{"m":"]}"}]}`), "e": raw(`null`), "f": raw(`"<&>"`), "g": raw(`true`), "zz": raw(`"not asked"`)})
	if err != nil {
		t.Fatal(err)
	}
	keys := []string{"g", "a", "b", "c", "d", "e", "f", "é"}
	index := newQuestionIndex(keys)
	if !splitObject(marshalled, index, make([]json.RawMessage, len(keys))) {
		t.Errorf("answers written by json.Marshal are left to json.Unmarshal: %s", marshalled)
	}
	for _, body := range []string{string(marshalled), `{}`, ` { } `, `{ "a" : "x" , "b" : [ 1 , 2 ] }`, `{"\u0061":"x"}`,
		`{"é":"x"}`, `{"a":"x","a":"y"}`, `{"a":"x",}`, `{"a":}`, `{"a" "x"}`, `{"a":"x"`, `{"a":"x"}x`, `{"a":[1,2}`,
		`{"a":"unterminated}`, `[]`, `null`, ``, `{"a":"x"}{}`, `{"a":tru}`} {
		got, err := splitValues([]byte(body), index, make([]json.RawMessage, len(keys)))
		var decoded survey.Answers
		wantErr := json.Unmarshal([]byte(body), &decoded)
		if wantErr != nil {
			// Values are delimited, not checked: a malformed value
			// fails when it is read.
			if err == nil && !strings.Contains(body, "tru}") {
				t.Errorf("splitValues(%s) = %s, want the error %v", body, got, wantErr)
			}
			continue
		}
		want := make([]json.RawMessage, len(keys))
		for k, v := range decoded {
			if i := slices.Index(keys, k); i >= 0 {
				want[i] = v
			}
		}
		if err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("splitValues(%s) = %s, %v; json.Unmarshal: %s", body, got, err, want)
		}
	}
}
