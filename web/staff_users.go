package web

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/auth/passwords"
	"github.com/customs-survey/surveyd/survey"
)

// staffUserForm is the form that adds an account: the use case's own
// input, whose rules users.Service.Create applies. The password is never
// sent back to the browser.
type staffUserForm = survey.NewUser

// staffUserFields are the form's fields in the order of the page, for the
// error summary.
var staffUserFields = []string{"email", "password", "role", "administration"}

type staffUserRow struct {
	survey.User
	Created staffTime
	// CanReset and CanUnlock: the visitor may reset the account's password
	// (admins: any; coordinators: their respondents) or unlock it (admins).
	CanReset, CanUnlock bool
}

// staffReset is a reset just made: its one-time password is shown this
// once, never again.
type staffReset struct {
	Email           string
	OneTimePassword string
	Expires         staffTime
}

type staffUsersView struct {
	Users []staffUserRow
	// Administrations are those an admin may choose; empty for a
	// coordinator, whose new accounts are of their own administration.
	Administrations []survey.Administration
	Roles           []string
	Form            staffUserForm
	Problems        problems
	Created         string // the e-mail of the account just created
	Unlocked        string // the e-mail of the account just unlocked
	Reset           *staffReset
	// PasswordMin is the password policy's shortest length, for the
	// hint; the policy itself is the use case's.
	PasswordMin int
}

// userList is /users: the accounts the visitor may see (users.Service.List:
// all for admins, their administration's for coordinators) and the form
// that adds one.
func (s *server) userList(w http.ResponseWriter, r *http.Request, v *visitor) error {
	return s.showUsers(w, r, v, http.StatusOK, staffUsersView{}, r.URL.Query().Get("created"))
}

func (s *server) showUsers(w http.ResponseWriter, r *http.Request, v *visitor, status int, view staffUsersView, created string) error {
	p := v.principal()
	list, err := s.users.List(r.Context(), p)
	if err != nil {
		return err
	}
	unlocked := r.URL.Query().Get("unlocked")
	view.PasswordMin = passwords.MinLength
	view.Users = make([]staffUserRow, len(list))
	for i, u := range list {
		view.Users[i] = staffUserRow{User: u, Created: staffShowTime(u.CreatedAt),
			CanReset:  p.Role == auth.RoleAdmin || u.Role == string(auth.RoleRespondent),
			CanUnlock: p.Role == auth.RoleAdmin}
		if created != "" && u.ID == created {
			view.Created = u.Email
		}
		if unlocked != "" && u.ID == unlocked {
			view.Unlocked = u.Email
		}
	}
	if p.Role == auth.RoleAdmin {
		// Administrations have no use case of their own: the API lists
		// them from the store too.
		if view.Administrations, err = s.store.Administrations(r.Context()); err != nil {
			return err
		}
		for _, role := range auth.Roles {
			view.Roles = append(view.Roles, string(role))
		}
	}
	return s.render(w, r, v, status, "staff_users", view)
}

// createUser adds an account (users.Service.Create): admins choose its
// role and administration; a coordinator's form asks for a respondent and
// the use case makes it one of their administration. Problems come back
// beside their fields, the values kept but the password.
func (s *server) createUser(w http.ResponseWriter, r *http.Request, v *visitor) error {
	form := staffUserForm{Email: strings.TrimSpace(r.PostFormValue("email")), Password: r.PostFormValue("password"),
		Role: r.PostFormValue("role"), Administration: r.PostFormValue("administration")}
	u, err := s.users.Create(r.Context(), v.principal(), form)
	if err == nil {
		s.audit(r, v, "user.create", survey.AuditTarget("id", u.ID), http.StatusSeeOther)
		http.Redirect(w, r, "/users?created="+url.QueryEscape(u.ID), http.StatusSeeOther)
		return nil
	}
	var invalid *survey.ValidationError
	var p problems
	status := http.StatusUnprocessableEntity
	switch {
	case errors.As(err, &invalid):
		p = staffUserProblems(v, invalid)
	case errors.Is(err, survey.ErrConflict):
		status = http.StatusConflict
		p.add("email", v.T("staff.users.email.taken"))
	default:
		s.audit(r, v, "user.create", "", statusOf(err))
		return err
	}
	s.audit(r, v, "user.create", "", status)
	form.Password = ""
	return s.showUsers(w, r, v, status, staffUsersView{Form: form, Problems: p}, "")
}

// staffUserProblems turns the problems of an account into messages beside the
// form's fields, in the form's order: the page's own words for a field and
// code it knows, else the use case's message as it is (the password
// policy's, say).
func staffUserProblems(v *visitor, invalid *survey.ValidationError) problems {
	var p problems
	for _, field := range staffUserFields {
		for _, fe := range invalid.Errors {
			if fe.Field != field || p.For(field) != "" {
				continue
			}
			key := "staff.users." + fe.Field + "." + fe.Code.String()
			if _, ok := catalogue()["en"][key]; ok {
				p.add(field, v.T(key))
			} else {
				p.add(field, fe.Message)
			}
		}
	}
	// A problem of a field the form does not have is shown at the top of
	// the form, so that nothing the use case says is lost.
	for _, fe := range invalid.Errors {
		if !slices.Contains(staffUserFields, fe.Field) {
			p.add("email", fe.Field+": "+fe.Message)
		}
	}
	return p
}

// resetUserPassword resets an account's password (users.Service.ResetPassword)
// and shows the one-time password on the page it answers, once: it is in
// no address, and a reload asks before posting again (which would make
// another).
func (s *server) resetUserPassword(w http.ResponseWriter, r *http.Request, v *visitor) error {
	id := r.PathValue("id")
	reset, err := s.users.ResetPassword(r.Context(), v.principal(), id)
	if err != nil {
		s.audit(r, v, "user.reset_password", survey.AuditTarget("id", id), statusOf(err))
		return err
	}
	s.audit(r, v, "user.reset_password", survey.AuditTarget("id", id), http.StatusOK)
	return s.showUsers(w, r, v, http.StatusOK, staffUsersView{Reset: &staffReset{Email: reset.User.Email,
		OneTimePassword: reset.OneTimePassword, Expires: staffShowTime(reset.ExpiresAt)}}, "")
}

// unlockUser forgives an account's failed sign-ins (users.Service.Unlock)
// and goes back to the list, which says so.
func (s *server) unlockUser(w http.ResponseWriter, r *http.Request, v *visitor) error {
	id := r.PathValue("id")
	_, err := s.users.Unlock(r.Context(), v.principal(), id)
	if err != nil {
		s.audit(r, v, "user.unlock", survey.AuditTarget("id", id), statusOf(err))
		return err
	}
	s.audit(r, v, "user.unlock", survey.AuditTarget("id", id), http.StatusSeeOther)
	http.Redirect(w, r, "/users?unlocked="+url.QueryEscape(id), http.StatusSeeOther)
	return nil
}
