package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// visitor is who asks for a page: the browser session if signed in (nil
// otherwise) and the language of the interface.
type visitor struct {
	session   *auth.BrowserSession
	lang      string
	requestID string // the id the request is logged under
}

// principal is the signed-in person, or the zero Principal.
func (v *visitor) principal() auth.Principal {
	if v.session == nil {
		return auth.Principal{}
	}
	return v.session.Principal
}

// audience says who a page is for.
type audience struct {
	signedIn bool
	roles    []auth.Role // empty: every role
}

var (
	anyone      = audience{}
	signedIn    = audience{signedIn: true}
	respondents = audience{signedIn: true, roles: []auth.Role{auth.RoleRespondent}}
	staff       = audience{signedIn: true, roles: []auth.Role{auth.RoleAdmin, auth.RoleCoordinator}}
	admins      = audience{signedIn: true, roles: []auth.Role{auth.RoleAdmin}}
)

func (a audience) admits(p auth.Principal) bool {
	if len(a.roles) == 0 {
		return true
	}
	for _, r := range a.roles {
		if p.Role == r {
			return true
		}
	}
	return false
}

// pageFunc answers one page. An error it returns is shown as an error page
// (errorStatus); validation problems are the page's own to show.
type pageFunc func(w http.ResponseWriter, r *http.Request, v *visitor) error

// page wraps a pageFunc: it finds the visitor's session and language,
// sends those not signed in to the login page, refuses the roles the page
// is not for, checks the CSRF token of every form post, and turns errors
// into error pages.
func (s *server) page(for_ audience, fn pageFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := &visitor{lang: chooseLanguage(w, r), requestID: w.Header().Get("X-Request-ID")}
		if err := s.findSession(w, r, v); err != nil {
			s.fail(w, r, v, err)
			return
		}
		if passwordFirst(w, r, v) {
			return
		}
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, s.cfg.BodyLimit)
			if err := s.checkForm(r, v); err != nil {
				s.refuse(w, r, v, err)
				return
			}
		}
		if for_.signedIn && v.session == nil {
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			s.fail(w, r, v, errSignedOut)
			return
		}
		if !for_.admits(v.principal()) {
			s.refuse(w, r, v, survey.Errorf(survey.ErrForbidden, "this page is not for your role"))
			return
		}
		if err := fn(w, r, v); err != nil {
			s.fail(w, r, v, err)
		}
	})
}

// refuse shows the error page of a request refused before its page ran,
// and records a refused form post of a signed-in visitor in the audit trail
// under the API's name for the change (formActions), as the API records its
// refusals. Those of visitors
// not signed in are not recorded: anyone can send them, and the trail would
// only fill.
func (s *server) refuse(w http.ResponseWriter, r *http.Request, v *visitor, err error) {
	s.fail(w, r, v, err)
	if r.Method == http.MethodPost && v.session != nil {
		action, ok := formActions[r.Pattern]
		if !ok {
			action = r.Pattern
		}
		target := ""
		if key := r.PathValue("key"); key != "" {
			target = survey.AuditTarget("key", key)
		}
		s.audit(r, v, action, target, statusOf(err))
	}
}

// formActions are the audit trail's names of the pages' form posts, those
// of the API for the same changes.
var formActions = map[string]string{
	"POST /login":                                           "session.login",
	"POST /logout":                                          "session.logout",
	"POST /campaigns/{key}/response":                        "response.save",
	"POST /campaigns/{key}/submit":                          "response.submit",
	"POST /campaigns/{key}/open":                            "campaign.open",
	"POST /campaigns/{key}/close":                           "campaign.close",
	"POST /questionnaires":                                  "questionnaire.create",
	"POST /questionnaires/{key}/versions/{version}/publish": "questionnaire.publish",
	"POST /users":                                           "user.create",
	"POST /users/{id}/password-reset":                       "user.reset_password",
	"POST /users/{id}/unlock":                               "user.unlock",
	"POST /password":                                        "user.change_password",
}

// errSignedOut is a form posted by a browser whose session has ended.
var errSignedOut = errors.New("the session has ended")

// findSession reads the session cookie. A cookie that names no valid
// session is cleared; the visitor is then anonymous.
func (s *server) findSession(w http.ResponseWriter, r *http.Request, v *visitor) error {
	c, err := r.Cookie(sessionCookie(s.secure(r)))
	if err != nil || c.Value == "" {
		return nil
	}
	b, err := s.auth.Browser(r.Context(), c.Value)
	if errors.Is(err, auth.ErrInvalidToken) {
		clearSessionCookie(w, s.secure(r))
		return nil
	}
	if err != nil {
		return err
	}
	v.session = &b
	return nil
}

// audit records a page's change of state in the audit trail, under the
// same action names as the API's, whatever its outcome.
func (s *server) audit(r *http.Request, v *visitor, action, target string, status int) {
	p := v.principal()
	ev := survey.AuditEvent{At: s.now(), ActorID: p.UserID, ActorEmail: p.Email, ActorRole: string(p.Role),
		Action: action, Target: target, Status: status, ClientIP: auth.ClientAddress(r.Context()),
		RequestID: v.requestID}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), 5*time.Second)
	defer cancel()
	if err := s.store.RecordAudit(ctx, ev); err != nil {
		s.log.Error("audit event not recorded", "action", action, "err", err)
	}
}
