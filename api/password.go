package api

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/auth/passwords"
	"github.com/customs-survey/surveyd/survey"
)

type passwordChangeRequest struct {
	CurrentPassword string `json:"current_password" validate:"required,max=4096"`
	NewPassword     string `json:"new_password" validate:"required"`
}

// changePassword: POST /me/password. It answers a fresh token pair, as a
// login does: every other session of the account ends with the change.
func (s *server) changePassword(c *gin.Context) {
	var req passwordChangeRequest
	if err := s.decode(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	tokens, err := s.auth.ChangePassword(c.Request.Context(), principal(c).UserID, req.CurrentPassword, req.NewPassword, c.ClientIP())
	var weak *passwords.PolicyError
	switch {
	case errors.Is(err, auth.ErrWrongPassword):
		s.writeError(c, survey.Invalid("current_password", survey.CodeWrongPassword, "is not the account's password"))
		return
	case errors.As(err, &weak):
		s.writeError(c, survey.Invalid("new_password", survey.CodeWeakPassword, "%s", weak.Message))
		return
	case err != nil:
		s.writeError(c, err)
		return
	}
	s.respond(c, http.StatusOK, toTokenResponse(tokens))
}
