#!/usr/bin/env bash
# The main job, as the README runs it: setup, a release build with every feature, the bundled
# song (synthesized by dancebot itself), then the offline `dance` pipeline on it.
#   usage: scripts/dance.sh [OUT_DIR]    (default: out/bundled)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
out="${1:-out/bundled}"

scripts/setup.sh
cargo build --release --locked --features full
bin="${CARGO_TARGET_DIR:-target}/release/dancebot"
mkdir -p "$out"
"$bin" synth --song bundled --out "$out/song.wav"
"$bin" dance "$out/song.wav" --out "$out"
printf '\nWrote:\n' >&2
ls -l "$out" >&2
