#!/usr/bin/env bash
# Measures OpenMP's wait policy (OMP_WAIT_POLICY, read by libgomp when LibTorch loads) on a quiet
# machine and with other processes busy, in one run: steady-state samples/s of the seed MLP with
# the default thread count, each figure the median of the repeats with its 95% interval.
# Usage: bench/omp_wait_policy.sh [BUSY_PROCESSES]   (default 1 busy process for "loaded")
# Environment: IMAGES (default 30000), EPOCHS (3), REPEATS (5), LOADS ("quiet loaded"). With as
# many busy processes as cores a run can be ~100x slower: use e.g. IMAGES=3000 EPOCHS=2.
set -euo pipefail
cd "$(dirname "$0")/.."
busy=${1:-1}
images=${IMAGES:-30000}
epochs=${EPOCHS:-3}
repeats=${REPEATS:-5}
cli=build/app/cli/trainbench-cli
out=$(mktemp -d)
loaders=()
stop_load() { for pid in "${loaders[@]}"; do kill "$pid" 2>/dev/null || true; done; loaders=(); }
trap 'stop_load; rm -rf "$out"' EXIT

measure() {  # $1: OMP_WAIT_POLICY value or "default"; prints the CLI's repeat summary line
  local env=()
  [[ $1 != default ]] && env=(OMP_WAIT_POLICY="$1")
  env "${env[@]}" "$cli" run --workload fashion-mlp --synthetic --epochs "$epochs" \
    --train-limit "$images" --test-limit 1000 --repeat "$repeats" --no-probe --no-machine-check \
    --quiet --out "$out/" 2>/dev/null |
    grep -E '^cpu: .* samples/s steady state' | sed 's/^cpu: //'
}

echo "fashion-mlp, $images synthetic images x $epochs epochs, default threads, $(nproc) logical" \
  "CPUs, $busy busy process(es) when loaded"
for load in ${LOADS:-quiet loaded}; do
  if [[ $load == loaded ]]; then
    for ((i = 0; i < busy; i++)); do (while :; do :; done) & loaders+=($!); done
  fi
  for policy in default PASSIVE ACTIVE; do
    printf '%-7s %-8s %s\n' "$load" "$policy" "$(measure "$policy")"
  done
  stop_load
done
