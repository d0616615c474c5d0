-- Splitter server schema (MySQL / MariaDB). Money is never a float: amounts are DECIMAL(38,4)
-- (every ISO currency has at most 4 decimals; the core's range is 29 digits), and the records
-- themselves are the contract's JSON with amounts as decimal strings.
-- Ids compare byte for byte (utf8mb4_bin); the JSON text columns use a non-binary collation so
-- that the driver reads them as text, not as blobs.
CREATE TABLE `groups` (
    id          VARCHAR(64) NOT NULL PRIMARY KEY,
    name        VARCHAR(255) NOT NULL,
    currency    VARCHAR(8) NOT NULL,
    rates       TEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
    version     BIGINT NOT NULL,
    seq         BIGINT NOT NULL,
    created_at  BIGINT NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE members (
    group_id    VARCHAR(64) NOT NULL,
    member_id   VARCHAR(255) NOT NULL,
    name        VARCHAR(255) NULL,
    position    BIGINT NOT NULL,
    removed     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (group_id, member_id),
    KEY members_by_position (group_id, position),
    CONSTRAINT members_group FOREIGN KEY (group_id) REFERENCES `groups` (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE expenses (
    group_id    VARCHAR(64) NOT NULL,
    seq         BIGINT NOT NULL,
    id          VARCHAR(64) NOT NULL,
    revision    BIGINT NOT NULL,
    deleted     BIGINT NOT NULL DEFAULT 0,
    amount      DECIMAL(38,4) NOT NULL,
    date        VARCHAR(10) NULL,
    category    VARCHAR(255) NULL,
    body        LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
    PRIMARY KEY (group_id, seq),
    UNIQUE KEY expenses_by_id (group_id, id),
    KEY expenses_live (group_id, deleted, seq),
    KEY expenses_by_date (group_id, deleted, date, seq),
    KEY expenses_by_category (group_id, deleted, category, seq),
    CONSTRAINT expenses_group FOREIGN KEY (group_id) REFERENCES `groups` (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE expense_members (
    group_id    VARCHAR(64) NOT NULL,
    seq         BIGINT NOT NULL,
    member_id   VARCHAR(255) NOT NULL,
    PRIMARY KEY (group_id, member_id, seq),
    KEY expense_members_by_expense (group_id, seq)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE payments (
    group_id    VARCHAR(64) NOT NULL,
    seq         BIGINT NOT NULL,
    id          VARCHAR(64) NOT NULL,
    deleted     BIGINT NOT NULL DEFAULT 0,
    amount      DECIMAL(38,4) NOT NULL,
    from_member VARCHAR(255) NOT NULL,
    to_member   VARCHAR(255) NOT NULL,
    body        LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
    PRIMARY KEY (group_id, seq),
    UNIQUE KEY payments_by_id (group_id, id),
    KEY payments_live (group_id, deleted, seq),
    CONSTRAINT payments_group FOREIGN KEY (group_id) REFERENCES `groups` (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE idempotency (
    scope        VARCHAR(64) NOT NULL,
    idem_key     VARCHAR(255) NOT NULL,
    request_hash CHAR(64) NOT NULL,
    status       BIGINT NOT NULL,
    response     LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci NOT NULL,
    created_at   BIGINT NOT NULL,
    PRIMARY KEY (scope, idem_key),
    KEY idempotency_by_age (created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
