#!/usr/bin/env bash
# Measures, in one run, how much faster the seed MLP trains with OpenBLAS (OpenMP) than with
# Debian's reference BLAS: the reason scripts/install-deps.sh installs libopenblas0-openmp.
# Usage: bench/blas_ratio.sh [EPOCHS]   (uses synthetic data of Fashion-MNIST's full size)
set -euo pipefail
cd "$(dirname "$0")/.."
epochs=${1:-2}
cli=build/app/cli/trainbench-cli
lib=/usr/lib/$(gcc -print-multiarch 2>/dev/null || echo x86_64-linux-gnu)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

mean_epoch_seconds() {  # the mean of "Epoch k/N - S.SSs" lines, skipping the warm-up epoch
  awk '/^Epoch [0-9]+\/[0-9]+ - /{ sub(/s$/, "", $4); if (++n > 1) { sum += $4; m++ } }
       END { if (m == 0) { print "nan" } else { printf "%.3f\n", sum / m } }'
}

run() {  # $1: folder holding the libblas.so.3 to use
  LD_LIBRARY_PATH="$1" "$cli" run --workload fashion-mlp --synthetic --epochs "$epochs" \
    --out "$out/" | mean_epoch_seconds
}

reference=$(run "$lib/blas")
openblas=$(run "$lib/openblas-openmp")
echo "fashion-mlp, 60000 synthetic images, mean epoch after the first, $(nproc) cores"
echo "reference BLAS:   ${reference} s"
echo "OpenBLAS OpenMP:  ${openblas} s"
awk -v r="$reference" -v o="$openblas" 'BEGIN { printf "ratio: %.1fx\n", r / o }'
