-- Frozen scores: each row is a campaign's complete scores report as it
-- was when an admin froze it, so that a figure cited in a published
-- report can be shown later to be the same one. json is the JSON document
-- of the report exactly as it was written (the API's own document), sha256
-- the lower-case hex SHA-256 of those bytes, and csv and xlsx its CSV table
-- and workbook rendered at the same moment: every download of a run is
-- these bytes. lang is the language asked for ('' for the questionnaire's
-- default). seq orders the runs (a later run has a greater seq); id is what
-- the API names a run by. frozen_by has no foreign key, as in the audit
-- trail: a run outlives the account that froze it.
--
-- Rows are only ever inserted: the triggers refuse any change or deletion,
-- and the campaign a run belongs to cannot be deleted either (only a draft
-- campaign can be, and only a closed one is frozen).
CREATE TABLE score_runs (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT,
    id          TEXT NOT NULL UNIQUE,
    campaign_id INTEGER NOT NULL REFERENCES campaigns (id),
    frozen_at   TIMESTAMP NOT NULL,
    frozen_by   TEXT NOT NULL,
    lang        TEXT NOT NULL,
    sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
    json        BLOB NOT NULL,
    csv         BLOB NOT NULL,
    xlsx        BLOB NOT NULL
);
CREATE INDEX score_runs_campaign ON score_runs (campaign_id, seq);

CREATE TRIGGER score_runs_no_update BEFORE UPDATE ON score_runs
BEGIN
    SELECT RAISE(ABORT, 'score runs are immutable');
END;

CREATE TRIGGER score_runs_no_delete BEFORE DELETE ON score_runs
BEGIN
    SELECT RAISE(ABORT, 'score runs are immutable');
END;
