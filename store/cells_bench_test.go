package store

import (
	"context"
	"fmt"
	"math/rand"
	"os"
	"testing"

	"gorm.io/gorm"

	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/internal/randanswers"
	"github.com/customs-survey/surveyd/survey"
)

// BenchmarkSubmission measures what the score cells add to a submission,
// on SQLite and PostgreSQL, with testdata's customs_annual.json (every
// indicator and breakdown): "save+submit" is a save then a submission of
// a response (an amendment after the first round), cells included;
// "cells" is the cells' statement alone, in a transaction of its own, for
// an amendment (one submission's contribution taken away, another's
// added):
//
//	go test ./store -run '^$' -bench Submission -benchtime 200x
func BenchmarkSubmission(b *testing.B) {
	raw, err := os.ReadFile("../testdata/questionnaires/customs_annual.json")
	if err != nil {
		b.Fatal(err)
	}
	for _, dialect := range []string{"sqlite", "postgres"} {
		url := dbtest.SQLiteURL(b)
		if dialect == "postgres" {
			url = dbtest.PostgresURL(b)
		}
		f := openCells(b, url)
		s := f.s
		if _, err := s.CreateAdministration(context.Background(), "AA", "AA"); err != nil {
			b.Fatal(err)
		}
		doc := f.campaign(b, raw, "AA")
		var who []survey.Respondent
		for range 50 {
			who = append(who, f.respondent(b, "AA"))
		}
		rng := rand.New(rand.NewSource(1))
		answers := make([]survey.Answers, 64)
		rows := make([][]survey.AnswerRow, len(answers))
		for i := range answers {
			answers[i] = randanswers.For(rng, doc)
			if _, rows[i], err = survey.PrepareSubmission(doc, answers[i]); err != nil {
				b.Fatal(err)
			}
		}
		b.Run(dialect+"/save+submit", func(b *testing.B) {
			ctx := context.Background()
			for i := range b.N {
				for _, submit := range []bool{false, true} {
					if err := f.change(ctx, doc.Key, doc, who[i%len(who)], answers[i%len(answers)], submit); err != nil {
						b.Fatal(err)
					}
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "save+submit/s")
		})
		row, err := s.campaignRow(s.db, survey.Everything, doc.Key)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(dialect+"/cells", func(b *testing.B) {
			n := 0
			for i := range b.N {
				changes := cellChanges(doc, fmt.Sprintf("bench%d", i%50), "AA", rows[i%len(rows)], rows[(i+1)%len(rows)], false)
				n += len(changes)
				if err := s.transaction(context.Background(), func(tx *gorm.DB) error {
					return s.writeCellChanges(tx, row.ID, doc, changes)
				}); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "statements/s")
			b.ReportMetric(float64(n)/float64(b.N), "rows/statement")
		})
	}
}
