# Starting, checking and stopping the functions and the relay (pid and log files in $RUN).
# Sourced by scripts/lib.sh; not run on its own.

pid_of() { local f="$RUN/$1.pid"; [ -f "$f" ] && kill -0 "$(cat "$f")" 2>/dev/null && cat "$f"; }

jar_of() { case "$1" in functions) echo "$FUNCTIONS_JAR";; relay) echo "$RELAY_JAR";; esac; }

port_of() { case "$1" in functions) echo "$FUNCTIONS_PORT";; relay) echo "$RELAY_PORT";; esac; }

# The schema's migration step, on $POSTGRES_DB: the functions refuse an older schema (migrations/README.md). It
# connects to PostgreSQL itself, never through a transaction-mode pooler, which may hand each transaction to another
# server session while Flyway keeps session state (its lock, its settings) across them: MIGRATIONS_POSTGRES_HOST and
# MIGRATIONS_POSTGRES_PORT say where when the functions' connections go through one.
migrate() {
  say "migrating the schema of database $POSTGRES_DB"
  POSTGRES_HOST="${MIGRATIONS_POSTGRES_HOST:-$POSTGRES_HOST}" POSTGRES_PORT="${MIGRATIONS_POSTGRES_PORT:-$POSTGRES_PORT}" \
    java -jar "$MIGRATIONS_JAR" || die "the migration step failed on database $POSTGRES_DB"
}

start() { # name
  local name=$1 port; port=$(port_of "$1")
  if pid_of "$name" >/dev/null; then say "$name already running (pid $(pid_of "$name"))"; return 0; fi
  [ "$name" = functions ] && migrate
  if curl -fs "http://localhost:$port/q/health/live" >/dev/null 2>&1; then die "port $port is taken by another process; set ${name^^}_PORT"; fi
  say "starting $name on port $port (log: $RUN/$name.log)"
  # The logs are the developer's: local jobs run as other users and do not read them.
  chmod 700 "$RUN"; touch "$RUN/$name.log"; chmod 600 "$RUN/$name.log"
  # The local executor runs submitted commands on this machine: a development convenience that up and the test
  # system turn on here and no deployment does (docs/security.md).
  TRAINWATCH_EXECUTOR_LOCAL_ENABLED="${TRAINWATCH_EXECUTOR_LOCAL_ENABLED:-true}" \
  QUARKUS_HTTP_HOST="${TRAINWATCH_BIND:-127.0.0.1}" \
  TRAINWATCH_LOCAL_WORKDIR="$ROOT" TRAINWATCH_WEB_ROOT="$ROOT/web/dist" \
    TRAINWATCH_UI_TOKEN="${TRAINWATCH_UI_TOKEN-$(mint_token api 604800 projects '["*"]')}" \
    TRAINWATCH_UI_ORIGINS="${TRAINWATCH_UI_ORIGINS:-http://localhost:$RELAY_PORT}" \
    TRAINWATCH_API_URL="${TRAINWATCH_API_URL-http://localhost:$FUNCTIONS_PORT}" \
    nohup java -jar "$(jar_of "$name")" >>"$RUN/$name.log" 2>&1 &
  echo $! >"$RUN/$name.pid"
}

wait_healthy() { # name
  local port; port=$(port_of "$1")
  for _ in $(seq 1 120); do
    curl -fs "http://localhost:$port/q/health/ready" >/dev/null 2>&1 && return 0
    pid_of "$1" >/dev/null || die "$1 exited; see $RUN/$1.log"
    sleep 0.5
  done
  die "$1 is not healthy after 60 s; see $RUN/$1.log"
}

stop() { # name
  local pid; pid=$(pid_of "$1") || { rm -f "$RUN/$1.pid"; return 0; }
  say "stopping $1 (pid $pid)"
  kill "$pid"
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$RUN/$1.pid"
}
