#!/usr/bin/env python3
"""Beat-tracks audio files with librosa, for the speed and accuracy comparison of
`dancebot eval beats --librosa`.

One process for all files: librosa.load(path, sr=22050) then librosa.beat.beat_track with
its defaults, per file. The caller times the whole process (interpreter start, imports,
decoding, tracking). Writes {"files": [{"path", "tempo_bpm", "beats_secs"}], "inner_secs"}.

With --score, also prints librosa's mean mir_eval F-measure against sibling .beats files
(first column), as a cross-check of the Rust metrics.

Usage: .venv/bin/python scripts/librosa_beats.py --out OUT.json [--score] AUDIO...
"""
import argparse
import json
import time

import librosa
import numpy as np


def track(path):
    y, sr = librosa.load(path, sr=22050, mono=True)
    tempo, frames = librosa.beat.beat_track(y=y, sr=sr)
    beats = librosa.frames_to_time(frames, sr=sr)
    return {"path": path, "tempo_bpm": float(np.atleast_1d(tempo)[0]), "beats_secs": beats.tolist()}


def score(files):
    import mir_eval

    fs = []
    for f in files:
        ref = np.loadtxt(f["path"].rsplit(".", 1)[0] + ".beats", ndmin=2)[:, 0]
        est = np.array(f["beats_secs"])
        fs.append(mir_eval.beat.f_measure(mir_eval.beat.trim_beats(ref), mir_eval.beat.trim_beats(est)))
    print(f"librosa mean F (mir_eval) over {len(fs)} files: {np.mean(fs):.3f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--score", action="store_true")
    parser.add_argument("audio", nargs="+")
    args = parser.parse_args()
    start = time.perf_counter()
    files = [track(p) for p in args.audio]
    inner = time.perf_counter() - start
    with open(args.out, "w") as f:
        json.dump({"files": files, "inner_secs": inner}, f)
    if args.score:
        score(files)


if __name__ == "__main__":
    main()
