package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/customs-survey/surveyd/survey"
)

// questionnaire is the 30-question document answered by the load: single
// and multiple choices, numbers and a text, 27 indicators with breakdowns.
//
//go:embed testdata/load_survey.json
var questionnaire []byte

// respondentPassword is the password of every respondent created.
const respondentPassword = "load test passphrase"

// fixture is what set-up made: the campaigns, the document and the
// respondents with their access tokens.
type fixture struct {
	campaign, direct string // the service's campaign, the baseline's
	doc              *survey.Document
	respondents      []respondent
}

type respondent struct {
	id, administration, token string
}

// client calls the API with a bearer token.
type client struct {
	base  string
	http  *http.Client
	token string
}

// call sends body (nil: none; []byte: as it is; else its JSON) and decodes
// the answer into out (nil: discarded). A status other than 2xx is an
// error quoting the answer.
func (c client) call(ctx context.Context, method, path string, body, out any) error {
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		r = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			return err
		}
		r = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+"/api/v1"+path, r)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		// A problem document is far shorter; a longer answer's
		// connection is closed with the rest unread (the next call opens
		// another).
		answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return fmt.Errorf("%s %s: %s: %s", method, path, resp.Status, strings.TrimSpace(string(answer)))
	}
	if out == nil {
		// Read to its end, for the connection to be used again, through
		// io.Discard's pooled buffer rather than into a copy: the load
		// generator shares the machine's cores with the server and the
		// database it measures.
		_, err := io.Copy(io.Discard, resp.Body)
		return err
	}
	answer, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	return json.Unmarshal(answer, out)
}

func (c client) login(ctx context.Context, email, password string) (string, error) {
	var tokens struct {
		AccessToken string `json:"access_token"`
	}
	err := c.call(ctx, http.MethodPost, "/auth/login", map[string]string{"email": email, "password": password}, &tokens)
	return tokens.AccessToken, err
}

// setUp creates, as the admin, everything the load needs, under names
// made from the time of the run, so that runs do not collide.
func setUp(ctx context.Context, c config) (*fixture, error) {
	doc, err := survey.ParseDocument(questionnaire)
	if err != nil {
		return nil, err
	}
	// Four base-36 digits of the time in seconds: a name that comes back
	// after 19 days, and leaves room for three digits in an
	// administration's code (8 characters at most).
	run := strconv.FormatInt(time.Now().Unix()%(36*36*36*36), 36)
	api := client{base: strings.TrimRight(c.url, "/"), http: &http.Client{Timeout: time.Minute}}
	if api.token, err = api.login(ctx, c.adminEmail, c.adminPassword); err != nil {
		return nil, err
	}
	codes := make([]string, c.administrations)
	for i := range codes {
		codes[i] = strings.ToUpper(fmt.Sprintf("L%s%d", run, i))
		if err := api.call(ctx, http.MethodPost, "/administrations", map[string]string{"code": codes[i], "name": "Load " + codes[i]}, nil); err != nil {
			return nil, err
		}
	}
	var raw map[string]any
	if err := json.Unmarshal(questionnaire, &raw); err != nil {
		return nil, err
	}
	key := "load_" + run
	raw["key"] = key
	if err := api.call(ctx, http.MethodPost, "/questionnaires", raw, nil); err != nil {
		return nil, err
	}
	if err := api.call(ctx, http.MethodPost, "/questionnaires/"+key+"/versions/1/publish", nil, nil); err != nil {
		return nil, err
	}
	f := &fixture{campaign: "load-" + run, direct: "load-" + run + "-direct", doc: doc}
	for _, campaign := range []string{f.campaign, f.direct} {
		if err := api.call(ctx, http.MethodPost, "/campaigns", map[string]any{"key": campaign, "year": 2024,
			"questionnaire": key, "version": 1, "opens_at": "2024-01-01T00:00:00Z", "closes_at": "2099-12-31T00:00:00Z",
			"administrations": codes}, nil); err != nil {
			return nil, err
		}
		if err := api.call(ctx, http.MethodPost, "/campaigns/"+campaign+"/open", nil, nil); err != nil {
			return nil, err
		}
	}
	f.respondents = make([]respondent, c.respondents)
	return f, createRespondents(ctx, api, run, codes, f.respondents)
}

// createRespondents creates the respondents, spread over the
// administrations in turn, and logs each in, a few at once (each costs a
// password hash on the server).
func createRespondents(ctx context.Context, api client, run string, codes []string, out []respondent) error {
	var wg sync.WaitGroup
	errs := make([]error, len(out))
	next := make(chan int)
	for range 4 {
		wg.Go(func() {
			for i := range next {
				email := fmt.Sprintf("load%s-%d@load.example", run, i)
				r := respondent{administration: codes[i%len(codes)]}
				var user struct {
					ID string `json:"id"`
				}
				errs[i] = api.call(ctx, http.MethodPost, "/users", map[string]string{"email": email,
					"password": respondentPassword, "role": "respondent", "administration": r.administration}, &user)
				if errs[i] == nil {
					r.id = user.ID
					r.token, errs[i] = client{base: api.base, http: api.http}.login(ctx, email, respondentPassword)
				}
				out[i] = r
			}
		})
	}
	for i := range out {
		next <- i
	}
	close(next)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
