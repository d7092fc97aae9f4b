package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/customs-survey/surveyd/survey"
)

type staffQuestionnaireRow struct {
	Key        string
	Title      string
	TitleLang  string // the document's default language, which the title is in
	Version    int
	Status     string
	Updated    staffTime
	CanPublish bool
}

// docProblems are the problems of one part of an uploaded document: one
// question (named by its key where the document gives it one), or the
// rest of the document.
type docProblems struct {
	ID       string // the id of the group's heading, for the error summary
	Question string // the question's key, if the document gives it one
	Path     string // the question's JSON path; empty for the rest of the document
	Errors   []docError
}

type docError struct {
	Path    string // within the question, or within the document
	Code    string
	Message string
}

type staffQuestionnairesView struct {
	Questionnaires []staffQuestionnaireRow
	Text           string // the document as sent, to correct it in place
	Problems       problems
	Groups         []docProblems
	Created        string
	Published      string
	PublishedN     string
}

// maxDocumentForm is the most bytes of a document the form keeps to show
// it again: the API's body limit.
const maxDocumentForm = 1 << 20

// questionnaireList is /questionnaires (admins): the latest version of
// every questionnaire, a button that publishes a draft, and the form that
// uploads a new questionnaire.
func (s *server) questionnaireList(w http.ResponseWriter, r *http.Request, v *visitor) error {
	q := r.URL.Query()
	view := staffQuestionnairesView{Created: q.Get("created"), Published: q.Get("published"), PublishedN: q.Get("version")}
	if view.Published == "" {
		view.PublishedN = ""
	}
	return s.showQuestionnaires(w, r, v, http.StatusOK, view)
}

func (s *server) showQuestionnaires(w http.ResponseWriter, r *http.Request, v *visitor, status int, view staffQuestionnairesView) error {
	list, err := s.questionnaires.List(r.Context(), v.principal())
	if err != nil {
		return err
	}
	for _, q := range list {
		row := staffQuestionnaireRow{Key: q.Key, Version: q.Version, Status: "staff.status." + q.Status,
			Updated: staffShowTime(q.UpdatedAt), CanPublish: q.Status == survey.StatusDraft}
		if q.Document != nil {
			row.TitleLang = q.Document.DefaultLanguage
			row.Title = q.Document.Title.Resolve(v.lang, q.Document.DefaultLanguage)
			if _, ok := q.Document.Title[v.lang]; ok {
				row.TitleLang = v.lang
			}
		}
		view.Questionnaires = append(view.Questionnaires, row)
	}
	return s.render(w, r, v, status, "staff_questionnaires", view)
}

// uploadQuestionnaire creates a questionnaire from a document chosen as a
// file or pasted in the form (the file wins when both are given), checked
// by survey.ParseDocument and stored by questionnaires.Service.Create as
// version 1, a draft. The document's problems come back grouped by
// question, with the document kept in the form to correct it.
func (s *server) uploadQuestionnaire(w http.ResponseWriter, r *http.Request, v *visitor) error {
	raw, field, err := uploadedDocument(r)
	if err != nil {
		s.audit(r, v, "questionnaire.create", "", statusOf(err))
		return err
	}
	view := staffQuestionnairesView{}
	if utf8.Valid(raw) && len(raw) <= maxDocumentForm {
		view.Text = string(raw)
	}
	status := http.StatusUnprocessableEntity
	var doc *survey.Document
	var invalid *survey.ValidationError
	switch {
	case len(raw) == 0:
		view.Problems.add(field, v.T("staff.upload.empty"))
	case !utf8.Valid(raw):
		view.Problems.add(field, v.T("staff.upload.not_utf8"))
	default:
		doc, err = survey.ParseDocument(raw)
	}
	if doc != nil {
		var q survey.Questionnaire
		q, err = s.questionnaires.Create(r.Context(), v.principal(), doc)
		if err == nil {
			s.audit(r, v, "questionnaire.create", survey.AuditTarget("key", q.Key, "version", strconv.Itoa(q.Version)), http.StatusSeeOther)
			http.Redirect(w, r, "/questionnaires?created="+url.QueryEscape(q.Key), http.StatusSeeOther)
			return nil
		}
	}
	switch {
	case err == nil:
	case errors.Is(err, survey.ErrMalformed):
		// The reason names the line, the column and an excerpt (in the
		// service's words, as the API and surveyd questionnaire check
		// give it).
		view.Problems.add(field, v.T("staff.upload.malformed", err.Error()))
	case errors.As(err, &invalid):
		view.Groups = groupDocumentErrors(invalid)
		view.Problems.add(field, v.T(staffCounted("staff.upload.invalid", len(invalid.Errors)), len(invalid.Errors)))
		for _, g := range view.Groups {
			switch {
			case g.Question != "":
				view.Problems.add(g.ID, v.T(staffCounted("staff.upload.question_problems", len(g.Errors)), g.Question, len(g.Errors)))
			case g.Path != "":
				view.Problems.add(g.ID, v.T(staffCounted("staff.upload.keyless_problems", len(g.Errors)), g.Path, len(g.Errors)))
			default:
				view.Problems.add(g.ID, v.T(staffCounted("staff.upload.document_problems", len(g.Errors)), len(g.Errors)))
			}
		}
	case errors.Is(err, survey.ErrConflict):
		status = http.StatusConflict
		view.Problems.add(field, v.T("staff.upload.exists", doc.Key))
	default:
		s.audit(r, v, "questionnaire.create", "", statusOf(err))
		return err
	}
	s.audit(r, v, "questionnaire.create", "", status)
	return s.showQuestionnaires(w, r, v, status, view)
}

// staffCounted is the key of a message about n problems: key_one for one.
func staffCounted(key string, n int) string {
	if n == 1 {
		return key + "_one"
	}
	return key
}

// uploadedDocument reads the document of the upload form: the chosen file if
// any, else the pasted text; field is the id of the form's field it came
// from (the file's when neither was given). The request body is already
// bounded by the service's body limit.
func uploadedDocument(r *http.Request) (raw []byte, field string, err error) {
	file, _, err := r.FormFile("document")
	switch {
	case err == nil:
		defer file.Close()
		if raw, err = io.ReadAll(file); err != nil {
			return nil, "", fmt.Errorf("read the uploaded document: %w", err)
		}
		if len(raw) > 0 {
			return raw, "document", nil
		}
	case errors.Is(err, http.ErrMissingFile), errors.Is(err, http.ErrNotMultipart):
	default:
		return nil, "", fmt.Errorf("read the upload form: %w", err)
	}
	if text := r.PostFormValue("json"); text != "" {
		return []byte(text), "json", nil
	}
	return nil, "document", nil
}

// docQuestionPath matches the JSON path of a question, and what follows it.
var docQuestionPath = regexp.MustCompile(`^(sections\[\d+\]\.questions\[\d+\])((?:[.\[].*)?)$`)

// groupDocumentErrors groups the problems of a document by question: a
// problem whose path lies under sections[i].questions[j] goes under that
// question, named by the key the problem carries (when the document gives
// one), the rest of the path shown within it; every other problem goes
// under the document, with its whole path. The groups follow the
// document: the document's own problems first, then each question's.
func groupDocumentErrors(invalid *survey.ValidationError) []docProblems {
	rest := docProblems{ID: "document-problems"}
	var questions []docProblems
	index := map[string]int{}
	for _, fe := range invalid.Errors {
		e := docError{Path: fe.Field, Code: fe.Code.String(), Message: fe.Message}
		m := docQuestionPath.FindStringSubmatch(fe.Field)
		if m == nil {
			rest.Errors = append(rest.Errors, e)
			continue
		}
		i, ok := index[m[1]]
		if !ok {
			i = len(questions)
			index[m[1]] = i
			questions = append(questions, docProblems{ID: "question-problems-" + strconv.Itoa(i+1), Path: m[1], Question: fe.Question})
		}
		e.Path = strings.TrimPrefix(m[2], ".")
		questions[i].Errors = append(questions[i].Errors, e)
	}
	var out []docProblems
	if len(rest.Errors) > 0 {
		out = append(out, rest)
	}
	return append(out, questions...)
}

// publishQuestionnaire publishes a draft version (POST
// /questionnaires/{key}/versions/{version}/publish, admins), after which it
// never changes and campaigns may use it.
func (s *server) publishQuestionnaire(w http.ResponseWriter, r *http.Request, v *visitor) error {
	key, raw := r.PathValue("key"), r.PathValue("version")
	target := survey.AuditTarget("key", key, "version", raw)
	n, err := strconv.Atoi(raw)
	// Only the canonical form names a version, as in the API.
	if err != nil || n < 1 || strconv.Itoa(n) != raw {
		s.audit(r, v, "questionnaire.publish", target, http.StatusNotFound)
		return survey.Errorf(survey.ErrNotFound, "no version %q", raw)
	}
	_, err = s.questionnaires.Publish(r.Context(), v.principal(), key, n)
	if err == nil {
		s.audit(r, v, "questionnaire.publish", target, http.StatusSeeOther)
		http.Redirect(w, r, "/questionnaires?published="+url.QueryEscape(key)+"&version="+raw, http.StatusSeeOther)
		return nil
	}
	s.audit(r, v, "questionnaire.publish", target, statusOf(err))
	if !errors.Is(err, survey.ErrConflict) {
		return err
	}
	var p problems
	p.add("questionnaires", v.T("staff.publish.conflict", key, n))
	return s.showQuestionnaires(w, r, v, http.StatusConflict, staffQuestionnairesView{Problems: p})
}
