#!/usr/bin/env bash
# ./trainwatch restart: stop and start one application (the tests restart the relay).
set -euo pipefail
# shellcheck source=/dev/null
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Stops and starts one application of the system named by the environment (the tests restart the relay), built
# again first when its sources changed.
cmd_restart() {
  case "${1:-}" in functions|relay) ;; *) die "usage: ./trainwatch restart functions|relay";; esac
  build_if_needed
  stop "$1"; start "$1"; wait_healthy "$1"
}

cmd_restart "$@"
