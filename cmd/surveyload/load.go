package main

import (
	"context"
	"encoding/json"
	"math/rand"
	"net/http"
	"time"

	"github.com/customs-survey/surveyd/internal/loadgen"
	"github.com/customs-survey/surveyd/internal/randanswers"
	"github.com/customs-survey/surveyd/store"
	"github.com/customs-survey/surveyd/survey"
)

// serviceRounds measures the respondents answering through the server.
func serviceRounds(c config, f *fixture) func(context.Context, loadgen.Options) *loadgen.Result {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	transport.MaxIdleConnsPerHost = c.respondents
	httpClient := &http.Client{Transport: transport, Timeout: time.Minute}
	return func(ctx context.Context, o loadgen.Options) *loadgen.Result {
		return loadgen.Measure(ctx, o, func(i int) loadgen.Round {
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
	}
}

// directRounds measures the same rows written straight to the database,
// one writer per respondent, to the baseline's campaign; close closes its
// connections.
func directRounds(ctx context.Context, c config, f *fixture) (rounds func(context.Context, loadgen.Options) *loadgen.Result,
	close func(), err error) {
	st, err := store.Open(ctx, c.databaseURL, store.Options{})
	if err != nil {
		return nil, nil, err
	}
	b, err := st.Baseline(ctx, f.direct)
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	who := make([]survey.Respondent, len(f.respondents))
	for i, r := range f.respondents {
		who[i] = survey.Respondent{ID: r.id, Administration: r.administration}
	}
	return loadgen.NewDirect(b, who).Run, func() { st.Close() }, nil
}
