-- The cells scoring reads, kept up to date by every submission in its own
-- transaction (docs/scoring.md, "Where the numbers come from"): per
-- campaign, indicator (its position in the document), part (the
-- indicator's measure '', a question of its questions breakdown 'q:<key>',
-- an option of its options breakdown 'o:<key>', the responses answering
-- that question 'a'; indicator -1, part 'responses', counts the submitted
-- responses), administration and shard (a hash of the response id, so
-- that concurrent submissions of one administration write different
-- rows). n, total and deviations (the centred sum of squares) are merged
-- with Chan's formula; total_error and deviations_error bound the
-- rounding error the updates have accumulated in total and deviations
-- (a cell whose bound grows past 1e-10 of its value is computed again
-- from the answers); added and dropped are the operands of the latest
-- change (the respondent value it added and the one it took away), which
-- the update reads through EXCLUDED and nothing else reads.
CREATE TABLE score_cells (
    campaign_id         INTEGER NOT NULL REFERENCES campaigns (id) ON DELETE CASCADE,
    indicator           INTEGER NOT NULL,
    part                TEXT NOT NULL,
    administration_code TEXT NOT NULL,
    shard               INTEGER NOT NULL,
    n                   INTEGER NOT NULL,
    total               REAL NOT NULL,
    deviations          REAL NOT NULL,
    n_excluded          INTEGER NOT NULL,
    n_missing           INTEGER NOT NULL,
    n_out_of_range      INTEGER NOT NULL,
    total_error         REAL NOT NULL,
    deviations_error    REAL NOT NULL,
    added               REAL,
    dropped             REAL,
    PRIMARY KEY (campaign_id, indicator, part, administration_code, shard)
);

-- The campaigns whose cells are not built yet: those with submissions
-- made before score_cells existed, whose cells were never kept. Scoring
-- such a campaign first builds its cells from its answers, once, and
-- deletes its row here; a campaign created from now on has its cells kept
-- from its first submission and never appears here.
CREATE TABLE score_cells_unbuilt (
    campaign_id INTEGER PRIMARY KEY REFERENCES campaigns (id) ON DELETE CASCADE
);
INSERT INTO score_cells_unbuilt (campaign_id)
SELECT DISTINCT campaign_id FROM responses WHERE current_submission_id IS NOT NULL;
