package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// The respondents' pages: the campaigns of their administration, the
// questionnaire's form (saved as a draft over several sittings), "check your
// answers", the submission and its receipt. Every rule (who answers what,
// which answers are valid, which questions a submission keeps) is the
// responding and campaigns use cases'; the pages only turn the form into
// the same answers the API's JSON carries and show what the use cases say.

// respCampaignRow is one campaign of a respondent's list.
type respCampaignRow struct {
	Key       string
	Year      int
	Title     string
	TitleLang string // set when the title is not in the interface's language
	Closes    respTime
	Status    string // the word's key: respond.status.*
	Receipt   bool   // a submission exists
}

// respListPage is a respondent's list of campaigns.
type respListPage struct {
	Administration string
	Open           []respCampaignRow // accepting answers
	Past           []respCampaignRow // answered, no longer accepting answers: to read, with the receipt
}

// respondentCampaigns is /campaigns for a respondent: the campaigns of
// their administration that the use case lists for them (those they can
// still answer, and those they answered, whatever their status), each with
// its closing time and the state of their response.
func (s *server) respondentCampaigns(w http.ResponseWriter, r *http.Request, v *visitor) error {
	ctx, p := r.Context(), v.principal()
	list, err := s.campaigns.List(ctx, p)
	if err != nil {
		return err
	}
	page := respListPage{Administration: p.Administration}
	for _, c := range list {
		q, err := s.campaigns.Questionnaire(ctx, p, c.Key)
		if err != nil {
			return err
		}
		resp, err := s.respMine(ctx, p, c.Key)
		if err != nil {
			return err
		}
		lang := respDocLang(q.Document, "", v.lang)
		row := respCampaignRow{Key: c.Key, Year: c.Year, Title: q.Document.Localize(lang).Title,
			TitleLang: respPassageLang(q.Document.Title, lang, q.Document.DefaultLanguage, v.lang),
			Closes:    respondTime(v.lang, c.ClosesAt), Status: respStatus(resp),
			Receipt: resp != nil && resp.SubmittedAt != nil}
		if c.AcceptsAnswers(s.now()) {
			page.Open = append(page.Open, row)
		} else {
			page.Past = append(page.Past, row)
		}
	}
	return s.render(w, r, v, http.StatusOK, "respond_list", page)
}

// respStatus names the state of a response (nil: none yet).
func respStatus(resp *survey.Response) string {
	switch {
	case resp == nil:
		return "respond.status.not_started"
	case resp.AmendmentPending:
		return "respond.status.amending"
	case resp.Status() == survey.StatusSubmitted:
		return "respond.status.submitted"
	}
	return "respond.status.draft"
}

// respMine is the visitor's response to a campaign, or nil when there is none
// yet.
func (s *server) respMine(ctx context.Context, p auth.Principal, key string) (*survey.Response, error) {
	resp, err := s.responding.Mine(ctx, p, key)
	if errors.Is(err, survey.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return &resp, nil
}

// respContext is what every page of one campaign's response shows: the
// campaign, its questionnaire in the language chosen, and the visitor's
// response.
type respContext struct {
	campaign survey.Campaign
	doc      *survey.Document
	resp     *survey.Response // nil: none yet
	lang     string           // the questionnaire's language on this page
	langLink string           // "lang=xx" to keep that language in links, or ""
	open     bool             // the campaign accepts answers now
}

// respLoad reads a campaign, its questionnaire and the visitor's response.
// asked is the questionnaire language asked for (?lang= or the form's
// qlang). A campaign the visitor may not see is ErrNotFound.
func (s *server) respLoad(r *http.Request, v *visitor, asked string) (respContext, error) {
	ctx, p, key := r.Context(), v.principal(), r.PathValue("key")
	c, err := s.campaigns.Get(ctx, p, key)
	if err != nil {
		return respContext{}, err
	}
	q, err := s.campaigns.Questionnaire(ctx, p, key)
	if err != nil {
		return respContext{}, err
	}
	resp, err := s.respMine(ctx, p, key)
	if err != nil {
		return respContext{}, err
	}
	rc := respContext{campaign: c, doc: q.Document, resp: resp, lang: respDocLang(q.Document, asked, v.lang),
		open: c.AcceptsAnswers(s.now())}
	if rc.lang != respDocLang(q.Document, "", v.lang) {
		rc.langLink = "lang=" + rc.lang
	}
	return rc, nil
}

// path is the address of one of the campaign's pages (suffix "", "/check"
// or "/receipt") keeping the questionnaire's language, with more query
// parameters if given.
func (rc respContext) path(suffix string, more ...string) string {
	u := "/campaigns/" + url.PathEscape(rc.campaign.Key) + suffix
	var q []string
	if rc.langLink != "" {
		q = append(q, rc.langLink)
	}
	q = append(q, more...)
	if len(q) > 0 {
		u += "?" + strings.Join(q, "&")
	}
	return u
}

// revision is the response's revision, 0 when there is none yet (the
// If-Match of "no response yet").
func (rc respContext) revision() int {
	if rc.resp == nil {
		return 0
	}
	return rc.resp.Revision
}

// respHeader is the part of every response page that says which campaign
// and questionnaire it is and where the response stands.
type respHeader struct {
	Key              string
	Year             int
	Title            string
	TitleLang        string
	DocLang          string
	LangQuery        string // "?lang=xx" or ""
	Languages        []respLanguage
	Open             bool
	Closes           respTime
	Revision         int
	Submitted        bool // submitted at least once
	SubmittedAt      respTime
	AmendmentPending bool
}

// respLanguage is one of the questionnaire's languages, offered as a link.
type respLanguage struct {
	Code    string
	Name    string
	Current bool
}

// respHeaderOf lays out a campaign's header for the visitor.
func (s *server) respHeaderOf(v *visitor, rc respContext) respHeader {
	loc := rc.doc.Localize(rc.lang)
	h := respHeader{Key: rc.campaign.Key, Year: rc.campaign.Year, Title: loc.Title,
		TitleLang: respPassageLang(rc.doc.Title, rc.lang, rc.doc.DefaultLanguage, v.lang), DocLang: rc.lang,
		Open: rc.open, Closes: respondTime(v.lang, rc.campaign.ClosesAt), Revision: rc.revision()}
	if rc.langLink != "" {
		h.LangQuery = "?" + rc.langLink
	}
	if langs := respDocLanguages(rc.doc); len(langs) > 1 {
		for _, l := range langs {
			h.Languages = append(h.Languages, respLanguage{Code: l, Name: respLanguageName(l), Current: l == rc.lang})
		}
	}
	if rc.resp != nil && rc.resp.SubmittedAt != nil {
		h.Submitted, h.SubmittedAt = true, respondTime(v.lang, *rc.resp.SubmittedAt)
		h.AmendmentPending = rc.resp.AmendmentPending
	}
	return h
}

// respFormPage is the questionnaire's form.
type respFormPage struct {
	respHeader
	Sections []respSection
	Problems problems // the error summary: one per question, in form order
	Saved    bool     // just saved
	Unsaved  bool     // the values shown are typed, not saved
	// ChangeLinks is false: the summary shown in place of the form of a
	// campaign that no longer accepts answers has nothing to change.
	ChangeLinks bool
}

// responseForm is /campaigns/{key} for a respondent: the questionnaire in
// the language asked for (?lang= among the document's languages), filled
// in with the saved draft.
func (s *server) responseForm(w http.ResponseWriter, r *http.Request, v *visitor) error {
	rc, err := s.respLoad(r, v, r.URL.Query().Get("lang"))
	if err != nil {
		return err
	}
	var values respValues
	if rc.resp != nil {
		values = respSavedValues(rc.doc, rc.resp.Answers)
	}
	page := respFormPage{respHeader: s.respHeaderOf(v, rc), Sections: respSections(v, rc.doc, rc.lang, values, nil),
		Saved: r.URL.Query().Get("saved") == "1"}
	if !rc.open && rc.resp != nil {
		respMarkApplicable(page.Sections, rc.doc, rc.resp.Answers)
	}
	return s.render(w, r, v, http.StatusOK, "respond_form", page)
}

// respStatusWriter remembers the status a page answered, for the audit
// trail.
type respStatusWriter struct {
	http.ResponseWriter
	status int
}

func (w *respStatusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *respStatusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// respAudited runs a change of a response and records it in the audit trail
// under the API's action name and target, with the status it answered,
// whatever its outcome.
func (s *server) respAudited(w http.ResponseWriter, r *http.Request, v *visitor, action string,
	fn func(w http.ResponseWriter) error) error {
	rec := &respStatusWriter{ResponseWriter: w}
	if err := fn(rec); err != nil {
		s.fail(rec, r, v, err)
	}
	if rec.status == 0 {
		rec.status = http.StatusOK
	}
	s.audit(r, v, action, respAuditTarget(r.PathValue("key")), rec.status)
	return nil
}

// saveResponse is "Save draft" (and "Save and check your answers"): the
// form's values become the answers the API's JSON would carry, saved as
// the working copy on condition that it is still at the revision the page
// was rendered at.
func (s *server) saveResponse(w http.ResponseWriter, r *http.Request, v *visitor) error {
	return s.respAudited(w, r, v, "response.save", func(w http.ResponseWriter) error {
		rc, err := s.respLoad(r, v, r.PostFormValue("qlang"))
		if err != nil {
			return err
		}
		values := respPostedValues(rc.doc, r.PostForm)
		revision, ok := respRevision(r.PostFormValue("revision"))
		if !ok {
			return s.respConflict(w, r, v, rc, values, false)
		}
		_, err = s.responding.SaveDraft(r.Context(), v.principal(), rc.campaign.Key, respAnswers(rc.doc, values), &revision)
		var invalid *survey.ValidationError
		switch {
		case err == nil:
			next := rc.path("", "saved=1")
			if r.PostFormValue("then") == "check" {
				next = rc.path("/check")
			}
			http.Redirect(w, r, next, http.StatusSeeOther)
			return nil
		case errors.As(err, &invalid):
			h := s.respHeaderOf(v, rc)
			h.Revision = revision
			page := respFormPage{respHeader: h, Unsaved: true}
			page.Sections, page.Problems = respProblems(v, rc.doc, rc.lang, values, invalid)
			return s.render(w, r, v, http.StatusUnprocessableEntity, "respond_form", page)
		case errors.Is(err, survey.ErrPreconditionFailed):
			return s.respConflict(w, r, v, rc, values, false)
		}
		return err
	})
}

// respRevision reads the revision a form was rendered at; anything but a
// revision matches nothing, so that a form that lost it cannot overwrite.
func respRevision(s string) (int, bool) {
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}

// respConflictPage says that the response changed since the page was
// rendered, that nothing was overwritten, and shows what was typed.
type respConflictPage struct {
	respHeader
	Submit      bool
	Sections    []respSection // the typed answers (a save), or none (a submission)
	Latest      string        // the address of the latest version
	ChangeLinks bool          // false: what was typed is shown, not changed
}

// respConflict answers a save or submission from a page rendered at an older
// revision: 409, nothing written.
func (s *server) respConflict(w http.ResponseWriter, r *http.Request, v *visitor, rc respContext, typed respValues, submit bool) error {
	page := respConflictPage{respHeader: s.respHeaderOf(v, rc), Submit: submit, Latest: rc.path("")}
	if submit {
		page.Latest = rc.path("/check")
	} else {
		page.Sections = respSections(v, rc.doc, rc.lang, typed, nil)
		respMarkApplicable(page.Sections, rc.doc, respAnswers(rc.doc, typed))
	}
	return s.render(w, r, v, http.StatusConflict, "respond_conflict", page)
}

// respCheckPage is "Check your answers".
type respCheckPage struct {
	respHeader
	Sections    []respSection
	ChangeLinks bool
	Started     bool // a response exists
}

// checkAnswers is /campaigns/{key}/check: the saved answers, each with a
// link back to its question, and the button that submits them.
func (s *server) checkAnswers(w http.ResponseWriter, r *http.Request, v *visitor) error {
	rc, err := s.respLoad(r, v, r.URL.Query().Get("lang"))
	if err != nil {
		return err
	}
	page := respCheckPage{respHeader: s.respHeaderOf(v, rc), ChangeLinks: rc.open, Started: rc.resp != nil}
	var answers survey.Answers
	if rc.resp != nil {
		answers = rc.resp.Answers
	}
	page.Sections = respSections(v, rc.doc, rc.lang, respSavedValues(rc.doc, answers), nil)
	respMarkApplicable(page.Sections, rc.doc, answers)
	return s.render(w, r, v, http.StatusOK, "respond_check", page)
}

// submitResponse submits the saved working copy at the revision the check
// page showed. Problems (a required question unanswered) show the form
// with the error summary; success leads to the receipt.
func (s *server) submitResponse(w http.ResponseWriter, r *http.Request, v *visitor) error {
	return s.respAudited(w, r, v, "response.submit", func(w http.ResponseWriter) error {
		rc, err := s.respLoad(r, v, r.PostFormValue("qlang"))
		if err != nil {
			return err
		}
		revision, ok := respRevision(r.PostFormValue("revision"))
		if !ok {
			return s.respConflict(w, r, v, rc, nil, true)
		}
		_, err = s.responding.Submit(r.Context(), v.principal(), rc.campaign.Key, &revision)
		var invalid *survey.ValidationError
		switch {
		case err == nil:
			http.Redirect(w, r, rc.path("/receipt"), http.StatusSeeOther)
			return nil
		case errors.As(err, &invalid):
			var values respValues
			if rc.resp != nil {
				values = respSavedValues(rc.doc, rc.resp.Answers)
			}
			page := respFormPage{respHeader: s.respHeaderOf(v, rc)}
			page.Sections, page.Problems = respProblems(v, rc.doc, rc.lang, values, invalid)
			return s.render(w, r, v, http.StatusUnprocessableEntity, "respond_form", page)
		case errors.Is(err, survey.ErrPreconditionFailed):
			return s.respConflict(w, r, v, rc, nil, true)
		}
		return err
	})
}

// respReceiptPage is the receipt of the latest submission.
type respReceiptPage struct {
	respHeader
	Administration   string
	SubmittedRev     int
	FirstSubmittedAt respTime
	Amended          bool // submitted more than once
	Sections         []respSection
	ChangeLinks      bool
}

// receipt is /campaigns/{key}/receipt: the latest submission's campaign,
// administration, time and revision, and a printable summary of every
// answer. While an amendment is pending the working copy is not what was
// submitted, so the summary waits for the amendment's submission.
func (s *server) receipt(w http.ResponseWriter, r *http.Request, v *visitor) error {
	rc, err := s.respLoad(r, v, r.URL.Query().Get("lang"))
	if err != nil {
		return err
	}
	if rc.resp == nil || rc.resp.SubmittedAt == nil || len(rc.resp.Submissions) == 0 {
		return survey.Errorf(survey.ErrNotFound, "%s", v.T("respond.receipt.none"))
	}
	resp := rc.resp
	page := respReceiptPage{respHeader: s.respHeaderOf(v, rc), Administration: resp.Administration,
		SubmittedRev: resp.Submissions[len(resp.Submissions)-1].Revision, Amended: len(resp.Submissions) > 1}
	if resp.FirstSubmittedAt != nil {
		page.FirstSubmittedAt = respondTime(v.lang, *resp.FirstSubmittedAt)
	}
	if !resp.AmendmentPending {
		page.Sections = respSections(v, rc.doc, rc.lang, respSavedValues(rc.doc, resp.Answers), nil)
		respMarkApplicable(page.Sections, rc.doc, resp.Answers)
	}
	return s.render(w, r, v, http.StatusOK, "respond_receipt", page)
}

// respAuditTarget is the target the API records for a response's save or
// submission, "key=<campaign>", so that the trail reads the same whichever
// client acted.
func respAuditTarget(key string) string { return survey.AuditTarget("key", key) }
