package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/auth"
)

type loginRequest struct {
	Email    string `json:"email" validate:"required,max=254"`
	Password string `json:"password" validate:"required,max=4096"`
}

type tokenResponse struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	RefreshToken string `json:"refresh_token"`
}

type refreshRequest struct {
	RefreshToken string `json:"refresh_token" validate:"required,max=512"`
}

type logoutRequest struct {
	RefreshToken string `json:"refresh_token" validate:"max=512"`
}

type meResponse struct {
	ID             string  `json:"id"`
	Email          string  `json:"email"`
	Role           string  `json:"role"`
	Administration *string `json:"administration"`
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
	s.respond(c, http.StatusOK, tokenResponse{AccessToken: tokens.AccessToken, TokenType: "Bearer",
		ExpiresIn: int(tokens.ExpiresIn.Seconds()), RefreshToken: tokens.RefreshToken})
}

// refresh: POST /auth/refresh, rotating the refresh token.
func (s *server) refresh(c *gin.Context) {
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
	// Who refreshed, for the audit trail.
	c.Request = c.Request.WithContext(auth.WithPrincipal(c.Request.Context(), tokens.Principal))
	s.respond(c, http.StatusOK, tokenResponse{AccessToken: tokens.AccessToken, TokenType: "Bearer",
		ExpiresIn: int(tokens.ExpiresIn.Seconds()), RefreshToken: tokens.RefreshToken})
}

// logout: POST /auth/logout. It revokes the refresh token in the body (and
// its family) and the bearer access token, if any; an access token alone
// also revokes every refresh token of its user.
func (s *server) logout(c *gin.Context) {
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
		writeProblem(c, "unauthorized", "give the refresh_token to revoke, or an access token", nil)
		return
	}
	if err := s.auth.Logout(c.Request.Context(), access, req.RefreshToken); err != nil {
		s.writeError(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// me: GET /me.
func (s *server) me(c *gin.Context) {
	p := principal(c)
	out := meResponse{ID: p.UserID, Email: p.Email, Role: string(p.Role)}
	if p.Administration != "" {
		adm := p.Administration
		out.Administration = &adm
	}
	s.respond(c, http.StatusOK, out)
}
