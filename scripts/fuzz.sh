#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with clang into build-fuzz/ and runs each one for
# SECONDS (default 60) from its generated seed corpus. Fails when any target finds a crash, a
# sanitizer report, a leak, a timeout (-timeout=10) or an allocation past 2 GiB; the input that
# did it is left in build-fuzz/findings/ and the log in build-fuzz/logs/.
# Usage: scripts/fuzz.sh [SECONDS] [TARGET...]   (docs/reliability.md)
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${1:-60}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] ||
  targets=(fuzz_idx_reader fuzz_cifar_reader fuzz_result_file fuzz_mirrors fuzz_launch_env)
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [[ "$seconds" -lt 1 ]]; then
  echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2
  exit 2
fi

compiler=${TRAINBENCH_FUZZ_CXX:-}
if [[ -z "$compiler" ]]; then
  for candidate in clang++-14 clang++; do
    if command -v "$candidate" >/dev/null; then compiler=$candidate; break; fi
  done
fi
if [[ -z "$compiler" ]]; then
  echo "scripts/fuzz.sh needs clang with libFuzzer: apt-get install clang-14 libclang-rt-14-dev" >&2
  exit 1
fi

build=build-fuzz
# Configured until it has generated its build files (as build.sh), and again for another compiler.
if [[ ! -f $build/build.ninja ]] ||
  ! grep -qx "CMAKE_CXX_COMPILER:.*=$(command -v "$compiler")" $build/CMakeCache.txt; then
  # Core and CLI are configured but never built: only the targets below are.
  cmake -S . -B $build -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER="$compiler" \
    -DTRAINBENCH_FUZZ=ON -DTRAINBENCH_BUILD_GUI=OFF -DTRAINBENCH_BUILD_TESTS=OFF >/dev/null
fi
start=$SECONDS
cmake --build $build --parallel "$(nproc)" --target "${targets[@]}"
echo "fuzz: built ${#targets[@]} targets in $((SECONDS - start)) s"

python3 tests/fuzz/make_corpus.py tests/fuzz/corpus
mkdir -p $build/logs $build/findings
# Leaks count as findings; the sanitizers stop at the first report.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# The readers under test are single-threaded; LibTorch's thread pools only add noise here.
export OMP_NUM_THREADS=1
failed=()
for target in "${targets[@]}"; do
  work=$build/corpus/$target  # grows across runs; the seeds stay in tests/fuzz/corpus
  mkdir -p "$work"
  log=$build/logs/$target.log
  echo "fuzz: $target for ${seconds} s"
  if ! "$build/tests/fuzz/$target" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
      -print_final_stats=1 -artifact_prefix="$build/findings/$target-" \
      "$work" "tests/fuzz/corpus/$target" >"$log" 2>&1; then
    failed+=("$target")
    echo "fuzz: $target FAILED; last lines of $log:" >&2
    tail -n 40 "$log" >&2
  else
    grep -E '^stat::number_of_executed_units|^#[0-9]+ *DONE' "$log" | tail -n 2 || true
  fi
done
if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: findings in ${failed[*]} (inputs in $build/findings/)" >&2
  exit 1
fi
echo "fuzz: no findings in ${#targets[@]} targets, ${seconds} s each"
