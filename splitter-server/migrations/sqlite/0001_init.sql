-- Splitter server schema (SQLite). Money is never a float: amounts are exact decimal text
-- (SQLite has no exact DECIMAL; TEXT keeps the digits as written) and the records themselves are
-- the contract's JSON with amounts as decimal strings.
CREATE TABLE `groups` (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    currency    TEXT NOT NULL,
    rates       TEXT NOT NULL,               -- JSON object of decimal strings
    version     INTEGER NOT NULL,            -- bumped by every write; part of every cache key
    seq         INTEGER NOT NULL,            -- last record number handed out (e1, p2, ...)
    created_at  INTEGER NOT NULL
);

CREATE TABLE members (
    group_id    TEXT NOT NULL REFERENCES `groups`(id),
    member_id   TEXT NOT NULL,
    name        TEXT,
    position    INTEGER NOT NULL,
    removed     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (group_id, member_id)
);
CREATE INDEX members_by_position ON members (group_id, position);

CREATE TABLE expenses (
    group_id    TEXT NOT NULL REFERENCES `groups`(id),
    seq         INTEGER NOT NULL,
    id          TEXT NOT NULL,
    revision    INTEGER NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0,
    amount      TEXT NOT NULL,
    date        TEXT,
    category    TEXT,
    body        TEXT NOT NULL,
    PRIMARY KEY (group_id, seq)
);
CREATE UNIQUE INDEX expenses_by_id ON expenses (group_id, id);
CREATE INDEX expenses_live ON expenses (group_id, deleted, seq);
CREATE INDEX expenses_by_date ON expenses (group_id, deleted, date, seq);
CREATE INDEX expenses_by_category ON expenses (group_id, deleted, category, seq);

CREATE TABLE expense_members (
    group_id    TEXT NOT NULL,
    seq         INTEGER NOT NULL,
    member_id   TEXT NOT NULL,
    PRIMARY KEY (group_id, member_id, seq)
);
CREATE INDEX expense_members_by_expense ON expense_members (group_id, seq);

CREATE TABLE payments (
    group_id    TEXT NOT NULL REFERENCES `groups`(id),
    seq         INTEGER NOT NULL,
    id          TEXT NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0,
    amount      TEXT NOT NULL,
    from_member TEXT NOT NULL,
    to_member   TEXT NOT NULL,
    body        TEXT NOT NULL,
    PRIMARY KEY (group_id, seq)
);
CREATE UNIQUE INDEX payments_by_id ON payments (group_id, id);
CREATE INDEX payments_live ON payments (group_id, deleted, seq);

-- Idempotency-Key records, written in the same transaction as the POST's effect. `scope` is
-- empty until accounts exist (then: the account id), so keys of two accounts never collide.
CREATE TABLE idempotency (
    scope        TEXT NOT NULL,
    idem_key     TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    response     TEXT NOT NULL,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotency_by_age ON idempotency (created_at);
