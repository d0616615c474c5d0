-- Hardening (issue 12).
-- Text compares byte for byte with no trailing-space padding: utf8mb4_bin is a PAD SPACE
-- collation, under which 'ana' and 'ana ' are one key and 'e1   ' finds e1. utf8mb4_nopad_bin
-- (MariaDB 10.2+) compares every byte. Every table changes, so that no join compares two
-- collations. The group id is the key three foreign keys refer to: they are dropped while both
-- ends change, then made again. (JSON text columns become binary-collated too; the server reads
-- them either way.)
ALTER TABLE members DROP FOREIGN KEY members_group;
ALTER TABLE expenses DROP FOREIGN KEY expenses_group;
ALTER TABLE payments DROP FOREIGN KEY payments_group;
ALTER TABLE `groups` CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE members CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE expenses CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE expense_members CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE payments CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE idempotency CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE settings CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE accounts CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE sessions CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE refresh_tokens CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE group_access CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE invites CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE activity CONVERT TO CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin;
ALTER TABLE members ADD CONSTRAINT members_group FOREIGN KEY (group_id) REFERENCES `groups` (id);
ALTER TABLE expenses ADD CONSTRAINT expenses_group FOREIGN KEY (group_id) REFERENCES `groups` (id);
ALTER TABLE payments ADD CONSTRAINT payments_group FOREIGN KEY (group_id) REFERENCES `groups` (id);

-- How many share rows the group's live expenses hold (a bound on what computing it costs), and
-- each expense's own; groups made before this column count from 0.
ALTER TABLE `groups` ADD COLUMN share_rows BIGINT NOT NULL DEFAULT 0;
ALTER TABLE expenses ADD COLUMN parts BIGINT NOT NULL DEFAULT 0;

-- The UTS #39 skeleton of the email: no second account may look like an existing one.
ALTER TABLE accounts ADD COLUMN email_key VARCHAR(255) NULL COLLATE utf8mb4_nopad_bin;
CREATE UNIQUE INDEX accounts_by_email_key ON accounts (email_key);

-- The token secret is configured now (--token-secret), never kept in the database.
DELETE FROM settings WHERE name = 'token_secret';
