package storetest

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/survey"
)

// testScoreRuns is the contract of scores.RunStore (survey.ScoreRun): runs are added under
// the decision of the use case, listed latest first, and given back byte
// for byte, each only under its own campaign.
func testScoreRuns(t *testing.T, open Open) {
	t.Run("create and read", func(t *testing.T) { testCreateScoreRun(t, open) })
	t.Run("refused", func(t *testing.T) { testScoreRunRefused(t, open) })
	t.Run("not found", func(t *testing.T) { testScoreRunNotFound(t, open) })
}

// frozenAt is finer than the microsecond the stores keep.
var frozenAt = time.Date(2024, 7, 1, 9, 30, 0, 123456789, time.FixedZone("CEST", 2*60*60))

// scoreRunOf is a run of a campaign, whose renderings hold bytes that no
// text column would keep (NUL, invalid UTF-8, a trailing newline).
func scoreRunOf(campaign, id string, n int) survey.ScoreRun {
	return survey.ScoreRun{
		ScoreRunInfo: survey.ScoreRunInfo{ID: id, Campaign: campaign, FrozenAt: frozenAt.Add(time.Duration(n) * time.Second),
			FrozenBy: "user-" + id, Lang: []string{"", "fr"}[n%2], SHA256: strings.Repeat(fmt.Sprintf("%x", n%16), 64)},
		JSON: []byte(fmt.Sprintf(`{"campaign":%q,"n":%d}`, campaign, n)),
		CSV:  []byte(fmt.Sprintf("campaign,n\r\n%s,%d\r\n", campaign, n)),
		XLSX: append([]byte("PK\x03\x04\x00\xff\xfe"), byte(n)),
	}
}

// allow is a decide that allows the run, noting the campaign it was given.
func allow(seen *survey.Campaign) func(survey.Campaign) error {
	return func(c survey.Campaign) error {
		*seen = c
		return nil
	}
}

func testCreateScoreRun(t *testing.T, open Open) {
	st, _ := campaignFixture(t, open)
	ctx := t.Context()
	runs := []survey.ScoreRun{scoreRunOf("k2023", "run-1", 1), scoreRunOf("k2023", "run-2", 2), scoreRunOf("c2024", "run-3", 3)}
	for _, run := range runs {
		var seen survey.Campaign
		if err := st.CreateScoreRun(ctx, run, allow(&seen)); err != nil {
			t.Fatalf("run %s: %v", run.ID, err)
		}
		if seen.Key != run.Campaign || seen.Status == "" || seen.Questionnaire != "survey" {
			t.Errorf("run %s: decide saw campaign %+v", run.ID, seen)
		}
	}
	// The same campaign's runs, the latest first, at the microsecond, in
	// UTC, without their renderings.
	stored := func(r survey.ScoreRun) survey.ScoreRunInfo {
		info := r.ScoreRunInfo
		info.FrozenAt = info.FrozenAt.UTC().Truncate(time.Microsecond)
		return info
	}
	for _, c := range []struct {
		campaign string
		want     []survey.ScoreRunInfo
	}{
		{"k2023", []survey.ScoreRunInfo{stored(runs[1]), stored(runs[0])}},
		{"c2024", []survey.ScoreRunInfo{stored(runs[2])}},
		{"b2024", []survey.ScoreRunInfo{}},
	} {
		got, err := st.ScoreRuns(ctx, c.campaign)
		if err != nil {
			t.Fatal(err)
		}
		if got == nil || !slices.EqualFunc(got, c.want, sameRunInfo) {
			t.Errorf("ScoreRuns(%s) = %+v, want %+v", c.campaign, got, c.want)
		}
	}
	for _, run := range runs {
		got, err := st.ScoreRun(ctx, run.Campaign, run.ID)
		if err != nil {
			t.Fatalf("ScoreRun(%s): %v", run.ID, err)
		}
		if !sameRunInfo(got.ScoreRunInfo, stored(run)) || !bytes.Equal(got.JSON, run.JSON) || !bytes.Equal(got.CSV, run.CSV) ||
			!bytes.Equal(got.XLSX, run.XLSX) {
			t.Errorf("ScoreRun(%s) = %+v\nwant %+v", run.ID, got, run)
		}
	}
	// The latest run of each campaign, with its JSON only; none for a
	// campaign without runs.
	for _, c := range []struct {
		campaign string
		want     *survey.ScoreRun
	}{{"k2023", &runs[1]}, {"c2024", &runs[2]}, {"b2024", nil}} {
		got, err := st.LatestScoreRun(ctx, c.campaign)
		switch {
		case err != nil:
			t.Fatalf("LatestScoreRun(%s): %v", c.campaign, err)
		case c.want == nil && got != nil:
			t.Errorf("LatestScoreRun(%s) = %+v, want none", c.campaign, got)
		case c.want != nil && (got == nil || !sameRunInfo(got.ScoreRunInfo, stored(*c.want)) ||
			!bytes.Equal(got.JSON, c.want.JSON) || got.CSV != nil || got.XLSX != nil):
			t.Errorf("LatestScoreRun(%s) = %+v\nwant %+v with its JSON only", c.campaign, got, c.want.ScoreRunInfo)
		}
	}
	// A run given back is the caller's: changing it changes no stored run.
	got, _ := st.ScoreRun(ctx, "k2023", "run-1")
	got.JSON[0] = 'X'
	if again, _ := st.ScoreRun(ctx, "k2023", "run-1"); !bytes.Equal(again.JSON, runs[0].JSON) {
		t.Errorf("a run changed through a copy: %s", again.JSON)
	}
}

// sameRunInfo compares runs' metadata, their times as instants.
func sameRunInfo(a, b survey.ScoreRunInfo) bool {
	at, bt := a.FrozenAt, b.FrozenAt
	a.FrozenAt, b.FrozenAt = time.Time{}, time.Time{}
	return a == b && at.Equal(bt) && at.Location() == time.UTC
}

func testScoreRunRefused(t *testing.T, open Open) {
	st, _ := campaignFixture(t, open)
	ctx := t.Context()
	if err := st.CreateScoreRun(ctx, scoreRunOf("k2023", "kept", 1), allow(new(survey.Campaign))); err != nil {
		t.Fatal(err)
	}
	refusal := survey.Errorf(survey.ErrConflict, "not closed")
	badDigest := scoreRunOf("k2023", "bad-digest", 2)
	badDigest.SHA256 = "abc"
	noCSV := scoreRunOf("k2023", "no-csv", 3)
	noCSV.CSV = nil
	for _, c := range []struct {
		name   string
		run    survey.ScoreRun
		decide func(survey.Campaign) error
		want   error // nil: any error that is not of the domain
	}{
		{"decide refuses", scoreRunOf("k2023", "refused", 4), func(survey.Campaign) error { return refusal }, refusal},
		{"taken id", scoreRunOf("k2023", "kept", 5), allow(new(survey.Campaign)), survey.ErrConflict},
		{"taken id of another campaign", scoreRunOf("c2024", "kept", 6), allow(new(survey.Campaign)), survey.ErrConflict},
		{"unknown campaign", scoreRunOf("nope", "unknown", 7), func(survey.Campaign) error {
			t.Error("decide called for an unknown campaign")
			return nil
		}, survey.ErrNotFound},
		{"digest of another length", badDigest, allow(new(survey.Campaign)), nil},
		{"no CSV", noCSV, allow(new(survey.Campaign)), nil},
	} {
		err := st.CreateScoreRun(ctx, c.run, c.decide)
		switch {
		case err == nil:
			t.Errorf("%s: no error", c.name)
		case c.want == nil && survey.IsDomainError(err):
			t.Errorf("%s: %v, want an error of the store", c.name, err)
		case c.want != nil && !errors.Is(err, c.want):
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
	}
	// Nothing refused was kept.
	for _, key := range []string{"k2023", "c2024"} {
		list, err := st.ScoreRuns(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[string]int{"k2023": 1}[key]; len(list) != want {
			t.Errorf("%s has %d runs after refusals, want %d: %+v", key, len(list), want, list)
		}
	}
}

func testScoreRunNotFound(t *testing.T, open Open) {
	st, _ := campaignFixture(t, open)
	ctx := t.Context()
	if err := st.CreateScoreRun(ctx, scoreRunOf("k2023", "run-1", 1), allow(new(survey.Campaign))); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ScoreRuns(ctx, "nope"); !errors.Is(err, survey.ErrNotFound) {
		t.Errorf("ScoreRuns of an unknown campaign: %v, want ErrNotFound", err)
	}
	if run, err := st.LatestScoreRun(ctx, "nope"); !errors.Is(err, survey.ErrNotFound) || run != nil {
		t.Errorf("LatestScoreRun of an unknown campaign: %v, %v, want ErrNotFound", run, err)
	}
	for _, c := range []struct{ campaign, id string }{
		{"nope", "run-1"},  // no such campaign
		{"c2024", "run-1"}, // a run of another campaign
		{"k2023", "run-2"}, // no such run
		{"k2023", "RUN-1"}, // ids are compared exactly
	} {
		if _, err := st.ScoreRun(ctx, c.campaign, c.id); !errors.Is(err, survey.ErrNotFound) {
			t.Errorf("ScoreRun(%s, %s): %v, want ErrNotFound", c.campaign, c.id, err)
		}
	}
}
