package web

import (
	"net/http"

	"github.com/customs-survey/surveyd/auth"
)

// campaignList is /campaigns: a respondent's campaigns to answer and
// answered (respond.go), or the campaigns staff run and follow (staff.go).
func (s *server) campaignList(w http.ResponseWriter, r *http.Request, v *visitor) error {
	if v.principal().Role == auth.RoleRespondent {
		return s.respondentCampaigns(w, r, v)
	}
	return s.staffCampaigns(w, r, v)
}

// campaignPage is /campaigns/{key}: the form for a respondent, the
// campaign's overview for staff.
func (s *server) campaignPage(w http.ResponseWriter, r *http.Request, v *visitor) error {
	if v.principal().Role == auth.RoleRespondent {
		return s.responseForm(w, r, v)
	}
	return s.campaignOverview(w, r, v)
}
