#!/usr/bin/env bash
# ./trainwatch delete: delete a job everywhere.
set -euo pipefail
# shellcheck source=/dev/null
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Deletes a job everywhere (DELETE /api/v1/training/jobs/{id}, docs/protocol.md): its rows, its history and what
# Redis keeps of it; a running job is stopped first. Deleting it again answers as the first time did.
cmd_delete() {
  [[ "${1:-}" =~ ^[1-9][0-9]{0,18}$ ]] || die "usage: ./trainwatch delete JOB_ID"
  ensure_keys
  local code
  code=$(curl -sS -o /dev/null -w '%{http_code}' -X DELETE "http://localhost:$FUNCTIONS_PORT/api/v1/training/jobs/$1" \
    -H "Authorization: Bearer $(mint_token api 300 projects '["*"]')") || die "Trainwatch does not answer: is it up?"
  case "$code" in
    204) say "job $1 deleted" ;;
    404) die "there is no job $1" ;;
    *) die "job $1 was not deleted (HTTP $code); try again" ;;
  esac
}

cmd_delete "$@"
