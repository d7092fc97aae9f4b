-- Sessions of the web pages: one row per signed-in browser. The cookie
-- holds a random token of which only the SHA-256 is kept here; the CSRF
-- token is the one every form of the session carries. A session ends at
-- logout (the row goes), after its idle time or at expires_at.
CREATE TABLE browser_sessions (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    csrf_token   TEXT NOT NULL,
    created_at   TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at   TIMESTAMPTZ NOT NULL
);
CREATE INDEX browser_sessions_user ON browser_sessions (user_id);
CREATE INDEX browser_sessions_expiry ON browser_sessions (expires_at);
