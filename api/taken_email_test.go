package api_test

import (
	"bytes"
	"net/http"
	"net/url"
	"testing"

	"github.com/customs-survey/surveyd/internal/dbtest"
)

// TestTakenEmailTellsCoordinatorsNothingMore holds the decision recorded in
// the threat model: e-mail addresses are unique across the service (they
// are the login), so a coordinator who creates a respondent with a taken
// address gets a 409, and learns that it is taken and nothing else. The
// answer is the same byte for byte whether the address belongs to their own
// administration, another one, an admin or a disabled account, and every
// such attempt is in the audit trail for admins to see.
func TestTakenEmailTellsCoordinatorsNothingMore(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, databaseURL string) {
		e := newEnv(t, databaseURL)
		e.world()
		admin, coord := e.tokens["admin"], e.tokens["coord_be"]
		// A disabled account of another administration.
		id := e.must(http.StatusCreated, "POST", "/api/v1/users", admin,
			map[string]string{"email": "gone@customs.example", "password": userPassword, "role": "respondent", "administration": "FR"})["id"].(string)
		e.must(http.StatusOK, "PATCH", "/api/v1/users/"+id, admin, map[string]any{"disabled": true})

		var first []byte
		for _, taken := range []string{"resp_be2@customs.example", "resp_fr@customs.example", "RESP_DE@customs.example",
			adminEmail, "coord_de@customs.example", "gone@customs.example"} {
			res := e.request("POST", "/api/v1/users", coord,
				map[string]string{"email": taken, "password": userPassword, "role": "respondent"})
			if res.Status != http.StatusConflict {
				t.Fatalf("%s: status %d, want 409\n%s", taken, res.Status, res.Body)
			}
			for _, leak := range []string{"FR", "DE", "admin", "disabled", id} {
				if bytes.Contains(res.Body, []byte(leak)) {
					t.Errorf("%s: the answer names %q: %s", taken, leak, res.Body)
				}
			}
			if first == nil {
				first = res.Body
			} else if !bytes.Equal(res.Body, first) {
				t.Errorf("%s: answer differs from the one for an address of the coordinator's own administration:\n%s\n%s", taken, res.Body, first)
			}
		}
		page, _ := e.auditPage(url.Values{"action": {"user.create"}})
		refused := 0
		for _, ev := range page.Events {
			if ev.Status == http.StatusConflict && ev.Actor != nil && ev.Actor.Email == "coord_be@customs.example" {
				refused++
			}
		}
		if refused != 6 {
			t.Errorf("%d refused creations by the coordinator in the trail, want 6", refused)
		}
	})
}
