package store

import (
	"context"
	"fmt"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/responding"
	"github.com/customs-survey/surveyd/survey"
)

func TestMain(m *testing.M) { dbtest.Main(m) }

// openCampaign sets up an open campaign of customs_annual.json for BE and
// returns the store and a respondent of BE.
func openCampaign(t testing.TB, url string) (*Store, auth.Principal) {
	t.Helper()
	return openCampaignOf(t, url, readTestdata(t, "../testdata/questionnaires/customs_annual.json"))
}

// readTestdata is the content of a file under testdata.
func readTestdata(t testing.TB, path string) []byte {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// openCampaignOf is openCampaign for another questionnaire document.
func openCampaignOf(t testing.TB, url string, raw []byte) (*Store, auth.Principal) {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, url, Options{Migrate: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, openCampaignIn(t, s, raw)
}

// openCampaignIn is openCampaignOf in a store already open.
func openCampaignIn(t testing.TB, s *Store, raw []byte) auth.Principal {
	t.Helper()
	ctx := context.Background()
	if _, err := s.CreateAdministration(ctx, "BE", "Belgium"); err != nil {
		t.Fatal(err)
	}
	u, err := s.CreateUser(ctx, survey.NewAccount{Email: "r@be.example", PasswordHash: auth.NoPassword, Role: "respondent", Administration: "BE"})
	if err != nil {
		t.Fatal(err)
	}
	doc, err := survey.ParseDocument(raw)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateQuestionnaire(ctx, u.ID, doc); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PublishQuestionnaire(ctx, doc.Key, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateCampaign(ctx, survey.NewCampaign{Key: "c-2023", Year: 2023, Questionnaire: doc.Key, Version: 1,
		OpensAt: time.Now().Add(-time.Hour), ClosesAt: time.Now().Add(time.Hour), Administrations: []string{"BE"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := campaigns.New(s).Open(ctx, auth.Operator(), "c-2023"); err != nil {
		t.Fatal(err)
	}
	return auth.Principal{UserID: u.ID, Role: auth.RoleRespondent, Administration: "BE"}
}

// TestSubmissionStoresOneRowPerAnswer checks the rows that scoring
// aggregates: one per answered question or selected option, with the
// option's score (or null-score flag), the number or the text.
func TestSubmissionStoresOneRowPerAnswer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		s, p := openCampaign(t, url)
		ctx := context.Background()
		answers := survey.Answers{
			"awareness_level": raw(`"basic"`), "ees_perf": raw(`"dont_know"`), "ees_union_law": raw(`"full"`),
			"ees_cooperation": raw(`"none"`), "ees_innovation": raw(`"little"`), "used_outputs": raw(`"no"`),
			"why_not": raw(`["no_outputs_yet","other"]`), "why_not_other": raw(`"budget"`),
			"support_satisfaction": raw(`4`), "comments": raw(`"fine"`),
		}
		if _, err := responding.New(s, time.Now).SaveDraft(ctx, p, "c-2023", answers, nil); err != nil {
			t.Fatal(err)
		}
		first, err := responding.New(s, time.Now).Submit(ctx, p, "c-2023", nil)
		if err != nil {
			t.Fatal(err)
		}
		// An amendment replaces the rows that count, and keeps the old ones.
		answers["ees_perf"] = raw(`"large"`)
		if _, err := responding.New(s, time.Now).SaveDraft(ctx, p, "c-2023", answers, nil); err != nil {
			t.Fatal(err)
		}
		if _, err := responding.New(s, time.Now).Submit(ctx, p, "c-2023", nil); err != nil {
			t.Fatal(err)
		}

		var rows []answerRow
		if err := s.db.Raw(`SELECT a.* FROM answers a JOIN responses r ON a.submission_id = r.current_submission_id
			ORDER BY a.id`).Scan(&rows).Error; err != nil {
			t.Fatal(err)
		}
		got := make([]string, len(rows))
		for i, r := range rows {
			got[i] = describe(r)
		}
		want := []string{
			"awareness_level option=basic score=67",
			"ees_perf option=large score=75",
			"ees_union_law option=full score=100",
			"ees_cooperation option=none score=0",
			"ees_innovation option=little score=25",
			"used_outputs option=no",
			"why_not option=no_outputs_yet",
			"why_not option=other",
			"why_not_other text=budget",
			"support_satisfaction number=4",
			"comments text=fine",
		}
		if !slices.Equal(got, want) {
			t.Errorf("current rows:\n%q\nwant\n%q", got, want)
		}

		var old []answerRow
		if err := s.db.Where("submission_id = ? AND question_key = ?", first.Submissions[0].ID, "ees_perf").Find(&old).Error; err != nil {
			t.Fatal(err)
		}
		if len(old) != 1 || describe(old[0]) != "ees_perf option=dont_know score=null" {
			t.Errorf("first submission's rows changed: %v", old)
		}
	})
}

func raw(s string) []byte { return []byte(s) }

// annualAnswers answers every required question of customs_annual.json,
// and support_satisfaction.
func annualAnswers() survey.Answers {
	return survey.Answers{
		"awareness_level": raw(`"basic"`), "ees_perf": raw(`"dont_know"`), "ees_union_law": raw(`"full"`),
		"ees_cooperation": raw(`"none"`), "ees_innovation": raw(`"little"`), "used_outputs": raw(`"yes"`),
		"support_satisfaction": raw(`4`),
	}
}

func describe(r answerRow) string {
	out := r.QuestionKey
	if r.OptionKey != nil {
		out += " option=" + *r.OptionKey
	}
	if r.Score != nil {
		out += fmt.Sprintf(" score=%g", *r.Score)
	}
	if r.NullScore {
		out += " score=null"
	}
	if r.NumberValue != nil {
		out += fmt.Sprintf(" number=%g", *r.NumberValue)
	}
	if r.TextValue != nil {
		out += " text=" + *r.TextValue
	}
	return out
}
