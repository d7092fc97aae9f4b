package campaigns_test

import (
	"slices"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/survey"
)

func TestPastClosingDates(t *testing.T) {
	past := acted.Add(-time.Minute)
	valid := survey.NewCampaign{Key: "n2024", Year: 2024, Questionnaire: "survey", Version: 1, OpensAt: past.AddDate(0, -1, 0),
		ClosesAt: acted.Add(time.Hour), Administrations: []string{"AA"}}
	pastOne := valid
	pastOne.ClosesAt = past
	for _, c := range []struct {
		name    string
		do      func(f *fixture) error
		invalid []problem
	}{
		{name: "create closing in the future", do: func(f *fixture) error {
			_, err := f.svc.Create(t.Context(), f.who["admin"], valid)
			return err
		}},
		{name: "create closing in the past", invalid: []problem{{"closes_at", survey.CodeOutOfRange}}, do: func(f *fixture) error {
			_, err := f.svc.Create(t.Context(), f.who["admin"], pastOne)
			return err
		}},
		{name: "create closing now", invalid: []problem{{"closes_at", survey.CodeOutOfRange}}, do: func(f *fixture) error {
			in := valid
			in.ClosesAt = acted
			_, err := f.svc.Create(t.Context(), f.who["admin"], in)
			return err
		}},
		{name: "open a draft whose closing date passed", invalid: []problem{{"closes_at", survey.CodeOutOfRange}}, do: func(f *fixture) error {
			f.now = time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC) // d2024 closed in June
			_, err := f.svc.Open(t.Context(), f.who["admin"], "d2024")
			return err
		}},
		{name: "import a past campaign, closed", do: func(f *fixture) error {
			c, err := f.svc.ImportCampaign(t.Context(), f.who["admin"], pastOne, survey.StatusClosed,
				[]survey.ImportedResponse{{Administration: "AA", Respondent: "r1", Answers: answers("q1", `"a"`)}})
			if err == nil && (c.Status != survey.StatusClosed || c.LastClosedAt == nil || !c.LastClosedAt.Equal(past)) {
				t.Fatalf("imported %+v, want closed since its closing date", c)
			}
			return err
		}},
		{name: "import with an unknown status", invalid: []problem{{"status", survey.CodeNotAllowed}}, do: func(f *fixture) error {
			_, err := f.svc.ImportCampaign(t.Context(), f.who["admin"], pastOne, "final", nil)
			return err
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			err := c.do(f)
			checkErr(t, err, nil, c.invalid, "")
			if c.invalid != nil {
				if _, err := f.st.Campaign(t.Context(), survey.Everything, valid.Key); err == nil {
					t.Fatal("a refused campaign was created")
				}
				if d, _ := f.st.Campaign(t.Context(), survey.Everything, "d2024"); d.Status != survey.StatusDraft {
					t.Fatalf("a refused open opened d2024: %+v", d)
				}
			}
		})
	}
}

// TestCreateReportsEverything checks that the problems the request's own
// reading found and those of the rules come back at once, and that a rule
// on a field already refused is not checked again.
func TestCreateReportsEverything(t *testing.T) {
	f := newFixture(t)
	found := &survey.ValidationError{}
	found.Add("opens_at", survey.CodeInvalidTime, "not a time")
	found.Add("year", survey.CodeRequired, "required")
	in := survey.NewCampaign{Key: "n2026", Questionnaire: "survey", Version: 7, ClosesAt: acted.Add(-time.Hour),
		Administrations: []string{"AA", "ZZ"}, PreviousCampaign: "c2023", Title: string(make([]rune, campaigns.MaxTitle+1))}
	_, err := f.svc.CreateChecked(t.Context(), f.who["admin"], in, found)
	checkErr(t, err, nil, []problem{{"opens_at", survey.CodeInvalidTime}, {"year", survey.CodeRequired},
		{"closes_at", survey.CodeOutOfRange}, {"title", survey.CodeOutOfRange}, {"version", survey.CodeUnknownQuestionnaire},
		{"administrations[1]", survey.CodeUnknownAdministration}}, "")
}

func TestCorrect(t *testing.T) {
	ptr := func(s string) *string { return &s }
	later := acted.AddDate(0, 6, 0)
	earlier := acted.Add(-time.Hour)
	two := func() *int { v := 2; return &v }()
	for _, c := range []struct {
		name    string
		key     string
		in      campaigns.Correction // Revision 0: the campaign's own
		answer  bool                 // respAA answers c2024 first
		publish bool                 // version 2 is published first
		err     error
		invalid []problem
		check   func(t *testing.T, got survey.Campaign)
	}{
		{name: "a title and a later closing date", key: "c2024", in: campaigns.Correction{Title: ptr("Survey 2024"), ClosesAt: &later},
			check: func(t *testing.T, got survey.Campaign) {
				if got.Title != "Survey 2024" || !got.ClosesAt.Equal(later) || got.Revision != 3 {
					t.Fatalf("corrected %+v", got)
				}
			}},
		{name: "a stale revision", key: "c2024", in: campaigns.Correction{Revision: 1, Title: ptr("x")}, err: survey.ErrPreconditionFailed},
		{name: "nothing to change", key: "c2024", check: func(t *testing.T, got survey.Campaign) {
			if got.Revision != 2 || got.Title != "" {
				t.Fatalf("an empty correction changed the campaign: %+v", got)
			}
		}},
		{name: "nothing to change, on a stale revision", key: "c2024", in: campaigns.Correction{Revision: 1}, err: survey.ErrPreconditionFailed},
		{name: "the values it has already", key: "c2024", in: campaigns.Correction{Version: func() *int { v := 1; return &v }(), Administrations: &[]string{"BB", "AA"}},
			check: func(t *testing.T, got survey.Campaign) {
				if got.Revision != 2 {
					t.Fatalf("a correction to the same values made revision %d", got.Revision)
				}
			}},
		{name: "a closing date in the past", key: "c2024", in: campaigns.Correction{ClosesAt: &earlier},
			invalid: []problem{{"closes_at", survey.CodeOutOfRange}}},
		{name: "an administration added", key: "c2024", answer: true, in: campaigns.Correction{Administrations: &[]string{"CC", "AA", "BB"}},
			check: func(t *testing.T, got survey.Campaign) {
				if !slices.Equal(got.Administrations, []string{"AA", "BB", "CC"}) {
					t.Fatalf("administrations %v", got.Administrations)
				}
			}},
		{name: "an administration with answers removed", key: "c2024", answer: true, in: campaigns.Correction{Administrations: &[]string{"BB"}},
			err: survey.ErrConflict},
		{name: "an administration without answers removed", key: "c2024", answer: true, in: campaigns.Correction{Administrations: &[]string{"AA"}}},
		{name: "an unknown administration", key: "c2024", in: campaigns.Correction{Administrations: &[]string{"AA", "ZZ"}},
			invalid: []problem{{"administrations[1]", survey.CodeUnknownAdministration}}},
		{name: "version 0", key: "c2024", in: campaigns.Correction{Version: new(int)},
			invalid: []problem{{"version", survey.CodeOutOfRange}}},
		{name: "an unknown version", key: "c2024", in: campaigns.Correction{Version: func() *int { v := 9; return &v }()},
			invalid: []problem{{"version", survey.CodeUnknownQuestionnaire}}},
		{name: "a draft version", key: "c2024", in: campaigns.Correction{Version: two}, err: survey.ErrConflict},
		{name: "another version before any answer", key: "c2024", publish: true, in: campaigns.Correction{Version: two},
			check: func(t *testing.T, got survey.Campaign) {
				if got.Version != 2 {
					t.Fatalf("version %d, want 2", got.Version)
				}
			}},
		{name: "another version after a draft answer", key: "c2024", publish: true, answer: true, in: campaigns.Correction{Version: two},
			err: survey.ErrConflict},
		{name: "the same version after answers", key: "c2024", answer: true, in: campaigns.Correction{Questionnaire: ptr("survey")}},
		{name: "the closing date of a closed campaign", key: "c2023", in: campaigns.Correction{ClosesAt: &later}, err: survey.ErrConflict},
		{name: "the title of a closed campaign", key: "c2023", in: campaigns.Correction{Title: ptr("Survey 2023")}},
		{name: "an unknown campaign", key: "nope", in: campaigns.Correction{Title: ptr("x")}, err: survey.ErrNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			if c.publish {
				if _, err := f.st.PublishQuestionnaire(t.Context(), "survey", 2); err != nil {
					t.Fatal(err)
				}
			}
			if c.answer {
				f.answer(t, "respAA", "c2024", answers("q1", `"a"`), false)
			}
			before, _ := f.st.Campaign(t.Context(), survey.Everything, c.key)
			if c.in.Revision == 0 {
				c.in.Revision = before.Revision
			}
			got, err := f.svc.Correct(t.Context(), f.who["admin"], c.key, c.in)
			checkErr(t, err, c.err, c.invalid, "")
			after, _ := f.st.Campaign(t.Context(), survey.Everything, c.key)
			if err != nil && after.Revision != before.Revision {
				t.Fatalf("a refused correction changed the campaign: %+v", after)
			}
			if err == nil && c.check != nil {
				c.check(t, got)
			}
		})
	}
}

func TestReopenAndDelete(t *testing.T) {
	later := acted.AddDate(0, 1, 0)
	for _, c := range []struct {
		name    string
		do      func(f *fixture) (survey.Campaign, error)
		err     error
		invalid []problem
	}{
		{name: "reopen a closed campaign", do: func(f *fixture) (survey.Campaign, error) {
			return f.svc.Reopen(t.Context(), f.who["admin"], "c2023", " a late answer ", later)
		}},
		{name: "reopen without a reason, in the past", invalid: []problem{{"reason", survey.CodeRequired}, {"closes_at", survey.CodeOutOfRange}},
			do: func(f *fixture) (survey.Campaign, error) {
				return f.svc.Reopen(t.Context(), f.who["admin"], "c2023", "  ", acted)
			}},
		{name: "reopen with a long reason", invalid: []problem{{"reason", survey.CodeOutOfRange}}, do: func(f *fixture) (survey.Campaign, error) {
			return f.svc.Reopen(t.Context(), f.who["admin"], "c2023", string(make([]byte, campaigns.MaxReopenReason+1)), later)
		}},
		{name: "reopen an open campaign", err: survey.ErrConflict, do: func(f *fixture) (survey.Campaign, error) {
			return f.svc.Reopen(t.Context(), f.who["admin"], "c2024", "why", later)
		}},
		{name: "a coordinator may not reopen", err: survey.ErrForbidden, do: func(f *fixture) (survey.Campaign, error) {
			return f.svc.Reopen(t.Context(), f.who["coordAA"], "c2023", "why", later)
		}},
		{name: "delete a draft", do: func(f *fixture) (survey.Campaign, error) {
			return survey.Campaign{}, f.svc.Delete(t.Context(), f.who["admin"], "d2024")
		}},
		{name: "delete an open campaign", err: survey.ErrConflict, do: func(f *fixture) (survey.Campaign, error) {
			return survey.Campaign{}, f.svc.Delete(t.Context(), f.who["admin"], "c2024")
		}},
		{name: "a coordinator may not delete", err: survey.ErrForbidden, do: func(f *fixture) (survey.Campaign, error) {
			return survey.Campaign{}, f.svc.Delete(t.Context(), f.who["coordAA"], "d2024")
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := newFixture(t)
			got, err := c.do(f)
			checkErr(t, err, c.err, c.invalid, "")
			if c.name == "reopen a closed campaign" && (got.Status != survey.StatusOpen || got.ReopenReason != "a late answer" ||
				got.ReopenedAt == nil || !got.ReopenedAt.Equal(acted) || got.LastClosedAt == nil || !got.ClosesAt.Equal(later)) {
				t.Fatalf("reopened %+v", got)
			}
			stored, _ := f.st.Campaign(t.Context(), survey.Everything, "c2023")
			if err != nil && stored.Status != survey.StatusClosed {
				t.Fatalf("a refused reopen changed c2023: %+v", stored)
			}
		})
	}
}

func TestRespondentList(t *testing.T) {
	f := newFixture(t)
	f.answer(t, "respAA", "c2024", answers("q1", `"a"`), true)
	f.now = time.Date(2024, 7, 1, 0, 0, 0, 0, time.UTC) // every campaign of 2024 has closed
	f.move(t, "c2024", survey.StatusOpen, survey.StatusClosed)
	for _, c := range []struct {
		who  string
		want []string
	}{
		{"respAA", []string{"c2024"}}, // answered, closed: listed; c2023 not answered
		{"resp2AA", []string{}},       // answered nothing, and nothing takes answers
		{"respBB", []string{}},        // b2024 is open but past its closing date
	} {
		list, err := f.svc.List(t.Context(), f.who[c.who])
		if err != nil {
			t.Fatal(err)
		}
		if got := keys(list); !slices.Equal(got, c.want) {
			t.Errorf("%s lists %v, want %v", c.who, got, c.want)
		}
	}
	f.now = acted
	items, err := f.svc.RespondentList(t.Context(), f.who["respBB"])
	if err != nil || len(items) != 1 || items[0].Campaign.Key != "b2024" || !items[0].Accepting || items[0].SubmittedAt != nil {
		t.Fatalf("RespondentList of respBB = %+v, %v", items, err)
	}
}
