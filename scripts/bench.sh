#!/usr/bin/env bash
# ./trainwatch bench: run a benchmark (bench/README.md).
set -euo pipefail
# shellcheck source=/dev/null
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Benchmarks print figures and write bench/results/NAME.json; they assert nothing and are not part of test.
cmd_bench() {
  local name="${1:-}"; shift || true
  [ -f "$ROOT/bench/$name.py" ] || [ -f "$ROOT/bench/$name.mjs" ] ||
    die "usage: ./trainwatch bench coldstart|ingest|stalled|fanout|overview [options] (bench/README.md)"
  ensure_services
  build_if_needed
  create_db trainwatch_bench
  POSTGRES_DB=trainwatch_bench migrate  # before any start of the functions, so no benchmark times it
  if [ -f "$ROOT/bench/$name.py" ]; then
    (cd "$ROOT/bench" && python3 "$name.py" "$@")
  else
    need_node
    [ -d "$ROOT/bench/node_modules" ] || (cd "$ROOT/bench" && npm ci --no-audit --no-fund --loglevel=error)
    (cd "$ROOT/bench" && node "$name.mjs" "$@")
  fi
}

cmd_bench "$@"
