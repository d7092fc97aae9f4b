-- Campaigns that can be corrected. title is what the pages and exports
-- call a campaign ('' for one created before titles); revision counts the
-- campaign's changes (creation is 1) and is its ETag, so that a correction
-- made on a stale copy is refused; last_closed_at is when it was last
-- closed (final), reopened_at when it was last reopened after that, NULL
-- for never, and reopen_reason why.
ALTER TABLE campaigns ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE campaigns ADD COLUMN revision INTEGER NOT NULL DEFAULT 1;
ALTER TABLE campaigns ADD COLUMN last_closed_at TIMESTAMP;
ALTER TABLE campaigns ADD COLUMN reopened_at TIMESTAMP;
ALTER TABLE campaigns ADD COLUMN reopen_reason TEXT NOT NULL DEFAULT '';
