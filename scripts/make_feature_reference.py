#!/usr/bin/env python3
"""Writes tests/fixtures/feature_reference.json: librosa MFCC and chroma of a known signal.

The signal is a sum of sinusoids (listed in the file, so the Rust test rebuilds it sample for
sample). It is stationary, so librosa's centred frames and dancebot's causal frames agree away
from the edges; the reference keeps the mean over the middle frames.

Run once with the project's virtual environment (librosa 0.11):
    .venv/bin/python scripts/make_feature_reference.py
"""

import json
import pathlib

import librosa
import numpy as np

SR = 22_050
DURATION_SECS = 2.0
# (frequency Hz, amplitude, phase rad): an A-minor-ish chord with overtones and a few highs.
PARTIALS = [
    (110.0, 0.20, 0.0),
    (220.0, 0.15, 0.3),
    (261.63, 0.12, 1.1),
    (329.63, 0.12, 2.0),
    (440.0, 0.10, 0.7),
    (659.26, 0.06, 1.4),
    (1046.5, 0.04, 0.2),
    (1760.0, 0.03, 2.5),
    (2793.8, 0.02, 0.9),
    (4186.0, 0.015, 1.7),
    (6271.9, 0.01, 0.4),
    (8372.0, 0.008, 3.0),
]


def signal() -> np.ndarray:
    t = np.arange(int(SR * DURATION_SECS)) / SR
    x = sum(a * np.sin(2 * np.pi * f * t + p) for f, a, p in PARTIALS)
    return x.astype(np.float32)


def middle_mean(frames: np.ndarray) -> list:
    n = frames.shape[1]
    return frames[:, n // 4 : 3 * n // 4].mean(axis=1).astype(float).tolist()


def main() -> None:
    y = signal()
    mfcc = librosa.feature.mfcc(y=y, sr=SR, n_mfcc=20)
    chroma = librosa.feature.chroma_stft(y=y, sr=SR, n_fft=4096, tuning=0.0)
    out = {
        "generator": "scripts/make_feature_reference.py",
        "librosa_version": librosa.__version__,
        "sample_rate_hz": SR,
        "duration_secs": DURATION_SECS,
        "partials": [list(p) for p in PARTIALS],
        "mfcc_mean": middle_mean(mfcc),
        "chroma_mean": middle_mean(chroma),
    }
    path = pathlib.Path(__file__).resolve().parent.parent / "tests/fixtures/feature_reference.json"
    path.write_text(json.dumps(out, indent=1) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
