package api

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// auditAction describes how the requests of one route are recorded.
type auditAction struct {
	// name is the action's readable name in the trail.
	name string
	// created is the route of the resource that a 201 answer creates: the
	// target is then read from the Location header against it, since the
	// new resource's key is not in the request's path.
	created string
	// read marks a GET route recorded when it succeeds: the exports, which
	// hand out data in bulk. Other GET routes are not recorded.
	read bool
	// throttled marks an anonymous route whose failures (401) the throttle
	// counts and bounds, so that each is recorded.
	throttled bool
}

// auditActions names the action of every route that changes state or
// exports data, keyed by method and route. A route missing here is still
// recorded, under its method and route, but TestEveryWriteRouteHasAnAuditName
// fails until it gets a name.
var auditActions = map[string]auditAction{
	"POST /api/v1/auth/login":   {name: "session.login", throttled: true},
	"POST /api/v1/auth/refresh": {name: "session.refresh", throttled: true},
	"POST /api/v1/auth/logout":  {name: "session.logout", throttled: true},

	"POST /api/v1/administrations": {name: "administration.create", created: "/api/v1/administrations/:code"},
	"POST /api/v1/users":           {name: "user.create", created: "/api/v1/users/:id"},
	"POST /api/v1/users/import":    {name: "user.import"},
	"PATCH /api/v1/users/:id":      {name: "user.update"},
	"DELETE /api/v1/users/:id":     {name: "user.delete"},
	"POST /api/v1/me/password":     {name: "user.change_password"},

	"POST /api/v1/users/:id/password-reset": {name: "user.reset_password"},
	"POST /api/v1/users/:id/unlock":         {name: "user.unlock"},

	"POST /api/v1/questionnaires":                                {name: "questionnaire.create", created: "/api/v1/questionnaires/:key/versions/:version"},
	"POST /api/v1/questionnaires/:key/versions":                  {name: "questionnaire.new_version", created: "/api/v1/questionnaires/:key/versions/:version"},
	"PUT /api/v1/questionnaires/:key/versions/:version":          {name: "questionnaire.update"},
	"POST /api/v1/questionnaires/:key/versions/:version/publish": {name: "questionnaire.publish"},

	"POST /api/v1/campaigns":            {name: "campaign.create", created: "/api/v1/campaigns/:key"},
	"POST /api/v1/campaigns/:key/open":  {name: "campaign.open"},
	"POST /api/v1/campaigns/:key/close": {name: "campaign.close"},

	"PATCH /api/v1/campaigns/:key":       {name: "campaign.update"},
	"DELETE /api/v1/campaigns/:key":      {name: "campaign.delete"},
	"POST /api/v1/campaigns/:key/reopen": {name: "campaign.reopen"},

	"PUT /api/v1/campaigns/:key/response":         {name: "response.save"},
	"POST /api/v1/campaigns/:key/response/submit": {name: "response.submit"},

	"GET /api/v1/campaigns/:key/scores":       {name: "export.scores", read: true},
	"GET /api/v1/campaigns/:key/scores/:file": {name: "export.score_chart", read: true},
	"GET /api/v1/campaigns/:key/responses":    {name: "export.responses", read: true},

	"GET /api/v1/reports/:year": {name: "export.annual_report", read: true},

	"POST /api/v1/campaigns/:key/scores/freeze":  {name: "scores.freeze", created: "/api/v1/campaigns/:key/scores/runs/:id"},
	"GET /api/v1/campaigns/:key/scores/runs/:id": {name: "export.score_run", read: true},
}

// maxAuditEmail bounds the e-mail an event keeps of a login attempt.
const maxAuditEmail = 254

// auditWriteTimeout bounds the write of one event, which no longer depends
// on the client staying connected.
const auditWriteTimeout = 5 * time.Second

// loginEmailKey is the gin context key of the e-mail a login attempt names.
type loginEmailKey struct{}

// noteLoginEmail keeps the e-mail that a login attempt names for its audit
// event. It is the only part of any request body the trail records; the
// password never is.
func noteLoginEmail(c *gin.Context, email string) {
	c.Set(loginEmailKey{}, survey.ClipRunes(auth.NormalizeEmail(email), maxAuditEmail))
}

// audit records an event in the audit trail for every request to a route
// that may change state (any method but GET), whatever its outcome, so that
// refused attempts (401, 403, 409, 429...) are in the trail too; and for
// every successful export. It runs after the handler: the event holds the
// status actually answered. A save or a submission of a response hands its
// event to the store, which writes it with the change (withPendingAudit):
// it is recorded here only when that did not happen or the request was
// answered otherwise after all.
func (s *server) audit(c *gin.Context) {
	defer func() {
		if r := recover(); r != nil {
			// recoverPanics answers 500, or the connection is cut
			// (http.ErrAbortHandler); the attempt is recorded all the same.
			s.recordAudit(c, true)
			panic(r)
		}
	}()
	c.Next()
	s.recordAudit(c, false)
}

func (s *server) recordAudit(c *gin.Context, panicked bool) {
	route := c.FullPath()
	if route == "" {
		return // no such endpoint: nothing was acted on
	}
	method := c.Request.Method
	action, named := auditActions[method+" "+route]
	sent := c.Writer.Status()
	if method == http.MethodGet && !(action.read && c.Writer.Written() && sent >= 200 && sent < 300) {
		return
	}
	status := sent
	if panicked {
		status = http.StatusInternalServerError
	}
	if !named {
		action.name = method + " " + route
	}
	_, authenticated := auth.PrincipalFrom(c.Request.Context())
	counted := action.throttled && status == http.StatusUnauthorized
	if !authenticated && status >= 400 && status < 500 && !counted &&
		!s.refusals.firstInWindow(action.name+" "+strconv.Itoa(status)+" "+c.ClientIP(), s.now()) {
		// An anonymous client sending refused requests (no or a forged
		// token, bad bytes, a body that does not decode, or past the
		// throttle): the first of each kind per window is in the trail,
		// the rest would only fill it. The failures a throttle counts
		// (a wrong password, an invalid refresh token) are bounded by it
		// and recorded one by one.
		return
	}
	if v, ok := c.Get(pendingAuditKey{}); ok {
		if pending := v.(*survey.PendingAudit); pending.Written && pending.Event.Status == status {
			return // written with the change it records
		}
	}
	ev := s.auditEvent(c, action, status)
	// The answer is decided, so the event is written whatever happens to
	// the client's connection, within a bound of its own.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), auditWriteTimeout)
	defer cancel()
	if v, ok := c.Get(loginEmailKey{}); ok && ev.ActorID == "" {
		ev.ActorEmail, _ = v.(string)
		// Until the password is checked the e-mail is only a claim; once
		// it is, the account is the actor.
		if status == http.StatusOK && ev.ActorEmail != "" {
			if a, found, err := s.store.AccountByEmail(ctx, ev.ActorEmail); err == nil && found {
				ev.ActorID, ev.ActorRole = a.ID, string(a.Role)
			}
		}
	}
	if err := s.store.RecordAudit(ctx, ev); err != nil {
		// The answer has already been sent and stands: an audit failure
		// does not undo the change it describes. It is logged instead.
		s.log.LogAttrs(ctx, slog.LevelError, "audit record",
			slog.String("request_id", ev.RequestID), slog.String("action", ev.Action),
			slog.Int("status", ev.Status), slog.String("error", err.Error()))
	}
}

// auditEvent is the event of a request to a route, answered status: its
// action, target, outcome and origin, and the caller when authenticated.
// A caller whose token check was left for the change (auth.Deferred) is
// named once the check is confirmed, here if need be: an answer that the
// check held back was confirmed before it went out, but a panic is
// recorded before its answer is written.
func (s *server) auditEvent(c *gin.Context, action auditAction, status int) survey.AuditEvent {
	ev := s.callerAuditEvent(c, action, status)
	if ev.ActorID != "" && auth.ConfirmCaller(c.Request.Context()) != nil {
		ev.ActorID, ev.ActorEmail, ev.ActorRole = "", "", ""
	}
	return ev
}

// callerAuditEvent is auditEvent naming the caller the request's
// principal gives, confirmed or not.
func (s *server) callerAuditEvent(c *gin.Context, action auditAction, status int) survey.AuditEvent {
	ev := survey.AuditEvent{
		At: s.now(), Action: action.name, Target: auditTarget(c, action, status),
		Status: status, ClientIP: c.ClientIP(), RequestID: requestID(c),
	}
	if p, ok := auth.PrincipalFrom(c.Request.Context()); ok {
		ev.ActorID, ev.ActorEmail, ev.ActorRole = p.UserID, p.Email, string(p.Role)
	}
	return ev
}

// pendingAuditKey is the gin context key of the event a change of a
// response hands to the store (withPendingAudit).
type pendingAuditKey struct{}

// withPendingAudit returns the request's context carrying the audit event
// of the change of a response the handler is about to make, as it reads
// when the change succeeds (200), for the store to write with the change
// (survey.PendingAudit); audit then records no other event of the
// request, unless it is answered otherwise after all.
func (s *server) withPendingAudit(c *gin.Context) context.Context {
	action, named := auditActions[c.Request.Method+" "+c.FullPath()]
	if !named {
		action.name = c.Request.Method + " " + c.FullPath() // as recordAudit names it
	}
	// The caller is named without confirming a deferred check of its
	// token: the store writes this event only with the change, which it
	// makes only for a confirmed caller (the change's own statement
	// carries the check, or the check is made before it). Confirming here
	// would make the full check the deferral spares on every change.
	pending := &survey.PendingAudit{Event: s.callerAuditEvent(c, action, http.StatusOK)}
	c.Set(pendingAuditKey{}, pending)
	return survey.WithPendingAudit(c.Request.Context(), pending)
}

// refusalLog remembers, per action, status and client address, when an
// anonymous refused request was last recorded, so that such a client adds
// one event of each kind per window to the audit trail rather than one per
// request. It holds at most max entries; when full of live entries it lets
// events through rather than forget them.
type refusalLog struct {
	mu     sync.Mutex
	window time.Duration
	max    int
	last   map[string]time.Time
}

// refusalWindow is the window of the login throttle: a client refused now
// stays refused for about as long.
const refusalWindow = 15 * time.Minute

func newRefusalLog() *refusalLog {
	return &refusalLog{window: refusalWindow, max: 10000, last: map[string]time.Time{}}
}

// firstInWindow reports whether key's refusal at now is the first within
// the window, and notes it.
func (r *refusalLog) firstInWindow(key string, now time.Time) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if at, ok := r.last[key]; ok && now.Sub(at) < r.window {
		return false
	}
	if len(r.last) >= r.max {
		for k, at := range r.last {
			if now.Sub(at) >= r.window {
				delete(r.last, k)
			}
		}
		if len(r.last) >= r.max {
			return true
		}
	}
	r.last[key] = now
	return true
}

// auditTarget names the resource acted on by its path parameters, e.g.
// "key=customs_annual,version=1"; for a creation, by those of the Location
// of the new resource. Values are escaped (auditEscape), so that a value
// holding ",id=…" cannot forge a pair, and bytes the database would refuse
// cannot lose the event.
func auditTarget(c *gin.Context, action auditAction, status int) string {
	params := c.Params
	if action.created != "" && status == http.StatusCreated {
		if p, ok := matchRoute(action.created, c.Writer.Header().Get("Location")); ok {
			params = p
		}
	}
	pairs := make([]string, 0, 2*len(params))
	for _, p := range params {
		pairs = append(pairs, p.Key, p.Value)
	}
	return survey.AuditTarget(pairs...)
}

// matchRoute matches a path against a route such as /api/v1/users/:id and
// returns the route's parameters.
func matchRoute(route, path string) (gin.Params, bool) {
	want, got := strings.Split(route, "/"), strings.Split(path, "/")
	if path == "" || len(want) != len(got) {
		return nil, false
	}
	var params gin.Params
	for i, w := range want {
		if name, ok := strings.CutPrefix(w, ":"); ok {
			v, err := url.PathUnescape(got[i])
			if err != nil || v == "" {
				return nil, false
			}
			params = append(params, gin.Param{Key: name, Value: v})
		} else if w != got[i] {
			return nil, false
		}
	}
	return params, true
}
