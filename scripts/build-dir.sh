# Sourced by the scripts (not run): where the build lives and whether it has the desktop app.

# The build folder: $TRAINBENCH_BUILD_DIR (under the checkout ROOT unless absolute), else ROOT/build.
trainbench_build_dir() {
  local root=$1 dir=${TRAINBENCH_BUILD_DIR:-build}
  if [[ $dir == /* ]]; then echo "$dir"; else echo "$root/$dir"; fi
}

# Whether CMake reads VALUE as false: OFF, 0, NO, FALSE, N, IGNORE, NOTFOUND, *-NOTFOUND, empty
# (any case), as `-DTRAINBENCH_BUILD_GUI=no` and `=0` are.
cmake_false() {
  case "${1^^}" in
    "" | OFF | 0 | NO | FALSE | N | IGNORE | NOTFOUND | *-NOTFOUND) return 0 ;;
  esac
  return 1
}

# Whether the build folder BUILD is configured with the app (TRAINBENCH_BUILD_GUI in its cache).
built_with_gui() {
  local value
  value=$(sed -n 's/^TRAINBENCH_BUILD_GUI:BOOL=//p' "$1/CMakeCache.txt" 2>/dev/null)
  [[ -n $value ]] && ! cmake_false "$value"
}
