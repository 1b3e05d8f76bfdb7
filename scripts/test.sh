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
    trap 'stop relay; stop functions' EXIT
    start functions; start relay; wait_healthy functions; wait_healthy relay
    local status=0
    if [ -d "$ROOT/tests/system" ]; then
      say "system tests: the SDK through a functions outage"
      (cd "$ROOT" && timeout 600 python3 -m unittest discover -s tests/system -v) || status=1
    fi
    if [ -x "$ROOT/infra/validate" ]; then
      say "system tests: manifests, Prometheus rules and dashboards (infra/validate)"
      FUNCTIONS_URL="http://localhost:$FUNCTIONS_PORT" RELAY_URL="http://localhost:$RELAY_PORT" \
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
