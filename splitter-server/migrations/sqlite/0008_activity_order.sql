-- The activity log is paged by the group version, then by id (see the MySQL migration).
CREATE INDEX activity_by_version ON activity (group_id, version, id);
