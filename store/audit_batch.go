// Writing audit events in groups.

package store

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"
)

// auditBatch writes the audit events of concurrent requests together, in
// one statement and one commit (a group commit). Every request records an
// event once it has answered, so under load most commits of the service
// would be audit events, one each; the database then spends its time
// flushing its log rather than storing answers. RecordAudit still returns
// only once its own event is committed (on disk on SQLite; on PostgreSQL
// in the log's buffers, see leaveToTheLog): the first caller to find no write
// under way writes every event queued by then (its own among them), while
// the others wait for the write that holds theirs; then the first caller
// still waiting writes the next group. No goroutine outlives its caller.
type auditBatch struct {
	mu      sync.Mutex
	queued  []queuedEvent
	writing bool
}

// queuedEvent is one event waiting for its write, and where its outcome
// goes (or errAuditLead, when its caller is to write the next group).
type queuedEvent struct {
	args []any // auditValues' arguments
	done chan error
}

// auditBatchMax bounds the events of one statement (auditParams
// parameters each), well inside both databases' limits on parameters.
const auditBatchMax = 500

// auditParams is the number of parameters of auditValues.
const auditParams = 10

// auditWriteBound bounds one group's write, which does not end with the
// context of the caller that writes it: the group holds others' events.
const auditWriteBound = 30 * time.Second

// auditValues is one event's row in the INSERT: the e-mail, when absent,
// is that of the actor's account, read in the same statement.
const auditValues = "(?, ?, COALESCE(?, (SELECT email FROM users WHERE id = ?)), ?, ?, ?, ?, ?, ?)"

// record queues one event and returns once it is written (or its write
// failed). Each write is bounded (auditWriteBound), so the wait is too; a
// caller does not leave early, since it may be handed the next write.
func (b *auditBatch) record(ctx context.Context, s *Store, args []any) error {
	ev := queuedEvent{args: args, done: make(chan error, 1)}
	b.mu.Lock()
	b.queued = append(b.queued, ev)
	lead := !b.writing
	b.writing = true
	b.mu.Unlock()
	if lead {
		b.writeNext(ctx, s)
	}
	for {
		err := <-ev.done
		if err != errAuditLead {
			return err
		}
		b.writeNext(ctx, s)
	}
}

// errAuditLead tells a waiting caller that the next write is its own: its
// event is the first of those queued.
var errAuditLead = errors.New("write the next group of audit events")

// writeNext writes the first group of queued events (the caller's own is
// among them), then hands the next write to the first caller still
// queued, or ends the writing when none is: a caller writes once, however
// many arrive meanwhile.
func (b *auditBatch) writeNext(ctx context.Context, s *Store) {
	b.mu.Lock()
	group := b.queued[:min(len(b.queued), auditBatchMax)]
	b.queued = b.queued[len(group):]
	b.mu.Unlock()
	err := b.write(ctx, s, group)
	for _, ev := range group {
		ev.done <- err
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	if len(b.queued) == 0 {
		b.queued, b.writing = nil, false
		return
	}
	b.queued[0].done <- errAuditLead
}

// write inserts one group of events with one statement, on PostgreSQL
// through the audit trail's own connection, whose commits do not wait for
// the disk (leaveToTheLog).
func (b *auditBatch) write(ctx context.Context, s *Store, group []queuedEvent) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), auditWriteBound)
	defer cancel()
	var sql strings.Builder
	sql.WriteString(`INSERT INTO audit_events
		(at, actor_id, actor_email, actor_role, action, target, status, client_ip, request_id)
		VALUES `)
	args := make([]any, 0, auditParams*len(group))
	for i, ev := range group {
		if i > 0 {
			sql.WriteString(", ")
		}
		sql.WriteString(auditValues)
		args = append(args, ev.args...)
	}
	return s.auditDB.WithContext(ctx).Exec(sql.String(), args...).Error
}
