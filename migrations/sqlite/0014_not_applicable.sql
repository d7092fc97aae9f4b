-- Not applicable is not missing (docs/scoring.md, "Step 1"): a response
-- to which none of a measure's questions was shown, each hidden by its
-- show_if, is counted in n_not_applicable, no longer in n_missing.
ALTER TABLE score_cells ADD COLUMN n_not_applicable INTEGER NOT NULL DEFAULT 0;

-- The cells kept so far counted such responses as missing: every campaign
-- with submissions has its cells built again from its answers when it is
-- next scored (or by surveyd rescore).
DELETE FROM score_cells;
INSERT INTO score_cells_unbuilt (campaign_id)
SELECT DISTINCT campaign_id FROM responses
WHERE current_submission_id IS NOT NULL
  AND campaign_id NOT IN (SELECT campaign_id FROM score_cells_unbuilt);
