package store

import (
	"context"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/customs-survey/surveyd/auth"
	"github.com/customs-survey/surveyd/survey"
)

// auditEventRow is one row of audit_events. The actor columns are NULL for
// anonymous requests.
type auditEventRow struct {
	ID         int64 `gorm:"primaryKey"`
	At         time.Time
	ActorID    *string
	ActorEmail *string
	ActorRole  *string
	Action     string
	Target     string
	Status     int
	ClientIP   string
	RequestID  string
}

func (auditEventRow) TableName() string { return "audit_events" }

// RecordAudit appends one event to the audit trail. A zero At means now.
// An event with an actor id but no e-mail gets the e-mail of that user
// (access tokens do not carry it), in the same statement. Events recorded
// at the same time are written together (auditBatch); each call returns
// once its own event is stored.
func (s *Store) RecordAudit(ctx context.Context, e survey.AuditEvent) error {
	err := s.audit.record(ctx, s, s.auditArgs(e))
	return s.translate(ctx, "record audit event", err)
}

// auditArgs are the parameters of auditValues for e.
func (s *Store) auditArgs(e survey.AuditEvent) []any {
	at := s.now()
	if !e.At.IsZero() {
		at = e.At.UTC().Truncate(time.Microsecond)
	}
	return []any{at, nullString(e.ActorID), nullString(e.ActorEmail), e.ActorID, nullString(e.ActorRole),
		e.Action, e.Target, e.Status, e.ClientIP, e.RequestID}
}

// auditInsert is the INSERT of one event (auditValues, rebound), which a
// change of a response makes in its transaction (recordWithChange).
const auditInsert = `INSERT INTO audit_events (at, actor_id, actor_email, actor_role, action, target, status, client_ip, request_id)
VALUES ` + auditValues

// auditFromParams is the INSERT of one event on PostgreSQL in a statement
// numbering its parameters: auditArgs' are those from first on, and where
// is the condition on which the event is written.
func auditFromParams(first int, where string) string {
	p := func(i int) string { return "$" + strconv.Itoa(first+i) }
	return `  INSERT INTO audit_events (at, actor_id, actor_email, actor_role, action, target, status, client_ip, request_id)
  SELECT ` + p(0) + `::timestamptz, ` + p(1) + `::text, COALESCE(` + p(2) + `::text, (SELECT email FROM users WHERE id = ` + p(3) +
		`::text)), ` + p(4) + `::text, ` + p(5) + `::text, ` + p(6) + `::text, ` + p(7) + `::integer, ` + p(8) + `::text, ` + p(9) +
		`::text
  WHERE ` + where
}

// pendingAudit returns the audit event that ctx carries for the change
// of a response it is the context of (survey.PendingAudit), to be written
// with the change; nil when none.
func pendingAudit(ctx context.Context) *survey.AuditEvent {
	if a := survey.PendingAuditFrom(ctx); a != nil {
		return &a.Event
	}
	return nil
}

// auditWritten notes that the event ctx carries, if any, was written with
// its change, which has committed.
func auditWritten(ctx context.Context) {
	if a := survey.PendingAuditFrom(ctx); a != nil {
		a.Written = true
	}
}

// recordWithChange writes, in the transaction of a change of a response,
// the audit event ctx carries, if any.
func (s *Store) recordWithChange(ctx context.Context, q execer) error {
	event := pendingAudit(ctx)
	if event == nil {
		return nil
	}
	_, err := q.ExecContext(ctx, s.rebind(auditInsert), s.auditArgs(*event)...)
	return s.driverError(err)
}

// AuditEvents returns the events that f selects, newest (greatest id)
// first, at most f.Limit of them when it is set (the API decides how many a
// page holds).
func (s *Store) AuditEvents(ctx context.Context, f survey.AuditFilter) ([]survey.AuditEvent, error) {
	q := s.db.WithContext(ctx).Model(&auditEventRow{})
	if f.Actor != "" {
		q = q.Where("(actor_id = ? OR actor_email = ?)", f.Actor, auth.NormalizeEmail(f.Actor))
	}
	if f.Action != "" {
		q = q.Where("action = ?", f.Action)
	}
	if f.Target != "" {
		// The whole target, or its leading keys followed by more. substr
		// rather than LIKE: keys hold "_", a LIKE wildcard, and SQLite's
		// LIKE ignores case where PostgreSQL's does not.
		prefix := f.Target + ","
		q = q.Where("(target = ? OR substr(target, 1, ?) = ?)", f.Target, utf8.RuneCountInString(prefix), prefix)
	}
	// Times are compared at the microsecond, the precision they are kept
	// at.
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From.UTC().Truncate(time.Microsecond))
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To.UTC().Truncate(time.Microsecond))
	}
	if f.Before > 0 {
		q = q.Where("id < ?", f.Before)
	}
	var rows []auditEventRow
	if f.Limit > 0 {
		q = q.Limit(f.Limit)
	}
	if err := q.Order("id DESC").Find(&rows).Error; err != nil {
		return nil, s.translate(ctx, "list audit events", err)
	}
	out := make([]survey.AuditEvent, len(rows))
	for i, r := range rows {
		out[i] = toAuditEvent(r)
	}
	return out, nil
}

// pruneBatch is how many audit events one statement of PruneAuditEvents
// deletes, so that pruning a long backlog never holds a lock for long.
const pruneBatch = 5000

// PruneAuditEvents deletes the events recorded before a time, in batches,
// and returns how many it deleted. Several processes may prune at once.
func (s *Store) PruneAuditEvents(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	for {
		res := s.db.WithContext(ctx).Exec(`DELETE FROM audit_events WHERE id IN
			(SELECT id FROM audit_events WHERE at < ? ORDER BY id LIMIT ?)`, before.UTC(), pruneBatch)
		if res.Error != nil {
			return total, s.translate(ctx, "prune audit events", res.Error)
		}
		total += res.RowsAffected
		if res.RowsAffected < pruneBatch {
			return total, nil
		}
	}
}

func toAuditEvent(r auditEventRow) survey.AuditEvent {
	return survey.AuditEvent{
		ID: r.ID, At: r.At.UTC(), ActorID: emptyIfNull(r.ActorID), ActorEmail: emptyIfNull(r.ActorEmail), ActorRole: emptyIfNull(r.ActorRole),
		Action: r.Action, Target: r.Target, Status: r.Status, ClientIP: r.ClientIP, RequestID: r.RequestID,
	}
}
