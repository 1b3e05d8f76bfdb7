#!/usr/bin/env bash
# ./trainwatch up: build what is missing, make sure PostgreSQL and Redis answer, start the functions and the relay.
set -euo pipefail
# shellcheck source=/dev/null
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cmd_up() {
  mkdir -p "$RUN"
  ensure_services
  create_db "$POSTGRES_DB"
  build_if_needed
  build_web_if_needed
  start functions
  start relay
  wait_healthy functions
  wait_healthy relay
  local token; token=$(api_token)
  cat <<MSG
Trainwatch is up, as a development setup: both apps listen on ${TRAINWATCH_BIND:-127.0.0.1} only, the web UI hands
its token to this machine only, and local jobs run here (docs/security.md says what a deployment does instead).
  Web UI     http://localhost:$RELAY_PORT/
  REST API   http://localhost:$FUNCTIONS_PORT/api/v1/training/jobs
  WebSocket  ws://localhost:$RELAY_PORT/api/v1/ws/training?job_id=N
  Health     http://localhost:$FUNCTIONS_PORT/health   http://localhost:$RELAY_PORT/q/health
  Metrics    http://localhost:$FUNCTIONS_PORT/q/metrics   http://localhost:$RELAY_PORT/q/metrics
Every /api call needs a bearer token; this one grants every project for 7 days (./trainwatch token prints
another, --job N one for the WebSocket's &token=). The web UI here has one of its own.
  export TRAINWATCH_TOKEN=$token
  curl -H "Authorization: Bearer \$TRAINWATCH_TOKEN" http://localhost:$FUNCTIONS_PORT/api/v1/training/jobs
Stop it with ./trainwatch down.
MSG
}

cmd_up
