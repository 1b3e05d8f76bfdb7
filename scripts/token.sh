#!/usr/bin/env bash
# ./trainwatch token: print or revoke a token.
set -euo pipefail
# shellcheck source=/dev/null
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# ./trainwatch token: an API token for every project (7 days); --project P for one project; --job N or
# --session N [--project P]: a relay subscription token (1 hour), e.g. for wscat (a session is one project's:
# default unless --project says); --ingest N: job N's own kind of token, which reports metrics and logs for it
# and nothing else (8 days), for a trainer started by hand; --revoke TOKEN: revoke a token now (the system must
# be up; both apps refuse it within a second).
cmd_token() {
  ensure_keys
  case "${1:-}" in
    "") api_token ;;
    --project) [[ "${2:-}" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || die "--project takes a project name"
               mint_token api 604800 projects "[\"$2\"]" ;;
    --job) [[ "${2:-}" =~ ^[1-9][0-9]{0,17}$ ]] || die "$1 takes a positive id"
               mint_token subscribe 3600 job "$2" ;;
    --session) [[ "${2:-}" =~ ^[1-9][0-9]{0,17}$ ]] || die "$1 takes a positive id"
               local project=default
               if [ "${3:-}" = --project ]; then
                 [[ "${4:-}" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || die "--project takes a project name"
                 project=$4
               fi
               mint_token subscribe 3600 session "$2" project "\"$project\"" ;;
    --revoke) [ -n "${2:-}" ] || die "--revoke takes the token to revoke"
               curl -fsS -X POST "http://localhost:$FUNCTIONS_PORT/api/v1/auth/revoke" \
                 -H "Authorization: Bearer $(mint_token api 300 projects '["*"]')" -H 'Content-Type: application/json' \
                 -d "$(python3 -c 'import json,sys; print(json.dumps({"token": sys.argv[1]}))' "$2")" ||
                 die "the token was not revoked (is Trainwatch up? is it a valid, unexpired token?)"
               echo ;;
    --ingest) [[ "${2:-}" =~ ^[1-9][0-9]{0,17}$ ]] || die "--ingest takes a job id"
               mint_token ingest 691200 job "$2" ;;
    *) die "usage: ./trainwatch token [--project P | --job N | --session N [--project P] | --ingest N | --revoke TOKEN]" ;;
  esac
}

cmd_token "$@"
