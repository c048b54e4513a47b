#!/usr/bin/env bash
# Measures OpenMP's wait policy (OMP_WAIT_POLICY, read by libgomp when LibTorch loads) on a quiet
# machine and with other processes busy, in one run: steady-state samples/s of the seed MLP with
# the default thread count, each figure the median of the repeats, the policies alternating round
# by round so that the machine's drift hits all alike. Disturbed runs count too (unlike in
# trainbench-cli's --repeat summary): the loaded runs are disturbed by design.
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
policies=(default PASSIVE ACTIVE)

run() {  # $1: load, $2: OMP_WAIT_POLICY value or "default". Saves one result in $out/$1-$2/.
  local env=() folder="$out/$1-$2"
  [[ $2 != default ]] && env=(OMP_WAIT_POLICY="$2")
  mkdir -p "$folder"
  # The log, not /dev/null: a failed run (no binary, a bad IMAGES) must stop the script, saying why.
  if ! env "${env[@]}" "$cli" run --workload fashion-mlp --synthetic --epochs "$epochs" \
    --train-limit "$images" --test-limit 1000 --no-probe --no-machine-check --quiet \
    --out "$folder/" >"$out/log" 2>&1; then
    echo "$0: the $1 $2 run failed:" >&2
    tail -5 "$out/log" >&2
    exit 1
  fi
}

echo "fashion-mlp, $images synthetic images x $epochs epochs, default threads, $(nproc) logical" \
  "CPUs, $busy busy process(es) when loaded, median of $repeats, alternating"
for load in ${LOADS:-quiet loaded}; do
  if [[ $load == loaded ]]; then
    for ((i = 0; i < busy; i++)); do (while :; do :; done) & loaders+=($!); done
  fi
  for ((i = 1; i <= repeats; i++)); do
    for policy in "${policies[@]}"; do run "$load" "$policy"; done
  done
  stop_load
  for policy in "${policies[@]}"; do
    # Disturbed runs included: all the loaded ones are, and their median is the figure wanted.
    if ! median=$(python3 bench/steady_median.py --include-disturbed "$out/$load-$policy"); then
      echo "$0: no steady-state samples/s for the $load $policy row" >&2
      exit 1
    fi
    printf '%-7s %-8s %s samples/s\n' "$load" "$policy" "$median"
  done
done
