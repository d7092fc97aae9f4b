package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/survey"
)

type userRequest struct {
	Email          string `json:"email" validate:"required,email,max=254"`
	Password       string `json:"password" validate:"required"`
	Role           string `json:"role" validate:"required,oneof=admin coordinator respondent"`
	Administration string `json:"administration" validate:"omitempty,admin_code"`
}

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
	if err := s.decode(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	u, err := s.store.CreateUser(c.Request.Context(), principal(c), survey.NewUser{
		Email: req.Email, Password: req.Password, Role: req.Role, Administration: req.Administration})
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.Header("Location", "/api/v1/users/"+u.ID)
	c.JSON(http.StatusCreated, toUserResponse(u))
}

// getUser: GET /users/{id} (coordinators: their administration's).
func (s *server) getUser(c *gin.Context) {
	u, err := s.store.User(c.Request.Context(), principal(c), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	c.JSON(http.StatusOK, toUserResponse(u))
}

// listUsers: GET /users (coordinators: their administration's).
func (s *server) listUsers(c *gin.Context) {
	list, err := s.store.Users(c.Request.Context(), principal(c))
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := make([]userResponse, len(list))
	for i, u := range list {
		out[i] = toUserResponse(u)
	}
	c.JSON(http.StatusOK, gin.H{"users": out})
}
