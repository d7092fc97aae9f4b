package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/survey"
)

type auditActorResponse struct {
	ID    string `json:"id,omitempty"`
	Email string `json:"email,omitempty"`
	Role  string `json:"role,omitempty"`
}

type auditEventResponse struct {
	ID        int64               `json:"id"`
	At        time.Time           `json:"at"`
	Actor     *auditActorResponse `json:"actor"`
	Action    string              `json:"action"`
	Target    string              `json:"target"`
	Status    int                 `json:"status"`
	ClientIP  string              `json:"client_ip"`
	RequestID string              `json:"request_id"`
}

func toAuditEventResponse(e survey.AuditEvent) auditEventResponse {
	out := auditEventResponse{ID: e.ID, At: e.At.UTC(), Action: e.Action, Target: e.Target, Status: e.Status,
		ClientIP: e.ClientIP, RequestID: e.RequestID}
	if e.ActorID != "" || e.ActorEmail != "" || e.ActorRole != "" {
		out.Actor = &auditActorResponse{ID: e.ActorID, Email: e.ActorEmail, Role: e.ActorRole}
	}
	return out
}

// listAudit: GET /audit?actor=&action=&target=&from=&to=&before=&limit=&cursor=
// (admin). Events newest first, paged on their id (api/paging.go).
func (s *server) listAudit(c *gin.Context) {
	f, p, err := auditFilter(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	events, err := s.store.AuditEvents(c.Request.Context(), f)
	if err != nil {
		s.writeError(c, err)
		return
	}
	events = finishPage(c, p, events, func(e survey.AuditEvent) string { return strconv.FormatInt(e.ID, 10) })
	out := make([]auditEventResponse, len(events))
	for i, e := range events {
		out[i] = toAuditEventResponse(e)
	}
	s.respond(c, http.StatusOK, out)
}

// auditFilter reads the query of GET /audit; a bad parameter is a 422
// naming it. The trail's sort key is the event id, newest first: a
// cursor selects the events older than the one it names, as before does.
func auditFilter(c *gin.Context) (survey.AuditFilter, pageParams, error) {
	v := &survey.ValidationError{}
	p := readPage(c, v)
	f := survey.AuditFilter{
		Actor:  strings.TrimSpace(c.Query("actor")),
		Action: strings.TrimSpace(c.Query("action")),
		Target: strings.TrimSpace(c.Query("target")),
		Limit:  p.request().Limit,
	}
	for _, t := range []struct {
		name string
		dst  *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if raw := c.Query(t.name); raw != "" {
			at, err := time.Parse(time.RFC3339, raw)
			if err != nil {
				v.Add(t.name, survey.CodeInvalidTime, "must be an RFC 3339 time, e.g. 2024-01-31T23:00:00Z")
			}
			*t.dst = at
		}
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.From.Before(f.To) {
		v.Add("to", survey.CodeOutOfRange, "must be after from")
	}
	if raw := c.Query("before"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || id < 1 {
			v.Add("before", survey.CodeOutOfRange, "must be the id of an event")
		}
		f.Before = id
	}
	if id := p.afterNumber(v, 64); id > 0 && (f.Before == 0 || id < f.Before) {
		f.Before = id
	}
	return f, p, v.Err()
}
