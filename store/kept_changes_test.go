package store

import (
	"context"
	"errors"
	"runtime"
	"strings"
	"testing"
	"time"
	"weak"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/responding"
	"github.com/customs-survey/surveyd/survey"
)

// TestChangeOnAKeptStateThatMovedOn: a save or a submission that this
// process decides on the state its last change of the response left
// (kept_changes.go), while another process sharing the database has
// changed the response or its campaign since, has the outcome it would
// have had after a read: the write on the kept state changes nothing, and
// the change is made again on the state read.
func TestChangeOnAKeptStateThatMovedOn(t *testing.T) {
	const key = "c-2023"
	answers := annualAnswers()
	save := func(ifMatch *int) func(context.Context, *responding.Service, auth.Principal) (survey.Response, error) {
		return func(ctx context.Context, r *responding.Service, p auth.Principal) (survey.Response, error) {
			return r.SaveDraft(ctx, p, key, answers, ifMatch)
		}
	}
	submit := func(ctx context.Context, r *responding.Service, p auth.Principal) (survey.Response, error) {
		return r.Submit(ctx, p, key, nil)
	}
	closeCampaign := func(ctx context.Context, other *Store) error {
		_, err := campaigns.New(other).Close(ctx, auth.Operator(), key)
		return err
	}
	withdraw := func(ctx context.Context, other *Store) error {
		_, err := other.ChangeCampaign(ctx, key, func(st survey.CampaignState) (survey.CampaignChange, error) {
			change := survey.ChangeOf(st.Campaign)
			change.Administrations = nil
			return change, nil
		})
		return err
	}
	revision := func(n int) *int { return &n }
	// This process saves and submits (revision 2, kept); then the other
	// process does what other says, and this one change.
	for _, tt := range []struct {
		name      string
		other     func(context.Context, *Store, *responding.Service, auth.Principal) error
		change    func(context.Context, *responding.Service, auth.Principal) (survey.Response, error)
		keptWrite bool // the change is written on the kept state first
		wantErr   error
		wantRev   int // the response's revision in the database afterwards
		wantSubs  int // its submissions
	}{
		{"nothing; a save", nil, save(nil), true, nil, 3, 1},
		{"nothing; an amendment", nil, submit, true, nil, 3, 2},
		{"other saves; a save", otherSaves, save(nil), true, nil, 4, 1},
		{"other saves; a save if at the revision kept", otherSaves, save(revision(2)), true, survey.ErrPreconditionFailed, 3, 1},
		{"other saves; a save if at the revision it left", otherSaves, save(revision(3)), false, nil, 4, 1},
		{"other amends; an amendment", otherSubmits, submit, true, nil, 4, 3},
		{"other amends; a save", otherSubmits, save(nil), true, nil, 4, 2},
		{"other closes the campaign; a save", campaignChange(closeCampaign), save(nil), true, survey.ErrConflict, 2, 1},
		{"other closes the campaign; an amendment", campaignChange(closeCampaign), submit, true, survey.ErrConflict, 2, 1},
		{"other withdraws the administration; a save", campaignChange(withdraw), save(nil), true, survey.ErrNotFound, 2, 1},
		{"other withdraws the administration; an amendment", campaignChange(withdraw), submit, true, survey.ErrNotFound, 2, 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			url := dbtest.PostgresURL(t)
			s, trace := openTraced(t, url)
			p := seedOpenCampaign(t, s)
			other, err := Open(ctx, url, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer other.Close()
			here, there := responding.New(s, time.Now), responding.New(other, time.Now)
			if _, err := here.SaveDraft(ctx, p, key, answers, nil); err != nil {
				t.Fatal(err)
			}
			if _, err := here.Submit(ctx, p, key, nil); err != nil {
				t.Fatal(err)
			}
			if _, kept := s.keptChangeState(key, p.UserID, survey.ScopeOf(p), true); !kept {
				t.Fatal("no state kept after a submission")
			}
			if tt.other != nil {
				if err := tt.other(ctx, other, there, p); err != nil {
					t.Fatalf("the other process: %v", err)
				}
			}
			trace.take()
			got, err := tt.change(ctx, here, p)
			if sent := trace.take(); len(sent) == 0 || strings.Contains(sent[0], "UPDATE responses") != tt.keptWrite {
				t.Errorf("written on the kept state first: %v, want %v; statements:\n%s", !tt.keptWrite, tt.keptWrite,
					strings.Join(sent, "\n"))
			}
			if !errors.Is(err, tt.wantErr) || tt.wantErr != nil && err == nil {
				t.Fatalf("error %v, want %v", err, tt.wantErr)
			}
			stored, _, err2 := other.Response(ctx, survey.Everything, key, p.UserID)
			if err2 != nil {
				t.Fatal(err2)
			}
			if stored.Revision != tt.wantRev || len(stored.Submissions) != tt.wantSubs {
				t.Errorf("stored: revision %d, %d submissions; want %d, %d", stored.Revision, len(stored.Submissions),
					tt.wantRev, tt.wantSubs)
			}
			if err == nil && (got.Revision != stored.Revision || len(got.Submissions) != len(stored.Submissions)) {
				t.Errorf("answered revision %d, %d submissions; stored %d, %d", got.Revision, len(got.Submissions),
					stored.Revision, len(stored.Submissions))
			}
		})
	}
}

func otherSaves(ctx context.Context, _ *Store, r *responding.Service, p auth.Principal) error {
	_, err := r.SaveDraft(ctx, p, "c-2023", annualAnswers(), nil)
	return err
}

func otherSubmits(ctx context.Context, _ *Store, r *responding.Service, p auth.Principal) error {
	_, err := r.Submit(ctx, p, "c-2023", nil)
	return err
}

// campaignChange is a change of the campaign by the other process.
func campaignChange(change func(context.Context, *Store) error) func(context.Context, *Store, *responding.Service, auth.Principal) error {
	return func(ctx context.Context, other *Store, _ *responding.Service, _ auth.Principal) error {
		return change(ctx, other)
	}
}

// TestKeptStateHoldsNoEarlierSubmission: the state kept after a
// submission holds none of the submission's write, whose rows and JSON
// the process no longer needs: a kept response that pointed into it kept
// it alive, and through each write's pointer to the submission it
// replaced, every earlier submission of the response with it.
func TestKeptStateHoldsNoEarlierSubmission(t *testing.T) {
	s, p := openCampaign(t, dbtest.PostgresURL(t))
	ctx := context.Background()
	who := survey.Respondent{ID: p.UserID, Administration: p.Administration}
	sc := survey.ScopeOf(p)
	doc, err := survey.ParseDocument(readTestdata(t, "../testdata/questionnaires/customs_annual.json"))
	if err != nil {
		t.Fatal(err)
	}
	var written []weak.Pointer[survey.AnswerRow]
	for range 4 {
		kept, rows, err := survey.PrepareSubmission(doc, annualAnswers())
		if err != nil {
			t.Fatal(err)
		}
		written = append(written, weak.Make(&rows[0]))
		if _, err := s.SubmitResponse(ctx, sc, "c-2023", who, func(survey.ResponseState) (survey.ResponseChange, error) {
			return survey.ResponseChange{Answers: kept, Submit: true, Rows: rows}, nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	if _, kept := s.keptChangeState("c-2023", who.ID, sc, true); !kept {
		t.Fatal("no state kept")
	}
	runtime.GC()
	runtime.GC()
	for i, w := range written {
		if w.Value() != nil {
			t.Errorf("the rows given to submission %d are still held", i+1)
		}
	}
}

// TestKeptChangeStates: a state is kept only beside a list of the same
// response that ends with its current submission, of a published
// document and a working copy of at most longestKeptDraft; it serves only
// the scope it was decided in, and a submission only with the rows of the
// current submission kept; each caller gets its own copies.
func TestKeptChangeStates(t *testing.T) {
	sc := survey.Scope{Administration: "BE", HideDrafts: true}
	current := "s1"
	score := 1.0
	rows := []survey.AnswerRow{{Question: "q", Score: &score}}
	state := func(change func(*changeState)) changeState {
		st := changeState{campaign: campaignRow{ID: 1, Revision: 3}, doc: &survey.Document{}, published: true,
			resp: responseRow{ID: "r1", Revision: 4, DraftAnswers: `{}`, CurrentSubmissionID: &current}}
		if change != nil {
			change(&st)
		}
		return st
	}
	list := []survey.Submission{{ID: "s1", Revision: 2}}
	for _, tt := range []struct {
		name      string
		submitted bool // the list was kept by the submission s1, with its rows
		st        changeState
		sc        survey.Scope
		rows      bool
		want      bool
	}{
		{"a save after a submission", true, state(nil), sc, false, true},
		{"a submission after a submission", true, state(nil), sc, true, true},
		{"a save after a save", false, state(nil), sc, false, true},
		{"a submission without the rows", false, state(nil), sc, true, false},
		{"another scope", true, state(nil), survey.Scope{Administration: "NL", HideDrafts: true}, false, false},
		{"a draft document", true, state(func(st *changeState) { st.published = false }), sc, false, false},
		{"a long working copy", true, state(func(st *changeState) {
			st.resp.DraftAnswers = `"` + strings.Repeat("x", longestKeptDraft) + `"`
		}), sc, false, false},
		{"another response", true, state(func(st *changeState) { st.resp.ID = "r2" }), sc, false, false},
		{"a list that ends elsewhere", true, state(func(st *changeState) { st.resp.CurrentSubmissionID = nil }), sc, false, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &Store{lists: newBoundedCache[listKey, keptList](4)}
			s.keepSubmissions("c", "u", "r1", list, tt.submitted, rows)
			s.keepChange("c", "u", sc, tt.st)
			got, kept := s.keptChangeState("c", "u", tt.sc, tt.rows)
			if kept != tt.want {
				t.Fatalf("kept %v, want %v", kept, tt.want)
			}
			if !kept {
				return
			}
			if !got.found || got.resp.Revision != 4 || got.campaign.Revision != 3 || len(got.submissions) != 1 ||
				tt.rows && len(got.replaced) != 1 {
				t.Errorf("state %+v", got)
			}
			again, _ := s.keptChangeState("c", "u", tt.sc, tt.rows)
			if got.resp.CurrentSubmissionID == again.resp.CurrentSubmissionID || &got.submissions[0] == &again.submissions[0] {
				t.Error("two callers share the response's pointers or the list")
			}
			s.dropChange("c", "u")
			if _, kept := s.keptChangeState("c", "u", tt.sc, tt.rows); kept {
				t.Error("still kept once dropped")
			}
			if list, _ := s.keepsSubmissions("c", "u"); !list {
				t.Error("dropping the state dropped the list")
			}
		})
	}
}
