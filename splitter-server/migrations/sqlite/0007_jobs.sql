-- Import jobs (issue 15): a durable queue in the database itself (see the MySQL migration).
CREATE TABLE jobs (
    id           TEXT NOT NULL PRIMARY KEY,
    account_id   TEXT NOT NULL,
    kind         TEXT NOT NULL,
    name         TEXT NOT NULL,
    me           TEXT NULL,
    payload      TEXT NOT NULL,
    status       TEXT NOT NULL,
    phase        TEXT NOT NULL,
    done         INTEGER NOT NULL DEFAULT 0,
    total        INTEGER NOT NULL DEFAULT 0,
    attempts     INTEGER NOT NULL DEFAULT 0,
    owner        TEXT NULL,
    lease_until  INTEGER NOT NULL DEFAULT 0,
    result       TEXT NULL,
    error        TEXT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX jobs_claim ON jobs (status, lease_until);
CREATE INDEX jobs_account ON jobs (account_id, created_at);
