package store

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"strconv"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/survey"
)

// TestSubmitOutsideATransaction: on PostgreSQL, SubmitResponse reads
// without a lock and writes in one statement on condition that nothing it
// was decided on has changed. Here something changes between the read and
// the write (in decide's first call, which a submission holding a lock
// would wait for forever): the statement writes nothing, and the
// submission is decided again on what is there now, under locks, and
// answers as it would have.
func TestSubmitOutsideATransaction(t *testing.T) {
	closed := errors.New("closed")
	for _, tt := range []struct {
		name      string
		meanwhile func(ctx context.Context, s *Store, change func(submit bool) error) error // in decide's first call
		decisions int                                                                       // calls of decide
		err       error                                                                     // the submission's
		revision  int                                                                       // the response's after it
		submitted int                                                                       // its submissions
	}{
		{name: "nothing changes", decisions: 1, revision: 2, submitted: 1},
		{name: "the response is saved", decisions: 2, revision: 3, submitted: 1,
			meanwhile: func(_ context.Context, _ *Store, change func(bool) error) error { return change(false) }},
		{name: "the response is submitted", decisions: 2, revision: 3, submitted: 2,
			meanwhile: func(_ context.Context, _ *Store, change func(bool) error) error { return change(true) }},
		{name: "the campaign is closed", decisions: 2, err: closed, revision: 1,
			meanwhile: func(ctx context.Context, s *Store, _ func(bool) error) error { return closeCampaign(ctx, s, nil) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, p := openCampaign(t, dbtest.PostgresURL(t))
			ctx := context.Background()
			who := survey.Respondent{ID: p.UserID, Administration: p.Administration}
			sc := survey.Scope{Administration: p.Administration, HideDrafts: true}
			answers := annualAnswers()
			perSubmission := 0 // answer rows
			decideOn := func(submit bool) func(survey.ResponseState) (survey.ResponseChange, error) {
				return func(st survey.ResponseState) (survey.ResponseChange, error) {
					if !submit {
						return survey.ResponseChange{Answers: answers}, nil
					}
					kept, rows, err := survey.PrepareSubmission(st.Document, answers)
					perSubmission = len(rows)
					return survey.ResponseChange{Answers: kept, Submit: true, Rows: rows}, err
				}
			}
			if _, err := s.SaveResponse(ctx, sc, "c-2023", who, decideOn(false)); err != nil {
				t.Fatal(err)
			}
			// The change made meanwhile may not wait for the submission.
			other, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			change := func(submit bool) error {
				_, err := s.ChangeResponse(other, sc, "c-2023", who, decideOn(submit))
				return err
			}
			decisions := 0
			// The submission's audit event, written by whichever write
			// makes it, once; not by the change made meanwhile.
			pending := &survey.PendingAudit{Event: survey.AuditEvent{ActorID: who.ID, Action: "response.submit",
				Status: 200, RequestID: "the submission"}}
			got, err := s.SubmitResponse(survey.WithPendingAudit(ctx, pending), sc, "c-2023", who, func(st survey.ResponseState) (survey.ResponseChange, error) {
				decisions++
				if decisions == 1 && tt.meanwhile != nil {
					if err := tt.meanwhile(other, s, change); err != nil {
						t.Fatalf("the change meanwhile: %v", err)
					}
				}
				if st.CampaignStatus != survey.StatusOpen {
					return survey.ResponseChange{}, closed
				}
				return decideOn(true)(st)
			})
			if !errors.Is(err, tt.err) {
				t.Fatalf("submit: %v, want %v", err, tt.err)
			}
			if decisions != tt.decisions {
				t.Errorf("decide was called %d times, want %d", decisions, tt.decisions)
			}
			read, _, err := s.Response(ctx, survey.Everything, "c-2023", p.UserID)
			if err != nil {
				t.Fatal(err)
			}
			if read.Revision != tt.revision || len(read.Submissions) != tt.submitted {
				t.Errorf("the response is at revision %d with %d submissions, want %d with %d",
					read.Revision, len(read.Submissions), tt.revision, tt.submitted)
			}
			var answerRows, cellsOfRespondents int
			if err := s.db.Raw("SELECT count(*) FROM answers").Scan(&answerRows).Error; err != nil {
				t.Fatal(err)
			}
			if err := s.db.Raw("SELECT COALESCE(sum(n), 0) FROM score_cells WHERE indicator = ?", coverageIndicator).
				Scan(&cellsOfRespondents).Error; err != nil {
				t.Fatal(err)
			}
			if want := tt.submitted * perSubmission; answerRows != want || cellsOfRespondents != min(tt.submitted, 1) {
				t.Errorf("%d answer rows and %d responses in the cells, want %d and %d", answerRows, cellsOfRespondents,
					want, min(tt.submitted, 1))
			}
			var events int
			if err := s.db.Raw("SELECT count(*) FROM audit_events WHERE request_id = 'the submission'").Scan(&events).Error; err != nil {
				t.Fatal(err)
			}
			if written := tt.err == nil; events != min(1, tt.submitted) || pending.Written != written {
				t.Errorf("%d audit events of the submission, written %v; want %d, %v", events, pending.Written, min(1, tt.submitted), written)
			}
			if tt.err != nil {
				return
			}
			if got.Revision != read.Revision || len(got.Submissions) != len(read.Submissions) || got.AmendmentPending {
				t.Errorf("the submission answered revision %d, %d submissions, amendment pending %v; the response is %+v",
					got.Revision, len(got.Submissions), got.AmendmentPending, read)
			}
		})
	}
}

// TestSubmitOutsideATransactionRefusesACellToComputeAgain: a submission
// outside a transaction that would leave a score cell's bound on rounding
// error past its limit is refused by its own statement (refuse_change),
// which then writes nothing, and is made again under locks, where the
// cell is computed again from the answers. Here two responses of one
// shard hold a value of 1e15 and a small one, and the far one is amended
// to a small one: what remains of the centred sum of squares is lost in
// the rounding of the term taken away.
func TestSubmitOutsideATransactionRefusesACellToComputeAgain(t *testing.T) {
	const doc = `{"key": "far", "default_language": "en", "title": {"en": "Far"},
  "sections": [{"key": "main", "title": {"en": "Main"}, "questions": [
    {"key": "count", "type": "number", "text": {"en": "Count"}}]}],
  "indicators": [{"code": "COUNT", "method": "mean_value", "questions": ["count"]}]}`
	f := openCells(t, dbtest.PostgresURL(t))
	ctx := t.Context()
	d := f.campaignOfAA(t, []byte(doc))
	sc := survey.Scope{Administration: "AA", HideDrafts: true}
	number := func(v float64) survey.Answers {
		b, _ := json.Marshal(v)
		return survey.Answers{"count": b}
	}
	far, near := f.oneShard(t, "far", number(1))
	submit := func(who survey.Respondent, v float64) (decisions int) {
		t.Helper()
		kept, rows, err := survey.PrepareSubmission(d, number(v))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.SubmitResponse(ctx, sc, "far", who, func(survey.ResponseState) (survey.ResponseChange, error) {
			decisions++
			return survey.ResponseChange{Answers: kept, Submit: true, Rows: rows}, nil
		}); err != nil {
			t.Fatal(err)
		}
		return decisions
	}
	if n := submit(far, survey.MaxNumber) + submit(near, 0.5); n != 2 {
		t.Fatalf("the first submissions were decided %d times, want once each", n)
	}
	if n := submit(far, 0.25); n != 2 {
		t.Errorf("the amendment was decided %d times, want twice (refused outside a transaction, then made under locks)", n)
	}
	var submissions int
	if err := f.s.db.Raw("SELECT count(*) FROM submissions").Scan(&submissions).Error; err != nil {
		t.Fatal(err)
	}
	if submissions != 3 {
		t.Errorf("%d submissions stored, want 3", submissions)
	}
	if diff := f.check(t, "far", d); diff != "" {
		t.Errorf("the cells differ from the answers:\n%s", diff)
	}
}

// oneShard saves responses of new respondents of AA to the campaign with
// that key until two fall in one shard of the score cells, and returns
// those two respondents: an amendment of the one then changes cells that
// the other's submission is in too.
func (f *cellsFixture) oneShard(t *testing.T, key string, answers survey.Answers) (first, second survey.Respondent) {
	t.Helper()
	sc := survey.Scope{Administration: "AA", HideDrafts: true}
	byShard := map[int]survey.Respondent{}
	for {
		who := f.respondent(t, "AA")
		r, err := f.s.SaveResponse(t.Context(), sc, key, who, func(survey.ResponseState) (survey.ResponseChange, error) {
			return survey.ResponseChange{Answers: answers}, nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if first, ok := byShard[shardOf(r.ID)]; ok {
			return first, who
		}
		byShard[shardOf(r.ID)] = who
	}
}

// TestParseAnswerRows reads the answer rows changeQueries aggregate, and
// refuses a list it cannot read whole.
func TestParseAnswerRows(t *testing.T) {
	half, one := 0.5, 1.0
	basic := "basic"
	for _, tt := range []struct {
		list string
		want []survey.AnswerRow
		ok   bool
	}{
		{list: "", want: []survey.AnswerRow{}, ok: true},
		{list: "q basic 3fe0000000000000 f -", want: []survey.AnswerRow{{Question: "q", Option: &basic, Score: &half}}, ok: true},
		{list: "q basic - t - n - - f 3ff0000000000000", want: []survey.AnswerRow{{Question: "q", Option: &basic, NullScore: true},
			{Question: "n", Number: &one}}, ok: true},
		{list: "q basic - t"},
		{list: "q basic 0.5 f -"},
		{list: "q basic 3fe00000000000 f -"},
		{list: "q basic - yes -"},
	} {
		got, ok := parseAnswerRows(tt.list)
		if ok != tt.ok || !reflect.DeepEqual(got, tt.want) && tt.ok {
			t.Errorf("parseAnswerRows(%q) = %v, %v; want %v, %v", tt.list, got, ok, tt.want, tt.ok)
		}
	}
}

// TestReplacedRowsReadWithTheResponse: the answer rows of a response's
// current submission, read with the response for a submission outside a
// transaction, are those stored, to the last bit of every number.
func TestReplacedRowsReadWithTheResponse(t *testing.T) {
	const doc = `{"key": "bits", "default_language": "en", "title": {"en": "Bits"},
  "sections": [{"key": "main", "title": {"en": "Main"}, "questions": [
    {"key": "a", "type": "number", "text": {"en": "A"}},
    {"key": "b", "type": "number", "text": {"en": "B"}},
    {"key": "c", "type": "number", "text": {"en": "C"}},
    {"key": "d", "type": "number", "text": {"en": "D"}},
    {"key": "pick", "type": "single_choice", "text": {"en": "Pick"},
     "options": [{"key": "low", "label": {"en": "Low"}, "score": 0.1}, {"key": "none", "label": {"en": "None"}, "score": null}]}]}],
  "indicators": [{"code": "A", "method": "mean_value", "questions": ["a"]},
    {"code": "B", "method": "mean_value", "questions": ["b"]}, {"code": "C", "method": "mean_value", "questions": ["c"]},
    {"code": "D", "method": "mean_value", "questions": ["d"]},
    {"code": "P", "method": "mean_score", "questions": ["pick"]}]}`
	f := openCells(t, dbtest.PostgresURL(t))
	ctx := t.Context()
	d := f.campaignOfAA(t, []byte(doc))
	sc := survey.Scope{Administration: "AA", HideDrafts: true}
	who := f.respondent(t, "AA")
	for _, pick := range []string{`"low"`, `"none"`} {
		answers := survey.Answers{"a": raw(`0.1`), "b": raw(`-2.5e-300`), "c": raw(`123456789.123456789`), "d": raw(`0`),
			"pick": raw(pick)}
		kept, rows, err := survey.PrepareSubmission(d, answers)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.s.ChangeResponse(ctx, sc, "bits", who, func(survey.ResponseState) (survey.ResponseChange, error) {
			return survey.ResponseChange{Answers: kept, Submit: true, Rows: rows}, nil
		}); err != nil {
			t.Fatal(err)
		}
		st, err := f.s.readChange(f.s.db.WithContext(ctx), sc, "bits", who.ID, changeRead{replaced: true})
		if err != nil {
			t.Fatal(err)
		}
		stored, err := f.s.submissionRows(ctx, f.s.sql, *st.resp.CurrentSubmissionID)
		if err != nil {
			t.Fatal(err)
		}
		if len(stored) != len(rows) || !reflect.DeepEqual(st.replaced, stored) {
			t.Errorf("pick %s: read with the response %s, stored %s", pick, jsonOf(st.replaced), jsonOf(stored))
		}
	}
}

// TestAmendmentTakesAwayTheRowsOfTheCurrentSubmission: a process keeps
// the answer rows of the submissions it makes, and an amendment it makes
// next takes them away from the score cells without reading them. Here
// two processes share the database: once the other one has amended the
// response (or only saved it), the first one's next amendment must take
// away the submission that is current, not the one it made: the cells
// must stay equal to the full computation from the answers.
func TestAmendmentTakesAwayTheRowsOfTheCurrentSubmission(t *testing.T) {
	const raw = `{"key": "two", "default_language": "en", "title": {"en": "Two processes"},
  "sections": [{"key": "main", "title": {"en": "Main"}, "questions": [
    {"key": "count", "type": "number", "text": {"en": "Count"}}]}],
  "indicators": [{"code": "COUNT", "method": "mean_value", "questions": ["count"]}]}`
	number := func(v int) survey.Answers { return survey.Answers{"count": json.RawMessage(strconv.Itoa(v))} }
	for _, tt := range []struct {
		name   string
		submit bool // the other process's change submits
	}{
		{"the other process amends", true},
		{"the other process saves", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			url := dbtest.PostgresURL(t)
			f := openCells(t, url)
			ctx := t.Context()
			doc := f.campaignOfAA(t, []byte(raw))
			other, err := Open(ctx, url, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			g := &cellsFixture{s: other}
			// Another response in the same cells, so that what is taken
			// away from them shows.
			who, beside := f.oneShard(t, "two", number(1))
			if err := f.change(ctx, "two", doc, beside, number(7), true); err != nil {
				t.Fatal(err)
			}
			for i, step := range []struct {
				by     *cellsFixture
				submit bool
			}{{f, true}, {g, tt.submit}, {f, true}, {f, true}} {
				if err := step.by.change(ctx, "two", doc, who, number(10*(i+1)), step.submit); err != nil {
					t.Fatalf("change %d: %v", i+1, err)
				}
				if d := f.check(t, "two", doc); d != "" {
					t.Fatalf("after change %d, the cells differ from the answers:\n%s", i+1, d)
				}
			}
		})
	}
}
