-- Accounts, sessions, group access, invites, the activity log (issue 8).
-- Secrets that several instances share (the token-signing key when none is configured).
CREATE TABLE settings (
    name        TEXT PRIMARY KEY NOT NULL,
    value       TEXT NOT NULL
);

CREATE TABLE accounts (
    id            TEXT PRIMARY KEY NOT NULL,
    email         TEXT NOT NULL,              -- trimmed and lower-cased
    password_hash TEXT NOT NULL,              -- argon2id PHC string
    created_at    INTEGER NOT NULL
);
CREATE UNIQUE INDEX accounts_by_email ON accounts (email);

-- A login and the chain of refresh tokens that rotate from it (the "family").
CREATE TABLE sessions (
    id          TEXT PRIMARY KEY NOT NULL,
    account_id  TEXT NOT NULL,
    revoked     INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL
);
CREATE INDEX sessions_by_account ON sessions (account_id);

-- Refresh tokens, stored only as SHA-256; `used` once rotated (a second use revokes the session).
CREATE TABLE refresh_tokens (
    token_hash  TEXT PRIMARY KEY NOT NULL,
    session_id  TEXT NOT NULL,
    used        INTEGER NOT NULL DEFAULT 0,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);

-- Which accounts may see a group, their role, and the member each is linked to (if any).
CREATE TABLE group_access (
    group_id    TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    role        TEXT NOT NULL,               -- owner | member
    member_id   TEXT,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (group_id, account_id)
);
CREATE INDEX group_access_by_account ON group_access (account_id);
CREATE UNIQUE INDEX group_access_by_member ON group_access (group_id, member_id);

-- Invite codes, stored only as SHA-256.
CREATE TABLE invites (
    id          TEXT PRIMARY KEY NOT NULL,
    group_id    TEXT NOT NULL,
    code_hash   TEXT NOT NULL,
    member_id   TEXT,
    created_by  TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    revoked     INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX invites_by_code ON invites (code_hash);
CREATE INDEX invites_by_group ON invites (group_id);

-- Every change to a group's records and members: who, when, before and after (JSON text).
CREATE TABLE activity (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    group_id    TEXT NOT NULL,
    version     INTEGER NOT NULL,
    at          INTEGER NOT NULL,
    account_id  TEXT NOT NULL,
    action      TEXT NOT NULL,
    target      TEXT NOT NULL,
    before_json TEXT,
    after_json  TEXT
);
CREATE INDEX activity_by_group ON activity (group_id, id);

-- `group` (one currency, converted with rates) or `each` (per currency, as Splitwise keeps them).
ALTER TABLE `groups` ADD COLUMN balances_in TEXT NOT NULL DEFAULT 'group';
