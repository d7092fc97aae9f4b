package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/migrations"
	"github.com/customs-survey/surveyd/responding"
	"github.com/customs-survey/surveyd/survey"
)

// TestSaveOutsideATransaction: on PostgreSQL, SaveResponse reads without
// a lock and writes on condition that nothing it was decided on has
// changed. Here something changes between the read and the write (in
// decide's first call, which a save holding a lock would wait for
// forever): the save is then decided again on what is there now, and
// answers as a save under locks would have.
func TestSaveOutsideATransaction(t *testing.T) {
	closed := errors.New("closed")
	for _, tt := range []struct {
		name      string
		existing  bool                                                           // a saved response before the save
		meanwhile func(ctx context.Context, s *Store, submit func() error) error // in decide's first call
		decisions int                                                            // calls of decide
		err       error                                                          // the save's
		revision  int                                                            // the response's after the save
		submitted int                                                            // its submissions
	}{
		{name: "nothing changes", existing: true, decisions: 1, revision: 2},
		{name: "first save, nothing changes", decisions: 1, revision: 1},
		{name: "the response is submitted", existing: true, decisions: 2, revision: 3, submitted: 1,
			meanwhile: func(_ context.Context, _ *Store, submit func() error) error { return submit() }},
		{name: "another first change creates the response", decisions: 2, revision: 2, submitted: 1,
			meanwhile: func(_ context.Context, _ *Store, submit func() error) error { return submit() }},
		{name: "the campaign is closed", existing: true, decisions: 2, err: closed, revision: 1,
			meanwhile: closeCampaign},
		{name: "the campaign is closed before a first save", decisions: 2, err: closed, revision: 0,
			meanwhile: closeCampaign},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, p := openCampaign(t, dbtest.PostgresURL(t))
			ctx := context.Background()
			who := survey.Respondent{ID: p.UserID, Administration: p.Administration}
			sc := survey.Scope{Administration: p.Administration, HideDrafts: true}
			answers := survey.Answers{"awareness_level": raw(`"basic"`), "ees_perf": raw(`"dont_know"`),
				"ees_union_law": raw(`"full"`), "ees_cooperation": raw(`"none"`), "ees_innovation": raw(`"little"`),
				"used_outputs": raw(`"yes"`)}
			save := func(survey.ResponseState) (survey.ResponseChange, error) {
				return survey.ResponseChange{Answers: answers}, nil
			}
			if tt.existing {
				if _, err := s.SaveResponse(ctx, sc, "c-2023", who, save); err != nil {
					t.Fatal(err)
				}
			}
			// The change made meanwhile may not wait for the save.
			other, cancel := context.WithTimeout(ctx, 10*time.Second)
			defer cancel()
			submit := func() error {
				_, err := s.ChangeResponse(other, sc, "c-2023", who, func(st survey.ResponseState) (survey.ResponseChange, error) {
					kept, rows, err := survey.PrepareSubmission(st.Document, answers)
					return survey.ResponseChange{Answers: kept, Submit: true, Rows: rows}, err
				})
				return err
			}
			decisions := 0
			got, err := s.SaveResponse(ctx, sc, "c-2023", who, func(st survey.ResponseState) (survey.ResponseChange, error) {
				decisions++
				if decisions == 1 && tt.meanwhile != nil {
					if err := tt.meanwhile(other, s, submit); err != nil {
						t.Fatalf("the change meanwhile: %v", err)
					}
				}
				if st.CampaignStatus != survey.StatusOpen {
					return survey.ResponseChange{}, closed
				}
				return save(st)
			})
			if !errors.Is(err, tt.err) {
				t.Fatalf("save: %v, want %v", err, tt.err)
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
			if tt.err != nil {
				return
			}
			if got.Revision != read.Revision || len(got.Submissions) != len(read.Submissions) || got.AmendmentPending != (tt.submitted > 0) {
				t.Errorf("the save answered revision %d, %d submissions, amendment pending %v; the response is %+v",
					got.Revision, len(got.Submissions), got.AmendmentPending, read)
			}
		})
	}
}

// closeCampaign closes c-2023.
func closeCampaign(ctx context.Context, s *Store, _ func() error) error {
	_, err := s.SetCampaignStatus(ctx, "c-2023", survey.StatusOpen, survey.StatusClosed)
	return err
}

// TestCloseWaitsForAChangeUnderWay: a save or a submission outside a
// transaction whose write waits for the response's lock holds the
// campaign's share lock meanwhile, so that a close started then answers
// only once the change has committed: nothing commits after a close has
// answered. Here another transaction holds the response's lock, changing
// nothing, while the change and then the close start.
func TestCloseWaitsForAChangeUnderWay(t *testing.T) {
	t.Run("save", func(t *testing.T) { testCloseWaitsForAChange(t, false) })
	t.Run("submission", func(t *testing.T) { testCloseWaitsForAChange(t, true) })
}

func testCloseWaitsForAChange(t *testing.T, submit bool) {
	s, p := openCampaign(t, dbtest.PostgresURL(t))
	ctx := context.Background()
	who := survey.Respondent{ID: p.UserID, Administration: p.Administration}
	sc := survey.Scope{Administration: p.Administration, HideDrafts: true}
	answers := annualAnswers()
	save := func(survey.ResponseState) (survey.ResponseChange, error) {
		return survey.ResponseChange{Answers: answers}, nil
	}
	first, err := s.SaveResponse(ctx, sc, "c-2023", who, save)
	if err != nil {
		t.Fatal(err)
	}
	holder := s.db.Begin()
	if err := holder.Exec("SELECT 1 FROM responses WHERE id = ? FOR UPDATE", first.ID).Error; err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback()
	waiting := func() int {
		var n int
		if err := s.db.Raw(`SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
  AND wait_event_type = 'Lock'`).Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}

	saved := make(chan error, 1)
	go func() {
		var err error
		if submit {
			_, err = s.SubmitResponse(ctx, sc, "c-2023", who, func(st survey.ResponseState) (survey.ResponseChange, error) {
				kept, rows, err := survey.PrepareSubmission(st.Document, answers)
				return survey.ResponseChange{Answers: kept, Submit: true, Rows: rows}, err
			})
		} else {
			_, err = s.SaveResponse(ctx, sc, "c-2023", who, save)
		}
		saved <- err
	}()
	for waiting() < 1 {
		if len(saved) > 0 {
			t.Fatalf("the change did not wait for the response's lock: %v", <-saved)
		}
		time.Sleep(time.Millisecond)
	}
	// The revision of the response when the close answered.
	type closing struct {
		err      error
		revision int
	}
	closed := make(chan closing, 1)
	go func() {
		_, err := s.SetCampaignStatus(ctx, "c-2023", survey.StatusOpen, survey.StatusClosed)
		r, _, readErr := s.Response(ctx, survey.Everything, "c-2023", p.UserID)
		closed <- closing{errors.Join(err, readErr), r.Revision}
	}()
	// Until the close waits too, or has answered.
	for waiting() < 2 && len(closed) == 0 {
		time.Sleep(time.Millisecond)
	}
	if err := holder.Rollback().Error; err != nil {
		t.Fatal(err)
	}
	c := <-closed
	if c.err != nil {
		t.Fatal(c.err)
	}
	if err := <-saved; err != nil {
		t.Fatalf("the change: %v", err)
	}
	r, _, err := s.Response(ctx, survey.Everything, "c-2023", p.UserID)
	if err != nil {
		t.Fatal(err)
	}
	if r.Revision != c.revision || r.Revision != first.Revision+1 {
		t.Errorf("the response was at revision %d when the close answered, and is now at %d; want both %d",
			c.revision, r.Revision, first.Revision+1)
	}
}

// TestChangesKeepTheListOfSubmissions: on PostgreSQL a change of a
// response whose list of submissions this process kept does not read the
// list again, and the list it answers with is whole even when another
// process (here, a second store on the same database) submitted the
// response meanwhile; from then on, the list is read with the response.
func TestChangesKeepTheListOfSubmissions(t *testing.T) {
	url := dbtest.PostgresURL(t)
	ctx := context.Background()
	a, trace := openTraced(t, url)
	b, err := Open(ctx, url, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { b.Close() })
	p := seedOpenCampaign(t, a)
	answers := survey.Answers{"awareness_level": raw(`"basic"`), "ees_perf": raw(`"dont_know"`), "ees_union_law": raw(`"full"`),
		"ees_cooperation": raw(`"none"`), "ees_innovation": raw(`"little"`), "used_outputs": raw(`"yes"`)}
	ra, rb := responding.New(a, time.Now), responding.New(b, time.Now)
	steps := []struct {
		name      string
		by        *responding.Service
		submit    bool
		aggregate bool // the change of a reads the list with string_agg
		reads     bool // the change of a reads the list row by row
	}{
		{name: "first save", by: ra, aggregate: true},
		{name: "submission", by: ra, submit: true},
		{name: "save", by: ra},
		{name: "submission by the other process", by: rb, submit: true},
		{name: "save after it", by: ra, reads: true},
		{name: "submission after it", by: ra, submit: true, aggregate: true},
		{name: "save again", by: ra, aggregate: true},
	}
	for _, step := range steps {
		trace.take()
		var got survey.Response
		if step.submit {
			got, err = step.by.Submit(ctx, p, "c-2023", nil)
		} else {
			got, err = step.by.SaveDraft(ctx, p, "c-2023", answers, nil)
		}
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		sent := strings.Join(trace.take(), "\n")
		if step.by == ra {
			aggregate := strings.Contains(sent, "FROM submissions WHERE response_id = r.id")
			reads := strings.Contains(sent, "FROM submissions WHERE response_id = $")
			if aggregate != step.aggregate || reads != step.reads {
				t.Errorf("%s: the list read with string_agg %v, row by row %v; want %v, %v:\n%s", step.name,
					aggregate, reads, step.aggregate, step.reads, sent)
			}
		}
		want, _, err := b.Response(ctx, survey.Everything, "c-2023", p.UserID)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got.Submissions, want.Submissions) || got.Revision != want.Revision {
			t.Errorf("%s answered revision %d, submissions %v; the response is at %d with %v", step.name,
				got.Revision, got.Submissions, want.Revision, want.Submissions)
		}
	}
}

// TestKeptSubmissions: a kept list serves only while it is of the
// response read and ends with its current submission; once out of date
// it is no longer kept; a long one keeps its latest submissions; and a
// copy is all a caller gets. The answer rows of its last submission are
// kept with it when the change that kept it made that submission, or kept
// them already.
func TestKeptSubmissions(t *testing.T) {
	sub := func(id string) survey.Submission { return survey.Submission{ID: id, Revision: 2} }
	text, score := "free text", 2.5
	rows := []survey.AnswerRow{{Question: "q1", Score: &score}, {Question: "q2", Text: &text}}
	long := make([]survey.Submission, survey.ListedSubmissions+5)
	for i := range long {
		long[i] = sub(fmt.Sprintf("s%d", i+1))
	}
	last := long[len(long)-1].ID
	type keep struct {
		response  string
		subs      []survey.Submission
		submitted bool
	}
	for _, tt := range []struct {
		name      string
		keep      []keep // in turn; none: nothing kept
		response  string
		current   string
		wantKept  bool
		wantRows  bool // the rows are kept with the list
		keptAfter bool // a list is still kept for the next change
	}{
		{name: "nothing kept", response: "r1", current: "s1"},
		{name: "the list ends with the current submission", keep: []keep{{"r1", []survey.Submission{sub("s1"), sub("s2")}, false}},
			response: "r1", current: "s2", wantKept: true, keptAfter: true},
		{name: "an empty list, no submission", keep: []keep{{"r1", []survey.Submission{}, false}}, response: "r1",
			wantKept: true, wantRows: true, keptAfter: true},
		{name: "a submission since", keep: []keep{{"r1", []survey.Submission{sub("s1")}, false}}, response: "r1", current: "s2"},
		{name: "a first submission since", keep: []keep{{"r1", []survey.Submission{}, false}}, response: "r1", current: "s1"},
		{name: "another response", keep: []keep{{"r1", []survey.Submission{sub("s1")}, false}}, response: "r2", current: "s1"},
		{name: "a long list keeps its latest", keep: []keep{{"r1", long, false}}, response: "r1", current: last, wantKept: true,
			keptAfter: true},
		{name: "kept by its submission", keep: []keep{{"r1", []survey.Submission{sub("s1")}, true}}, response: "r1",
			current: "s1", wantKept: true, wantRows: true, keptAfter: true},
		{name: "rows kept through a save", keep: []keep{{"r1", []survey.Submission{sub("s1")}, true},
			{"r1", []survey.Submission{sub("s1")}, false}}, response: "r1", current: "s1", wantKept: true, wantRows: true,
			keptAfter: true},
		{name: "rows of the submission before a save of another list", keep: []keep{{"r1", []survey.Submission{sub("s1")}, true},
			{"r1", []survey.Submission{sub("s1"), sub("s2")}, false}}, response: "r1", current: "s2", wantKept: true,
			keptAfter: true},
		{name: "rows of another response", keep: []keep{{"r0", []survey.Submission{sub("s1")}, true},
			{"r1", []survey.Submission{sub("s1")}, false}}, response: "r1", current: "s1", wantKept: true, keptAfter: true},
		{name: "rows, then a submission since", keep: []keep{{"r1", []survey.Submission{sub("s1")}, true}}, response: "r1",
			current: "s2"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &Store{lists: newBoundedCache[listKey, keptList](4)}
			for _, k := range tt.keep {
				s.keepSubmissions("c", "u", k.response, k.subs, k.submitted, rows)
			}
			if _, rowsKept := s.keepsSubmissions("c", "u"); tt.wantKept && rowsKept != tt.wantRows {
				t.Errorf("keepsSubmissions says rows kept: %v, want %v", rowsKept, tt.wantRows)
			}
			got, gotRows, haveRows, kept := s.keptSubmissions("c", "u", tt.response, tt.current)
			var want []survey.Submission
			if len(tt.keep) > 0 {
				want = survey.LatestSubmissions(tt.keep[len(tt.keep)-1].subs)
			}
			if kept != tt.wantKept || kept && !slices.Equal(got, want) {
				t.Fatalf("keptSubmissions = %v, %v; want %v, %v", got, kept, want, tt.wantKept)
			}
			if haveRows != tt.wantRows {
				t.Fatalf("rows kept: %v, want %v", haveRows, tt.wantRows)
			}
			switch {
			case haveRows && len(want) == 0 && len(gotRows) != 0:
				t.Errorf("rows %+v of a response without submissions", gotRows)
			case haveRows && len(want) > 0 && (len(gotRows) != 2 || gotRows[0].Question != "q1" || *gotRows[0].Score != score ||
				gotRows[1].Question != "q2" || gotRows[1].Text != nil):
				t.Errorf("rows %+v, want those kept, without their texts", gotRows)
			}
			if kept && len(got) > 0 {
				got[0].ID = "changed by the caller"
				if again, _, _, _ := s.keptSubmissions("c", "u", tt.response, tt.current); again[0].ID != want[0].ID {
					t.Error("the caller's copy is the kept list")
				}
			}
			if list, _ := s.keepsSubmissions("c", "u"); list != tt.keptAfter {
				t.Errorf("a list kept after: %v, want %v", !tt.keptAfter, tt.keptAfter)
			}
			// A list found out of date is not kept again.
			if !tt.keptAfter && len(tt.keep) > 0 {
				s.keepSubmissions("c", "u", "r1", []survey.Submission{sub("s9")}, true, rows)
				if list, _ := s.keepsSubmissions("c", "u"); list {
					t.Error("a list kept again after it was found out of date")
				}
			}
		})
	}
}

// TestChangesReadTheLatestSubmissions: a response amended more often than
// it lists has only its latest submissions read, whichever way they are
// read (with the response in the change's statement on PostgreSQL, row by
// row on SQLite and by Response), so that a change costs as much however
// often the response was amended.
func TestChangesReadTheLatestSubmissions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		a, p := openCampaign(t, url)
		answers := survey.Answers{"awareness_level": raw(`"basic"`), "ees_perf": raw(`"dont_know"`), "ees_union_law": raw(`"full"`),
			"ees_cooperation": raw(`"none"`), "ees_innovation": raw(`"little"`), "used_outputs": raw(`"yes"`)}
		ra := responding.New(a, time.Now)
		if _, err := ra.SaveDraft(ctx, p, "c-2023", answers, nil); err != nil {
			t.Fatal(err)
		}
		var last survey.Response
		for range survey.ListedSubmissions + 5 {
			var err error
			if last, err = ra.Submit(ctx, p, "c-2023", nil); err != nil {
				t.Fatal(err)
			}
		}
		// A process that kept no list: another one, sharing the database.
		b, trace := openTraced(t, url)
		latest := last.Submissions
		check := func(how string, got []survey.Submission) {
			t.Helper()
			if len(got) != survey.ListedSubmissions || got[0].ID != latest[0].ID || got[len(got)-1].ID != latest[len(latest)-1].ID {
				t.Errorf("%s: %d submissions read, want the latest %d", how, len(got), survey.ListedSubmissions)
			}
		}
		for _, s := range []*Store{a, b} {
			rows, err := s.submissionList(ctx, s.sql, last.ID)
			if err != nil {
				t.Fatal(err)
			}
			check("row by row", rows)
		}
		trace.take()
		st, err := b.readChange(b.db.WithContext(ctx), survey.ScopeOf(p), "c-2023", p.UserID, changeRead{})
		if err != nil {
			t.Fatal(err)
		}
		check("with the response", st.submissions)
		if sent := strings.Join(trace.take(), "\n"); b.dialect == migrations.Postgres &&
			strings.Contains(sent, "FROM submissions WHERE response_id = $") {
			t.Errorf("the list read with the response was read again, row by row:\n%s", sent)
		}
	})
}
