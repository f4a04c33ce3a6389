//! Retargeting: skeleton frames + a robot model + a per-robot map in, a [`JointTrajectory`] out.
//!
//! The dancer's keypoints (coco18, dancer frame: x audience's right, y up, z toward the
//! audience, metres) become per-limb **direction** targets in the robot's world frame (x
//! forward, y left, z up): directions are scale-invariant, so a 0.5 m servo humanoid follows a
//! 1.7 m dancer. Damped least squares turns them into joint angles, limb by limb in priority
//! order (torso, then head and arms, then legs), within the map's limits at every iteration,
//! warm-started from the previous frame. See [`frame`] for the per-frame pipeline, [`map`] for
//! the map file and `docs/robot-maps.md` for writing one.
//!
//! ```no_run
//! use std::path::Path;
//! use dancebot::choreography::SkeletonSequence;
//! use dancebot::retarget::{retarget_sequence, RetargetOptions, Retargeter, RobotMap};
//! use dancebot::robot::RobotModel;
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let model = RobotModel::load(Path::new("urdf/dancebot_humanoid.urdf"))?;
//! let map = RobotMap::load(Path::new("config/robots/dancebot_humanoid.yaml"))?;
//! let limits = map.limit_set(&model)?; // for the time-parameterization and safety stages
//! let retargeter = Retargeter::new(model, map)?;
//! let dance = SkeletonSequence::load(Path::new("skeleton.json"))?;
//! let (trajectory, report) = retarget_sequence(&dance, &retargeter, &RetargetOptions::default());
//! # let _ = (limits, trajectory, report);
//! # Ok(())
//! # }
//! ```

pub mod bind;
pub mod capsules;
pub mod collision;
pub mod eval;
pub mod frame;
pub mod full_body;
pub mod ik;
pub mod lift;
pub mod limits;
mod linalg;
pub mod map;
pub mod parts;
pub mod polygon;
mod resolve;
pub mod retargeter;
pub mod roundtrip;
pub mod segments;
mod separate;
pub mod sequence;
pub mod settings;
mod solve;
pub mod stance;
pub mod trajectory;

pub use eval::{evaluate, RobotEval};
pub use frame::{FrameReport, RetargetState};
pub use map::{Limb, LowerBody, Part, RobotMap};
pub use retargeter::Retargeter;
pub use segments::Segment;
pub use sequence::{retarget_sequence, RetargetOptions, RetargetReport};
pub use trajectory::{JointTrajectory, TrajectoryError};

use std::path::PathBuf;

use thiserror::Error;

/// Retargeting could not be set up.
#[derive(Debug, Error)]
pub enum RetargetError {
    /// The map names something the robot lacks, or is inconsistent with it.
    #[error("{path}: `{field}`: {problem}")]
    Map {
        path: PathBuf,
        field: String,
        problem: String,
    },
    /// An input (trajectory, skeleton) does not fit the robot.
    #[error("{0}")]
    Input(String),
}
