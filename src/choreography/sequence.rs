//! [`SkeletonSequence`]: frames of coco18 poses at a fixed rate, and its JSON file
//! (`skeleton.json`, the CLI contract between `choreograph` and the later stages).
//!
//! ```json
//! {"fps": 30.0, "layout": "coco18", "joint_names": ["nose", ...],
//!  "frames": [[[x, y, z], ...18], ...], "beats_secs": [...]}
//! ```
//!
//! Optional fields: `audio` (the song the dance was made for, so renderers can mux it) and
//! `generator` (what made it, free-form JSON). A missing keypoint is written as `null` and read
//! back as NaN; consumers hold the last valid pose over such frames.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::choreography::skeleton::{Pose, JOINT_NAMES, LAYOUT_COCO18, N_JOINTS};

/// A dance: poses at `fps`, and the music beats it was made for.
#[derive(Debug, Clone, PartialEq)]
pub struct SkeletonSequence {
    /// Frames per second.
    pub fps: f64,
    /// One pose per frame; frame `k` is at `k / fps` seconds.
    pub frames: Vec<Pose>,
    /// Music beats, seconds.
    pub beats_secs: Vec<f64>,
    /// The audio file the dance belongs to, if known.
    pub audio: Option<PathBuf>,
    /// What made the sequence (generator name, settings, post-processing report).
    pub generator: Option<serde_json::Value>,
}

/// A skeleton file could not be read or written.
#[derive(Debug, Error)]
pub enum SequenceError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Not JSON of the expected shape.
    #[error("{path}: not a skeleton file: {source}")]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    /// JSON of the right shape with wrong content.
    #[error("{path}: {what}")]
    Invalid { path: PathBuf, what: String },
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SequenceFile {
    fps: f64,
    layout: String,
    joint_names: Vec<String>,
    frames: Vec<Vec<[Option<f64>; 3]>>,
    #[serde(default)]
    beats_secs: Vec<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    audio: Option<PathBuf>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    generator: Option<serde_json::Value>,
}

impl SkeletonSequence {
    /// A sequence with no beats, audio or generator information.
    pub fn new(fps: f64, frames: Vec<Pose>) -> SkeletonSequence {
        SkeletonSequence {
            fps,
            frames,
            beats_secs: Vec::new(),
            audio: None,
            generator: None,
        }
    }

    /// Length in seconds (`frames / fps`).
    pub fn duration_secs(&self) -> f64 {
        self.frames.len() as f64 / self.fps
    }

    /// Time of frame `k`, seconds.
    pub fn frame_time_secs(&self, k: usize) -> f64 {
        k as f64 / self.fps
    }

    /// Frames holding a NaN or infinite coordinate.
    pub fn non_finite_frames(&self) -> usize {
        self.frames.iter().filter(|p| !p.is_finite()).count()
    }

    /// The sequence as JSON (non-finite coordinates become `null`).
    pub fn to_json_bytes(&self) -> Result<Vec<u8>, serde_json::Error> {
        let file = SequenceFile {
            fps: self.fps,
            layout: LAYOUT_COCO18.to_owned(),
            joint_names: JOINT_NAMES.iter().map(|s| (*s).to_owned()).collect(),
            frames: self
                .frames
                .iter()
                .map(|p| {
                    p.to_arrays()
                        .iter()
                        .map(|a| a.map(|v| v.is_finite().then_some(round_um(v))))
                        .collect()
                })
                .collect(),
            beats_secs: self.beats_secs.clone(),
            audio: self.audio.clone(),
            generator: self.generator.clone(),
        };
        serde_json::to_vec(&file)
    }

    /// Parses a skeleton file's bytes; `path` only names the file in errors.
    pub fn from_json_bytes(bytes: &[u8], path: &Path) -> Result<SkeletonSequence, SequenceError> {
        let file: SequenceFile =
            serde_json::from_slice(bytes).map_err(|source| SequenceError::Json {
                path: path.to_owned(),
                source,
            })?;
        let invalid = |what: String| SequenceError::Invalid {
            path: path.to_owned(),
            what,
        };
        if file.layout != LAYOUT_COCO18 {
            return Err(invalid(format!(
                "layout is {:?}, expected \"coco18\"",
                file.layout
            )));
        }
        if file.joint_names != JOINT_NAMES {
            return Err(invalid(format!(
                "joint_names are {:?}, expected the coco18 order {:?}",
                file.joint_names, JOINT_NAMES
            )));
        }
        if !(file.fps.is_finite() && file.fps > 0.0 && file.fps <= 1000.0) {
            return Err(invalid(format!(
                "fps is {}, expected 0 < fps <= 1000",
                file.fps
            )));
        }
        if file.frames.is_empty() {
            return Err(invalid("no frames".to_owned()));
        }
        if let Some(b) = file.beats_secs.iter().position(|b| !b.is_finite()) {
            return Err(invalid(format!("beats_secs[{b}] is not finite")));
        }
        let mut frames = Vec::with_capacity(file.frames.len());
        for (k, f) in file.frames.iter().enumerate() {
            if f.len() != N_JOINTS {
                return Err(invalid(format!(
                    "frame {k} has {} keypoints, expected {N_JOINTS}",
                    f.len()
                )));
            }
            let mut a = [[0.0; 3]; N_JOINTS];
            for (dst, src) in a.iter_mut().zip(f) {
                *dst = src.map(|v| v.unwrap_or(f64::NAN));
            }
            frames.push(Pose::from_arrays(&a));
        }
        Ok(SkeletonSequence {
            fps: file.fps,
            frames,
            beats_secs: file.beats_secs,
            audio: file.audio,
            generator: file.generator,
        })
    }

    /// Reads a skeleton file.
    pub fn load(path: &Path) -> Result<SkeletonSequence, SequenceError> {
        let bytes = std::fs::read(path).map_err(|source| SequenceError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::from_json_bytes(&bytes, path)
    }
}

/// Rounds to micrometres: keeps files small, far below any keypoint's accuracy.
fn round_um(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::body::BodyModel;

    fn seq() -> SkeletonSequence {
        let rest = BodyModel::default().rest_pose();
        let mut s =
            SkeletonSequence::new(30.0, vec![rest, rest.translated([0.1, 0.0, 0.0].into())]);
        s.beats_secs = vec![0.5];
        s
    }

    #[test]
    fn round_trips_through_json_with_nan_as_null() {
        let mut s = seq();
        s.frames[1].points[4].x = f64::NAN;
        let bytes = s.to_json_bytes().unwrap();
        assert!(String::from_utf8_lossy(&bytes).contains("null"));
        let back = SkeletonSequence::from_json_bytes(&bytes, Path::new("s.json")).unwrap();
        assert_eq!(back.frames.len(), 2);
        assert_eq!(back.non_finite_frames(), 1);
        assert!((back.frames[0].points[3] - s.frames[0].points[3]).norm() < 1e-6);
        assert_eq!(back.beats_secs, vec![0.5]);
    }

    fn extra_keypoint(good: &str) -> String {
        let mut v: serde_json::Value = serde_json::from_str(good).unwrap();
        v["frames"][1]
            .as_array_mut()
            .unwrap()
            .push(serde_json::json!([0.0, 0.0, 0.0]));
        v.to_string()
    }

    #[test]
    fn rejects_wrong_layout_names_and_counts_naming_the_file() {
        let good = String::from_utf8(seq().to_json_bytes().unwrap()).unwrap();
        let cases = [
            (good.replace("coco18", "body25"), "layout"),
            (good.replace("\"nose\"", "\"head\""), "joint_names"),
            (good.replace("\"fps\":30.0", "\"fps\":0.0"), "fps"),
            (extra_keypoint(&good), "keypoints"),
            ("{\"fps\": 30}".to_owned(), "not a skeleton file"),
        ];
        for (text, want) in cases {
            let err = SkeletonSequence::from_json_bytes(text.as_bytes(), Path::new("bad.json"))
                .unwrap_err()
                .to_string();
            assert!(err.contains("bad.json") && err.contains(want), "{err}");
        }
    }
}
