-- Import jobs (issue 15): a durable queue in the database itself. A job is claimed by one
-- instance at a time (FOR UPDATE SKIP LOCKED) under a lease it renews while it works; a job
-- whose lease ran out (its instance died) is claimed again. The job's effect (the new group) and
-- its completion commit in one transaction, fenced by the lease's owner, so a job takes effect
-- once however often it is claimed.
CREATE TABLE jobs (
    id           VARCHAR(64) NOT NULL,
    account_id   VARCHAR(64) NOT NULL,
    kind         VARCHAR(16) NOT NULL,
    name         VARCHAR(255) NOT NULL,
    me           VARCHAR(255) NULL,
    payload      LONGTEXT NOT NULL,
    status       VARCHAR(16) NOT NULL,
    phase        VARCHAR(16) NOT NULL,
    done         BIGINT NOT NULL DEFAULT 0,
    total        BIGINT NOT NULL DEFAULT 0,
    attempts     BIGINT NOT NULL DEFAULT 0,
    owner        VARCHAR(64) NULL,
    lease_until  BIGINT NOT NULL DEFAULT 0,
    result       LONGTEXT NULL,
    error        LONGTEXT NULL,
    created_at   BIGINT NOT NULL,
    updated_at   BIGINT NOT NULL,
    PRIMARY KEY (id),
    KEY jobs_claim (status, lease_until),
    KEY jobs_account (account_id, created_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
