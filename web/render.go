package web

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

//go:embed templates
var templateFiles embed.FS

// view is what every template receives: the page's own data (Page) and
// what the layout needs.
type view struct {
	Lang      string
	Principal auth.Principal
	SignedIn  bool
	CSRF      string
	Path      string
	RequestID string
	Page      any
}

// IsAdmin, IsStaff and IsRespondent tell the layout what to offer.
func (v view) IsAdmin() bool      { return v.Principal.Role == auth.RoleAdmin }
func (v view) IsStaff() bool      { return v.IsAdmin() || v.Principal.Role == auth.RoleCoordinator }
func (v view) IsRespondent() bool { return v.Principal.Role == auth.RoleRespondent }

// Current reports whether the page is at or under path, for aria-current.
func (v view) Current(path string) bool { return v.Path == path || strings.HasPrefix(v.Path, path+"/") }

// With gives the error summary partial the page's problems.
func (v view) With(p problems) problemsView { return problemsView{view: v, Problems: p} }

// FieldError gives the field_error partial a field's message.
func (v view) FieldError(field, message string) fieldErrorView {
	return fieldErrorView{Field: field, Message: message, Prefix: v.T("error.prefix")}
}

type problemsView struct {
	view
	Problems problems
}

type fieldErrorView struct{ Field, Message, Prefix string }

// T returns the interface's words for key in the page's language (words.go),
// formatted with args.
func (v view) T(key string, args ...any) string { return translate(v.Lang, key, args...) }

// T is the same for a handler, before a view exists.
func (v *visitor) T(key string, args ...any) string { return translate(v.lang, key, args...) }

// parsePages parses every page of templates/ with the layout and the
// partials: one template set per page, named by its file (login for
// templates/login.html).
func parsePages() map[string]*template.Template {
	funcs := template.FuncMap{"asset": assetPath}
	pages := map[string]*template.Template{}
	files, err := fs.Glob(templateFiles, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, file := range files {
		name := strings.TrimSuffix(path.Base(file), ".html")
		if name == "layout" {
			continue
		}
		t := template.New("layout").Funcs(funcs)
		t = template.Must(t.ParseFS(templateFiles, "templates/layout.html", "templates/partials/*.html", file))
		pages[name] = t
	}
	return pages
}

// render writes a page with the layout. The page is rendered whole before
// anything is sent, so that a template error is a clean 500.
func (s *server) render(w http.ResponseWriter, r *http.Request, v *visitor, status int, page string, data any) error {
	t, ok := s.pages[page]
	if !ok {
		return fmt.Errorf("no page template %q", page)
	}
	vw := view{Lang: v.lang, Principal: v.principal(), SignedIn: v.session != nil, Path: r.URL.Path,
		RequestID: v.requestID, Page: data}
	if v.session != nil {
		vw.CSRF = v.session.CSRF
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", vw); err != nil {
		return fmt.Errorf("render %s: %w", page, err)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// errorView is the data of the error page.
type errorView struct {
	Status  int
	Title   string
	Message string
}

// fail shows the error page for err: 404 for what does not exist or is
// not the visitor's to see (the two are not told apart), 403, 409, 503,
// and a logged 500 for anything unexpected.
func (s *server) fail(w http.ResponseWriter, r *http.Request, v *visitor, err error) {
	status := statusOf(err)
	title := errorTitles[status]
	message := ""
	var domain *survey.Error
	switch status {
	case http.StatusServiceUnavailable:
		w.Header().Set("Retry-After", "5")
	case http.StatusInternalServerError:
		s.log.Error("page failed", "path", r.URL.Path, "request_id", v.requestID, "err", err)
	}
	if status != http.StatusInternalServerError && errors.As(err, &domain) {
		message = domain.Message
	}
	if rerr := s.render(w, r, v, status, "error", errorView{Status: status, Title: title, Message: message}); rerr != nil {
		s.log.Error("error page failed", "request_id", v.requestID, "err", rerr)
		http.Error(w, http.StatusText(status), status)
	}
}

// statusOf is the status that answers err: that of the error page, or 422
// for the problems a page shows beside its fields.
func statusOf(err error) int {
	var tooLarge *http.MaxBytesError
	var invalid *survey.ValidationError
	switch {
	case errors.As(err, &invalid):
		return http.StatusUnprocessableEntity
	case errors.Is(err, errSignedOut):
		return http.StatusUnauthorized
	case errors.As(err, &tooLarge):
		return http.StatusRequestEntityTooLarge
	case errors.Is(err, survey.ErrMalformed):
		return http.StatusBadRequest
	case errors.Is(err, survey.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, survey.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, survey.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, survey.ErrPreconditionFailed):
		return http.StatusPreconditionFailed
	case errors.Is(err, survey.ErrUnavailable):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// errorTitles are the headings of the error pages, by status.
var errorTitles = map[int]string{
	http.StatusBadRequest: "error.malformed", http.StatusUnauthorized: "error.signed_out",
	http.StatusForbidden: "error.forbidden", http.StatusNotFound: "error.not_found",
	http.StatusConflict: "error.conflict", http.StatusPreconditionFailed: "error.conflict",
	http.StatusRequestEntityTooLarge: "error.too_large", http.StatusInternalServerError: "error.internal",
	http.StatusServiceUnavailable: "error.unavailable",
}

// notFound is the page of every path no page takes.
func (s *server) notFound(w http.ResponseWriter, r *http.Request, v *visitor) error {
	return survey.Errorf(survey.ErrNotFound, "%s", v.T("error.no_page"))
}

// problems are the problems of a form post, in the order of the form: each
// names the id of its field, for the error summary's links and the message
// beside the field (GOV.UK's error summary pattern).
type problems []problem

type problem struct {
	Field   string // the id of the field
	Message string
}

func (p *problems) add(field, message string) {
	*p = append(*p, problem{Field: field, Message: message})
}

// For returns the message of a field, or "".
func (p problems) For(field string) string {
	for _, x := range p {
		if x.Field == field {
			return x.Message
		}
	}
	return ""
}
