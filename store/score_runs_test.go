package store

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/migrations"
	"github.com/customs-survey/surveyd/scores"
	"github.com/customs-survey/surveyd/survey"
)

// TestScoreRunsAreImmutable: a frozen run, once written, cannot be
// changed or deleted even by SQL that bypasses the store, nor can its
// campaign be deleted from under it; it reads back byte for byte.
func TestScoreRunsAreImmutable(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		s, _ := openCampaign(t, url)
		if _, err := s.SetCampaignStatus(ctx, "c-2023", survey.StatusOpen, survey.StatusClosed); err != nil {
			t.Fatal(err)
		}
		runs := scores.NewRuns(scores.New(s, time.Now), s)
		admin := auth.Principal{UserID: "an admin", Role: auth.RoleAdmin}
		info, err := runs.Freeze(ctx, admin, "c-2023", "fr")
		if err != nil {
			t.Fatal(err)
		}
		frozen, err := runs.Get(ctx, admin, "c-2023", info.ID)
		if err != nil {
			t.Fatal(err)
		}
		refused := []string{
			"UPDATE score_runs SET lang = 'en'",
			"UPDATE score_runs SET json = csv",
			"DELETE FROM score_runs",
			"DELETE FROM campaigns WHERE key = 'c-2023'",
		}
		if s.Dialect() == migrations.Postgres {
			refused = append(refused, "TRUNCATE score_runs")
		}
		for _, statement := range refused {
			if err := s.db.WithContext(ctx).Exec(statement).Error; err == nil {
				t.Errorf("%s: no error", statement)
			}
		}
		got, err := runs.Get(ctx, admin, "c-2023", info.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.ScoreRunInfo != frozen.ScoreRunInfo || !bytes.Equal(got.JSON, frozen.JSON) || !bytes.Equal(got.CSV, frozen.CSV) ||
			!bytes.Equal(got.XLSX, frozen.XLSX) || len(got.XLSX) == 0 {
			t.Errorf("the run changed: %+v, was %+v", got.ScoreRunInfo, frozen.ScoreRunInfo)
		}
	})
}
