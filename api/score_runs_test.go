package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/customs-survey/surveyd/exports"
	"github.com/customs-survey/surveyd/internal/dbtest"
)

// scoreRun is the answer of POST …/scores/freeze and an item of
// GET …/scores/runs.
type scoreRun struct {
	ID       string  `json:"id"`
	Campaign string  `json:"campaign"`
	FrozenAt string  `json:"frozen_at"`
	FrozenBy string  `json:"frozen_by"`
	Lang     *string `json:"lang"`
	SHA256   string  `json:"sha256"`
	Links    struct {
		JSON string `json:"json"`
		CSV  string `json:"csv"`
		XLSX string `json:"xlsx"`
	} `json:"links"`
}

// frozenBlock is the frozen member of the live scores.
type frozenBlock struct {
	ID       string `json:"id"`
	FrozenAt string `json:"frozen_at"`
	SHA256   string `json:"sha256"`
	Matches  bool   `json:"matches"`
	Href     string `json:"href"`
}

// frozenOf reads the frozen member of the live scores of customs-2023
// (nil when absent).
func (e *env) frozenOf(lang string) *frozenBlock {
	e.t.Helper()
	res := e.request("GET", "/api/v1/campaigns/customs-2023/scores?lang="+lang, e.tokens["admin"], nil)
	var body struct {
		Frozen *frozenBlock `json:"frozen"`
	}
	if res.Status != http.StatusOK || json.Unmarshal(res.Body, &body) != nil {
		e.t.Fatalf("scores: %d %s", res.Status, res.Body)
	}
	return body.Frozen
}

// frozenInFiles reads the live CSV and XLSX scores of customs-2023 and
// returns what they say of the latest frozen run: its id and whether the
// figures match it ("" for none), as every row of the CSV, every row of
// the workbook's Breakdowns sheet and its Coverage sheet say it; it fails
// the test when they disagree.
func (e *env) frozenInFiles(lang string) (id, matches string) {
	e.t.Helper()
	res := e.request("GET", "/api/v1/campaigns/customs-2023/scores?format=csv&lang="+lang, e.tokens["admin"], nil)
	records, err := csv.NewReader(bytes.NewReader(res.Body)).ReadAll()
	if res.Status != http.StatusOK || err != nil || len(records) < 2 {
		e.t.Fatalf("CSV scores: %d %v %s", res.Status, err, res.Body)
	}
	res = e.request("GET", "/api/v1/campaigns/customs-2023/scores?format=xlsx&lang="+lang, e.tokens["admin"], nil)
	book, err := excelize.OpenReader(bytes.NewReader(res.Body))
	if res.Status != http.StatusOK || err != nil {
		e.t.Fatalf("XLSX scores: %d %v", res.Status, err)
	}
	defer book.Close()
	breakdowns, _ := book.GetRows(exports.SheetBreakdowns)
	coverage, _ := book.GetRows(exports.SheetCoverage)
	said := map[string]bool{}
	for _, table := range [][][]string{records, breakdowns} {
		run, match := slices.Index(table[0], "frozen_run"), slices.Index(table[0], "frozen_matches")
		if run < 0 || match < 0 {
			e.t.Fatalf("no frozen_run or frozen_matches column in %q", table[0])
		}
		for _, row := range table[1:] {
			row = append(row, make([]string, len(table[0]))...) // a sheet's row ends at its last value
			said[row[run]+" "+strings.ToLower(row[match])] = true
		}
	}
	lines := map[string]string{}
	for _, line := range coverage {
		lines[line[0]] = strings.Join(line[1:], "")
	}
	said[lines["frozen_run"]+" "+lines["frozen_matches"]] = true
	if len(said) != 1 {
		e.t.Fatalf("the CSV and the workbook disagree on the frozen run: %v", said)
	}
	for s := range said {
		id, matches, _ = strings.Cut(s, " ")
	}
	return id, matches
}

// customsAnswers are answers to every required question of
// customs_annual.json, with the given awareness and satisfaction.
func customsAnswers(awareness string, satisfaction int) map[string]any {
	return map[string]any{"awareness_level": awareness, "ees_perf": "large", "ees_union_law": "full",
		"ees_cooperation": "moderate", "ees_innovation": "little", "used_outputs": "yes",
		"support_satisfaction": satisfaction, "networking_contacts": "frequently"}
}

// answeredWorld is the world with three submitted responses to customs-2023.
func answeredWorld(e *env) {
	e.world()
	for _, who := range []string{"resp_be", "resp_be2", "resp_fr"} {
		e.submit(e.tokens[who], "customs-2023", customsAnswers("advanced", 4))
	}
}

// TestFreezeScoreRuns freezes a closed campaign's scores and reads the run
// back: the same bytes in every format, every time, with their SHA-256;
// the live scores say whether they still match it, also once the campaign
// was reopened and answered again.
func TestFreezeScoreRuns(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		answeredWorld(e)
		admin := e.tokens["admin"]
		freeze := "/api/v1/campaigns/customs-2023/scores/freeze"
		for _, c := range []struct {
			name, token, path string
			want              int
			fields            []string
		}{
			{"a coordinator", e.tokens["coord_be"], freeze, http.StatusForbidden, nil},
			{"a respondent", e.tokens["resp_be"], freeze, http.StatusForbidden, nil},
			{"an open campaign", admin, freeze, http.StatusConflict, nil},
			{"an unknown campaign", admin, "/api/v1/campaigns/nope/scores/freeze", http.StatusNotFound, nil},
			{"not a language", admin, freeze + "?lang=french", http.StatusUnprocessableEntity, []string{"lang:invalid_language"}},
		} {
			checkOutcome(t, e.request("POST", c.path, c.token, nil), c.want, c.fields)
		}
		if runs := e.list("/api/v1/campaigns/customs-2023/scores/runs", admin); len(runs) != 0 {
			t.Errorf("refused freezes made runs: %v", runs)
		}
		if f := e.frozenOf(""); f != nil {
			t.Errorf("frozen %+v before any run", f)
		}
		if id, matches := e.frozenInFiles(""); id != "" || matches != "" {
			t.Errorf("CSV and XLSX cite run %q (matches %q) before any run", id, matches)
		}
		e.must(http.StatusOK, "POST", "/api/v1/campaigns/customs-2023/close", admin, nil)

		res := e.request("POST", freeze+"?lang=fr", admin, nil)
		var run scoreRun
		if res.Status != http.StatusCreated || json.Unmarshal(res.Body, &run) != nil {
			t.Fatalf("freeze: %d %s", res.Status, res.Body)
		}
		path := "/api/v1/campaigns/customs-2023/scores/runs/" + run.ID
		if run.ID == "" || run.Campaign != "customs-2023" || run.FrozenBy == "" || run.Lang == nil || *run.Lang != "fr" ||
			run.Links.JSON != path+"?format=json" || run.Links.CSV != path+"?format=csv" || run.Links.XLSX != path+"?format=xlsx" ||
			res.Header.Get("Location") != path {
			t.Errorf("run %+v at %s", run, res.Header.Get("Location"))
		}
		files := map[string][]byte{}
		for _, format := range []string{"json", "csv", "xlsx"} {
			first := e.scoreRunFile(path, format)
			if again := e.scoreRunFile(path, format); !bytes.Equal(first, again) {
				t.Errorf("%s: the run's bytes changed between two reads", format)
			}
			files[format] = first
		}
		if sum := sha256.Sum256(files["json"]); hex.EncodeToString(sum[:]) != run.SHA256 {
			t.Errorf("the JSON's SHA-256 is not the run's %s", run.SHA256)
		}
		var doc map[string]any
		if err := json.Unmarshal(files["json"], &doc); err != nil || doc["computed_at"] != run.FrozenAt || doc["final"] != true {
			t.Errorf("the run's JSON: %v %.300s", err, files["json"])
		}
		// The run's own CSV is the frozen table itself: it cites no run.
		if !bytes.HasPrefix(files["csv"], []byte("campaign,year,code,")) || !bytes.HasPrefix(files["xlsx"], []byte("PK")) ||
			bytes.Contains(files["csv"], []byte("frozen_run")) {
			t.Errorf("the run's CSV or XLSX: %.40q %.10q", files["csv"], files["xlsx"])
		}
		for _, lang := range []string{"", "fr", "en"} {
			if f := e.frozenOf(lang); f == nil || f.ID != run.ID || f.SHA256 != run.SHA256 || f.FrozenAt != run.FrozenAt ||
				!f.Matches || f.Href != path {
				t.Errorf("lang %q: frozen %+v, want run %s matching", lang, f, run.ID)
			}
			if id, matches := e.frozenInFiles(lang); id != run.ID || matches != "true" {
				t.Errorf("lang %q: CSV and XLSX cite run %q (matches %q), want %s matching", lang, id, matches, run.ID)
			}
		}
		var runs []scoreRun
		if res := e.request("GET", "/api/v1/campaigns/customs-2023/scores/runs", admin, nil); json.Unmarshal(res.Body, &runs) != nil ||
			len(runs) != 1 || !reflect.DeepEqual(runs[0], run) {
			t.Errorf("runs %s, want [%+v]", res.Body, run)
		}
		e.checkScoreRunAudit(run.ID)

		// Reopened and answered again: the live figures differ from the
		// run's and say so; the run itself is unchanged.
		e.must(http.StatusOK, "POST", "/api/v1/campaigns/customs-2023/reopen", admin,
			map[string]any{"reason": "FR answered late", "closes_at": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339)})
		if f := e.frozenOf(""); f == nil || !f.Matches {
			t.Errorf("reopened, nothing new: frozen %+v, want matching", f)
		}
		checkOutcome(t, e.request("POST", freeze, admin, nil), http.StatusConflict, nil)
		e.submit(e.tokens["resp_fr"], "customs-2023", customsAnswers("no_awareness", 1))
		e.must(http.StatusOK, "POST", "/api/v1/campaigns/customs-2023/close", admin, nil)
		if f := e.frozenOf("en"); f == nil || f.ID != run.ID || f.Matches {
			t.Errorf("answered again: frozen %+v, want run %s not matching", f, run.ID)
		}
		if id, matches := e.frozenInFiles(""); id != run.ID || matches != "false" {
			t.Errorf("answered again: CSV and XLSX cite run %q (matches %q), want %s not matching", id, matches, run.ID)
		}
		for format, want := range files {
			if got := e.scoreRunFile(path, format); !bytes.Equal(got, want) {
				t.Errorf("%s: the run changed with the campaign", format)
			}
		}
		// A second run is listed first, and is the one compared with.
		second := e.must(http.StatusCreated, "POST", freeze, admin, nil)
		if runs := e.list("/api/v1/campaigns/customs-2023/scores/runs", admin); len(runs) != 2 ||
			runs[0].(map[string]any)["id"] != second["id"] || second["lang"] != nil {
			t.Errorf("runs %v, want %v first", runs, second["id"])
		}
		if f := e.frozenOf(""); f == nil || f.ID != second["id"] || !f.Matches {
			t.Errorf("after a second run: frozen %+v", f)
		}
	})
}

// scoreRunFile reads a run in a format, checking its headers: ETag and
// Repr-Digest are the SHA-256 of the body; CSV and XLSX are downloads.
func (e *env) scoreRunFile(path, format string) []byte {
	e.t.Helper()
	res := e.request("GET", path+"?format="+format, e.tokens["admin"], nil)
	if res.Status != http.StatusOK {
		e.t.Fatalf("%s as %s: %d %s", path, format, res.Status, res.Body)
	}
	sum := sha256.Sum256(res.Body)
	if got, want := res.Header.Get("ETag"), `"`+hex.EncodeToString(sum[:])+`"`; got != want {
		e.t.Errorf("%s: ETag %s, want %s", format, got, want)
	}
	if got, want := res.Header.Get("Repr-Digest"), "sha-256=:"+base64.StdEncoding.EncodeToString(sum[:])+":"; got != want {
		e.t.Errorf("%s: Repr-Digest %s, want %s", format, got, want)
	}
	id := path[strings.LastIndexByte(path, '/')+1:]
	disposition := res.Header.Get("Content-Disposition")
	if want := `attachment; filename="customs-2023-scores-` + id + "." + format + `"`; format != "json" && disposition != want {
		e.t.Errorf("%s: Content-Disposition %q, want %q", format, disposition, want)
	}
	return res.Body
}

// checkScoreRunAudit: the freeze is audited with the new run in its
// target, and each download of a run as an export.
func (e *env) checkScoreRunAudit(id string) {
	e.t.Helper()
	for _, c := range []struct{ action, target string }{
		{"scores.freeze", `"target":"key=customs-2023,id=` + id + `","status":201`},
		{"scores.freeze", `"target":"key=customs-2023","status":409`},
		{"export.score_run", `"target":"key=customs-2023,id=` + id + `","status":200`},
	} {
		res := e.request("GET", "/api/v1/audit?action="+c.action, e.tokens["admin"], nil)
		if !strings.Contains(string(res.Body), c.target) {
			e.t.Errorf("no %s event with %s: %s", c.action, c.target, res.Body)
		}
	}
}

// TestScoreRunNotFound: a run is found only under its own campaign.
func TestScoreRunNotFound(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, url string) {
		e := newEnv(t, url)
		answeredWorld(e)
		admin := e.tokens["admin"]
		e.must(http.StatusOK, "POST", "/api/v1/campaigns/customs-2023/close", admin, nil)
		run := e.must(http.StatusCreated, "POST", "/api/v1/campaigns/customs-2023/scores/freeze", admin, nil)
		id := run["id"].(string)
		e.must(http.StatusCreated, "POST", "/api/v1/campaigns", admin, map[string]any{
			"key": "customs-2024", "year": 2024, "questionnaire": "customs_annual", "version": 1,
			"opens_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339), "closes_at": time.Now().Add(48 * time.Hour).UTC().Format(time.RFC3339),
			"administrations": []string{"BE"}})
		for _, c := range []struct {
			name, token, path string
			want              int
		}{
			{"the run", admin, "/api/v1/campaigns/customs-2023/scores/runs/" + id, http.StatusOK},
			{"under another campaign", admin, "/api/v1/campaigns/customs-2024/scores/runs/" + id, http.StatusNotFound},
			{"an unknown id", admin, "/api/v1/campaigns/customs-2023/scores/runs/" + id + "0", http.StatusNotFound},
			{"an unknown campaign", admin, "/api/v1/campaigns/nope/scores/runs/" + id, http.StatusNotFound},
			{"the runs of an unknown campaign", admin, "/api/v1/campaigns/nope/scores/runs", http.StatusNotFound},
			{"a bad format", admin, "/api/v1/campaigns/customs-2023/scores/runs/" + id + "?format=pdf", http.StatusUnprocessableEntity},
			{"a coordinator", e.tokens["coord_be"], "/api/v1/campaigns/customs-2023/scores/runs/" + id, http.StatusForbidden},
			{"a coordinator's list", e.tokens["coord_be"], "/api/v1/campaigns/customs-2023/scores/runs", http.StatusForbidden},
		} {
			if res := e.request("GET", c.path, c.token, nil); res.Status != c.want {
				t.Errorf("%s: %d, want %d: %s", c.name, res.Status, c.want, res.Body)
			}
		}
		if runs := e.list("/api/v1/campaigns/customs-2024/scores/runs", admin); len(runs) != 0 {
			t.Errorf("customs-2024 has runs %v", runs)
		}
	})
}

// frozenRunPath closes a campaign of its own (customs-2022, of the world's
// questionnaire, for BE), freezes its scores and returns the path of the
// run.
func (e *env) frozenRunPath() string {
	e.t.Helper()
	admin := e.tokens["admin"]
	e.must(http.StatusCreated, "POST", "/api/v1/campaigns", admin, map[string]any{
		"key": "customs-2022", "year": 2022, "questionnaire": "customs_annual", "version": 1,
		"opens_at": time.Now().Add(-time.Hour).UTC().Format(time.RFC3339), "closes_at": time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
		"administrations": []string{"BE"}})
	e.must(http.StatusOK, "POST", "/api/v1/campaigns/customs-2022/open", admin, nil)
	e.must(http.StatusOK, "POST", "/api/v1/campaigns/customs-2022/close", admin, nil)
	run := e.must(http.StatusCreated, "POST", "/api/v1/campaigns/customs-2022/scores/freeze", admin, nil)
	return "/api/v1/campaigns/customs-2022/scores/runs/" + run["id"].(string)
}
