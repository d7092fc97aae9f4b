package survey

import "time"

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
