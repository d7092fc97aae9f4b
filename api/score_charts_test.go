package api_test

import (
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// chartsTestdata holds the documents that package charts draws from the
// 2023 report's data set (charts.TestChartFilesReport2023).
const chartsTestdata = "../charts/testdata"

// TestScoreChartSVG loads the 2023 report's data set on each backend and
// asks for indicators' charts: the body is the document package charts
// draws (its golden files), an SVG download named after the campaign and
// the code; an unknown code, a path without .svg and an unknown campaign
// are 404, a respondent is refused; the fixed paths beside the chart's
// (GET …/scores/runs) are still theirs.
func TestScoreChartSVG(t *testing.T) {
	eachWith2023(t, func(t *testing.T, e *env, url string) {
		admin := e.tokens["admin"]
		e.must(http.StatusCreated, "POST", "/api/v1/users", admin,
			map[string]string{"email": "resp@customs.example", "password": userPassword, "role": "respondent", "administration": "BE"})
		respondent := e.login("resp@customs.example", userPassword)

		for _, tt := range []struct {
			name, token, path string
			status            int
			file              string // the golden document of the body, in chartsTestdata
			disposition       string
		}{
			{"options and change", admin, "/api/v1/campaigns/customs-2023/scores/OP%203.1.svg", 200,
				"report2023-customs-2023-OP-3.1-en.svg", `attachment; filename="customs-2023-OP-3.1.svg"`},
			{"in French", admin, "/api/v1/campaigns/customs-2023/scores/OP%203.1.svg?lang=fr", 200,
				"report2023-customs-2023-OP-3.1-fr.svg", `attachment; filename="customs-2023-OP-3.1.svg"`},
			{"suppressed administrations", admin, "/api/v1/campaigns/customs-2023/scores/RES%203.2.1.svg?lang=en", 200,
				"report2023-customs-2023-RES-3.2.1-en.svg", `attachment; filename="customs-2023-RES-3.2.1.svg"`},
			{"a code with a word", admin, "/api/v1/campaigns/participants-2023/scores/RES%202.2.6%20agreement.svg", 200,
				"", `attachment; filename="participants-2023-RES-2.2.6-agreement.svg"`},
			{"an unknown code", admin, "/api/v1/campaigns/customs-2023/scores/OP%209.9.svg", 404, "", ""},
			{"a code of the other survey", admin, "/api/v1/campaigns/customs-2023/scores/OP%202.1.4.svg", 404, "", ""},
			{"the code of a fixed path", admin, "/api/v1/campaigns/customs-2023/scores/runs.svg", 404, "", ""},
			{"without .svg", admin, "/api/v1/campaigns/customs-2023/scores/OP%203.1", 404, "", ""},
			{"another suffix", admin, "/api/v1/campaigns/customs-2023/scores/OP%203.1.png", 404, "", ""},
			{"only .svg", admin, "/api/v1/campaigns/customs-2023/scores/.svg", 404, "", ""},
			{"an unknown campaign", admin, "/api/v1/campaigns/customs-2031/scores/OP%203.1.svg", 404, "", ""},
			{"a respondent", respondent, "/api/v1/campaigns/customs-2023/scores/OP%203.1.svg", 403, "", ""},
			{"no token", "", "/api/v1/campaigns/customs-2023/scores/OP%203.1.svg", 401, "", ""},
		} {
			t.Run(tt.name, func(t *testing.T) {
				res := e.request("GET", tt.path, tt.token, nil)
				if res.Status != tt.status {
					t.Fatalf("status %d, want %d: %.300s", res.Status, tt.status, res.Body)
				}
				if tt.status != 200 {
					return
				}
				if ct := res.Header.Get("Content-Type"); ct != "image/svg+xml" {
					t.Errorf("Content-Type %q, want image/svg+xml", ct)
				}
				if d := res.Header.Get("Content-Disposition"); d != tt.disposition {
					t.Errorf("Content-Disposition %q, want %q", d, tt.disposition)
				}
				if tt.file == "" {
					return
				}
				want, err := os.ReadFile(filepath.Join(chartsTestdata, tt.file))
				if err != nil {
					t.Fatal(err)
				}
				if string(res.Body) != string(want) {
					t.Errorf("the body is not %s (go test ./charts -update rewrites it):\n%s", tt.file, res.Body)
				}
			})
		}

		// The fixed segments beside {code}.svg are matched first.
		if runs := e.list("/api/v1/campaigns/customs-2023/scores/runs", admin); len(runs) != 0 {
			t.Errorf("runs %v, want none", runs)
		}
	})
}
