#!/usr/bin/env bash
# ./trainwatch test: every test of the project, on a test database and test Redis keys.
set -euo pipefail
# shellcheck source=/dev/null
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The system the browser and SDK tests run against: its own ports, run directory, test database and key
# prefix, so a system started by ./trainwatch up is untouched. Stopped when the tests end.
run_system_tests() {
  local failed=0
  (
    export TRAINWATCH_RUN="$ROOT/.run/test" FUNCTIONS_PORT=18081 RELAY_PORT=18080 EXAMPLE_APP_PORT=18090 POSTGRES_DB="${TEST_DB}_system"
    export TRAINWATCH_KEY_PREFIX=twsys MONITOR_POLL_INTERVAL=2
    # The UI's origin, and the example app's (examples/react-app), which calls the API from its own.
    export TRAINWATCH_UI_ORIGINS="http://localhost:$RELAY_PORT,http://localhost:$EXAMPLE_APP_PORT"
    TRAINWATCH_API_TOKEN=$(api_token); export TRAINWATCH_API_TOKEN  # what the tests call the API with
    RUN="$TRAINWATCH_RUN"
    mkdir -p "$RUN"
    # The functions reach PostgreSQL as a deployment's do: through PgBouncer in transaction mode
    # (infra/base/data/pgbouncer), here as a role PostgreSQL allows 5 connections, from two instances with pools
    # of 16 (the second, on SECOND_FUNCTIONS_PORT, for tests/system/test_pooler.py). PgBouncer opens at most 3 of
    # the 5, which leaves 2 for the migration step that runs before every start of the functions (a restart in the
    # tests too). Prepared statements are not kept per connection: PgBouncer 1.18 cannot follow them from one
    # server connection to another. The migration step, infra/validate and the tests' own psql go to PostgreSQL
    # itself.
    export MIGRATIONS_POSTGRES_HOST="$POSTGRES_HOST" MIGRATIONS_POSTGRES_PORT="$POSTGRES_PORT" DIRECT_POSTGRES_USER="$POSTGRES_USER"
    export POOLER_PORT=16432 POOLED_ROLE=trainwatch_pooled POOLED_ROLE_CONNECTIONS=5 POOLER_SERVER_CONNECTIONS=3
    export SECOND_FUNCTIONS_PORT=18082
    psql_q -c "SELECT 1 FROM pg_roles WHERE rolname = '$POOLED_ROLE'" | grep -q 1 || psql_q -c "CREATE ROLE $POOLED_ROLE LOGIN" >/dev/null
    psql_q -c "ALTER ROLE $POOLED_ROLE CONNECTION LIMIT $POOLED_ROLE_CONNECTIONS" -c "ALTER DATABASE \"$POSTGRES_DB\" OWNER TO $POOLED_ROLE" >/dev/null
    trap 'stop relay; stop functions; RUN="$TRAINWATCH_RUN/second" stop functions; stop_pooler' EXIT
    start_pooler "$POOLER_PORT" "$POOLED_ROLE" "$POSTGRES_DB"
    export POSTGRES_HOST=127.0.0.1 POSTGRES_PORT="$POOLER_PORT" POSTGRES_USER="$POOLED_ROLE" POSTGRES_POOL_SIZE=16
    export POSTGRES_TRANSACTION_POOLER=true
    start functions; start relay; wait_healthy functions; wait_healthy relay
    # The second serves requests only: one sweep, the first's, owns the local jobs it started and their gauges.
    (RUN="$TRAINWATCH_RUN/second" FUNCTIONS_PORT="$SECOND_FUNCTIONS_PORT"; export TRAINWATCH_SWEEP_SCHEDULED=false
      mkdir -p "$RUN"; start functions; wait_healthy functions)
    local status=0
    if [ -d "$ROOT/tests/system" ]; then
      say "system tests: the SDK through a functions outage"
      (cd "$ROOT" && timeout 600 python3 -m unittest discover -s tests/system -v) || status=1
    fi
    if [ -x "$ROOT/infra/validate" ]; then
      say "system tests: manifests, Prometheus rules and dashboards (infra/validate)"
      FUNCTIONS_URL="http://localhost:$FUNCTIONS_PORT" RELAY_URL="http://localhost:$RELAY_PORT" \
        POSTGRES_HOST="$MIGRATIONS_POSTGRES_HOST" POSTGRES_PORT="$MIGRATIONS_POSTGRES_PORT" POSTGRES_USER="$DIRECT_POSTGRES_USER" \
        timeout 900 "$ROOT/infra/validate" || status=1
    fi
    if [ -f "$ROOT/web/e2e/run.mjs" ]; then
      need_chromium
      say "system tests: the web UI in headless Chromium"
      (cd "$ROOT/web" && BASE_URL="http://localhost:$RELAY_PORT" API_URL="http://localhost:$FUNCTIONS_PORT" \
        RELAY_RESTART_CMD="$ROOT/trainwatch restart relay" timeout 900 npm run --silent e2e) || status=1
    fi
    if [ -d "$ROOT/examples/react-app" ]; then
      need_chromium
      say "system tests: another React app with the installed @trainwatch/react package (examples/react-app)"
      (cd "$ROOT/web" && npm run --silent build:package >/dev/null) &&
        (cd "$ROOT/examples/react-app" && npm ci --no-audit --no-fund --silent &&
          npm install --no-save --no-audit --no-fund --silent "$ROOT/web/package/trainwatch-react-0.1.0.tgz" &&
          NEXT_TELEMETRY_DISABLED=1 npm run --silent build >/dev/null &&
          API_URL="http://localhost:$FUNCTIONS_PORT" WS_URL="ws://localhost:$RELAY_PORT" EXAMPLE_PORT="$EXAMPLE_APP_PORT" \
            timeout 300 npm test) || status=1
    fi
    exit $status
  ) || failed=1
  return $failed
}

reset_test_data() {
  for db in "$TEST_DB" "${TEST_DB}_system"; do
    psql_q -c "DROP DATABASE IF EXISTS \"$db\" WITH (FORCE)" >/dev/null
    create_db "$db"
  done
  for prefix in twtest twe2e twsys; do
    redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" --scan --pattern "$prefix:*" | xargs -r -n 500 redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" del >/dev/null
  done
}

# Every test of the project: Java (unit, integration, end to end; then the Lambda build's), the SDK's, the web UI's, then the
# browser and SDK tests against a running system. Each suite runs even when one before it failed.
cmd_test() {
  ensure_services
  reset_test_data
  local failed=()
  (cd "$ROOT" && ./mvnw -B verify) || failed+=("java")
  say "the functions as an AWS Lambda build: every REST test again, then function.zip through the Runtime API"
  (cd "$ROOT" && ./mvnw -B -pl functions -am -Plambda verify) || failed+=("lambda")
  say "the native build, up to native-image (sources only)"
  "$SCRIPTS/native-check.sh" || failed+=("native")
  if [ -d "$ROOT/sdk/python/tests" ]; then
    say "SDK unit tests"
    (cd "$ROOT" && python3 -m unittest discover -s sdk/python/tests -t sdk/python) || failed+=("sdk")
  fi
  if [ -f "$ROOT/web/package.json" ]; then
    say "web UI unit tests"
    { build_web_if_needed && (cd "$ROOT/web" && npm test --silent); } || failed+=("web")
  fi
  if [ -f "$ROOT/docs/openapi.yaml" ]; then
    say "the REST API's OpenAPI document (redocly lint; the AsyncAPI document and the schemas are checked by the web tests)"
    (cd "$ROOT/web" && npm run --silent lint:openapi) || failed+=("openapi")
  fi
  if [ -f "$FUNCTIONS_JAR" ] && [ -f "$RELAY_JAR" ]; then
    run_system_tests || failed+=("system")
  else
    failed+=("system (not built)")
  fi
  if [ ${#failed[@]} -gt 0 ]; then
    say "FAILED: ${failed[*]}"
    return 1
  fi
  say "all test suites passed"
}

cmd_test
