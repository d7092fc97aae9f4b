package web

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/auth/passwords"
	"github.com/customs-survey/surveyd/survey"
)

// Cookie names. Over HTTPS the __Host- prefix makes the browser refuse a
// cookie that is not Secure, not of this exact host, or not for path /.
const (
	plainSessionCookie  = "surveyd_session"
	securSessionCookie  = "__Host-surveyd_session"
	plainLoginCSRF      = "surveyd_login"
	secureLoginCSRF     = "__Host-surveyd_login"
	csrfField           = "csrf"
	errorSummaryFocusID = "error-summary"
)

func sessionCookie(secure bool) string {
	if secure {
		return securSessionCookie
	}
	return plainSessionCookie
}

func loginCSRFCookie(secure bool) string {
	if secure {
		return secureLoginCSRF
	}
	return plainLoginCSRF
}

// secure reports whether the request's cookies must be Secure: it came
// over TLS, or the service is configured as behind a TLS proxy.
func (s *server) secure(r *http.Request) bool { return r.TLS != nil || s.cfg.SecureCookies }

func setCookie(w http.ResponseWriter, name, value string, secure bool, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: secure, SameSite: http.SameSiteLaxMode})
}

func clearSessionCookie(w http.ResponseWriter, secure bool) {
	setCookie(w, sessionCookie(secure), "", secure, -1)
}

// checkForm refuses a form post that another site could have made: its
// Origin (when the browser sends one) must be this service, and it must
// carry the session's CSRF token, or, for the login form, the token of the
// login cookie (double submit). A post from a browser whose session has
// ended is refused too.
func (s *server) checkForm(r *http.Request, v *visitor) error {
	if origin := r.Header.Get("Origin"); origin != "" && origin != "null" {
		u, err := url.Parse(origin)
		if err != nil || !strings.EqualFold(u.Host, r.Host) {
			return errCrossSite
		}
	} else if origin == "null" || r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return errCrossSite
	}
	if err := parseForm(r); err != nil {
		return err
	}
	token := r.PostFormValue(csrfField)
	if v.session != nil {
		if !v.session.CheckCSRF(token) {
			return errCrossSite
		}
		return nil
	}
	if r.URL.Path != "/login" {
		return errSignedOut
	}
	c, err := r.Cookie(loginCSRFCookie(s.secure(r)))
	if err != nil || token == "" || subtle.ConstantTimeCompare([]byte(c.Value), []byte(token)) != 1 {
		return errCrossSite
	}
	return nil
}

// parseForm reads the body of a form post, within the body limit (an
// *http.MaxBytesError beyond it: a 413 page).
func parseForm(r *http.Request) error {
	var err error
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		err = r.ParseMultipartForm(1 << 20)
	} else {
		err = r.ParseForm()
	}
	var tooLarge *http.MaxBytesError
	if err != nil && !errors.As(err, &tooLarge) {
		return survey.Errorf(survey.ErrMalformed, "the form could not be read: %v", err)
	}
	return err
}

// errCrossSite is a form post without the token of this browser's forms.
var errCrossSite = survey.Errorf(survey.ErrForbidden, "this form did not come from this service's pages; reload the page and try again")

// home sends the signed-in to their campaigns and the others to the login
// page.
func (s *server) home(w http.ResponseWriter, r *http.Request, v *visitor) error {
	if v.session == nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return nil
	}
	http.Redirect(w, r, "/campaigns", http.StatusSeeOther)
	return nil
}

type loginView struct {
	Email string
	Next  string
	// LoginCSRF is the token of the login form, also in its cookie.
	LoginCSRF string
	Problems  problems
}

// loginForm shows the login page with a fresh login token.
func (s *server) loginForm(w http.ResponseWriter, r *http.Request, v *visitor) error {
	if v.session != nil {
		http.Redirect(w, r, safeNext(r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	return s.showLogin(w, r, v, http.StatusOK, loginView{Next: safeNext(r.URL.Query().Get("next"))})
}

func (s *server) showLogin(w http.ResponseWriter, r *http.Request, v *visitor, status int, view loginView) error {
	token, _, err := auth.NewOpaqueToken()
	if err != nil {
		return err
	}
	setCookie(w, loginCSRFCookie(s.secure(r)), token, s.secure(r), 3600)
	view.LoginCSRF = token
	return s.render(w, r, v, status, "login", view)
}

// login signs in through auth.SignIn: the same password check, throttle
// and answers as the API's login. A new session id is issued (any session
// the browser had ends), and the attempt is in the audit trail.
func (s *server) login(w http.ResponseWriter, r *http.Request, v *visitor) error {
	email, password := r.PostFormValue("email"), r.PostFormValue("password")
	next := safeNext(r.PostFormValue("next"))
	b, err := s.auth.SignIn(r.Context(), email, password, auth.ClientAddress(r.Context()))
	status := http.StatusSeeOther
	var throttled *auth.ThrottledError
	view := loginView{Email: email, Next: next}
	switch {
	case err == nil:
	case errors.Is(err, auth.ErrInvalidCredentials):
		status = http.StatusUnauthorized
		view.Problems.add("email", v.T("login.wrong"))
	case errors.As(err, &throttled):
		status = http.StatusTooManyRequests
		w.Header().Set("Retry-After", throttled.RetryAfterSeconds())
		view.Problems.add("email", v.T("login.throttled_until", retryTime(throttled)))
	case errors.Is(err, passwords.ErrBusy):
		status = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", "1")
		view.Problems.add("email", v.T("login.busy"))
	default:
		return err
	}
	actor := &visitor{lang: v.lang, requestID: v.requestID}
	if err == nil {
		actor.session = &b
	} else {
		actor.session = &auth.BrowserSession{Principal: auth.Principal{Email: auth.NormalizeEmail(email)}}
	}
	s.audit(r, actor, "session.login", "", status)
	if err != nil {
		return s.showLogin(w, r, v, status, view)
	}
	if v.session != nil {
		if err := s.auth.SignOut(r.Context(), v.session.Token); err != nil {
			return err
		}
	}
	setCookie(w, sessionCookie(s.secure(r)), b.Token, s.secure(r), 0)
	setCookie(w, loginCSRFCookie(s.secure(r)), "", s.secure(r), -1)
	if b.Principal.MustChangePassword {
		// Signed in with the one-time password of a reset: a new password
		// comes first.
		next = "/password"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
	return nil
}

// retryTime is when a throttled sign-in may be tried again, to the minute,
// rounded up so that the time shown is never too early.
func retryTime(t *auth.ThrottledError) string {
	return staffShowTime(t.At.Add(time.Minute - 1).Truncate(time.Minute)).Text
}

// logout ends the session on the server and clears its cookie.
func (s *server) logout(w http.ResponseWriter, r *http.Request, v *visitor) error {
	if err := s.auth.SignOut(r.Context(), v.session.Token); err != nil {
		return err
	}
	s.audit(r, v, "session.logout", "", http.StatusSeeOther)
	clearSessionCookie(w, s.secure(r))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

// safeNext keeps a return address only if it is a path of this service, so
// that the login form cannot be used to send people elsewhere.
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") ||
		strings.ContainsAny(next, "\r\n") {
		return "/campaigns"
	}
	return next
}
