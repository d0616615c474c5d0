# shellcheck shell=bash
# Sourced (this file is not executable on purpose) by the mariadb image's entrypoint the first
# time the primary starts with an empty data directory, after it made the root, app and
# replication accounts. Creates `monitor`, the account haproxy's check
# (deploy/mysql-writable-check.sh) logs in with: no privilege beyond logging in, which is all
# SELECT @@read_only needs. It goes through the binary log, so the replica has it too.
monitor_password=$(cat /run/secrets/db_monitor_password)
monitor_password=$(docker_sql_escape_string_literal "$monitor_password")
docker_process_sql <<EOSQL
CREATE USER 'monitor'@'%' IDENTIFIED BY '${monitor_password}';
GRANT USAGE ON *.* TO 'monitor'@'%';
EOSQL
unset monitor_password
