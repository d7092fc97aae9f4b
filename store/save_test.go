package store

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/internal/dbtest"
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

// TestCloseWaitsForASaveUnderWay: a save outside a transaction whose
// write waits for the response's lock holds the campaign's share lock
// meanwhile, so that a close started then answers only once the save has
// committed: nothing commits after a close has answered. Here another
// transaction holds the response's lock, changing nothing, while the save
// and then the close start.
func TestCloseWaitsForASaveUnderWay(t *testing.T) {
	s, p := openCampaign(t, dbtest.PostgresURL(t))
	ctx := context.Background()
	who := survey.Respondent{ID: p.UserID, Administration: p.Administration}
	sc := survey.Scope{Administration: p.Administration, HideDrafts: true}
	save := func(survey.ResponseState) (survey.ResponseChange, error) {
		return survey.ResponseChange{Answers: survey.Answers{"awareness_level": raw(`"basic"`)}}, nil
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
		_, err := s.SaveResponse(ctx, sc, "c-2023", who, save)
		saved <- err
	}()
	for waiting() < 1 {
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
		t.Fatalf("the save: %v", err)
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
