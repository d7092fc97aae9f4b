package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// The kinds of visitor of the access matrix.
const (
	asSignedOut = "signed out"
	asRespBE    = "resp_be"
	asRespFR    = "resp_fr"
	asCoordBE   = "coord_be"
	asAdmin     = "admin"
)

var accessVisitors = []string{asSignedOut, asRespBE, asRespFR, asCoordBE, asAdmin}

// accessRow is one route of server.go asked for by each kind of visitor:
// the status each gets. A visitor missing from want is not checked by the
// matrix: those cells belong to pages still being written, whose wrapper
// rows (signed out, wrong role) are checked already.
type accessRow struct {
	method, path string
	form         url.Values
	want         map[string]int
}

// everyone gives every kind of visitor the same status.
func accessEveryone(status int) map[string]int {
	m := map[string]int{}
	for _, v := range accessVisitors {
		m[v] = status
	}
	return m
}

// TestPageAccess: the access matrix of the pages. Every route of
// server.go, for each kind of visitor: signed out, a respondent of BE, a
// respondent of FR, the coordinator of BE, an admin. GET pages send the
// signed-out to the login page (303), refuse the roles they are not for
// (403), and do not show another administration's campaign (404); form
// posts of the signed-out are refused (401). fr-only is a draft campaign of
// FR alone.
func TestPageAccess(t *testing.T) {
	const out, ok, see, forbidden, missing = 401, 200, 303, 403, 404
	rows := []accessRow{
		{"GET", "/", nil, accessEveryone(see)},
		{"GET", "/login", nil, map[string]int{asSignedOut: ok, asRespBE: see, asRespFR: see, asCoordBE: see, asAdmin: see}},
		{"GET", "/no-such-page", nil, accessEveryone(missing)},

		{"GET", "/campaigns", nil, map[string]int{asSignedOut: see, asCoordBE: ok, asAdmin: ok}},
		{"GET", "/campaigns/customs-2023", nil, map[string]int{asSignedOut: see, asCoordBE: ok, asAdmin: ok}},
		{"GET", "/campaigns/fr-only", nil, map[string]int{asSignedOut: see, asCoordBE: missing, asAdmin: ok}},
		{"GET", "/campaigns/no-such-campaign", nil, map[string]int{asSignedOut: see, asCoordBE: missing, asAdmin: missing}},

		// Respondents' pages.
		{"GET", "/campaigns/customs-2023/check", nil, map[string]int{asSignedOut: see, asCoordBE: forbidden, asAdmin: forbidden}},
		{"GET", "/campaigns/customs-2023/receipt", nil, map[string]int{asSignedOut: see, asCoordBE: forbidden, asAdmin: forbidden}},
		{"POST", "/campaigns/customs-2023/response", nil, map[string]int{asSignedOut: out, asCoordBE: forbidden, asAdmin: forbidden}},
		{"POST", "/campaigns/customs-2023/submit", nil, map[string]int{asSignedOut: out, asCoordBE: forbidden, asAdmin: forbidden}},

		// Staff's pages. The posts change nothing: the campaign is open
		// already (409), the close is not confirmed and the forms are
		// empty (422).
		{"GET", "/campaigns/customs-2023/progress", nil,
			map[string]int{asSignedOut: see, asRespBE: forbidden, asRespFR: forbidden, asCoordBE: ok, asAdmin: ok}},
		{"GET", "/campaigns/fr-only/progress", nil,
			map[string]int{asSignedOut: see, asRespBE: forbidden, asRespFR: forbidden, asCoordBE: missing, asAdmin: ok}},
		{"POST", "/campaigns/customs-2023/open", nil,
			map[string]int{asSignedOut: out, asRespBE: forbidden, asRespFR: forbidden, asCoordBE: forbidden, asAdmin: http.StatusConflict}},
		{"POST", "/campaigns/customs-2023/close", nil,
			map[string]int{asSignedOut: out, asRespBE: forbidden, asRespFR: forbidden, asCoordBE: forbidden, asAdmin: 422}},
		{"GET", "/questionnaires", nil,
			map[string]int{asSignedOut: see, asRespBE: forbidden, asRespFR: forbidden, asCoordBE: forbidden, asAdmin: ok}},
		{"POST", "/questionnaires", nil,
			map[string]int{asSignedOut: out, asRespBE: forbidden, asRespFR: forbidden, asCoordBE: forbidden, asAdmin: 422}},
		{"POST", "/questionnaires/customs_annual/versions/1/publish", nil,
			map[string]int{asSignedOut: out, asRespBE: forbidden, asRespFR: forbidden, asCoordBE: forbidden, asAdmin: http.StatusConflict}},
		{"GET", "/users", nil,
			map[string]int{asSignedOut: see, asRespBE: forbidden, asRespFR: forbidden, asCoordBE: ok, asAdmin: ok}},
		{"POST", "/users", nil,
			map[string]int{asSignedOut: out, asRespBE: forbidden, asRespFR: forbidden, asCoordBE: 422, asAdmin: 422}},

		// Scores.
		{"GET", "/campaigns/customs-2023/scores", nil,
			map[string]int{asSignedOut: see, asRespBE: forbidden, asRespFR: forbidden, asCoordBE: forbidden}},
		{"GET", "/campaigns/customs-2023/scores/customs-2023.csv", nil,
			map[string]int{asSignedOut: see, asRespBE: forbidden, asRespFR: forbidden, asCoordBE: forbidden}},

		// The session: wrong credentials posted with the login form's
		// token (the signed-out browser got it from GET /login above) or
		// the session's are told so. Logout comes last, as it ends the
		// session.
		{"POST", "/login", url.Values{"email": {"nobody@customs.example"}, "password": {"not a password at all"}},
			accessEveryone(401)},
		{"POST", "/logout", nil, map[string]int{asSignedOut: out, asRespBE: see, asRespFR: see, asCoordBE: see, asAdmin: see}},
	}
	each(t, func(t *testing.T, e *env) {
		staffWorld(t, e)
		for _, who := range accessVisitors {
			b := e.browser()
			if who != asSignedOut {
				b = staffSignIn(e, who)
				b.get("/campaigns") // a page with the session's CSRF token
			}
			for _, row := range rows {
				want, checked := row.want[who]
				if !checked {
					continue
				}
				var p page
				if row.method == http.MethodGet {
					p = b.get(row.path)
				} else {
					form := url.Values{} // post adds the CSRF token to it
					for k, v := range row.form {
						form[k] = v
					}
					p = b.post(row.path, form)
				}
				if p.Status != want {
					t.Errorf("%s: %s %s: %d, want %d\n%s", who, row.method, row.path, p.Status, want, p.Body)
					continue
				}
				if who == asSignedOut && want == see && row.path != "/" &&
					p.Location != "/login?next="+url.QueryEscape(row.path) {
					t.Errorf("%s %s sends the signed-out to %q", row.method, row.path, p.Location)
				}
				if want == forbidden && row.method == http.MethodGet && !strings.Contains(p.Body, "Not allowed") {
					t.Errorf("%s: %s %s: not the page that refuses", who, row.method, row.path)
				}
			}
		}
	})
}
