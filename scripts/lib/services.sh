# MariaDB and Redis for a test or benchmark run: installed when missing, started on ports and in
# directories of the run's own (so a second run or a developer's own servers do not collide),
# stopped by pid. Source this file, then:
#   services_start DIR MYSQL_PORT REDIS_PORT [REPLICA_PORT]
#                                              # sets MYSQL_URL and REDIS_URL; with REPLICA_PORT
#                                              # also a MariaDB replica of it (GTID), MYSQL_REPLICA_URL
#   services_stop                              # stops what services_start started
# Needs root for apt-get when the servers are not installed.

SERVICES_CLUSTER_PIDS=()

ensure_services_installed() {
  if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ] || ! command -v redis-server >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server redis-server >/dev/null
  fi
}

services_start() {
  local dir=$1 mysql_port=$2 redis_port=$3 replica_port=${4:-}
  ensure_services_installed || return 1
  SERVICES_DIR=$dir
  rm -rf "$dir" && mkdir -p "$dir/mysql" "$dir/redis"
  mariadb-install-db --no-defaults --datadir="$dir/mysql/data" --user="$(id -un)" --auth-root-authentication-method=socket >"$dir/mysql/install.log" 2>&1 || return 1
  # With a replica, the primary writes a binary log with GTIDs for it to follow.
  local binlog=(--skip-log-bin)
  [ -n "$replica_port" ] && binlog=(--log-bin=mysql-bin --server-id=1 --binlog-format=ROW --gtid-strict-mode=1)
  "$(command -v mariadbd || echo /usr/sbin/mariadbd)" --no-defaults --datadir="$dir/mysql/data" --user="$(id -un)" --port="$mysql_port" \
    --bind-address=127.0.0.1 --socket="$dir/mysql/mysqld.sock" --pid-file="$dir/mysql/mysqld.pid" \
    "${binlog[@]}" --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2 \
    --max-connections=500 >"$dir/mysql/server.log" 2>&1 &
  SERVICES_MYSQL_PID=$!
  redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$dir/redis" \
    --daemonize no >"$dir/redis/server.log" 2>&1 &
  SERVICES_REDIS_PID=$!
  local i
  for i in $(seq 1 100); do
    mariadb --no-defaults --socket="$dir/mysql/mysqld.sock" -uroot -e "SELECT 1" >/dev/null 2>&1 && break
    sleep 0.2
  done
  mariadb --no-defaults --socket="$dir/mysql/mysqld.sock" -uroot -e "
    CREATE DATABASE IF NOT EXISTS splitter;
    CREATE USER IF NOT EXISTS 'splitter'@'127.0.0.1' IDENTIFIED BY 'splitter';
    GRANT ALL ON *.* TO 'splitter'@'127.0.0.1';" || return 1
  for i in $(seq 1 40); do
    redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
    sleep 0.25
  done
  MYSQL_URL="mysql://splitter:splitter@127.0.0.1:$mysql_port/splitter"
  REDIS_URL="redis://127.0.0.1:$redis_port"
  export MYSQL_URL REDIS_URL
  [ -z "$replica_port" ] || replica_start "$dir" "$mysql_port" "$replica_port"
}

# A read-only MariaDB replica of the primary on MYSQL_PORT, following its binary log from the
# start by GTID (so it gets the database and the users too). Sets MYSQL_REPLICA_URL.
replica_start() {
  local dir=$1 primary_port=$2 port=$3 i
  mkdir -p "$dir/replica"
  mariadb --no-defaults --socket="$dir/mysql/mysqld.sock" -uroot -e "
    CREATE USER IF NOT EXISTS 'repl'@'127.0.0.1' IDENTIFIED BY 'repl';
    GRANT REPLICATION SLAVE ON *.* TO 'repl'@'127.0.0.1';" || return 1
  mariadb-install-db --no-defaults --datadir="$dir/replica/data" --user="$(id -un)" --auth-root-authentication-method=socket >"$dir/replica/install.log" 2>&1 || return 1
  "$(command -v mariadbd || echo /usr/sbin/mariadbd)" --no-defaults --datadir="$dir/replica/data" --user="$(id -un)" --port="$port" \
    --bind-address=127.0.0.1 --socket="$dir/replica/mysqld.sock" --pid-file="$dir/replica/mysqld.pid" \
    --server-id=2 --read-only=1 --skip-log-bin --gtid-strict-mode=1 --innodb-buffer-pool-size=64M \
    --innodb-flush-log-at-trx-commit=2 --max-connections=200 >"$dir/replica/server.log" 2>&1 &
  SERVICES_REPLICA_PID=$!
  for i in $(seq 1 100); do
    mariadb --no-defaults --socket="$dir/replica/mysqld.sock" -uroot -e "SELECT 1" >/dev/null 2>&1 && break
    sleep 0.2
  done
  mariadb --no-defaults --socket="$dir/replica/mysqld.sock" -uroot -e "
    CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=$primary_port, MASTER_USER='repl',
      MASTER_PASSWORD='repl', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1;
    START SLAVE;" || return 1
  # Caught up once the application's user has come over.
  for i in $(seq 1 100); do
    [ "$(mariadb --no-defaults --socket="$dir/replica/mysqld.sock" -uroot -N -e \
      "SELECT COUNT(*) FROM mysql.user WHERE user = 'splitter'" 2>/dev/null)" = 1 ] && break
    sleep 0.2
  done
  MYSQL_REPLICA_URL="mysql://splitter:splitter@127.0.0.1:$port/splitter"
  export MYSQL_REPLICA_URL
}

# A Redis Cluster of three masters (no replicas: what is tested is slot routing and hash tags)
# on PORT1..PORT3 under DIR. Sets REDIS_CLUSTER_URL (the nodes, comma-separated).
redis_cluster_start() {
  local dir=$1 i port ports=()
  shift
  mkdir -p "$dir"
  for port in "$@"; do
    mkdir -p "$dir/$port"
    redis-server --port "$port" --bind 127.0.0.1 --cluster-enabled yes --cluster-config-file "$dir/$port/nodes.conf" \
      --cluster-node-timeout 2000 --save "" --appendonly no --dir "$dir/$port" --daemonize no >"$dir/$port/server.log" 2>&1 &
    SERVICES_CLUSTER_PIDS+=("$!")
    ports+=("127.0.0.1:$port")
  done
  for port in "$@"; do
    for i in $(seq 1 40); do redis-cli -p "$port" ping >/dev/null 2>&1 && break; sleep 0.25; done
  done
  redis-cli --cluster create "${ports[@]}" --cluster-replicas 0 --cluster-yes >"$dir/create.log" 2>&1 || return 1
  for i in $(seq 1 80); do
    redis-cli -p "$1" cluster info 2>/dev/null | grep -q 'cluster_state:ok' && break
    sleep 0.25
  done
  REDIS_CLUSTER_URL=$(printf 'redis://%s,' "${ports[@]}")
  REDIS_CLUSTER_URL=${REDIS_CLUSTER_URL%,}
  export REDIS_CLUSTER_URL
}

services_stop() {
  local pid
  for pid in "${SERVICES_CLUSTER_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  SERVICES_CLUSTER_PIDS=()
  [ -n "${SERVICES_REDIS_PID:-}" ] && kill "$SERVICES_REDIS_PID" 2>/dev/null
  [ -n "${SERVICES_REPLICA_PID:-}" ] && kill "$SERVICES_REPLICA_PID" 2>/dev/null
  [ -n "${SERVICES_MYSQL_PID:-}" ] && kill "$SERVICES_MYSQL_PID" 2>/dev/null
  local pid
  for pid in ${SERVICES_MYSQL_PID:-} ${SERVICES_REPLICA_PID:-} ${SERVICES_REDIS_PID:-}; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  SERVICES_REDIS_PID= SERVICES_MYSQL_PID= SERVICES_REPLICA_PID=
}
