# MariaDB and Redis for a test or benchmark run: installed when missing, started on ports and in
# directories of the run's own (so a second run or a developer's own servers do not collide),
# stopped by pid. Source this file, then:
#   services_start DIR MYSQL_PORT REDIS_PORT   # sets MYSQL_URL and REDIS_URL
#   services_stop                              # stops what services_start started
# Needs root for apt-get when the servers are not installed.

ensure_services_installed() {
  if ! command -v mariadbd >/dev/null 2>&1 && [ ! -x /usr/sbin/mariadbd ] || ! command -v redis-server >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server redis-server >/dev/null
  fi
}

services_start() {
  local dir=$1 mysql_port=$2 redis_port=$3
  ensure_services_installed || return 1
  SERVICES_DIR=$dir
  rm -rf "$dir" && mkdir -p "$dir/mysql" "$dir/redis"
  mariadb-install-db --no-defaults --datadir="$dir/mysql/data" --user="$(id -un)" --auth-root-authentication-method=socket >"$dir/mysql/install.log" 2>&1 || return 1
  "$(command -v mariadbd || echo /usr/sbin/mariadbd)" --no-defaults --datadir="$dir/mysql/data" --user="$(id -un)" --port="$mysql_port" \
    --bind-address=127.0.0.1 --socket="$dir/mysql/mysqld.sock" --pid-file="$dir/mysql/mysqld.pid" \
    --skip-log-bin --innodb-buffer-pool-size=256M --innodb-flush-log-at-trx-commit=2 \
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
}

services_stop() {
  [ -n "${SERVICES_REDIS_PID:-}" ] && kill "$SERVICES_REDIS_PID" 2>/dev/null
  [ -n "${SERVICES_MYSQL_PID:-}" ] && kill "$SERVICES_MYSQL_PID" 2>/dev/null
  local pid
  for pid in ${SERVICES_MYSQL_PID:-} ${SERVICES_REDIS_PID:-}; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  SERVICES_REDIS_PID= SERVICES_MYSQL_PID=
}
