package storetest

import (
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/survey"
)

// testCampaignRevisions checks that every change of a campaign counts in
// its revision, and that a close is remembered as the campaign's last
// final moment.
func testCampaignRevisions(t *testing.T, open Open) {
	st, clock := campaignFixture(t, open)
	ctx := t.Context()
	for _, c := range []struct {
		key          string
		revision     int
		lastClosedAt bool
	}{
		{"k2025", 1, false}, // created
		{"c2024", 2, false}, // created, opened
		{"k2023", 3, true},  // created, opened, closed
	} {
		got, err := st.Campaign(ctx, survey.Everything, c.key)
		if err != nil {
			t.Fatal(err)
		}
		if got.Revision != c.revision || (got.LastClosedAt != nil) != c.lastClosedAt || got.ReopenedAt != nil || got.Title != "" {
			t.Fatalf("%s: %+v, want revision %d, closed before %v", c.key, got, c.revision, c.lastClosedAt)
		}
	}
	at := clock.tick()
	got, err := st.SetCampaignStatus(ctx, "c2024", survey.StatusOpen, survey.StatusClosed)
	if err != nil {
		t.Fatal(err)
	}
	if got.Revision != 3 || got.LastClosedAt == nil || !got.LastClosedAt.Equal(at.Truncate(time.Microsecond)) {
		t.Fatalf("closed: %+v, want revision 3, last closed at %s", got, at)
	}
}

func testChangeCampaign(t *testing.T, open Open) {
	st, clock := campaignFixture(t, open)
	ctx := t.Context()
	bb := campaignRespondent(t, st, "b@bb.test", "BB")
	Answer(t, st, "k2023", bb, choice("a"), false) // a draft is an answer too
	stateOf := func(key string) survey.CampaignState {
		var seen survey.CampaignState
		refused := errors.New("refused")
		if _, err := st.ChangeCampaign(ctx, key, func(s survey.CampaignState) (survey.CampaignChange, error) {
			seen = s
			return survey.CampaignChange{}, refused
		}); !errors.Is(err, refused) {
			t.Fatalf("ChangeCampaign with a refusal: %v", err)
		}
		return seen
	}
	if s := stateOf("k2023"); s.Campaign.Key != "k2023" || s.Campaign.Revision != 3 || !slices.Equal(s.Answered, []string{"BB"}) {
		t.Fatalf("state of k2023: %+v", s)
	}
	if s := stateOf("a2024"); len(s.Answered) != 0 || s.Campaign.Status != survey.StatusDraft {
		t.Fatalf("state of a2024: %+v", s)
	}
	before, err := st.Campaign(ctx, survey.Everything, "k2023")
	if err != nil {
		t.Fatal(err)
	}
	if before.Revision != 3 {
		t.Fatalf("a refused change changed the revision: %+v", before)
	}
	at := clock.tick()
	closes := time.Date(2030, 1, 2, 3, 4, 5, 678901234, time.UTC)
	reopened := at.Add(-time.Minute)
	got, err := st.ChangeCampaign(ctx, "k2023", func(s survey.CampaignState) (survey.CampaignChange, error) {
		change := survey.ChangeOf(s.Campaign)
		change.Title, change.ClosesAt, change.Version = "Survey 2023", closes, 1
		change.Administrations = []string{"CC", "BB"}
		change.Status, change.ReopenedAt, change.ReopenReason = survey.StatusOpen, &reopened, "a late answer"
		return change, nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := before
	want.Title, want.ClosesAt, want.Version, want.Administrations = "Survey 2023", closes, 1, []string{"BB", "CC"}
	want.Status, want.UpdatedAt = survey.StatusOpen, at
	checkCampaign(t, "ChangeCampaign", got, want)
	stored, err := st.Campaign(ctx, survey.Everything, "k2023")
	if err != nil {
		t.Fatal(err)
	}
	checkCampaign(t, "Campaign", stored, want)
	if stored.Revision != 4 || stored.ReopenReason != "a late answer" || stored.ReopenedAt == nil ||
		!stored.ReopenedAt.Equal(reopened.Truncate(time.Microsecond)) || stored.LastClosedAt == nil {
		t.Fatalf("stored after a change: %+v", stored)
	}
	// Closed again, the campaign is final again: the reopening is history
	// (the audit trail's), and last_closed_at moves on.
	clock.tick()
	closed, err := st.SetCampaignStatus(ctx, "k2023", survey.StatusOpen, survey.StatusClosed)
	if err != nil {
		t.Fatal(err)
	}
	if closed.ReopenedAt != nil || closed.ReopenReason != "" || closed.LastClosedAt == nil || !closed.LastClosedAt.After(*stored.LastClosedAt) {
		t.Fatalf("closed again after a reopening: %+v", closed)
	}
	if _, err := st.ChangeCampaign(ctx, "nope", func(s survey.CampaignState) (survey.CampaignChange, error) {
		return survey.ChangeOf(s.Campaign), nil
	}); !errors.Is(err, survey.ErrNotFound) {
		t.Fatalf("ChangeCampaign of an unknown campaign: %v", err)
	}
}

func testDeleteCampaign(t *testing.T, open Open) {
	st, clock := campaignFixture(t, open)
	ctx := t.Context()
	clock.tick()
	if _, err := st.CreateCampaign(ctx, survey.NewCampaign{Key: "later", Year: 2026, Questionnaire: "survey", Version: 2,
		OpensAt: campaignOpensAt, ClosesAt: campaignOpensAt.AddDate(1, 0, 0), PreviousCampaign: "k2025", MinCellSize: 5}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		key string
		err error
	}{
		{"a2024", nil},                // a draft with administrations
		{"a2024", survey.ErrNotFound}, // gone
		{"c2024", survey.ErrConflict}, // open
		{"k2023", survey.ErrConflict}, // closed
		{"k2025", survey.ErrConflict}, // a draft, the previous campaign of another
		{"nope", survey.ErrNotFound},
	} {
		err := st.DeleteCampaign(ctx, c.key)
		checkErrMessage(t, "DeleteCampaign "+c.key, err, c.err, "")
		_, err = st.Campaign(ctx, survey.Everything, c.key)
		if gone := errors.Is(err, survey.ErrNotFound); gone != (c.err == nil || c.err == survey.ErrNotFound) {
			t.Fatalf("%s after DeleteCampaign: %v", c.key, err)
		}
	}
	if list, err := st.Campaigns(ctx, survey.Scope{Administration: "CC"}); err != nil || len(list) != 0 {
		t.Fatalf("the deleted campaign's administrations: %v, %v", campaignKeys(list), err)
	}
}

func testRespondentSubmissions(t *testing.T, open Open) {
	st, clock := campaignFixture(t, open)
	ctx := t.Context()
	aa := campaignRespondent(t, st, "a@aa.test", "AA")
	other := campaignRespondent(t, st, "o@aa.test", "AA")
	first := clock.tick().Truncate(time.Microsecond)
	Answer(t, st, "b2024", aa, choice("a"), true)
	Answer(t, st, "k2023", other, choice("a"), true)
	clock.tick()
	Answer(t, st, "k2023", aa, choice("b"), false) // a draft only
	latest := clock.tick().Truncate(time.Microsecond)
	Answer(t, st, "b2024", aa, choice("b"), true) // submitted again
	got, err := st.RespondentSubmissions(ctx, aa.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got["b2024"].Equal(latest) || got["b2024"].Equal(first) {
		t.Fatalf("RespondentSubmissions = %v, want b2024 at %s", got, latest)
	}
	if got, err := st.RespondentSubmissions(ctx, "nobody"); err != nil || len(got) != 0 {
		t.Fatalf("RespondentSubmissions of no one = %v, %v", got, err)
	}
}
