package api

import (
	"bytes"
	"context"
	"log/slog"
	"mime"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/survey"
	"github.com/customs-survey/surveyd/users"
)

// importedAccountResponse is one account of the answer of POST
// /users/import: the account, the line of the file it came from, and its
// one-time password, which is shown in this answer only.
type importedAccountResponse struct {
	Line int `json:"line"`
	userResponse
	OneTimePassword string `json:"one_time_password"`
}

type importResponse struct {
	Created   int                       `json:"created"`
	ExpiresAt time.Time                 `json:"one_time_passwords_expire_at"`
	Accounts  []importedAccountResponse `json:"accounts"`
}

// importUsers: POST /users/import, a CSV file of accounts (text/csv),
// created all or none (users.Service.Import). Besides the request's own
// event, each created account gets an event user.import whose target is
// the account, so that the trail tells who created it.
func (s *server) importUsers(c *gin.Context) {
	if media, _, err := mime.ParseMediaType(c.GetHeader("Content-Type")); err != nil || media != "text/csv" {
		writeProblem(c, problemUnsupportedMedia, "send the accounts as CSV, with Content-Type: text/csv", nil)
		return
	}
	body, err := readBody(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	res, err := s.users.ImportCSV(c.Request.Context(), principal(c), bytes.NewReader(body), nil)
	if err != nil {
		s.writeError(c, err)
		return
	}
	s.recordImported(c, res)
	out := importResponse{Created: len(res.Accounts), ExpiresAt: res.ExpiresAt.UTC(),
		Accounts: make([]importedAccountResponse, len(res.Accounts))}
	for i, a := range res.Accounts {
		out.Accounts[i] = importedAccountResponse{Line: a.Line, userResponse: toUserResponse(a.User), OneTimePassword: a.OneTimePassword}
	}
	c.Header("Cache-Control", "no-store")
	s.respond(c, http.StatusCreated, out)
}

// recordImported adds to the audit trail an event per account an import
// created. As with every event, a failure to write one is logged and does
// not change the answer: the accounts exist.
func (s *server) recordImported(c *gin.Context, res users.ImportResult) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), auditWriteTimeout)
	defer cancel()
	by := principal(c)
	for _, a := range res.Accounts {
		ev := survey.AuditEvent{At: s.now(), ActorID: by.UserID, ActorEmail: by.Email, ActorRole: string(by.Role),
			Action: "user.import", Target: survey.AuditTarget("id", a.User.ID), Status: http.StatusCreated,
			ClientIP: c.ClientIP(), RequestID: requestID(c)}
		if err := s.store.RecordAudit(ctx, ev); err != nil {
			s.log.LogAttrs(ctx, slog.LevelError, "audit record", slog.String("request_id", ev.RequestID),
				slog.String("action", ev.Action), slog.String("error", err.Error()))
		}
	}
}
