# PostgreSQL and Redis as the system and the tests need them, and the local job user check.
# Sourced by scripts/lib.sh; not run on its own.

psql_q() { psql -h "$POSTGRES_HOST" -p "$POSTGRES_PORT" -U "$POSTGRES_USER" -d postgres -tAq "$@"; }

# PostgreSQL must answer as $POSTGRES_USER over TCP. Local and installed but down: start it.
# Absent on Debian: install it and let local TCP connections in without a password (a development box).
ensure_postgres() {
  command -v psql >/dev/null || apt_install postgresql-client
  psql_q -c 'SELECT 1' >/dev/null 2>&1 && return 0
  case "$POSTGRES_HOST" in localhost|127.0.0.1) ;; *) die "PostgreSQL at $POSTGRES_HOST:$POSTGRES_PORT does not answer";; esac
  if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
    apt_install postgresql
  fi
  local version; version=$(ls /etc/postgresql | sort -V | tail -n 1)
  if [ -n "${APT_UPDATED}" ] && ! grep -q '^host all all 127.0.0.1/32 trust' "/etc/postgresql/$version/main/pg_hba.conf"; then
    sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "/etc/postgresql/$version/main/pg_hba.conf"
  fi
  say "starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null || pg_ctlcluster --skip-systemctl-redirect "$version" main reload || true
  for _ in $(seq 1 30); do psql_q -c 'SELECT 1' >/dev/null 2>&1 && return 0; sleep 1; done
  die "PostgreSQL did not answer at $POSTGRES_HOST:$POSTGRES_PORT as $POSTGRES_USER"
}

ensure_redis() {
  command -v redis-cli >/dev/null || apt_install redis-tools
  redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0
  case "$REDIS_HOST" in localhost|127.0.0.1) ;; *) die "Redis at $REDIS_HOST:$REDIS_PORT does not answer";; esac
  command -v redis-server >/dev/null || apt_install redis-server
  say "starting Redis"
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save "" --appendonly no >/dev/null
  for _ in $(seq 1 30); do redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.5; done
  die "Redis did not answer at $REDIS_HOST:$REDIS_PORT"
}

create_db() {
  [ "$(psql_q -c "SELECT 1 FROM pg_database WHERE datname = '$1'")" = 1 ] || { say "creating database $1"; psql_q -c "CREATE DATABASE \"$1\"" >/dev/null; }
}

ensure_services() { need_java; ensure_postgres; ensure_redis; ensure_keys; check_local_user; }

# When the functions run as root, each local job runs as a user of its own (uid 200000 and up, no passwd entry; see
# trainwatch.executor.local.separate-users), which must be able to read the checkout. Under /root it cannot: then
# local jobs run as root, with a warning.
check_local_user() {
  [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null || return 0
  setpriv --reuid=200000 --regid=200000 --clear-groups test -r "$ROOT/examples/demo_train.py" 2>/dev/null && return 0
  say "WARNING: other users cannot read $ROOT, so local jobs run as root here and could read the key pair;"
  say "         clone Trainwatch where other users can read it (not under /root) to run each as a user of its own"
  export TRAINWATCH_EXECUTOR_LOCAL_SEPARATE_USERS=false
}
