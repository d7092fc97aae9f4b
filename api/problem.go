package api

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/auth/passwords"
	"github.com/customs-survey/surveyd/survey"
)

// maxFieldErrors caps the errors[] of one problem.
const maxFieldErrors = 100

// problemBase is where the problem types are documented (docs/problems.md).
const problemBase = "https://github.com/customs-survey/surveyd/blob/main/docs/problems.md#"

// Problem is an RFC 9457 problem document.
type Problem struct {
	Type   string              `json:"type"`
	Title  string              `json:"title"`
	Status int                 `json:"status"`
	Detail string              `json:"detail,omitempty"`
	Errors []survey.FieldError `json:"errors,omitempty"`
}

// problemKind is a type of problem: its name (the anchor of its section in
// docs/problems.md, at the end of the problem's type URI), status and
// title. Its values are the problem* variables below, the one place where
// problem types are spelled, so that a misspelt type is a compile error.
type problemKind struct {
	name   string
	status int
	title  string
}

// The problem types of the service, documented in docs/problems.md.
var (
	problemMalformed          = newProblemKind("malformed", http.StatusBadRequest, "Malformed request")
	problemUnauthorized       = newProblemKind("unauthorized", http.StatusUnauthorized, "Unauthorized")
	problemForbidden          = newProblemKind("forbidden", http.StatusForbidden, "Forbidden")
	problemNotFound           = newProblemKind("not-found", http.StatusNotFound, "Not found")
	problemMethodNotAllowed   = newProblemKind("method-not-allowed", http.StatusMethodNotAllowed, "Method not allowed")
	problemConflict           = newProblemKind("conflict", http.StatusConflict, "Conflict")
	problemPreconditionFailed = newProblemKind("precondition-failed", http.StatusPreconditionFailed, "Precondition failed")
	problemTooLarge           = newProblemKind("too-large", http.StatusRequestEntityTooLarge, "Request body too large")
	problemUnsupportedMedia   = newProblemKind("unsupported-media", http.StatusUnsupportedMediaType, "Unsupported media type")
	problemValidation         = newProblemKind("validation", http.StatusUnprocessableEntity, "Validation failed")
	problemTooManyRequests    = newProblemKind("too-many-requests", http.StatusTooManyRequests, "Too many requests")
	problemInternal           = newProblemKind("internal", http.StatusInternalServerError, "Internal error")
	problemUnavailable        = newProblemKind("unavailable", http.StatusServiceUnavailable, "Service unavailable")
)

// problemKinds lists every problem type, in the order declared, for the
// test that checks each is documented: newProblemKind adds to it, so that
// no type can be left out.
var problemKinds []problemKind

func newProblemKind(name string, status int, title string) problemKind {
	k := problemKind{name: name, status: status, title: title}
	problemKinds = append(problemKinds, k)
	return k
}

// writeProblem sends a problem of the given type and aborts the chain.
func writeProblem(c *gin.Context, kind problemKind, detail string, fieldErrors []survey.FieldError) {
	p := Problem{Type: problemBase + kind.name, Title: kind.title, Status: kind.status, Detail: detail, Errors: fieldErrors}
	c.Header("Content-Type", "application/problem+json")
	c.Header("Cache-Control", "no-store")
	if kind.status == http.StatusUnauthorized {
		c.Header("WWW-Authenticate", `Bearer realm="surveyd"`)
	}
	body, err := json.Marshal(p)
	if err != nil {
		// A problem holds strings and numbers only; this cannot happen.
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	c.Data(kind.status, "application/problem+json", body)
	c.Abort()
}

// writeThrottled answers an attempt that the throttle refused: 429 with
// Retry-After (seconds), and a detail that says what was refused and when
// to try again, in seconds and as a time (RFC 3339, UTC), for a client that
// shows it to a person. It is the only writer of this answer, whichever
// endpoint was throttled (logins, token requests, password changes).
func writeThrottled(c *gin.Context, throttled *auth.ThrottledError) {
	what := throttled.Attempts
	if what == "" {
		what = "logins"
	}
	detail := "too many failed " + what + "; retry in " + throttled.RetryAfterSeconds() + " seconds"
	if !throttled.At.IsZero() {
		detail += ", at " + throttled.RetryAt()
	}
	c.Header("Retry-After", throttled.RetryAfterSeconds())
	writeProblem(c, problemTooManyRequests, detail, nil)
}

// writeError maps an error of the domain to its problem. Errors it does not
// know are logged with their cause and answered with a bare 500: nothing
// internal (SQL, stack traces, driver messages) reaches the client.
func (s *server) writeError(c *gin.Context, err error) {
	var invalid *survey.ValidationError
	var domain *survey.Error
	var throttled *auth.ThrottledError
	detail := ""
	if errors.As(err, &domain) {
		detail = domain.Message
	}
	switch {
	case errors.As(err, &invalid):
		n := len(invalid.Errors)
		msg := strconv.Itoa(n) + " fields are invalid"
		if n == 1 {
			msg = "1 field is invalid"
		}
		list := invalid.Errors
		if n > maxFieldErrors {
			// A hostile body can hold a million bad values; the answer
			// stays small.
			list = list[:maxFieldErrors]
			msg += "; the first " + strconv.Itoa(maxFieldErrors) + " are listed"
		}
		writeProblem(c, problemValidation, msg, list)
	case errors.As(err, &throttled):
		writeThrottled(c, throttled)
	case errors.Is(err, passwords.ErrBusy):
		// Password hashing is at its memory budget: the password was not
		// checked, and a retry a moment later will likely be.
		s.log.LogAttrs(c.Request.Context(), slog.LevelWarn, "password hashing at capacity",
			slog.String("request_id", requestID(c)))
		c.Header("Retry-After", "1")
		writeProblem(c, problemUnavailable, "the server is busy checking passwords; try again shortly", nil)
	case errors.Is(err, auth.ErrInvalidCredentials):
		writeProblem(c, problemUnauthorized, "invalid e-mail or password", nil)
	case errors.Is(err, auth.ErrInvalidToken), errors.Is(err, auth.ErrTokenReused):
		writeProblem(c, problemUnauthorized, "the token is invalid, expired or revoked", nil)
	case errors.Is(err, survey.ErrMalformed):
		writeProblem(c, problemMalformed, orDefault(detail, "the body is not valid JSON of the expected shape"), nil)
	case errors.Is(err, survey.ErrNotFound):
		writeProblem(c, problemNotFound, orDefault(detail, "no such resource"), nil)
	case errors.Is(err, survey.ErrForbidden):
		writeProblem(c, problemForbidden, orDefault(detail, "your role may not do this"), nil)
	case errors.Is(err, survey.ErrConflict):
		writeProblem(c, problemConflict, orDefault(detail, "the resource's state does not allow this"), nil)
	case errors.Is(err, survey.ErrPreconditionFailed):
		writeProblem(c, problemPreconditionFailed, orDefault(detail, "If-Match does not match the current revision"), nil)
	case errors.Is(err, errBodyTooLarge):
		writeProblem(c, problemTooLarge, "the body exceeds "+strconv.FormatInt(s.cfg.BodyLimit, 10)+" bytes", nil)
	case errors.Is(err, survey.ErrUnavailable):
		s.log.LogAttrs(c.Request.Context(), slog.LevelWarn, "database unavailable",
			slog.String("request_id", requestID(c)), slog.String("error", err.Error()))
		c.Header("Retry-After", "5")
		writeProblem(c, problemUnavailable, "the database is unavailable; try again shortly", nil)
	default:
		s.log.LogAttrs(c.Request.Context(), slog.LevelError, "internal error",
			slog.String("request_id", requestID(c)), slog.String("error", err.Error()))
		writeProblem(c, problemInternal, "an internal error occurred; it has been logged with request id "+requestID(c), nil)
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
