#!/usr/bin/env bash
# ./trainwatch demo: submit a run of the bundled demo trainer and print its page.
set -euo pipefail
# shellcheck source=/dev/null
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Submits a local run of the bundled demo trainer to the running system and prints its page.
cmd_demo() {
  local epochs=10
  while [ $# -gt 0 ]; do
    case "$1" in
      --epochs) epochs="${2:?--epochs takes a number}"; shift 2 ;;
      *) die "usage: ./trainwatch demo [--epochs N]" ;;
    esac
  done
  case "$epochs" in ''|*[!0-9]*) die "--epochs takes a positive whole number";; esac
  curl -fs "http://localhost:$FUNCTIONS_PORT/q/health/ready" >/dev/null 2>&1 || die "Trainwatch is not up: run ./trainwatch up first"
  local answer id
  answer=$(curl -fsS -X POST "http://localhost:$FUNCTIONS_PORT/api/v1/training/jobs" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $(api_token)" -d "{
    \"model_name\": \"demo-mlp\", \"framework\": \"python\", \"dataset_path\": \"generated://two-moons\",
    \"num_epochs\": $epochs, \"batch_size\": 32, \"executor_type\": \"local\",
    \"command\": [\"python3\", \"examples/demo_train.py\", \"--epochs\", \"$epochs\"]}") || die "the job was not accepted"
  id=$(printf '%s' "$answer" | sed -n 's/.*"job_id":\([0-9]*\).*/\1/p')
  echo "Demo job $id submitted: http://localhost:$RELAY_PORT/training/$id"
}

cmd_demo "$@"
