-- Balances kept one record at a time (issue 14): what the group's live records add up to, per
-- currency bucket and member, in exact minor units written as decimal text (a sum may pass 64
-- bits). Every write adds or takes away its record's part in its own transaction; a rate change
-- computes them again. Groups made before this table have `totals_kept` 0 and get their totals
-- the first time their balances are read.
ALTER TABLE `groups` ADD COLUMN totals_kept INTEGER NOT NULL DEFAULT 0;

CREATE TABLE totals_buckets (
    group_id    TEXT NOT NULL REFERENCES `groups`(id),
    currency    TEXT NOT NULL,
    records     INTEGER NOT NULL,             -- live records counted in the bucket
    PRIMARY KEY (group_id, currency)
);

CREATE TABLE totals (
    group_id    TEXT NOT NULL REFERENCES `groups`(id),
    currency    TEXT NOT NULL,
    member_id   TEXT NOT NULL,
    paid        TEXT NOT NULL,                -- minor units, decimal text
    owed        TEXT NOT NULL,
    PRIMARY KEY (group_id, currency, member_id)
);
