// Package demo holds the data set behind the survey-based indicators of the
// Customs programme's annual progress report on 2023 (SWD(2024) 120,
// Annex 4), and loads it into a store: the questionnaires, the 2022 and
// 2023 campaigns and their submitted responses. `surveyd serve --demo`
// serves it; the golden test of the report's figures computes from it.
//
// The data set is built by code (build.go) from small tables of answer
// counts, each chosen to reproduce a published figure; the tables say which.
// testdata/report2023/dataset.json is its serialisation, kept identical by
// a test, for readers and for tools outside Go.
package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/questionnaires"
	"github.com/customs-survey/surveyd/store"
	"github.com/customs-survey/surveyd/survey"
)

// Dataset is a complete set of administrations, questionnaires, campaigns
// and submitted responses.
type Dataset struct {
	Administrations []Administration  `json:"administrations"`
	Questionnaires  []json.RawMessage `json:"questionnaires"`
	Campaigns       []Campaign        `json:"campaigns"`
}

// Administration is a national customs administration.
type Administration struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Campaign is a campaign with its responses. Status is the state it is
// left in after loading (open or closed).
type Campaign struct {
	Key              string                    `json:"key"`
	Year             int                       `json:"year"`
	Questionnaire    string                    `json:"questionnaire"`
	Version          int                       `json:"version"`
	OpensAt          time.Time                 `json:"opens_at"`
	ClosesAt         time.Time                 `json:"closes_at"`
	Administrations  []string                  `json:"administrations"`
	PreviousCampaign string                    `json:"previous_campaign,omitempty"`
	MinCellSize      int                       `json:"min_cell_size,omitempty"`
	Status           string                    `json:"status"`
	Responses        []survey.ImportedResponse `json:"responses"`
}

// Load puts a data set into an empty store: administrations, published
// questionnaires, campaigns (in the order given, so that a previous
// campaign comes first) with their responses, each left in its status.
// It goes through the use cases as the operator (auth.Operator()), so that the
// data set passes every rule that a request would.
func Load(ctx context.Context, st *store.Store, ds Dataset) error {
	written, kept := questionnaires.New(st), campaigns.New(st)
	for _, a := range ds.Administrations {
		if _, err := st.CreateAdministration(ctx, a.Code, a.Name); err != nil {
			return fmt.Errorf("administration %s: %w", a.Code, err)
		}
	}
	for i, raw := range ds.Questionnaires {
		doc, err := survey.ParseDocument(raw)
		if err != nil {
			return fmt.Errorf("questionnaire %d: %w", i, err)
		}
		if _, err := written.Create(ctx, auth.Operator(), doc); err != nil {
			return fmt.Errorf("questionnaire %s: %w", doc.Key, err)
		}
		if _, err := written.Publish(ctx, auth.Operator(), doc.Key, 1); err != nil {
			return fmt.Errorf("questionnaire %s: %w", doc.Key, err)
		}
	}
	for _, c := range ds.Campaigns {
		// Past campaigns come in through the import of history: Create
		// refuses a closing date that has passed.
		if _, err := kept.ImportCampaign(ctx, auth.Operator(), survey.NewCampaign{Key: c.Key, Year: c.Year,
			Questionnaire: c.Questionnaire, Version: c.Version, OpensAt: c.OpensAt, ClosesAt: c.ClosesAt,
			Administrations: c.Administrations, PreviousCampaign: c.PreviousCampaign, MinCellSize: c.MinCellSize},
			c.Status, c.Responses); err != nil {
			return fmt.Errorf("campaign %s: %w", c.Key, err)
		}
	}
	return nil
}
