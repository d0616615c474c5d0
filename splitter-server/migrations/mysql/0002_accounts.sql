-- Accounts, sessions, group access, invites, the activity log (issue 8). See the SQLite twin.
CREATE TABLE settings (
    name        VARCHAR(64) NOT NULL PRIMARY KEY,
    value       TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE accounts (
    id            VARCHAR(64) NOT NULL PRIMARY KEY,
    email         VARCHAR(255) NOT NULL,
    password_hash VARCHAR(255) NOT NULL,
    created_at    BIGINT NOT NULL,
    UNIQUE KEY accounts_by_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE sessions (
    id          VARCHAR(64) NOT NULL PRIMARY KEY,
    account_id  VARCHAR(64) NOT NULL,
    revoked     BIGINT NOT NULL DEFAULT 0,
    created_at  BIGINT NOT NULL,
    KEY sessions_by_account (account_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE refresh_tokens (
    token_hash  CHAR(64) NOT NULL PRIMARY KEY,
    session_id  VARCHAR(64) NOT NULL,
    used        BIGINT NOT NULL DEFAULT 0,
    expires_at  BIGINT NOT NULL,
    KEY refresh_tokens_by_session (session_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE group_access (
    group_id    VARCHAR(64) NOT NULL,
    account_id  VARCHAR(64) NOT NULL,
    role        VARCHAR(16) NOT NULL,
    member_id   VARCHAR(255) NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (group_id, account_id),
    KEY group_access_by_account (account_id),
    UNIQUE KEY group_access_by_member (group_id, member_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE invites (
    id          VARCHAR(64) NOT NULL PRIMARY KEY,
    group_id    VARCHAR(64) NOT NULL,
    code_hash   CHAR(64) NOT NULL,
    member_id   VARCHAR(255) NULL,
    created_by  VARCHAR(64) NOT NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL,
    revoked     BIGINT NOT NULL DEFAULT 0,
    UNIQUE KEY invites_by_code (code_hash),
    KEY invites_by_group (group_id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE activity (
    id          BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    group_id    VARCHAR(64) NOT NULL,
    version     BIGINT NOT NULL,
    at          BIGINT NOT NULL,
    account_id  VARCHAR(64) NOT NULL,
    action      VARCHAR(32) NOT NULL,
    target      VARCHAR(255) NOT NULL,
    before_json LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL,
    after_json  LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NULL,
    KEY activity_by_group (group_id, id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

ALTER TABLE `groups` ADD COLUMN balances_in VARCHAR(8) NOT NULL DEFAULT 'group';
