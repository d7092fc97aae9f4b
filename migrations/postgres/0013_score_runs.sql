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
    seq         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id          TEXT NOT NULL UNIQUE,
    campaign_id BIGINT NOT NULL REFERENCES campaigns (id),
    frozen_at   TIMESTAMPTZ NOT NULL,
    frozen_by   TEXT NOT NULL,
    lang        TEXT NOT NULL,
    sha256      TEXT NOT NULL CHECK (length(sha256) = 64),
    json        BYTEA NOT NULL,
    csv         BYTEA NOT NULL,
    xlsx        BYTEA NOT NULL
);
CREATE INDEX score_runs_campaign ON score_runs (campaign_id, seq);

CREATE FUNCTION score_runs_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'score runs are immutable (% refused)', TG_OP;
END
$$;

CREATE TRIGGER score_runs_immutable BEFORE UPDATE OR DELETE ON score_runs
    FOR EACH ROW EXECUTE FUNCTION score_runs_refuse();

CREATE TRIGGER score_runs_no_truncate BEFORE TRUNCATE ON score_runs
    FOR EACH STATEMENT EXECUTE FUNCTION score_runs_refuse();
