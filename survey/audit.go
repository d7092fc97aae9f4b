package survey

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// AuditEvent is one entry of the audit trail: who did what to which
// resource, when, from where, and how it ended. It holds no request body,
// answer, password or token, only names, keys and ids.
type AuditEvent struct {
	// ID orders the trail: a later event has a greater id.
	ID int64
	// At is when the outcome was decided.
	At time.Time
	// ActorID, ActorEmail and ActorRole name the caller; all are empty for
	// an anonymous request. A login attempt has only the e-mail it tried
	// (the account is not the actor until the password is checked).
	ActorID    string
	ActorEmail string
	ActorRole  string
	// Action is the readable name of the operation, e.g. "campaign.open".
	Action string
	// Target names the resource acted on by its keys or ids, e.g.
	// "key=customs_annual,version=1"; empty for actions on no resource.
	Target string
	// Status is the HTTP status of the answer: the outcome, refusals
	// included.
	Status int
	// ClientIP is the caller's address and RequestID the id the request was
	// logged under (X-Request-ID).
	ClientIP  string
	RequestID string
}

// AuditFilter selects events of the audit trail, newest first. Zero fields
// select everything.
type AuditFilter struct {
	// Actor is a user id or an e-mail address (case-insensitive).
	Actor string
	// Action is an action name, e.g. "campaign.open".
	Action string
	// Target is a whole target, or its leading keys: "key=customs_annual"
	// also selects "key=customs_annual,version=2".
	Target string
	// From and To bound At: From <= At < To.
	From, To time.Time
	// Before selects only events with a smaller id: the page after the one
	// that ended with that id.
	Before int64
	// Limit is the most events returned.
	Limit int
}

// MaxAuditTarget is the most characters of a target an event keeps.
const MaxAuditTarget = 512

// AuditTarget names the resource of an event by its keys, given as pairs
// of name and value ("key", "customs_annual", "version", "1" →
// "key=customs_annual,version=1"), each value escaped (EscapeAuditValue),
// the whole clipped to MaxAuditTarget characters. The API and the pages
// name targets alike through it.
func AuditTarget(pairs ...string) string {
	parts := make([]string, 0, len(pairs)/2)
	for i := 0; i+1 < len(pairs); i += 2 {
		parts = append(parts, pairs[i]+"="+EscapeAuditValue(pairs[i+1]))
	}
	return ClipRunes(strings.Join(parts, ","), MaxAuditTarget)
}

// EscapeAuditValue percent-encodes, in a value of an audit target, the
// bytes that would make the target ambiguous or unstorable: "%", ",", "=",
// control characters (NUL among them) and bytes that are not valid UTF-8.
// Every other character, non-ASCII letters included, is kept as it is, so
// the targets of ordinary keys and codes read as they always have.
func EscapeAuditValue(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); {
		r, size := utf8.DecodeRuneInString(v[i:])
		if (r == utf8.RuneError && size == 1) || r < 0x20 || r == 0x7f || r == '%' || r == ',' || r == '=' {
			for _, c := range []byte(v[i : i+size]) {
				fmt.Fprintf(&b, "%%%02X", c)
			}
		} else {
			b.WriteString(v[i : i+size])
		}
		i += size
	}
	return b.String()
}

// ClipRunes keeps at most n characters of s.
func ClipRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// PendingAudit is the audit event of a request that changes a response,
// handed to the store with the change (WithPendingAudit) so that it is
// written in the change's own statement or transaction: it commits with
// the change, or not at all, and costs no round trip of its own. Written
// says whether it was; if not, the event is recorded after the answer, as
// every other request's is.
type PendingAudit struct {
	Event   AuditEvent
	Written bool
}

type pendingAuditKey struct{}

// WithPendingAudit returns ctx carrying a.
func WithPendingAudit(ctx context.Context, a *PendingAudit) context.Context {
	return context.WithValue(ctx, pendingAuditKey{}, a)
}

// PendingAuditFrom returns the event ctx carries for the change it is
// the context of; nil when none.
func PendingAuditFrom(ctx context.Context) *PendingAudit {
	a, _ := ctx.Value(pendingAuditKey{}).(*PendingAudit)
	return a
}
