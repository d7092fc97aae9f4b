-- The collection side: administrations, users and their sessions,
-- questionnaires, campaigns, responses and their immutable submissions.

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE administrations (
    code       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE users (
    id                  TEXT PRIMARY KEY,
    email               TEXT NOT NULL UNIQUE,
    password_hash       TEXT NOT NULL,
    role                TEXT NOT NULL CHECK (role IN ('admin', 'coordinator', 'respondent')),
    administration_code TEXT REFERENCES administrations (code),
    password_changed_at TIMESTAMP NOT NULL,
    disabled_at         TIMESTAMP,
    created_at          TIMESTAMP NOT NULL,
    CHECK ((role = 'admin') = (administration_code IS NULL))
);
CREATE INDEX users_administration ON users (administration_code, role);

CREATE TABLE refresh_tokens (
    id          INTEGER PRIMARY KEY,
    user_id     TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    family_id   TEXT NOT NULL,
    token_hash  TEXT NOT NULL UNIQUE,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    revoked_at  TIMESTAMP,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

-- One row per failed login, per scope ("account:<email>" or "address:<ip>").
CREATE TABLE login_failures (
    id        INTEGER PRIMARY KEY,
    scope     TEXT NOT NULL,
    failed_at TIMESTAMP NOT NULL
);
CREATE INDEX login_failures_scope ON login_failures (scope, failed_at);

CREATE TABLE questionnaires (
    id           INTEGER PRIMARY KEY,
    key          TEXT NOT NULL,
    version      INTEGER NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('draft', 'published')),
    document     TEXT NOT NULL,
    created_by   TEXT REFERENCES users (id),
    created_at   TIMESTAMP NOT NULL,
    updated_at   TIMESTAMP NOT NULL,
    published_at TIMESTAMP,
    UNIQUE (key, version)
);

CREATE TABLE campaigns (
    id                   INTEGER PRIMARY KEY,
    key                  TEXT NOT NULL UNIQUE,
    year                 INTEGER NOT NULL,
    questionnaire_id     INTEGER NOT NULL REFERENCES questionnaires (id),
    opens_at             TIMESTAMP NOT NULL,
    closes_at            TIMESTAMP NOT NULL,
    previous_campaign_id INTEGER REFERENCES campaigns (id),
    min_cell_size        INTEGER NOT NULL,
    status               TEXT NOT NULL CHECK (status IN ('draft', 'open', 'closed')),
    created_at           TIMESTAMP NOT NULL,
    updated_at           TIMESTAMP NOT NULL
);

CREATE TABLE campaign_administrations (
    campaign_id         INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    administration_code TEXT NOT NULL REFERENCES administrations (code),
    PRIMARY KEY (campaign_id, administration_code)
);
CREATE INDEX campaign_administrations_code ON campaign_administrations (administration_code);

-- A respondent's response to a campaign. The working copy (draft_answers)
-- changes with every save; current_submission_id points to the latest
-- submitted answers, which are the ones that count in scores.
CREATE TABLE responses (
    id                    TEXT PRIMARY KEY,
    campaign_id           INTEGER NOT NULL REFERENCES campaigns (id),
    respondent_id         TEXT NOT NULL REFERENCES users (id),
    administration_code   TEXT NOT NULL REFERENCES administrations (code),
    revision              INTEGER NOT NULL,
    draft_answers         TEXT NOT NULL,
    pending               BOOLEAN NOT NULL,
    current_submission_id TEXT,
    first_submitted_at    TIMESTAMP,
    created_at            TIMESTAMP NOT NULL,
    updated_at            TIMESTAMP NOT NULL,
    UNIQUE (campaign_id, respondent_id)
);
CREATE INDEX responses_campaign ON responses (campaign_id, administration_code);

-- Every submission, kept for ever: who submitted which answers when.
CREATE TABLE submissions (
    id           TEXT PRIMARY KEY,
    response_id  TEXT NOT NULL REFERENCES responses (id),
    revision     INTEGER NOT NULL,
    submitted_by TEXT NOT NULL REFERENCES users (id),
    submitted_at TIMESTAMP NOT NULL,
    answers      TEXT NOT NULL,
    UNIQUE (response_id, revision)
);

-- The answers of each submission, one row per answered question or selected
-- option, with the option's score or the number copied from the published
-- questionnaire so that scores aggregate in SQL.
CREATE TABLE answers (
    id            INTEGER PRIMARY KEY,
    submission_id TEXT NOT NULL REFERENCES submissions (id),
    question_key  TEXT NOT NULL,
    option_key    TEXT,
    score         REAL,
    null_score    BOOLEAN NOT NULL,
    number_value  REAL,
    text_value    TEXT
);
CREATE INDEX answers_submission ON answers (submission_id, question_key);
