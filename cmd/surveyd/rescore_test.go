package main

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	_ "github.com/glebarez/go-sqlite"
	_ "github.com/jackc/pgx/v5/stdlib"

	"github.com/customs-survey/surveyd/demo"
	"github.com/customs-survey/surveyd/internal/dbtest"
	"github.com/customs-survey/surveyd/store"
)

// TestRescore runs surveyd rescore on the 2023 report's data set: the
// cells its submissions kept agree with its answers; once a cell is
// damaged, rescore says which and repairs it; a campaign that does not
// exist, or none named, is an error.
func TestRescore(t *testing.T) {
	ds, err := demo.Report2023()
	if err != nil {
		t.Fatal(err)
	}
	dbtest.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		st, err := store.Open(ctx, url, store.Options{Migrate: true})
		if err != nil {
			t.Fatal(err)
		}
		if err := demo.Load(ctx, st, ds); err != nil {
			t.Fatal(err)
		}
		st.Close()
		key := ds.Campaigns[len(ds.Campaigns)-1].Key
		env := func(k string) string { return map[string]string{"SURVEY_DATABASE_URL": url}[k] }
		rescored := func(args ...string) (string, error) {
			var out strings.Builder
			err := run(ctx, append([]string{"rescore"}, args...), env, nil, &out, &out)
			return out.String(), err
		}

		// The first cell of the first indicator that holds a value.
		cell := "campaign_id = (SELECT id FROM campaigns WHERE key = '" + key + "') AND indicator = 0 AND part = '' AND n > 0"
		first := "administration_code = (SELECT MIN(administration_code) FROM score_cells WHERE " + cell + ")"
		damage(t, url, "UPDATE score_cells SET total = total + 25 WHERE "+cell+" AND "+first+
			" AND shard = (SELECT MIN(shard) FROM score_cells WHERE "+cell+" AND "+first+")")
		for _, c := range []struct {
			args []string
			want string
			err  string
		}{
			{args: []string{key}, want: "differed from the answers in 1 cells"},
			{args: []string{key}, want: "agreed with the answers"},
			{args: []string{"--database-url", url}, err: "name the campaign"},
			{args: []string{"nope"}, err: "no campaign nope"},
		} {
			out, err := rescored(c.args...)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Errorf("rescore %v: error %v, want %q", c.args, err, c.err)
				}
				continue
			}
			if err != nil || !strings.Contains(out, c.want) {
				t.Errorf("rescore %v: %v %q, want %q", c.args, err, out, c.want)
			}
		}
	})
}

// damage runs a statement on the database behind the store's back.
func damage(t *testing.T, url, stmt string) {
	t.Helper()
	driver, dsn := "sqlite", "file:"+strings.TrimPrefix(url, "sqlite://")+"?_pragma=busy_timeout(10000)"
	if strings.HasPrefix(url, "postgres") {
		driver, dsn = "pgx", url
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	res, err := db.Exec(stmt)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("%d cells damaged, want 1", n)
	}
}
