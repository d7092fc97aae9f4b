package api

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/survey"
	"github.com/customs-survey/surveyd/users"
)

// userRequest is the body of POST /users: survey.NewUser, whose rules
// users.Service.Create applies.
type userRequest = survey.NewUser

type userResponse struct {
	ID             string    `json:"id"`
	Email          string    `json:"email"`
	Role           string    `json:"role"`
	Administration *string   `json:"administration"`
	Disabled       bool      `json:"disabled"`
	CreatedAt      time.Time `json:"created_at"`
}

func toUserResponse(u survey.User) userResponse {
	out := userResponse{ID: u.ID, Email: u.Email, Role: u.Role, Disabled: u.Disabled, CreatedAt: u.CreatedAt.UTC()}
	if u.Administration != "" {
		adm := u.Administration
		out.Administration = &adm
	}
	return out
}

// createUser: POST /users. The password is never echoed, nor its hash.
func (s *server) createUser(c *gin.Context) {
	var req userRequest
	if err := s.decodeShape(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	u, err := s.users.Create(c.Request.Context(), principal(c), req)
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/users/"+u.ID)
	s.respond(c, http.StatusCreated, toUserResponse(u))
}

// getUser: GET /users/{id} (coordinators: their administration's).
func (s *server) getUser(c *gin.Context) {
	u, err := s.users.Get(c.Request.Context(), principal(c), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	s.respond(c, http.StatusOK, toUserResponse(u))
}

// listUsers: GET /users (coordinators: their administration's), a page
// at a time by e-mail (limit, cursor, and the next page in a Link header),
// filtered by role, administration and q (a piece of the e-mail).
func (s *server) listUsers(c *gin.Context) {
	v := &survey.ValidationError{}
	page := readPage(c, v)
	filter := survey.UserFilter{Role: c.Query("role"), Administration: c.Query("administration"), EmailContains: c.Query("q")}
	var invalid *survey.ValidationError
	if errors.As(users.CheckFilter(filter), &invalid) {
		v.Errors = append(v.Errors, invalid.Errors...)
	}
	if err := v.Err(); err != nil {
		s.writeError(c, err)
		return
	}
	list, err := s.users.ListPage(c.Request.Context(), principal(c), filter, page.request())
	if err != nil {
		s.writeError(c, err)
		return
	}
	list = finishPage(c, page, list, func(u survey.User) string { return u.Email })
	out := make([]userResponse, len(list))
	for i, u := range list {
		out[i] = toUserResponse(u)
	}
	s.respond(c, http.StatusOK, out)
}

// userChangeRequest is the body of PATCH /users/{id}. Absent members stay
// as they are; "administration": null removes the administration (for a
// promotion to admin).
type userChangeRequest struct {
	Role           *string        `json:"role" validate:"omitempty,role"`
	Administration nullableString `json:"administration"`
	Disabled       *bool          `json:"disabled"`
}

// nullableString tells an absent member (Set false) from null (Set true,
// Null true) and from a string.
type nullableString struct {
	Set   bool
	Null  bool
	Value string
}

// UnmarshalJSON is called for null too, unlike for an absent member.
func (n *nullableString) UnmarshalJSON(b []byte) error {
	n.Set = true
	if string(b) == "null" {
		n.Null = true
		return nil
	}
	if err := json.Unmarshal(b, &n.Value); err != nil {
		// The decoder adds the member's name to the error.
		return &json.UnmarshalTypeError{Value: "value", Type: reflect.TypeOf("")}
	}
	return nil
}

// updateUser: PATCH /users/{id} (coordinators: only "disabled", of their
// administration's respondents).
func (s *server) updateUser(c *gin.Context) {
	var req userChangeRequest
	if err := s.decode(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	change := survey.UserChange{Role: req.Role, Disabled: req.Disabled}
	if req.Administration.Set {
		adm := req.Administration.Value
		if !req.Administration.Null && !survey.IsAdministrationCode(adm) {
			s.writeError(c, survey.Invalid("administration", survey.CodeInvalidCode, "must be 2 to 8 upper-case letters or digits, or null"))
			return
		}
		change.Administration = &adm
	}
	u, err := s.users.Update(c.Request.Context(), principal(c), c.Param("id"), change)
	if err != nil {
		s.writeError(c, err)
		return
	}
	s.respond(c, http.StatusOK, toUserResponse(u))
}

// deleteUser: DELETE /users/{id}, for accounts without history.
func (s *server) deleteUser(c *gin.Context) {
	if err := s.users.Delete(c.Request.Context(), principal(c), c.Param("id")); err != nil {
		s.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
