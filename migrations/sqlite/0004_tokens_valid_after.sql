-- Access tokens issued before this time are refused (compared to the
-- second, the precision of iat). Set when an account's role or
-- administration changes, when it is disabled, and when its password
-- changes; NULL means no such change yet.
ALTER TABLE users ADD COLUMN tokens_valid_after TIMESTAMP;
