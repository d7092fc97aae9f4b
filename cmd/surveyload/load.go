package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand"
	"net/http"
	"time"

	"github.com/customs-survey/surveyd/internal/loadgen"
	"github.com/customs-survey/surveyd/internal/randanswers"
	"github.com/customs-survey/surveyd/store"
	"github.com/customs-survey/surveyd/survey"
)

// loadService runs the respondents against the server.
func loadService(ctx context.Context, c config, f *fixture) (*loadgen.Result, error) {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = c.respondents
	httpClient := &http.Client{Transport: transport, Timeout: time.Minute}
	o := loadgen.Options{Workers: c.respondents, Duration: c.duration, Seed: c.seed}
	res := loadgen.Measure(ctx, o, func(i int) loadgen.Round {
		api := client{base: c.url, http: httpClient, token: f.respondents[i].token}
		path := "/campaigns/" + f.campaign + "/response"
		return func(ctx context.Context, rng *rand.Rand, timed func(string, time.Time)) error {
			body, err := json.Marshal(map[string]survey.Answers{"answers": randanswers.For(rng, f.doc)})
			if err != nil {
				return err
			}
			t := time.Now()
			if err := api.call(ctx, http.MethodPut, path, body, nil); err != nil {
				return err
			}
			timed("save", t)
			t = time.Now()
			if err := api.call(ctx, http.MethodPost, path+"/submit", nil, nil); err != nil {
				return err
			}
			timed("submit", t)
			return nil
		}
	})
	if res.Rounds == 0 {
		return nil, fmt.Errorf("no submission went through: %v", res.FirstErr)
	}
	return res, nil
}

// loadDirect writes the same rows straight to the database, one writer
// per respondent, to the baseline's campaign.
func loadDirect(ctx context.Context, c config, f *fixture) (*loadgen.Result, error) {
	st, err := store.Open(ctx, c.databaseURL, store.Options{})
	if err != nil {
		return nil, err
	}
	defer st.Close()
	b, err := st.Baseline(ctx, f.direct)
	if err != nil {
		return nil, err
	}
	who := make([]survey.Respondent, len(f.respondents))
	for i, r := range f.respondents {
		who[i] = survey.Respondent{ID: r.id, Administration: r.administration}
	}
	res := loadgen.NewDirect(b, who).Run(ctx, loadgen.Options{Workers: c.respondents, Duration: c.duration, Seed: c.seed})
	if res.Rounds == 0 {
		return nil, fmt.Errorf("no direct write went through: %v", res.FirstErr)
	}
	return res, nil
}
