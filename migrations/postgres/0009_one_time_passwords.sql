-- A password reset gives an account a one-time password: password_hash
-- then holds its hash, one_time_password_expires_at when it stops being
-- accepted, and one_time_password_used_at when it opened a session (it
-- opens one at most). While one_time_password_expires_at is set the account
-- must choose a new password before it may do anything else; a password
-- change clears both columns.
ALTER TABLE users ADD COLUMN one_time_password_expires_at TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN one_time_password_used_at TIMESTAMPTZ;
