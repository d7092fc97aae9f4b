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

	"github.com/customs-survey/surveyd/demo"
	"github.com/customs-survey/surveyd/store"
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
		b := make([]byte, 12)
		if _, err := rand.Read(b); err != nil {
			cleanup()
			return nil, nil, err
		}
		cfg.AdminEmail, cfg.AdminPassword = demoAdminEmail, base64.RawURLEncoding.EncodeToString(b)
	}
	prepare := func(ctx context.Context, st *store.Store) error {
		ds, err := demo.Report2023()
		if err != nil {
			return err
		}
		if err := demo.Load(ctx, st, ds); err != nil {
			return fmt.Errorf("load the demo data: %w", err)
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
(campaigns customs-2023 and participants-2023, compared with 2022), in %s.
Log in as %s with password %s, for example:

  TOKEN=$(curl -s http://%s/api/v1/auth/login -d '{"email":"%s","password":"%s"}' | jq -r .access_token)
  curl -s "http://%s/api/v1/campaigns/customs-2023/scores?format=csv" -H "Authorization: Bearer $TOKEN"

`, cfg.DatabaseURL, cfg.AdminEmail, password, host, cfg.AdminEmail, password, host)
		return nil
	}
	return prepare, cleanup, nil
}
