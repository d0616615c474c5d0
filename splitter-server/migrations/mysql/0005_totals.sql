-- Balances kept one record at a time (issue 14): what the group's live records add up to, per
-- currency bucket and member, in exact minor units written as decimal text (a sum may pass 64
-- bits; never a float). Every write adds or takes away its record's part in its own transaction;
-- a rate change computes them again. Groups made before this table have `totals_kept` 0 and get
-- their totals the first time their balances are read.
ALTER TABLE `groups` ADD COLUMN totals_kept BIGINT NOT NULL DEFAULT 0;

CREATE TABLE totals_buckets (
    group_id    VARCHAR(64) NOT NULL,
    currency    VARCHAR(8) NOT NULL,
    records     BIGINT NOT NULL,
    PRIMARY KEY (group_id, currency),
    CONSTRAINT totals_buckets_group FOREIGN KEY (group_id) REFERENCES `groups` (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;

CREATE TABLE totals (
    group_id    VARCHAR(64) NOT NULL,
    currency    VARCHAR(8) NOT NULL,
    member_id   VARCHAR(255) NOT NULL,
    paid        VARCHAR(48) NOT NULL,
    owed        VARCHAR(48) NOT NULL,
    PRIMARY KEY (group_id, currency, member_id),
    CONSTRAINT totals_group FOREIGN KEY (group_id) REFERENCES `groups` (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin;
