package api

import (
	"log/slog"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/auth"
)

type loginRequest struct {
	Email    string `json:"email" validate:"required,max=254"`
	Password string `json:"password" validate:"required,max=4096"`
}

// tokenResponse is a token pair. MustChangePassword says that the account
// logged in with the one-time password of a reset: until it changes its
// password (POST /me/password) every request but GET /me is refused.
type tokenResponse struct {
	AccessToken        string `json:"access_token"`
	TokenType          string `json:"token_type"`
	ExpiresIn          int    `json:"expires_in"`
	RefreshToken       string `json:"refresh_token"`
	MustChangePassword bool   `json:"must_change_password"`
}

func toTokenResponse(t auth.Tokens) tokenResponse {
	return tokenResponse{AccessToken: t.AccessToken, TokenType: "Bearer", ExpiresIn: int(t.ExpiresIn.Seconds()),
		RefreshToken: t.RefreshToken, MustChangePassword: t.Principal.MustChangePassword}
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token" validate:"required,max=512"`
}

type logoutRequest struct {
	RefreshToken string `json:"refresh_token" validate:"max=512"`
}

type meResponse struct {
	ID                 string  `json:"id"`
	Email              string  `json:"email"`
	Role               string  `json:"role"`
	Administration     *string `json:"administration"`
	MustChangePassword bool    `json:"must_change_password"`
}

// login: POST /auth/login.
func (s *server) login(c *gin.Context) {
	var req loginRequest
	if err := s.decode(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	noteLoginEmail(c, req.Email)
	tokens, err := s.auth.Login(c.Request.Context(), req.Email, req.Password, c.ClientIP())
	if err != nil {
		s.writeError(c, err)
		return
	}
	s.respond(c, http.StatusOK, toTokenResponse(tokens))
}

// refresh: POST /auth/refresh, rotating the refresh token. Every refresh
// counts against the client's address until it succeeds, and past the
// throttle's limit is refused before anything else is done with it.
func (s *server) refresh(c *gin.Context) {
	attempt, err := s.auth.BeginTokenAttempt(c.Request.Context(), c.ClientIP())
	if err != nil {
		s.writeError(c, err)
		return
	}
	var req refreshRequest
	if err := s.decode(c, &req); err != nil {
		s.writeError(c, err)
		return
	}
	tokens, err := s.auth.Refresh(c.Request.Context(), req.RefreshToken)
	if err != nil {
		s.writeError(c, err)
		return
	}
	s.tokenAttemptSucceeded(c, attempt)
	// Who refreshed, for the audit trail.
	c.Request = c.Request.WithContext(auth.WithPrincipal(c.Request.Context(), tokens.Principal))
	s.respond(c, http.StatusOK, toTokenResponse(tokens))
}

// logout: POST /auth/logout. It revokes the refresh token in the body (and
// its family) and the bearer access token, if any; an access token alone
// also revokes every refresh token of its user. It is throttled like a
// refresh: a logout that ends nothing (an unknown refresh token, which
// still answers 204) counts as a failure.
func (s *server) logout(c *gin.Context) {
	attempt, err := s.auth.BeginTokenAttempt(c.Request.Context(), c.ClientIP())
	if err != nil {
		s.writeError(c, err)
		return
	}
	var req logoutRequest
	body, err := readBody(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if len(body) > 0 {
		if err := s.decodeBytes(body, &req); err != nil {
			s.writeError(c, err)
			return
		}
	}
	access, _ := bearerToken(c.GetHeader("Authorization"))
	if access == "" && req.RefreshToken == "" {
		writeProblem(c, problemUnauthorized, "give the refresh_token to revoke, or an access token", nil)
		return
	}
	ended, err := s.auth.Logout(c.Request.Context(), access, req.RefreshToken)
	if err != nil {
		s.writeError(c, err)
		return
	}
	if ended {
		s.tokenAttemptSucceeded(c, attempt)
	}
	c.Status(http.StatusNoContent)
}

// tokenAttemptSucceeded forgives a refresh or logout that succeeded. Should
// that fail, the answer stands (the tokens have changed already): the
// attempt only stays counted as a failure.
func (s *server) tokenAttemptSucceeded(c *gin.Context, attempt *auth.TokenAttempt) {
	if err := attempt.Succeeded(c.Request.Context()); err != nil {
		s.log.LogAttrs(c.Request.Context(), slog.LevelWarn, "forgive token attempt",
			slog.String("request_id", requestID(c)), slog.String("error", err.Error()))
	}
}

// me: GET /me.
func (s *server) me(c *gin.Context) {
	p := principal(c)
	out := meResponse{ID: p.UserID, Email: p.Email, Role: string(p.Role), MustChangePassword: p.MustChangePassword}
	if p.Administration != "" {
		adm := p.Administration
		out.Administration = &adm
	}
	s.respond(c, http.StatusOK, out)
}
