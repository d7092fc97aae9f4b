package api

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/survey"
)

// Paging of GET /audit.
const (
	defaultAuditPage = 100
	maxAuditPage     = 500
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

type auditPageResponse struct {
	Events []auditEventResponse `json:"events"`
	Next   string               `json:"next,omitempty"`
}

func toAuditEventResponse(e survey.AuditEvent) auditEventResponse {
	out := auditEventResponse{ID: e.ID, At: e.At.UTC(), Action: e.Action, Target: e.Target, Status: e.Status,
		ClientIP: e.ClientIP, RequestID: e.RequestID}
	if e.ActorID != "" || e.ActorEmail != "" || e.ActorRole != "" {
		out.Actor = &auditActorResponse{ID: e.ActorID, Email: e.ActorEmail, Role: e.ActorRole}
	}
	return out
}

// listAudit: GET /audit?actor=&action=&target=&from=&to=&limit=&cursor=|before=
// (admin). Events newest first; "next" is the cursor of the following page,
// absent on the last one.
func (s *server) listAudit(c *gin.Context) {
	f, err := auditFilter(c)
	if err != nil {
		s.writeError(c, err)
		return
	}
	limit := f.Limit
	f.Limit++ // one more tells whether there is a next page
	events, err := s.store.AuditEvents(c.Request.Context(), f)
	if err != nil {
		s.writeError(c, err)
		return
	}
	out := auditPageResponse{Events: make([]auditEventResponse, 0, min(len(events), limit))}
	if len(events) > limit {
		events = events[:limit]
		out.Next = auditCursor(events[limit-1].ID)
	}
	for _, e := range events {
		out.Events = append(out.Events, toAuditEventResponse(e))
	}
	s.respond(c, http.StatusOK, out)
}

// auditFilter reads the query of GET /audit; a bad parameter is a 422
// naming it.
func auditFilter(c *gin.Context) (survey.AuditFilter, error) {
	f := survey.AuditFilter{
		Actor:  strings.TrimSpace(c.Query("actor")),
		Action: strings.TrimSpace(c.Query("action")),
		Target: strings.TrimSpace(c.Query("target")),
		Limit:  defaultAuditPage,
	}
	v := &survey.ValidationError{}
	if raw, ok := c.GetQuery("limit"); ok {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 || n > maxAuditPage {
			v.Add("limit", survey.CodeOutOfRange, "must be an integer from 1 to %d", maxAuditPage)
		}
		f.Limit = n
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
	cursor, before := c.Query("cursor"), c.Query("before")
	switch {
	case cursor != "" && before != "":
		v.Add("cursor", survey.CodeNotAllowed, "give cursor or before, not both")
	case cursor != "":
		id, ok := parseAuditCursor(cursor)
		if !ok {
			v.Add("cursor", survey.CodeInvalidCursor, "must be the next value of a previous page")
		}
		f.Before = id
	case before != "":
		id, err := strconv.ParseInt(before, 10, 64)
		if err != nil || id < 1 {
			v.Add("before", survey.CodeOutOfRange, "must be the id of an event")
		}
		f.Before = id
	}
	return f, v.Err()
}

// auditCursor is the opaque "next" of a page that ends with the event id:
// clients hand it back as is, so that what it holds may change.
func auditCursor(id int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte("before:" + strconv.FormatInt(id, 10)))
}

func parseAuditCursor(cursor string) (int64, bool) {
	raw, err := base64.RawURLEncoding.DecodeString(cursor)
	if err != nil {
		return 0, false
	}
	digits, ok := strings.CutPrefix(string(raw), "before:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || id < 1 {
		return 0, false
	}
	return id, true
}
