-- Hardening (issue 12).
-- Ids compare byte for byte with no trailing-space padding: utf8mb4_bin is a PAD SPACE collation,
-- under which 'ana' and 'ana ' are one key and 'e1   ' finds e1. utf8mb4_nopad_bin (MariaDB 10.2+)
-- compares every byte.
ALTER TABLE `groups` MODIFY id VARCHAR(64) NOT NULL COLLATE utf8mb4_nopad_bin;
ALTER TABLE members
    MODIFY group_id VARCHAR(64) NOT NULL COLLATE utf8mb4_nopad_bin,
    MODIFY member_id VARCHAR(255) NOT NULL COLLATE utf8mb4_nopad_bin;
ALTER TABLE expenses
    MODIFY group_id VARCHAR(64) NOT NULL COLLATE utf8mb4_nopad_bin,
    MODIFY id VARCHAR(64) NOT NULL COLLATE utf8mb4_nopad_bin,
    MODIFY category VARCHAR(255) NULL COLLATE utf8mb4_nopad_bin;
ALTER TABLE expense_members
    MODIFY group_id VARCHAR(64) NOT NULL COLLATE utf8mb4_nopad_bin,
    MODIFY member_id VARCHAR(255) NOT NULL COLLATE utf8mb4_nopad_bin;
ALTER TABLE payments
    MODIFY group_id VARCHAR(64) NOT NULL COLLATE utf8mb4_nopad_bin,
    MODIFY id VARCHAR(64) NOT NULL COLLATE utf8mb4_nopad_bin,
    MODIFY from_member VARCHAR(255) NOT NULL COLLATE utf8mb4_nopad_bin,
    MODIFY to_member VARCHAR(255) NOT NULL COLLATE utf8mb4_nopad_bin;
ALTER TABLE idempotency
    MODIFY scope VARCHAR(64) NOT NULL COLLATE utf8mb4_nopad_bin,
    MODIFY idem_key VARCHAR(255) NOT NULL COLLATE utf8mb4_nopad_bin;
ALTER TABLE accounts
    MODIFY id VARCHAR(64) NOT NULL COLLATE utf8mb4_nopad_bin,
    MODIFY email VARCHAR(255) NOT NULL COLLATE utf8mb4_nopad_bin;
ALTER TABLE sessions
    MODIFY id VARCHAR(64) NOT NULL COLLATE utf8mb4_nopad_bin,
    MODIFY account_id VARCHAR(64) NOT NULL COLLATE utf8mb4_nopad_bin;
ALTER TABLE refresh_tokens MODIFY session_id VARCHAR(64) NOT NULL COLLATE utf8mb4_nopad_bin;
ALTER TABLE group_access
    MODIFY group_id VARCHAR(64) NOT NULL COLLATE utf8mb4_nopad_bin,
    MODIFY account_id VARCHAR(64) NOT NULL COLLATE utf8mb4_nopad_bin,
    MODIFY member_id VARCHAR(255) NULL COLLATE utf8mb4_nopad_bin;
ALTER TABLE invites
    MODIFY id VARCHAR(64) NOT NULL COLLATE utf8mb4_nopad_bin,
    MODIFY group_id VARCHAR(64) NOT NULL COLLATE utf8mb4_nopad_bin,
    MODIFY member_id VARCHAR(255) NULL COLLATE utf8mb4_nopad_bin;
ALTER TABLE activity
    MODIFY group_id VARCHAR(64) NOT NULL COLLATE utf8mb4_nopad_bin,
    MODIFY target VARCHAR(255) NOT NULL COLLATE utf8mb4_nopad_bin;

-- How many share rows the group's live expenses hold (a bound on what computing it costs), and
-- each expense's own; groups made before this column count from 0.
ALTER TABLE `groups` ADD COLUMN share_rows BIGINT NOT NULL DEFAULT 0;
ALTER TABLE expenses ADD COLUMN parts BIGINT NOT NULL DEFAULT 0;

-- The UTS #39 skeleton of the email: no second account may look like an existing one.
ALTER TABLE accounts ADD COLUMN email_key VARCHAR(255) NULL COLLATE utf8mb4_nopad_bin;
CREATE UNIQUE INDEX accounts_by_email_key ON accounts (email_key);

-- The token secret is configured now (--token-secret), never kept in the database.
DELETE FROM settings WHERE name = 'token_secret';
