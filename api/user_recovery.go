package api

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
)

// passwordResetResponse is the answer of POST /users/{id}/password-reset:
// the account, and its one-time password, shown this once (only its hash
// is kept), accepted until expires_at.
type passwordResetResponse struct {
	User            userResponse `json:"user"`
	OneTimePassword string       `json:"one_time_password"`
	ExpiresAt       time.Time    `json:"expires_at"`
}

// resetPassword: POST /users/{id}/password-reset (admins: any account;
// coordinators: their administration's respondents). Every session of the
// account ends at once; the one-time password opens one session, in which
// the account must change its password before anything else.
func (s *server) resetPassword(c *gin.Context) {
	reset, err := s.users.ResetPassword(c.Request.Context(), principal(c), c.Param("id"))
	if err != nil {
		s.writeError(c, err)
		return
	}
	s.respond(c, http.StatusOK, passwordResetResponse{User: toUserResponse(reset.User),
		OneTimePassword: reset.OneTimePassword, ExpiresAt: reset.ExpiresAt.UTC()})
}

// unlockUser: POST /users/{id}/unlock (admins). The account's failed logins
// are forgiven: its holder may log in again at once.
func (s *server) unlockUser(c *gin.Context) {
	if _, err := s.users.Unlock(c.Request.Context(), principal(c), c.Param("id")); err != nil {
		s.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// problemPasswordChangeRequired answers every request of an account whose
// password was reset, until it chooses a new one.
var problemPasswordChangeRequired = newProblemKind("password-change-required", http.StatusForbidden,
	"Password change required")

// passwordChangeRoutes are the routes an account that must change its
// password may use (besides logout, which needs no authentication).
var passwordChangeRoutes = map[string]bool{
	"GET /api/v1/me":           true,
	"POST /api/v1/me/password": true,
}

// requirePasswordChange refuses, with 403 password-change-required, every
// request of an account whose password is the one-time password of a
// reset, but those of passwordChangeRoutes.
func requirePasswordChange(c *gin.Context) {
	if principal(c).MustChangePassword && !passwordChangeRoutes[c.Request.Method+" "+c.FullPath()] {
		writeProblem(c, problemPasswordChangeRequired,
			"this account's password was reset: choose a new one (POST /api/v1/me/password, the one-time password as current_password) before anything else", nil)
		return
	}
	c.Next()
}
