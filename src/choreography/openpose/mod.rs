//! OpenPose keypoints in, a [`SkeletonSequence`] out: real dancers' motion (from video) for
//! evaluation and as reference dances.
//!
//! Input is a folder of OpenPose's per-frame JSON files (`--write_json`, names such as
//! `video_000000000012_keypoints.json`, ordered by the *last* number in the name, frame 0 of
//! the sequence being the lowest number), a single such file, or a `skeleton.json`
//! ([`SkeletonSequence::load`]). Each frame holds COCO-18 or BODY_25 keypoints in image
//! pixels ([`frame`]); the most confident person is taken.
//!
//! Processing, in order:
//!
//! 1. keypoints below [`OpenPoseConfig::confidence_threshold`] are missing, as are whole
//!    frames with no person and frame numbers with no file (a gap in the numbering is
//!    allowed and reported);
//! 2. wrong frames are dropped ([`clean`]: too few keypoints, a jump in scale, an overlong
//!    limb);
//! 3. each keypoint is interpolated over gaps up to [`OpenPoseConfig::max_gap_secs`] and held
//!    at the ends ([`clean::interpolate_gaps`]);
//! 4. pixels become metres in the dancer frame ([`place`]): y flipped, scaled so the median
//!    fitted body is [`OpenPoseConfig::dancer_height_m`] tall, origin between the ankles on
//!    the floor at the first frame, z = 0; keypoints still missing hang off their parents.
//!
//! Every step is counted in an [`OpenPoseReport`].

pub mod clean;
pub mod folder;
pub mod frame;
pub mod place;

pub use folder::{load, load_folder, Loaded};

use std::path::PathBuf;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::choreography::body::BodyModel;
use crate::choreography::sequence::{SequenceError, SkeletonSequence};
use crate::config::{InvalidField, Validate};
use clean::Frame2d;
use frame::{Layout, PersonKeypoints};

/// Settings of the OpenPose import.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct OpenPoseConfig {
    /// Keypoints below this confidence are missing. Raise it for noisy videos.
    pub confidence_threshold: f64,
    /// Longest gap a keypoint is interpolated over, seconds; longer gaps are filled from the
    /// body model instead. Lower it for fast dances.
    pub max_gap_secs: f64,
    /// A frame with fewer confident keypoints is dropped.
    pub min_confident_keypoints: usize,
    /// A frame whose median bone-length ratio to the sequence is above this (or below its
    /// inverse) is dropped. Raise it for dancers moving toward or away from the camera.
    pub max_scale_ratio: f64,
    /// A frame with a limb or torso bone longer than this many times its median is dropped.
    pub max_bone_ratio: f64,
    /// The dancer's assumed height, metres: sets the pixel scale.
    pub dancer_height_m: f64,
}

impl Default for OpenPoseConfig {
    fn default() -> Self {
        Self {
            confidence_threshold: 0.1,
            max_gap_secs: 0.5,
            min_confident_keypoints: 8,
            max_scale_ratio: 1.5,
            max_bone_ratio: 2.0,
            dancer_height_m: BodyModel::default().height_m(),
        }
    }
}

fn check(field: &str, value: f64, lo: f64, hi: f64) -> Result<(), InvalidField> {
    if (lo..=hi).contains(&value) {
        Ok(())
    } else {
        Err(InvalidField::new(
            field,
            format!("is {value}, expected {lo} to {hi}"),
        ))
    }
}

impl Validate for OpenPoseConfig {
    fn validate(&self) -> Result<(), InvalidField> {
        check("confidence_threshold", self.confidence_threshold, 0.0, 1.0)?;
        check("max_gap_secs", self.max_gap_secs, 0.0, 10.0)?;
        check(
            "min_confident_keypoints",
            self.min_confident_keypoints as f64,
            1.0,
            18.0,
        )?;
        check("max_scale_ratio", self.max_scale_ratio, 1.01, 10.0)?;
        check("max_bone_ratio", self.max_bone_ratio, 1.01, 10.0)?;
        check("dancer_height_m", self.dancer_height_m, 0.5, 2.5)
    }
}

/// What the import found and did.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct OpenPoseReport {
    /// Keypoint layout of the files: `coco18`, `body25` or `mixed`.
    pub layout: String,
    /// Frame files read.
    pub files: usize,
    /// Frames in the sequence (files plus missing frame numbers).
    pub frames: usize,
    /// Frame numbers with no file (interpolated like dropped frames).
    pub missing_frames: usize,
    /// Frames with no person or no confident keypoint.
    pub empty_frames: usize,
    /// Frames dropped as wrong (the two counts below together).
    pub frames_dropped: usize,
    /// Frames dropped for too few confident keypoints.
    pub frames_dropped_few_keypoints: usize,
    /// Frames dropped for bone lengths straying from the sequence's.
    pub frames_dropped_bone_lengths: usize,
    /// Keypoints filled linearly inside a gap.
    pub keypoints_interpolated: usize,
    /// Keypoints held before the first or after the last detection.
    pub keypoints_held: usize,
    /// Keypoints filled from the body model (long gaps, never detected).
    pub keypoints_from_body: usize,
    /// Keypoints still missing (NaN; frames with no neck and no shoulders).
    pub keypoints_missing: usize,
    /// Scale from image pixels to metres.
    pub metres_per_px: f64,
}

/// OpenPose input that could not be read.
#[derive(Debug, Error)]
pub enum OpenPoseError {
    /// A file or folder could not be read.
    #[error("{path}: cannot read")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// Not JSON of the OpenPose shape.
    #[error("{path}: not an OpenPose frame (expected {{\"people\": [{{\"pose_keypoints_2d\": [x, y, c, ...]}}]}})")]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
    /// A person's keypoint array has the wrong length.
    #[error(
        "{path}: person {person}: expected 54 (COCO-18) or 75 (BODY_25) values, found {found}"
    )]
    KeypointCount {
        path: PathBuf,
        person: usize,
        found: usize,
    },
    /// A folder without frame files.
    #[error("{path}: empty folder: no OpenPose .json frame files")]
    EmptyFolder { path: PathBuf },
    /// A frame file whose name has no frame number.
    #[error("{path}: no frame number in the file name (expected e.g. video_000000000012_keypoints.json)")]
    NoFrameNumber { path: PathBuf },
    /// Two files with the same frame number.
    #[error("{path}: frame number {frame} also used by {other}")]
    DuplicateFrame {
        path: PathBuf,
        other: PathBuf,
        frame: u64,
    },
    /// Frame numbers far sparser than the files.
    #[error(
        "{path}: frame numbers {first} to {last} leave {missing} frames missing for {files} files"
    )]
    TooSparse {
        path: PathBuf,
        first: u64,
        last: u64,
        missing: u64,
        files: usize,
    },
    /// No frame has a person.
    #[error("{path}: no people in any frame")]
    NoPeople { path: PathBuf },
    /// No frame has enough keypoints to measure the body.
    #[error("{path}: no frame with enough confident keypoints to measure the dancer's size")]
    NoScale { path: PathBuf },
    /// The frame rate is out of range.
    #[error("fps is {fps}, expected 0 < fps <= 1000")]
    InvalidFps { fps: f64 },
    /// The import settings are out of range.
    #[error("OpenPose import settings: {0}")]
    Config(#[from] InvalidField),
    /// A `skeleton.json` input that could not be read.
    #[error(transparent)]
    Skeleton(#[from] SequenceError),
}

/// Builds the sequence from one entry per frame (`None`: no file, or no person), at `fps`.
/// `path` names the input in errors; `missing_frames` is only reported.
pub fn sequence_from_people(
    people: &[Option<PersonKeypoints>],
    fps: f64,
    cfg: &OpenPoseConfig,
    path: &std::path::Path,
) -> Result<(SkeletonSequence, OpenPoseReport), OpenPoseError> {
    cfg.validate()?;
    if !(fps.is_finite() && fps > 0.0 && fps <= 1000.0) {
        return Err(OpenPoseError::InvalidFps { fps });
    }
    if people.iter().all(Option::is_none) {
        return Err(OpenPoseError::NoPeople {
            path: path.to_owned(),
        });
    }
    let mut frames: Vec<Frame2d> = people
        .iter()
        .map(|p| confident(p.as_ref(), cfg.confidence_threshold))
        .collect();
    let mut report = OpenPoseReport {
        layout: layout_name(people),
        frames: frames.len(),
        empty_frames: frames
            .iter()
            .filter(|f| f.iter().all(Option::is_none))
            .count(),
        ..OpenPoseReport::default()
    };
    let dropped = clean::drop_wrong_frames(&mut frames, cfg);
    report.frames_dropped_few_keypoints = dropped.few_keypoints;
    report.frames_dropped_bone_lengths = dropped.bone_lengths;
    report.frames_dropped = dropped.few_keypoints + dropped.bone_lengths;
    let max_gap_frames = (cfg.max_gap_secs * fps).round() as usize;
    let filled = clean::interpolate_gaps(&mut frames, max_gap_frames);
    report.keypoints_interpolated = filled.interpolated;
    report.keypoints_held = filled.held;
    let height_px = place::median_height_px(&frames).ok_or_else(|| OpenPoseError::NoScale {
        path: path.to_owned(),
    })?;
    report.metres_per_px = cfg.dancer_height_m / height_px;
    let body = BodyModel::with_height(cfg.dancer_height_m);
    let (poses, from_body) = place::to_dancer_frame(&frames, report.metres_per_px, &body);
    report.keypoints_from_body = from_body;
    report.keypoints_missing = place::missing_keypoints(&poses);
    Ok((SkeletonSequence::new(fps, poses), report))
}

/// The confident keypoints of a frame's person.
fn confident(person: Option<&PersonKeypoints>, threshold: f64) -> Frame2d {
    let mut out = [None; crate::choreography::N_JOINTS];
    if let Some(p) = person {
        for (o, k) in out.iter_mut().zip(&p.keypoints) {
            if k.confidence >= threshold && k.confidence > 0.0 {
                *o = Some([k.x_px, k.y_px]);
            }
        }
    }
    out
}

fn layout_name(people: &[Option<PersonKeypoints>]) -> String {
    let mut layouts = people.iter().flatten().map(|p| p.layout);
    let first = layouts.next();
    match first {
        Some(l) if layouts.all(|m| m == l) => match l {
            Layout::Coco18 => "coco18".to_owned(),
            Layout::Body25 => "body25".to_owned(),
        },
        Some(_) => "mixed".to_owned(),
        None => String::new(),
    }
}
