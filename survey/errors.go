package survey

import (
	"errors"
	"fmt"
	"strings"
)

// Sentinel errors returned by the domain and its stores. The api package maps
// each to one HTTP status; callers test them with errors.Is.
var (
	// ErrNotFound means the resource does not exist or belongs to another
	// administration; the two are deliberately indistinguishable.
	ErrNotFound = errors.New("not found")
	// ErrConflict means the request is valid but the resource's state does
	// not allow it (a published questionnaire, a closed campaign, a
	// duplicate key).
	ErrConflict = errors.New("conflict")
	// ErrForbidden means the caller is authenticated but its role may not do
	// this.
	ErrForbidden = errors.New("forbidden")
	// ErrPreconditionFailed means an If-Match revision did not match.
	ErrPreconditionFailed = errors.New("precondition failed")
	// ErrMalformed means the body is not valid JSON or is of the wrong JSON
	// type. It maps to 400.
	ErrMalformed = errors.New("malformed request")
	// ErrUnavailable means the database cannot be reached; the request may
	// succeed later.
	ErrUnavailable = errors.New("service unavailable")
)

// Error is a domain error that carries a message safe to show to clients
// together with the sentinel it belongs to.
type Error struct {
	Kind    error  // one of the sentinels above
	Message string // safe for clients
}

func (e *Error) Error() string { return e.Message }

// Unwrap lets errors.Is match the sentinel.
func (e *Error) Unwrap() error { return e.Kind }

// ErrChangedMeanwhile means a conditional write found its row changed by a
// concurrent request since it was read. It is a precondition failure, so
// that a client that sees it reloads; a use case may try again instead.
var ErrChangedMeanwhile = &Error{Kind: ErrPreconditionFailed, Message: "the response changed meanwhile; reload it and try again"}

// Errorf returns an *Error of the given kind with a formatted, client-safe
// message.
func Errorf(kind error, format string, args ...any) error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// FieldError is one problem with one field of a request, named by its JSON
// path (for example "sections[0].questions[2].options_ref").
type FieldError struct {
	Field   string `json:"field"`
	Code    Code   `json:"code"`
	Message string `json:"message"`
	// Question is the key of the question the problem lies in (a question
	// of a questionnaire document, or the question an answer is for), when
	// it has one: an index path alone does not tell an author which
	// question to open.
	Question string `json:"question,omitempty"`
}

// ValidationError lists every problem found in a well-formed but invalid
// request. It maps to 422.
type ValidationError struct {
	Errors []FieldError
}

func (e *ValidationError) Error() string {
	parts := make([]string, 0, len(e.Errors))
	for _, fe := range e.Errors {
		parts = append(parts, fe.Field+": "+fe.Code.String())
	}
	return "validation failed: " + strings.Join(parts, ", ")
}

// Add records one problem.
func (e *ValidationError) Add(field string, code Code, format string, args ...any) {
	e.Errors = append(e.Errors, FieldError{Field: field, Code: code, Message: fmt.Sprintf(format, args...)})
}

// Err returns e when it holds at least one problem, else nil, so that
// validators can end with "return v.Err()".
func (e *ValidationError) Err() error {
	if e == nil || len(e.Errors) == 0 {
		return nil
	}
	return e
}

// Invalid is a shorthand for a ValidationError with a single problem.
func Invalid(field string, code Code, format string, args ...any) error {
	v := &ValidationError{}
	v.Add(field, code, format, args...)
	return v
}

// IsDomainError reports whether err is one of the domain's own: of a kind
// above (or an *Error), or a *ValidationError. Such errors pass through
// stores unchanged; anything else is the store's to explain.
func IsDomainError(err error) bool {
	var domain *Error
	var invalid *ValidationError
	if errors.As(err, &domain) || errors.As(err, &invalid) {
		return true
	}
	for _, kind := range []error{ErrNotFound, ErrConflict, ErrPreconditionFailed, ErrForbidden, ErrUnavailable, ErrMalformed} {
		if errors.Is(err, kind) {
			return true
		}
	}
	return false
}
