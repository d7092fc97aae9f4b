package web

import (
	"errors"
	"net/http"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/auth/passwords"
)

type passwordView struct {
	// Required: the account signed in with the one-time password of a
	// reset and must choose a new password before anything else.
	Required    bool
	Problems    problems
	PasswordMin int
}

// passwordFirst sends a visitor whose password was reset to the password
// page, whatever page they asked for, until they have chosen a new one;
// signing out stays possible. It reports whether it answered.
func passwordFirst(w http.ResponseWriter, r *http.Request, v *visitor) bool {
	if v.session == nil || !v.session.Principal.MustChangePassword || r.URL.Path == "/password" || r.URL.Path == "/logout" {
		return false
	}
	http.Redirect(w, r, "/password", http.StatusSeeOther)
	return true
}

// passwordForm is /password: the page where the signed-in change their
// password, and where a reset's one-time password leads.
func (s *server) passwordForm(w http.ResponseWriter, r *http.Request, v *visitor) error {
	return s.showPassword(w, r, v, http.StatusOK, nil)
}

func (s *server) showPassword(w http.ResponseWriter, r *http.Request, v *visitor, status int, p problems) error {
	return s.render(w, r, v, status, "password", passwordView{Required: v.principal().MustChangePassword, Problems: p,
		PasswordMin: passwords.MinLength})
}

// changePassword changes the password through auth.ChangeBrowserPassword
// (the API's rules: the current password is checked and throttled, every
// session of the account ends) and signs the browser in again with a new
// session. No password is ever sent back to the browser.
func (s *server) changePassword(w http.ResponseWriter, r *http.Request, v *visitor) error {
	current, next := r.PostFormValue("current"), r.PostFormValue("new")
	var p problems
	status := http.StatusUnprocessableEntity
	switch {
	case current == "":
		p.add("current", v.T("password.current.required"))
	case next == "":
		p.add("new", v.T("password.new.required"))
	case next != r.PostFormValue("confirm"):
		p.add("confirm", v.T("password.confirm.mismatch"))
	}
	if p != nil {
		s.audit(r, v, "user.change_password", "", status)
		return s.showPassword(w, r, v, status, p)
	}
	b, err := s.auth.ChangeBrowserPassword(r.Context(), v.principal().UserID, current, next, auth.ClientAddress(r.Context()))
	var weak *passwords.PolicyError
	var throttled *auth.ThrottledError
	switch {
	case err == nil:
		status = http.StatusSeeOther
	case errors.Is(err, auth.ErrWrongPassword):
		p.add("current", v.T("password.current.wrong"))
	case errors.As(err, &weak):
		p.add("new", weak.Message)
	case errors.As(err, &throttled):
		status = http.StatusTooManyRequests
		w.Header().Set("Retry-After", throttled.RetryAfterSeconds())
		p.add("current", v.T("login.throttled_until", retryTime(throttled)))
	case errors.Is(err, passwords.ErrBusy):
		status = http.StatusServiceUnavailable
		w.Header().Set("Retry-After", "1")
		p.add("current", v.T("login.busy"))
	case errors.Is(err, auth.ErrInvalidToken):
		err = errSignedOut
		fallthrough
	default:
		s.audit(r, v, "user.change_password", "", statusOf(err))
		return err
	}
	s.audit(r, v, "user.change_password", "", status)
	if err != nil {
		return s.showPassword(w, r, v, status, p)
	}
	setCookie(w, sessionCookie(s.secure(r)), b.Token, s.secure(r), 0)
	http.Redirect(w, r, "/campaigns", http.StatusSeeOther)
	return nil
}
