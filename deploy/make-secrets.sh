#!/bin/sh
# Makes the secrets deploy/compose.yaml needs, once: deploy/secrets/{token_secret,
# db_root_password, db_replication_password, db_monitor_password} and deploy/.env
# (STACK_DB_PASSWORD, the app account's password, which is part of the database URL).
# Existing files are kept (delete them to make new ones; the MariaDB volumes keep the passwords
# they were first made with). Hex only, so that a password needs no escaping in a URL.
#   deploy/make-secrets.sh [DIR]     (DIR: where compose.yaml is; default: this script's folder)
set -eu
dir=${1:-$(cd "$(dirname "$0")" && pwd)}
umask 077
mkdir -p "$dir/secrets"
chmod 700 "$dir/secrets"
random() { od -An -N"$1" -tx1 /dev/urandom | tr -d ' \n'; }
for name in token_secret db_root_password db_replication_password db_monitor_password; do
  file="$dir/secrets/$name"
  if [ ! -s "$file" ]; then
    random 32 >"$file"
    echo "made $file"
  fi
  # Compose bind-mounts the file as it is, and the servers read it as their own non-root
  # users: readable by all, inside the 0700 directory.
  chmod 644 "$file"
done
if ! grep -qs '^STACK_DB_PASSWORD=' "$dir/.env"; then
  echo "STACK_DB_PASSWORD=$(random 24)" >>"$dir/.env"
  echo "made $dir/.env (STACK_DB_PASSWORD)"
fi
