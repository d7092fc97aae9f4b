package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/customs-survey/surveyd/campaigns"
	"github.com/customs-survey/surveyd/survey"
)

// The corrections of a campaign on its overview (admins): its title,
// closing date and administrations, reopening a closed one with a reason,
// deleting one never opened. Each is a plain form posted with the
// session's CSRF token; what may change, and when, is the campaigns use
// case's decision, which these handlers only report.

// staffFormTime is the layout of a date and time field (type
// datetime-local), read and shown in UTC.
const staffFormTime = "2006-01-02T15:04"

// staffCorrectForm is what the correction forms show: the campaign's
// values, or those just sent when they were refused.
type staffCorrectForm struct {
	Revision     int
	Title        string
	Closes       string
	Choices      []staffChoice
	Reason       string
	ReopenCloses string
}

// staffChoice is one administration of the correction form's list.
type staffChoice struct {
	Code, Name string
	Checked    bool
}

// correctionForm fills the forms with the campaign's values where sent
// is nil, else with the values sent.
func (s *server) correctionForm(r *http.Request, c survey.Campaign, sent *staffCorrectForm, chosen []string) (staffCorrectForm, error) {
	form := staffCorrectForm{Revision: c.Revision, Title: c.Title, Closes: c.ClosesAt.UTC().Format(staffFormTime)}
	if sent != nil {
		form.Title, form.Closes, form.Reason, form.ReopenCloses = sent.Title, sent.Closes, sent.Reason, sent.ReopenCloses
	} else {
		chosen = c.Administrations
	}
	all, err := s.store.Administrations(r.Context())
	if err != nil {
		return form, err
	}
	for _, a := range all {
		form.Choices = append(form.Choices, staffChoice{Code: a.Code, Name: a.Name, Checked: slices.Contains(chosen, a.Code)})
	}
	return form, nil
}

// staffParseTime reads a date and time field in UTC.
func staffParseTime(value string) (time.Time, bool) {
	for _, layout := range []string{staffFormTime, staffFormTime + ":05"} {
		if at, err := time.ParseInLocation(layout, strings.TrimSpace(value), time.UTC); err == nil {
			return at, true
		}
	}
	return time.Time{}, false
}

// correctCampaign changes the title and, until the campaign is closed, its
// closing date and administrations, on the revision the form was made on.
func (s *server) correctCampaign(w http.ResponseWriter, r *http.Request, v *visitor) error {
	revision, _ := strconv.Atoi(r.PostFormValue("revision"))
	sent := staffCorrectForm{Title: r.PostFormValue("title"), Closes: r.PostFormValue("closes_at")}
	chosen := r.PostForm["administrations"]
	in := campaigns.Correction{Revision: revision, Title: &sent.Title}
	var p problems
	if r.PostFormValue("scope") != "title" {
		in.Administrations = &chosen
		if at, ok := staffParseTime(sent.Closes); ok {
			in.ClosesAt = &at
		} else {
			p.add("correct-closes", v.T("staff.correct.closes_invalid"))
		}
	}
	var err error
	if len(p) == 0 {
		_, err = s.campaigns.Correct(r.Context(), v.principal(), r.PathValue("key"), in)
	}
	return s.afterCorrection(w, r, v, "campaign.update", "corrected", p, err, &sent, chosen)
}

// reopenCampaign reopens a closed campaign until a new closing date, for
// the reason given, which the audit trail keeps.
func (s *server) reopenCampaign(w http.ResponseWriter, r *http.Request, v *visitor) error {
	sent := staffCorrectForm{Reason: r.PostFormValue("reason"), ReopenCloses: r.PostFormValue("closes_at")}
	var p problems
	at, ok := staffParseTime(sent.ReopenCloses)
	if !ok {
		p.add("reopen-closes", v.T("staff.reopen.closes_invalid"))
	}
	var err error
	if len(p) == 0 {
		_, err = s.campaigns.Reopen(r.Context(), v.principal(), r.PathValue("key"), sent.Reason, at)
	}
	return s.afterCorrection(w, r, v, "campaign.reopen", "reopened", p, err, &sent, nil)
}

// deleteCampaign deletes a campaign never opened, once the admin has
// ticked the confirmation; then back to the list of campaigns.
func (s *server) deleteCampaign(w http.ResponseWriter, r *http.Request, v *visitor) error {
	key := r.PathValue("key")
	var p problems
	var err error
	if r.PostFormValue("confirm") != "yes" {
		p.add("delete-confirm", v.T("staff.delete.confirm_missing"))
	} else if err = s.campaigns.Delete(r.Context(), v.principal(), key); err == nil {
		s.audit(r, v, "campaign.delete", survey.AuditTarget("key", key), http.StatusSeeOther)
		http.Redirect(w, r, "/campaigns?done=deleted", http.StatusSeeOther)
		return nil
	}
	return s.afterCorrection(w, r, v, "campaign.delete", "", p, err, nil, nil)
}

// staffFieldIDs are the fields of the forms, by the use case's names of
// the values, and the word that says what is expected.
var staffFieldIDs = map[string][2]string{
	"title":           {"correct-title", "staff.correct.title_invalid"},
	"closes_at":       {"correct-closes", "staff.correct.closes_invalid"},
	"administrations": {"correct-administrations", "staff.correct.administrations_invalid"},
	"version":         {"correct-title", "staff.correct.conflict"},
	"reason":          {"reopen-reason", "staff.reopen.reason_invalid"},
}

// afterCorrection answers a correction: back to the overview on success;
// else the overview with the forms as sent and what was wrong (422 for
// the values, 412 for a campaign changed meanwhile, 409 for a state that
// does not allow it). Every attempt is in the audit trail; a reopen's
// target holds its reason, as the API's does.
func (s *server) afterCorrection(w http.ResponseWriter, r *http.Request, v *visitor, action, done string, p problems, err error,
	sent *staffCorrectForm, chosen []string) error {
	key := r.PathValue("key")
	target := survey.AuditTarget("key", key)
	if err == nil && len(p) == 0 {
		if action == "campaign.reopen" {
			target = survey.AuditTarget("key", key, "reason", strings.TrimSpace(sent.Reason))
		}
		s.audit(r, v, action, target, http.StatusSeeOther)
		http.Redirect(w, r, "/campaigns/"+url.PathEscape(key)+"?done="+done, http.StatusSeeOther)
		return nil
	}
	status := http.StatusUnprocessableEntity
	var invalid *survey.ValidationError
	switch {
	case len(p) > 0:
	case errors.As(err, &invalid):
		onReopen := action == "campaign.reopen"
		for _, fe := range invalid.Errors {
			field, _, _ := strings.Cut(fe.Field, "[")
			ids, ok := staffFieldIDs[field]
			if onReopen && field == "closes_at" {
				ids, ok = [2]string{"reopen-closes", "staff.reopen.closes_invalid"}, true
			}
			if ok && p.For(ids[0]) == "" {
				p.add(ids[0], v.T(ids[1]))
			}
		}
	case errors.Is(err, survey.ErrPreconditionFailed):
		status = http.StatusPreconditionFailed
		p.add("campaign-status", v.T("staff.correct.stale"))
	case errors.Is(err, survey.ErrConflict):
		status = http.StatusConflict
		p.add("campaign-status", v.T("staff.correct.conflict"))
	default:
		s.audit(r, v, action, target, statusOf(err))
		return err
	}
	s.audit(r, v, action, target, status)
	return s.showOverview(w, r, v, status, staffOverviewView{Problems: p, sent: sent, chosen: chosen})
}
