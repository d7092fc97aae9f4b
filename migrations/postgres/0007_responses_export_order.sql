-- The responses export reads a campaign's responses in batches, ordered by
-- administration, then response id (keyset pagination): this index lets each
-- batch start where the previous one ended instead of sorting the whole
-- campaign again. It also serves every lookup of responses_campaign, whose
-- columns are its prefix.
CREATE INDEX responses_export ON responses (campaign_id, administration_code, id);
DROP INDEX responses_campaign;
