package web

import (
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// The pages of coordinators and Commission staff: the campaigns they run
// or follow (this file), the accounts (staff_users.go) and the
// questionnaires (staff_questionnaires.go). Who sees which campaign, which
// progress row and which account is the use cases' decision: every call
// passes the visitor's principal.

// staffTime is a moment as the pages show it: in UTC, the same in every
// language, with its machine-readable form for <time datetime>.
type staffTime struct {
	ISO  string
	Text string
}

func staffShowTime(t time.Time) staffTime {
	u := t.UTC()
	return staffTime{ISO: u.Format(time.RFC3339), Text: u.Format("2006-01-02 15:04") + " UTC"}
}

// staffCampaignRow is one campaign of the staff's list, with its coverage.
type staffCampaignRow struct {
	Key           string
	Year          int
	Questionnaire string
	Version       int
	Status        string // the word of its status
	Closes        staffTime
	Invited       int
	Responded     string
}

type staffCampaignsView struct {
	Campaigns []staffCampaignRow
	Done      string // the word of what was just done, if anything
}

// staffCampaigns is /campaigns for coordinators and admins: the campaigns
// the visitor may see, each with how many administrations it invites and
// how many have answered (campaigns.Service.Progress, which gives a
// coordinator their own row only).
func (s *server) staffCampaigns(w http.ResponseWriter, r *http.Request, v *visitor) error {
	p := v.principal()
	list, err := s.campaigns.List(r.Context(), p)
	if err != nil {
		return err
	}
	view := staffCampaignsView{Campaigns: make([]staffCampaignRow, 0, len(list))}
	if r.URL.Query().Get("done") == "deleted" {
		view.Done = "staff.delete.done"
	}
	for _, c := range list {
		progress, err := s.campaigns.Progress(r.Context(), p, c.Key)
		if err != nil {
			return err
		}
		view.Campaigns = append(view.Campaigns, staffCampaignRow{Key: c.Key, Year: c.Year, Questionnaire: c.Questionnaire,
			Version: c.Version, Status: staffStatusWord(c, s.now()), Closes: staffShowTime(c.ClosesAt),
			Invited: len(c.Administrations), Responded: staffResponded(v, p, progress)})
	}
	return s.render(w, r, v, http.StatusOK, "staff_campaigns", view)
}

// staffResponded sums up a campaign's progress in words: for admins, how many
// of the administrations have submitted at least one response; for a
// coordinator, whose progress is their administration's only, how many of
// its respondents have submitted.
func staffResponded(v *visitor, p auth.Principal, progress survey.Progress) string {
	if p.Role != auth.RoleAdmin {
		return v.T("staff.campaigns.responded_own", progress.Totals.Submitted, progress.Totals.Respondents)
	}
	answered := 0
	for _, row := range progress.Rows {
		if row.Submitted > 0 {
			answered++
		}
	}
	return v.T("staff.campaigns.responded_all", answered, len(progress.Rows), progress.Totals.Submitted)
}

// staffStatusWord names a campaign's status; an open campaign past its
// closing time, which no longer accepts answers, says so.
func staffStatusWord(c survey.Campaign, now time.Time) string {
	if c.Status == survey.StatusOpen && !c.AcceptsAnswers(now) {
		return "staff.status.open_past"
	}
	return "staff.status." + c.Status
}

type staffOverviewView struct {
	Campaign        survey.Campaign
	Status          string
	Opens, Closes   staffTime
	Administrations []string
	CanOpen         bool
	CanClose        bool
	Done            string
	Problems        problems
	// The corrections an admin may make now (staff_corrections.go), and
	// the values their forms show.
	CanCorrect bool // closing date and administrations (not closed)
	CanReopen  bool
	CanDelete  bool
	Form       staffCorrectForm
	Reopened   *staffTime
	// sent and chosen are the values of a refused correction, shown again.
	sent   *staffCorrectForm
	chosen []string
}

// campaignOverview is /campaigns/{key} for staff: the campaign's fields and
// invited administrations and, for admins, the buttons that open or close
// it.
func (s *server) campaignOverview(w http.ResponseWriter, r *http.Request, v *visitor) error {
	view := staffOverviewView{}
	switch r.URL.Query().Get("done") {
	case "opened":
		view.Done = "staff.overview.opened"
	case "closed":
		view.Done = "staff.overview.closed"
	case "corrected":
		view.Done = "staff.correct.done"
	case "reopened":
		view.Done = "staff.reopen.done"
	}
	return s.showOverview(w, r, v, http.StatusOK, view)
}

// showOverview renders the overview of the campaign of the path, as the
// use case gives it to the visitor now.
func (s *server) showOverview(w http.ResponseWriter, r *http.Request, v *visitor, status int, view staffOverviewView) error {
	c, err := s.campaigns.Get(r.Context(), v.principal(), r.PathValue("key"))
	if err != nil {
		return err
	}
	admin := v.principal().Role == auth.RoleAdmin
	view.Campaign = c
	view.Status = staffStatusWord(c, s.now())
	view.Opens, view.Closes = staffShowTime(c.OpensAt), staffShowTime(c.ClosesAt)
	view.Administrations = c.Administrations
	view.CanOpen = admin && c.Status == survey.StatusDraft
	view.CanClose = admin && c.Status == survey.StatusOpen
	view.CanCorrect = admin && c.Status != survey.StatusClosed
	view.CanReopen = admin && c.Status == survey.StatusClosed
	view.CanDelete = admin && c.Status == survey.StatusDraft
	view.Reopened = staffLast(c.ReopenedAt)
	if admin {
		if view.Form, err = s.correctionForm(r, c, view.sent, view.chosen); err != nil {
			return err
		}
	}
	return s.render(w, r, v, status, "staff_campaign", view)
}

// openCampaign opens a draft campaign (admins). A campaign that is not a
// draft any more is shown again with the reason, 409.
func (s *server) openCampaign(w http.ResponseWriter, r *http.Request, v *visitor) error {
	key := r.PathValue("key")
	_, err := s.campaigns.Open(r.Context(), v.principal(), key)
	return s.afterMove(w, r, v, "campaign.open", "opened", "staff.overview.open_conflict", err)
}

// closeCampaign closes an open campaign (admins), once the admin has ticked
// that no answer will be accepted after: closing cannot be undone.
func (s *server) closeCampaign(w http.ResponseWriter, r *http.Request, v *visitor) error {
	key := r.PathValue("key")
	if r.PostFormValue("confirm") == "yes" {
		_, err := s.campaigns.Close(r.Context(), v.principal(), key)
		return s.afterMove(w, r, v, "campaign.close", "closed", "staff.overview.close_conflict", err)
	}
	// Not confirmed: nothing is closed. The page asks for the box, or, if
	// the campaign is not open (any more), says so, as a close would.
	c, err := s.campaigns.Get(r.Context(), v.principal(), key)
	if err != nil {
		s.audit(r, v, "campaign.close", survey.AuditTarget("key", key), statusOf(err))
		return err
	}
	if c.Status != survey.StatusOpen {
		s.audit(r, v, "campaign.close", survey.AuditTarget("key", key), http.StatusConflict)
		return s.showConflict(w, r, v, "staff.overview.close_conflict", c)
	}
	s.audit(r, v, "campaign.close", survey.AuditTarget("key", key), http.StatusUnprocessableEntity)
	var p problems
	p.add("confirm", v.T("staff.overview.confirm_missing"))
	return s.showOverview(w, r, v, http.StatusUnprocessableEntity, staffOverviewView{Problems: p})
}

// afterMove answers a change of a campaign's status: back to the overview
// on success; the overview with the reason on a conflict; the error page
// otherwise. The attempt is in the audit trail whatever its outcome.
func (s *server) afterMove(w http.ResponseWriter, r *http.Request, v *visitor, action, done, conflict string, err error) error {
	key := r.PathValue("key")
	target := survey.AuditTarget("key", key)
	if err == nil {
		s.audit(r, v, action, target, http.StatusSeeOther)
		http.Redirect(w, r, "/campaigns/"+url.PathEscape(key)+"?done="+done, http.StatusSeeOther)
		return nil
	}
	s.audit(r, v, action, target, statusOf(err))
	if !errors.Is(err, survey.ErrConflict) {
		return err
	}
	c, err := s.campaigns.Get(r.Context(), v.principal(), key)
	if err != nil {
		return err
	}
	return s.showConflict(w, r, v, conflict, c)
}

// showConflict shows the overview, 409, with why the change of status
// could not be made: the campaign's status now.
func (s *server) showConflict(w http.ResponseWriter, r *http.Request, v *visitor, message string, c survey.Campaign) error {
	var p problems
	p.add("campaign-status", v.T(message, v.T(staffStatusWord(c, s.now()))))
	return s.showOverview(w, r, v, http.StatusConflict, staffOverviewView{Problems: p})
}

type staffProgressView struct {
	Progress survey.Progress
	Rows     []staffProgressRow
	Last     *staffTime // the latest submission of all rows, nil for none
}

// staffProgressRow is one administration's progress, with the time of its
// latest submission (nil for none).
type staffProgressRow struct {
	survey.ProgressRow
	Last *staffTime
}

// staffLast is the time of a latest submission as the pages show it, or nil.
func staffLast(at *time.Time) *staffTime {
	if at == nil {
		return nil
	}
	t := staffShowTime(*at)
	return &t
}

// progress is /campaigns/{key}/progress: per invited administration its
// respondents, drafts and submitted responses, with totals; a coordinator
// gets their own administration's row only (campaigns.Service.Progress).
// Pending amendments are counted apart, and each row has the time of its
// administration's latest submission.
func (s *server) progress(w http.ResponseWriter, r *http.Request, v *visitor) error {
	p, err := s.campaigns.Progress(r.Context(), v.principal(), r.PathValue("key"))
	if err != nil {
		return err
	}
	view := staffProgressView{Progress: p, Last: staffLast(p.Totals.LastSubmittedAt)}
	for _, row := range p.Rows {
		view.Rows = append(view.Rows, staffProgressRow{ProgressRow: row, Last: staffLast(row.LastSubmittedAt)})
	}
	return s.render(w, r, v, http.StatusOK, "staff_progress", view)
}
