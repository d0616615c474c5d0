#!/bin/sh
# HAProxy external check for the writable MariaDB node (deploy/haproxy.cfg, listen
# mysql-primary): succeeds only when the node answers SELECT @@read_only with 0; an unreachable
# node, a refused login, a timeout or read_only=1 (the replica) all fail it.
#
# HAProxy calls it as
#   mysql-writable-check.sh <proxy address> <proxy port> <server address> <server port>
# with an emptied environment (PATH only), so the account and its password file are fixed here:
# the `monitor` account has no privilege beyond logging in (USAGE), which is all
# SELECT @@read_only needs; deploy/mariadb/primary-init/10-monitor-user.sh creates it.
# compose.yaml also runs it as haproxy's own healthcheck, against HAProxy's :3306.
# MYSQL_CHECK_USER and MYSQL_CHECK_PASSWORD_FILE override the defaults (for tests).
user=${MYSQL_CHECK_USER:-monitor}
password_file=${MYSQL_CHECK_PASSWORD_FILE:-/run/secrets/db_monitor_password}
host=${3:?usage: $0 PROXY_ADDR PROXY_PORT SERVER_ADDR SERVER_PORT}
port=${4:-3306}
[ -r "$password_file" ] || exit 1
MYSQL_PWD=$(cat "$password_file") || exit 1
export MYSQL_PWD
ro=$(mariadb --no-defaults --protocol=tcp --connect-timeout=1 -u "$user" -h "$host" -P "$port" \
  -N -B -e 'SELECT @@read_only' 2>/dev/null) || exit 1
[ "$ro" = "0" ]
