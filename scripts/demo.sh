#!/usr/bin/env bash
# ./trainwatch demo: submit a run of the bundled demo trainer and print its page.
set -euo pipefail
# shellcheck source=/dev/null
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# The PyTorch demo's interpreter: Debian's python3-torch and python3-sklearn import under it (the python3 first on
# PATH may be another build without them; a local job's PATH starts with /usr/local/bin).
TORCH_PYTHON=/usr/bin/python3

# PyTorch and scikit-learn for examples/torch_digits.py, installed the first time (Debian: 1.13 and 1.2).
need_torch() {
  "$TORCH_PYTHON" -c 'import torch, sklearn' >/dev/null 2>&1 && return 0
  apt_install python3-torch python3-sklearn
  "$TORCH_PYTHON" -c 'import torch, sklearn' >/dev/null 2>&1 ||
    die "$TORCH_PYTHON cannot import torch and sklearn even after installing python3-torch and python3-sklearn"
}

# Submits a local run of the bundled demo trainer to the running system and prints its page: the standard-library
# MLP (examples/demo_train.py), or with --torch the PyTorch CNN on scikit-learn's digits (examples/torch_digits.py).
cmd_demo() {
  local epochs="" torch=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --epochs) epochs="${2:?--epochs takes a number}"; shift 2 ;;
      --torch) torch=1; shift ;;
      *) die "usage: ./trainwatch demo [--torch] [--epochs N]" ;;
    esac
  done
  [ -n "$epochs" ] || epochs=$([ -n "$torch" ] && echo 20 || echo 10)
  case "$epochs" in ''|*[!0-9]*|0) die "--epochs takes a positive whole number";; esac
  curl -fs "http://localhost:$FUNCTIONS_PORT/q/health/ready" >/dev/null 2>&1 || die "Trainwatch is not up: run ./trainwatch up first"
  local job
  if [ -n "$torch" ]; then
    need_torch
    job="\"model_name\": \"torch-digits-cnn\", \"framework\": \"pytorch\", \"dataset_path\": \"sklearn://digits\",
    \"num_epochs\": $epochs, \"batch_size\": 64, \"executor_type\": \"local\",
    \"command\": [\"$TORCH_PYTHON\", \"examples/torch_digits.py\", \"--epochs\", \"$epochs\"]"
  else
    job="\"model_name\": \"demo-mlp\", \"framework\": \"python\", \"dataset_path\": \"generated://two-moons\",
    \"num_epochs\": $epochs, \"batch_size\": 32, \"executor_type\": \"local\",
    \"command\": [\"python3\", \"examples/demo_train.py\", \"--epochs\", \"$epochs\"]"
  fi
  local answer id
  answer=$(curl -fsS -X POST "http://localhost:$FUNCTIONS_PORT/api/v1/training/jobs" -H 'Content-Type: application/json' \
    -H "Authorization: Bearer $(api_token)" -d "{$job}") || die "the job was not accepted"
  id=$(printf '%s' "$answer" | sed -n 's/.*"job_id":\([0-9]*\).*/\1/p')
  echo "$([ -n "$torch" ] && echo "PyTorch demo" || echo "Demo") job $id submitted: http://localhost:$RELAY_PORT/training/$id"
}

cmd_demo "$@"
