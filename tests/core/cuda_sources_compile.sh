#!/usr/bin/env bash
# The CUDA-only code (graph capture, the device timer, the CUDA memory calls) is compiled only
# against a CUDA LibTorch, which the development machines lack. Where the CUDA toolkit's headers
# are at hand, this parses those sources with every CUDA define set, against the LibTorch headers
# the build uses, so a typo or a call that does not exist fails here rather than on a rare GPU.
# It cannot link or run them. Exits 77 (skipped) without CUDA or LibTorch CUDA headers.
#
# Usage: cuda_sources_compile.sh SOURCE_DIR CXX TORCH_INCLUDE_DIRS (colon-separated)
set -euo pipefail
source_dir=$1
cxx=$2
IFS=: read -r -a torch_dirs <<<"$3"

cuda_include=""
for dir in ${CUDA_HOME:+"$CUDA_HOME/include"} /usr/local/cuda/include \
           $(ls -d /usr/local/cuda-*/include 2>/dev/null | sort -rV) /usr/include; do
  if [[ -f $dir/cuda_runtime_api.h ]]; then cuda_include=$dir; break; fi
done
if [[ -z $cuda_include ]]; then
  echo "no CUDA toolkit headers (cuda_runtime_api.h) here: skipped"
  exit 77
fi

torch_has_cuda_headers=no
torch_has_cuda_macros=no
includes=()
for dir in "${torch_dirs[@]}"; do
  [[ -f $dir/c10/cuda/CUDAStream.h ]] && torch_has_cuda_headers=yes
  [[ -f $dir/c10/cuda/impl/cuda_cmake_macros.h ]] && torch_has_cuda_macros=yes
  # The compiler searches /usr/include already; naming it again breaks libstdc++'s include_next.
  [[ $dir != /usr/include ]] && includes+=(-isystem "$dir")
done
[[ $cuda_include != /usr/include ]] && includes+=(-isystem "$cuda_include")
if [[ $torch_has_cuda_headers == no ]]; then
  echo "LibTorch's headers have no c10/cuda here: skipped"
  exit 77
fi

# A CPU LibTorch ships the c10/cuda headers without the one its CUDA build generates.
shim=$(mktemp -d)
trap 'rm -rf "$shim"' EXIT
if [[ $torch_has_cuda_macros == no ]]; then
  mkdir -p "$shim/c10/cuda/impl"
  echo '#define C10_CUDA_BUILD_SHARED_LIBS' >"$shim/c10/cuda/impl/cuda_cmake_macros.h"
fi

mapfile -t sources < <(grep -rl --include='*.cpp' 'TRAINBENCH_WITH_CUDA' "$source_dir/core" | sort)
if [[ ${#sources[@]} -eq 0 ]]; then
  echo "FAIL: no source under $source_dir/core uses TRAINBENCH_WITH_CUDA" >&2
  exit 1
fi

echo "CUDA headers: $cuda_include"
status=0
for source in "${sources[@]}"; do
  # The project's own warnings as errors; the system headers' are not ours to fix.
  if "$cxx" -fsyntax-only -std=c++17 -Wall -Wextra -pedantic -Wnon-virtual-dtor \
       -Woverloaded-virtual -Wold-style-cast -Werror -D_GLIBCXX_USE_CXX11_ABI=1 \
       -DTRAINBENCH_WITH_CUDA=1 -DTRAINBENCH_WITH_CUDA_GRAPHS=1 \
       -DTRAINBENCH_WITH_CUDA_DEVICE_TIMER=1 -I"$source_dir/core" -isystem "$shim" \
       "${includes[@]}" "$source"; then
    echo "ok   ${source#"$source_dir"/}"
  else
    echo "FAIL ${source#"$source_dir"/}" >&2
    status=1
  fi
done
exit $status
