package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/demo"
	"github.com/customs-survey/surveyd/store"
	"github.com/customs-survey/surveyd/survey"
	"github.com/customs-survey/surveyd/users"
)

// demoAdminEmail is the demo's admin when SURVEY_ADMIN_EMAIL is not set.
const demoAdminEmail = "demo@surveyd.example"

// setUpDemo points cfg at a fresh embedded database in a temporary
// directory and returns the step that loads the 2023 report's data into it
// once migrated, and a cleanup that removes the directory. Without
// SURVEY_ADMIN_EMAIL and SURVEY_ADMIN_PASSWORD, a demo admin with a random
// password is created and its password printed: the database is thrown
// away when the demo stops.
func setUpDemo(cfg *config, stdout io.Writer) (func(context.Context, *store.Store) error, func(), error) {
	dir, err := os.MkdirTemp("", "surveyd-demo-")
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() { os.RemoveAll(dir) }
	cfg.DatabaseURL = "sqlite://" + filepath.ToSlash(filepath.Join(dir, "demo.db"))
	generated := cfg.AdminEmail == ""
	if generated {
		password, err := demoPassword()
		if err != nil {
			cleanup()
			return nil, nil, err
		}
		cfg.AdminEmail, cfg.AdminPassword = demoAdminEmail, password
	}
	prepare := func(ctx context.Context, st *store.Store) error {
		ds, err := demo.Report2023()
		if err != nil {
			return err
		}
		if err := demo.Load(ctx, st, ds); err != nil {
			return fmt.Errorf("load the demo data: %w", err)
		}
		people, err := openDemoYear(ctx, st)
		if err != nil {
			return fmt.Errorf("open the demo's 2024 campaign: %w", err)
		}
		host := cfg.Addr
		if strings.HasPrefix(host, ":") {
			host = "localhost" + host
		}
		password := "<SURVEY_ADMIN_PASSWORD>"
		if generated {
			password = cfg.AdminPassword
		}
		fmt.Fprintf(stdout, `
Demo: the survey-based indicators of the Customs programme's 2023 report are loaded
(campaigns customs-2023 and participants-2023, compared with 2022), in %s,
and the campaign %s is open for answers.

Open http://%s/ and sign in as
  Commission staff (admin):  %s  password %s
  coordinator of %s:         %s  password %s
  respondent of %s:          %s  password %s

Or use the API, for example:

  TOKEN=$(curl -s http://%s/api/v1/auth/login -d '{"email":"%s","password":"%s"}' | jq -r .access_token)
  curl -s "http://%s/api/v1/campaigns/customs-2023/scores?format=csv" -H "Authorization: Bearer $TOKEN"

`, cfg.DatabaseURL, demoOpenCampaign, host, cfg.AdminEmail, password,
			demoAdministration, people.coordinator, people.coordinatorPassword,
			demoAdministration, people.respondent, people.respondentPassword,
			host, cfg.AdminEmail, password, host)
		return nil
	}
	return prepare, cleanup, nil
}

// The demo's open campaign, and the administration of its coordinator and
// respondent.
const (
	demoOpenCampaign   = "customs-2024"
	demoAdministration = "BE"
)

// demoPeople are the demo's coordinator and respondent, with the passwords
// generated for them.
type demoPeople struct {
	coordinator, coordinatorPassword string
	respondent, respondentPassword   string
}

// demoPassword is a random password for a demo account: the database is
// thrown away when the demo stops, and the password is printed once.
func demoPassword() (string, error) {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// openDemoYear opens the 2024 campaign of the customs questionnaire for the
// administrations of 2023, compared with 2023, closing in 30 days, and
// creates a coordinator and a respondent of BE to try the pages with.
func openDemoYear(ctx context.Context, st *store.Store) (demoPeople, error) {
	kept := campaigns.New(st)
	last, err := kept.Get(ctx, auth.Operator(), "customs-2023")
	if err != nil {
		return demoPeople{}, err
	}
	now := time.Now()
	if _, err := kept.Create(ctx, auth.Operator(), survey.NewCampaign{Key: demoOpenCampaign, Year: 2024, Questionnaire: last.Questionnaire,
		Version: last.Version, OpensAt: now, ClosesAt: now.Add(30 * 24 * time.Hour), Administrations: last.Administrations,
		PreviousCampaign: last.Key, MinCellSize: last.MinCellSize}); err != nil {
		return demoPeople{}, err
	}
	if _, err := kept.Open(ctx, auth.Operator(), demoOpenCampaign); err != nil {
		return demoPeople{}, err
	}
	people := demoPeople{coordinator: "coordinator@be.demo.example", respondent: "respondent@be.demo.example"}
	accounts := users.New(st)
	for _, a := range []struct {
		email, role string
		password    *string
	}{
		{people.coordinator, string(auth.RoleCoordinator), &people.coordinatorPassword},
		{people.respondent, string(auth.RoleRespondent), &people.respondentPassword},
	} {
		if *a.password, err = demoPassword(); err != nil {
			return demoPeople{}, err
		}
		if _, err := accounts.Create(ctx, auth.Operator(), survey.NewUser{Email: a.email, Password: *a.password,
			Role: a.role, Administration: demoAdministration}); err != nil {
			return demoPeople{}, err
		}
	}
	return people, nil
}
