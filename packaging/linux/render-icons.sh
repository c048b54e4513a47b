#!/usr/bin/env bash
# Renders resources/icons/trainbench.svg to the PNG sizes of the hicolor icon theme, into
# resources/icons/hicolor/<N>x<N>/apps/trainbench.png. The PNGs are committed, so building and
# packaging need no SVG renderer; run this again (needs rsvg-convert, package librsvg2-bin)
# after changing the SVG.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v rsvg-convert >/dev/null || { echo "rsvg-convert not found: apt-get install librsvg2-bin" >&2; exit 1; }
for size in 16 24 32 48 64 128 256 512; do
  out=resources/icons/hicolor/${size}x${size}/apps/trainbench.png
  mkdir -p "$(dirname "$out")"
  rsvg-convert --width "$size" --height "$size" --keep-aspect-ratio \
    --output "$out" resources/icons/trainbench.svg
  echo "$out"
done
