#!/usr/bin/env bash
# Regenerates the small audio fixtures in tests/fixtures/audio/ with ffmpeg.
#
# Every file is a second or less of a known signal, so tests can check durations, rates,
# frequencies and click positions exactly:
#   tone440_mono_44100.wav       0.5 s, 440 Hz sine, amplitude 0.5, 16-bit PCM, mono, 44.1 kHz
#   tone440_mono_8000.wav        1.0 s, 440 Hz sine, amplitude 0.5, 16-bit PCM, mono, 8 kHz
#   clicks_mono_22050.wav        1.0 s, 20-sample clicks at 0.1, 0.3, 0.5, 0.7, 0.9 s, mono, 22.05 kHz
#   tone440_left_stereo_48000.flac  0.6 s, left 440 Hz sine amplitude 0.5, right silent, 48 kHz
#   tone440_mono_44100.mp3       1.0 s, 440 Hz sine, amplitude 0.5, 96 kb/s MP3, mono, 44.1 kHz
#   tone440_stereo_48000.ogg     1.0 s, 440 Hz sine, amplitude 0.5 in both channels, Vorbis, 48 kHz
#
# Usage: scripts/make_audio_fixtures.sh [OUT_DIR]   (default: tests/fixtures/audio)
set -euo pipefail

out_dir="${1:-$(dirname "$0")/../tests/fixtures/audio}"
mkdir -p "$out_dir"
command -v ffmpeg >/dev/null || { echo "ffmpeg not found (apt-get install ffmpeg)" >&2; exit 1; }

ff() { ffmpeg -hide_banner -loglevel error -nostdin -y "$@"; }
tone='0.5*sin(2*PI*440*t)'

ff -f lavfi -i "aevalsrc=${tone}:s=44100:d=0.5" -c:a pcm_s16le "$out_dir/tone440_mono_44100.wav"
ff -f lavfi -i "aevalsrc=${tone}:s=8000:d=1" -c:a pcm_s16le "$out_dir/tone440_mono_8000.wav"
ff -f lavfi -i "aevalsrc=if(lt(mod(n+2205\,4410)\,20)\,0.9\,0):s=22050:d=1" \
    -c:a pcm_s16le "$out_dir/clicks_mono_22050.wav"
ff -f lavfi -i "aevalsrc=${tone}|0:s=48000:d=0.6" -c:a flac -compression_level 12 \
    "$out_dir/tone440_left_stereo_48000.flac"
ff -f lavfi -i "aevalsrc=${tone}:s=44100:d=1" -c:a libmp3lame -b:a 96k \
    "$out_dir/tone440_mono_44100.mp3"
ff -f lavfi -i "aevalsrc=${tone}|${tone}:s=48000:d=1" -c:a libvorbis -q:a 2 \
    "$out_dir/tone440_stereo_48000.ogg"

ls -l "$out_dir"
