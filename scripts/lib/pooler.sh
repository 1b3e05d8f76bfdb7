# A local PgBouncer in transaction mode between the functions and PostgreSQL, as infra/ deploys one
# (infra/base/data/pgbouncer): the system tests run the functions through it. Sourced by scripts/lib.sh.

# start_pooler PORT ROLE DB: PgBouncer on 127.0.0.1:PORT in front of database DB of $POSTGRES_HOST:$POSTGRES_PORT,
# for ROLE, with at most POOLER_SERVER_CONNECTIONS (default 4) server connections however many clients connect.
# Its files are in a directory of its own (it will not run as root, so as root it runs as postgres).
start_pooler() {
  local port=$1 role=$2 db=$3 dir
  command -v pgbouncer >/dev/null || apt_install pgbouncer
  dir=$(mktemp -d /tmp/trainwatch-pooler.XXXXXX)
  echo "$dir" >"$RUN/pooler.dir"
  printf '"%s" ""\n' "$role" >"$dir/users.txt"
  # The functions' PostgreSQL client sends extra_float_digits at connect, which PgBouncer 1.18 does not track.
  cat >"$dir/pgbouncer.ini" <<INI
[databases]
$db = host=$POSTGRES_HOST port=$POSTGRES_PORT dbname=$db
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $port
unix_socket_dir =
auth_type = trust
auth_file = $dir/users.txt
admin_users = $role
pool_mode = transaction
default_pool_size = ${POOLER_SERVER_CONNECTIONS:-4}
max_client_conn = 1000
ignore_startup_parameters = extra_float_digits
pidfile = $dir/pgbouncer.pid
logfile = $dir/pgbouncer.log
INI
  local as=()
  if [ "$(id -u)" = 0 ]; then as=(-u postgres); chown -R postgres "$dir"; fi
  say "starting PgBouncer on port $port (transaction mode; log: $dir/pgbouncer.log)"
  pgbouncer -d "${as[@]}" "$dir/pgbouncer.ini" || die "PgBouncer did not start; see $dir/pgbouncer.log"
  for _ in $(seq 1 40); do
    psql -h 127.0.0.1 -p "$port" -U "$role" -d pgbouncer -tAqc 'SHOW VERSION' >/dev/null 2>&1 && return 0
    sleep 0.25
  done
  die "PgBouncer does not answer on port $port; see $dir/pgbouncer.log"
}

stop_pooler() {
  local dir; dir=$(cat "$RUN/pooler.dir" 2>/dev/null) || return 0
  [ -f "$dir/pgbouncer.pid" ] && kill "$(cat "$dir/pgbouncer.pid")" 2>/dev/null
  rm -rf "$dir" "$RUN/pooler.dir"
}
