#!/usr/bin/env bash
# Validates the desktop integration files with the freedesktop tools, as a user's desktop and a
# software centre would read them. Exits 77 (CTest: skipped) when a tool is not installed.
#   validate.sh desktop FILE.desktop     desktop-file-validate: errors and warnings fail, hints don't
#   validate.sh metainfo FILE.xml        appstreamcli validate --no-net --strict
#   validate.sh tree BUILD_DIR           installs the "desktop" component into a temporary prefix
#                                        and checks it as a whole: appstreamcli validate-tree, the
#                                        icon sizes, the desktop entry's Exec and Icon
set -euo pipefail

need() {
  command -v "$1" >/dev/null && return
  echo "SKIPPED: $1 is not installed (apt-get install $2)"
  exit 77
}

png_size() {  # prints "WIDTHxHEIGHT" from the PNG header
  local bytes
  read -ra bytes <<<"$(od -An -tu1 -j16 -N8 "$1")"
  echo "$(((bytes[0] << 24) + (bytes[1] << 16) + (bytes[2] << 8) + bytes[3]))x$(((bytes[4] << 24) + (bytes[5] << 16) + (bytes[6] << 8) + bytes[7]))"
}

case "${1:-}" in
  desktop)
    need desktop-file-validate desktop-file-utils
    output=$(desktop-file-validate "$2" 2>&1) || { echo "$output"; exit 1; }
    [[ -n "$output" ]] && echo "$output"
    if grep -E ': (error|warning): ' <<<"$output"; then exit 1; fi
    echo "desktop entry valid: $2"
    ;;
  metainfo)
    need appstreamcli appstream
    appstreamcli validate --no-net --strict "$2"
    ;;
  tree)
    need appstreamcli appstream
    build=$2
    root=$(mktemp -d)
    trap 'rm -rf "$root"' EXIT
    cmake --install "$build" --component desktop --prefix "$root/usr" >/dev/null
    appstreamcli validate-tree --no-net --strict "$root"
    share=$root/usr/share
    desktop=$(ls "$share"/applications/*.desktop)
    grep -qx 'Exec=trainbench %F' "$desktop"  # files dropped on the launcher open as --open
    icon=$(sed -n 's/^Icon=//p' "$desktop")
    [[ -f $share/icons/hicolor/scalable/apps/$icon.svg ]]
    for size in 16 24 32 48 64 128 256 512; do
      png=$share/icons/hicolor/${size}x${size}/apps/$icon.png
      [[ -f $png ]] || { echo "missing icon $png"; exit 1; }
      actual=$(png_size "$png")
      [[ $actual == "${size}x${size}" ]] || { echo "$png is $actual, not ${size}x${size}"; exit 1; }
    done
    echo "desktop integration tree valid: $(cd "$root" && find . -type f | sort | tr '\n' ' ')"
    ;;
  *)
    echo "usage: $0 desktop FILE | metainfo FILE | tree BUILD_DIR" >&2
    exit 2
    ;;
esac
