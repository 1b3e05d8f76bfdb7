#!/usr/bin/env bash
# ./trainwatch status: say what is running.
set -euo pipefail
# shellcheck source=/dev/null
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cmd_status() {
  for name in functions relay; do
    if pid=$(pid_of "$name"); then echo "$name: running (pid $pid)"; else echo "$name: stopped"; fi
  done
}

cmd_status
