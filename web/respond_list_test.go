package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/campaigns"
)

// TestRespondentListAfterClosing: a campaign a respondent answered stays
// in their list once closed, read-only with its receipt; one they did not
// answer leaves the list once it no longer takes answers, closed or not.
func TestRespondentListAfterClosing(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.world()
		e.respSignIn(respBE).respSaveAndSubmit(t, respComplete())
		e.advance(25 * time.Hour) // past the closing time, still open
		for _, c := range []struct {
			who    string
			listed bool
		}{{respBE, true}, {respFR, false}} {
			body := e.respSignIn(c.who).get("/campaigns").Body
			if got := strings.Contains(body, "Customs programme annual survey</span> 2023"); got != c.listed {
				t.Errorf("open past its closing time: %s lists the campaign: %v, want %v", c.who, got, c.listed)
			}
		}
		run := campaigns.New(e.store).WithClock(e.now)
		if _, err := run.Close(context.Background(), auth.Operator(), respKey); err != nil {
			t.Fatal(err)
		}
		list := e.respSignIn(respBE).get("/campaigns").Body
		if !strings.Contains(list, "Customs programme annual survey</span> 2023") || !strings.Contains(list, `href="/campaigns/`+respKey+`/receipt"`) {
			t.Errorf("closed: the answered campaign is not listed with its receipt:\n%s", list)
		}
		if strings.Contains(list, `href="`+respForm+`"`) {
			t.Error("closed: the campaign is offered to answer")
		}
		if body := e.respSignIn(respFR).get("/campaigns").Body; strings.Contains(body, "Customs programme annual survey</span> 2023") {
			t.Error("closed: a respondent who did not answer still lists it")
		}
		if receipt := e.respSignIn(respBE).get("/campaigns/" + respKey + "/receipt"); receipt.Status != 200 {
			t.Errorf("the receipt of a closed campaign: %d", receipt.Status)
		}
	})
}
