-- Hardening (issue 12). SQLite compares text byte for byte already ('ana' and 'ana ' differ).

-- How many share rows the group's live expenses hold (a bound on what computing it costs), and
-- each expense's own; groups made before this column count from 0.
ALTER TABLE `groups` ADD COLUMN share_rows INTEGER NOT NULL DEFAULT 0;
ALTER TABLE expenses ADD COLUMN parts INTEGER NOT NULL DEFAULT 0;

-- The UTS #39 skeleton of the email: no second account may look like an existing one.
ALTER TABLE accounts ADD COLUMN email_key TEXT;
CREATE UNIQUE INDEX accounts_by_email_key ON accounts (email_key);

-- The token secret is configured now (--token-secret), never kept in the database.
DELETE FROM settings WHERE name = 'token_secret';
