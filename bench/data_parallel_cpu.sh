#!/usr/bin/env bash
# One machine's CPU as one rank with all its threads against N ranks (--data-parallel N, the
# threads split between them), alternating, in one run: each configuration's steady-state
# samples/s (the median of the repeats) and the N-rank figure as a share of the one-rank one.
# On a small CPU this measures correctness and the cost of the gradient exchange, not a speed-up.
# Usage: bench/data_parallel_cpu.sh [RANKS]   (default 2)
# Environment: IMAGES (default 12000), EPOCHS (3), REPEATS (3).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)  # before the cd: $0 may be relative to the caller
cd "$here/.."
ranks=${1:-2}
images=${IMAGES:-12000}
epochs=${EPOCHS:-3}
repeats=${REPEATS:-3}
cli=build/app/cli/trainbench-cli
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

run() {  # $1: folder; the rest: extra flags. Saves one result in the folder.
  local folder=$1
  shift
  mkdir -p "$folder"
  "$cli" run --workload fashion-mlp --synthetic --epochs "$epochs" --train-limit "$images" \
    --test-limit 1000 --no-probe --no-machine-check --quiet --out "$folder/" "$@" >/dev/null
}

for ((i = 1; i <= repeats; i++)); do
  run "$out/one" --threads "$(nproc)"
  run "$out/many" --data-parallel "$ranks"
done
median() { python3 "$here/steady_median.py" "$1"; }  # steady-state samples/s in folder $1
one=$(median "$out/one")
many=$(median "$out/many")
echo "fashion-mlp, $images synthetic images x $epochs epochs, $(nproc) logical CPUs, median of $repeats"
echo "1 rank, $(nproc) threads:       $one samples/s"
echo "$ranks ranks, threads split:   $many samples/s ($(python3 -c "print(f'{$many / $one:.2f}')")x one rank)"
"$cli" scaling "$out/one" "$out/many" 2>/dev/null | sed -n '1,12p' || true
