#!/usr/bin/env bash
# ./trainwatch down: stop what up started.
set -euo pipefail
# shellcheck source=/dev/null
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

cmd_down() { stop relay; stop functions; }

cmd_down
