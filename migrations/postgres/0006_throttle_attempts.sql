-- login_failures now holds every attempt the throttle counts: a row is
-- written before a password (or a refresh or logout token) is checked, and
-- stays as a failure unless the attempt succeeds. A successful login does not
-- delete the rows it forgives but sets cleared_at, so that attempts that
-- began before it still count them.
ALTER TABLE login_failures ADD COLUMN cleared_at TIMESTAMPTZ;
-- Expired rows are deleted by age.
CREATE INDEX login_failures_failed_at ON login_failures (failed_at);
