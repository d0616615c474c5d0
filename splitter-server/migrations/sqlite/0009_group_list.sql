-- `GET /v1/groups` shows the caller's net in each of its groups from the kept totals (issue 16):
-- one member's rows of a group, whatever their currency.
CREATE INDEX totals_by_member ON totals (group_id, member_id);
