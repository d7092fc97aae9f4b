-- Idempotency-Key records: the answer to a POST, kept so that a retried
-- request with the same key gets the same answer instead of acting twice.
-- A row without a status is a request in progress.
CREATE TABLE idempotency_keys (
    id           INTEGER PRIMARY KEY,
    principal    TEXT NOT NULL,
    key          TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER,
    content_type TEXT,
    etag         TEXT,
    location     TEXT,
    body         TEXT,
    created_at   TIMESTAMP NOT NULL,
    UNIQUE (principal, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
