//! Choreography: music features and beats in, a [`SkeletonSequence`] out (coco18, 3D, metres,
//! dancer frame; see [`skeleton`]).
//!
//! Every generator implements [`DanceGenerator`], which appends frames up to a time given what
//! is known of the music *so far*: the offline pipeline calls it once for the whole song, the
//! live node calls it again and again a horizon ahead of the playhead with the causal tracker's
//! predicted beats. Frames once returned are never changed, so they can be sent to a robot.
//!
//! Every skeleton a generator outputs has the bone lengths of its [`body::BodyModel`].

pub mod body;
pub mod metrics;
pub mod moves;
pub mod openpose;
pub mod postprocess;
pub mod sequence;
pub mod skeleton;
pub mod windows;

pub use body::BodyModel;
pub use sequence::{SequenceError, SkeletonSequence};
pub use skeleton::{Joint, Pose, Vec3, BONES, N_JOINTS};

use thiserror::Error;

use crate::analysis::features::MusicFeatures;
use crate::analysis::BeatGrid;

/// What a generator knows of the music when it is asked for frames.
#[derive(Debug, Clone, Copy)]
pub struct MusicContext<'a> {
    /// Features at the motion rate, as far as they are known (the whole song offline).
    pub features: &'a MusicFeatures,
    /// Beat times, increasing: past beats and, live, predicted ones ahead of the playhead.
    pub beats_secs: &'a [f64],
    /// The beats that start a bar (a subset of `beats_secs`; may be empty).
    pub downbeats_secs: &'a [f64],
    /// True when features and beats cover the whole song (offline); a generator may then
    /// look ahead, e.g. to give repeated sections the same dance.
    pub complete: bool,
}

impl<'a> MusicContext<'a> {
    /// The whole song, offline.
    pub fn offline(features: &'a MusicFeatures, grid: &'a BeatGrid) -> MusicContext<'a> {
        MusicContext {
            features,
            beats_secs: &grid.beats_secs,
            downbeats_secs: &grid.downbeats_secs,
            complete: true,
        }
    }
}

/// Why a dance could not be generated.
#[derive(Debug, Error)]
pub enum ChoreoError {
    /// The generator's settings are out of range.
    #[error("generator settings: {0}")]
    Config(#[from] crate::config::InvalidField),
    /// The music input cannot drive this generator.
    #[error("music input: {0}")]
    Input(String),
    /// The generator's backend failed (a neural network, a model file).
    #[error("{0}")]
    Backend(String),
}

/// A dance generator: music in, poses out, frame by frame at a fixed rate.
pub trait DanceGenerator {
    /// Short name for logs and files (`procedural`, `neural-ren`, …).
    fn name(&self) -> String;

    /// Frames per second of the output.
    fn fps(&self) -> f64;

    /// The body whose bone lengths every output pose has.
    fn body(&self) -> &BodyModel;

    /// Appends frames to `out` from `out.len()` up to (not including) time `until_secs`, given
    /// what is known of the music. Frames already in `out` are not changed. Returns the number
    /// of frames appended.
    fn extend(
        &mut self,
        music: &MusicContext<'_>,
        until_secs: f64,
        out: &mut Vec<Pose>,
    ) -> Result<usize, ChoreoError>;

    /// Free-form description of the settings and any post-processing, for the output file.
    fn describe(&self) -> serde_json::Value {
        serde_json::json!({ "name": self.name(), "fps": self.fps() })
    }
}

/// Runs a generator over a whole song (offline): one frame per `1 / fps` up to the end of the
/// features.
pub fn generate_offline(
    generator: &mut dyn DanceGenerator,
    features: &MusicFeatures,
    grid: &BeatGrid,
) -> Result<SkeletonSequence, ChoreoError> {
    let music = MusicContext::offline(features, grid);
    let mut frames = Vec::new();
    generator.extend(&music, features.duration_secs, &mut frames)?;
    Ok(SkeletonSequence {
        fps: generator.fps(),
        frames,
        beats_secs: grid.beats_secs.clone(),
        audio: None,
        generator: Some(generator.describe()),
    })
}
