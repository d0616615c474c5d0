-- The activity log is paged by the group version each entry's change made, then by id (issue 15):
-- ids come from AUTO_INCREMENT, which interleaves across Galera nodes and may jump on a new
-- primary, while the group version rises with every write under the group's row lock.
CREATE INDEX activity_by_version ON activity (group_id, version, id);
