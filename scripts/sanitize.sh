#!/usr/bin/env bash
# Builds core, the CLI and their Qt Test suites with AddressSanitizer and UndefinedBehaviorSanitizer
# (TRAINBENCH_SANITIZERS) into build-asan/, without the GUI, and runs the core and CLI tests.
# Any sanitizer report fails it, also one from a trainbench-cli that a test runs as a child
# process and whose exit code the test may not look at: every report is written to
# build-asan/sanitizer-logs/ and the script fails when that folder is not empty.
# Usage: scripts/sanitize.sh [CTEST ARGS...]   (docs/reliability.md)
set -euo pipefail
cd "$(dirname "$0")/.."

build=build-asan
# Configured until it has generated its build files: a configure that failed or was interrupted
# leaves a CMakeCache.txt behind (as in build.sh).
if [[ ! -f $build/build.ninja ]]; then
  # -O1 -g1: quick to build, line numbers in reports, fast enough for the training tests.
  # -DNDEBUG as LibTorch's own build has it: some of its classes have debug-only members
  # (RecordFunction's inputs_valid_), so code built without it reads them at the wrong offsets.
  cmake -S . -B $build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1 -DNDEBUG" \
    -DTRAINBENCH_BUILD_GUI=OFF -DTRAINBENCH_SANITIZERS=ON >/dev/null
fi
start=$SECONDS
# With the GUI off, "all" is the core, the CLI, the core and CLI tests and the fake NVML library.
cmake --build $build --parallel "$(nproc)"
echo "sanitize: built in $((SECONDS - start)) s"

logs=$PWD/$build/sanitizer-logs
rm -rf "$logs"
mkdir -p "$logs"
supp=$PWD/tests/sanitizers
# halt_on_error: the first report ends the process (UBSan would otherwise print and go on).
# verify_asan_link_order=0: the fault tests preload tests/fault_inject ahead of libasan; its
# few wrappers call on to the next definition, ASan's interceptors included.
# Paths quoted: the sanitizers split their options at spaces, which a checkout's path may hold.
export ASAN_OPTIONS="halt_on_error=1:detect_leaks=1:check_initialization_order=1:verify_asan_link_order=0:log_path='$logs/asan'"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:log_path='$logs/ubsan'"
export LSAN_OPTIONS="suppressions='$supp/lsan.supp':print_suppressions=0"
start=$SECONDS
status=0
# Two at a time, as in scripts/test.sh: 464 s against 1060 s one by one on two cores.
ctest --test-dir $build -R '^(core|cli)_' --output-on-failure --no-tests=error --timeout 900 \
  --parallel "${TRAINBENCH_TEST_JOBS:-2}" "$@" ||
  status=$?
echo "sanitize: tests ran in $((SECONDS - start)) s"

reports=("$logs"/*)
if [[ -e "${reports[0]}" ]]; then
  echo "sanitize: ${#reports[@]} sanitizer report(s):" >&2
  for report in "${reports[@]}"; do
    echo "--- $report" >&2
    head -n 60 "$report" >&2
  done
  exit 1
fi
exit $status
