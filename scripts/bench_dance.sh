#!/usr/bin/env bash
# Dance benchmark: the move library on every audio file of a folder with `.beats` annotations,
# each dance measured against the annotated beats (Beat Align Score, hits, bones, NaN).
#   usage: scripts/bench_dance.sh DIR [OUT_DIR [CHOREOGRAPH_ARGS...]]
#   e.g.   scripts/bench_dance.sh DIR /tmp/neural --generator neural   (needs a --features torch build)
#   The binary is target/release/dancebot unless DANCEBOT names another.
set -euo pipefail
dir="${1:?usage: scripts/bench_dance.sh DIR [OUT_DIR]}"
out="${2:-$(mktemp -d)}"
shift $(( $# < 2 ? $# : 2 ))
bin="${DANCEBOT:-target/release/dancebot}"
mkdir -p "$out"
for audio in "$dir"/*.wav "$dir"/*.flac "$dir"/*.mp3 "$dir"/*.ogg; do
  [ -f "$audio" ] || continue
  name="$(basename "${audio%.*}")"
  beats="${audio%.*}.beats"
  [ -f "$beats" ] || continue
  "$bin" choreograph "$audio" "$@" --out "$out/$name.skeleton.json" >/dev/null
  "$bin" eval dance "$out/$name.skeleton.json" --beats "$beats" --json "$out/$name.metrics.json" >/dev/null
done
# Diversity across all dances (each against its own tracked beats).
"$bin" eval dance "$out"/*.skeleton.json --json "$out/all.metrics.json" | tail -n 5
echo "per-file metrics in $out" >&2
