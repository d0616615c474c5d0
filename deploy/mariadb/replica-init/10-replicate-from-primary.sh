# shellcheck shell=bash
# Sourced (this file is not executable on purpose) by the mariadb image's entrypoint the first
# time the replica starts with an empty data directory. Points it at the primary by GTID, from
# the primary's first transaction: the app's schema and account, the replication and monitor
# accounts all arrive through replication (none is made here). The entrypoint's temporary server
# runs with --skip-slave-start; replication starts when the real server does.
replication_password=$(cat /run/secrets/db_replication_password)
replication_password=$(docker_sql_escape_string_literal "$replication_password")
docker_process_sql <<EOSQL
CHANGE MASTER TO
  MASTER_HOST='mariadb-primary',
  MASTER_PORT=3306,
  MASTER_USER='replication',
  MASTER_PASSWORD='${replication_password}',
  MASTER_USE_GTID=slave_pos,
  MASTER_CONNECT_RETRY=10;
EOSQL
unset replication_password
