-- The audit trail: one row per state change or attempt at one (logins,
-- refreshes, logouts, every write, exports). Rows are only ever inserted.
-- It holds names, keys and ids, never a body, an answer, a password or a
-- token. The actor columns are NULL for anonymous requests; actor_id has no
-- foreign key, so that the trail outlives the accounts it names.
CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    at          TIMESTAMP NOT NULL,
    actor_id    TEXT,
    actor_email TEXT,
    actor_role  TEXT,
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    status      INTEGER NOT NULL,
    client_ip   TEXT NOT NULL,
    request_id  TEXT NOT NULL
);
CREATE INDEX audit_events_at ON audit_events (at);
CREATE INDEX audit_events_actor_id ON audit_events (actor_id, id);
CREATE INDEX audit_events_actor_email ON audit_events (actor_email, id);
CREATE INDEX audit_events_action ON audit_events (action, id);
