//! Robot models: a URDF's kinematic tree on nalgebra, with forward kinematics, point
//! Jacobians, the centre of mass, mimic joints and a floating base.
//!
//! Frames: `world` is the robot's world frame (x forward, y left, z up, as URDF has it);
//! `world_from_base` places the root link (the floating base); `world_from_link[i]` is link
//! `i`'s frame. Angles are radians, lengths metres, masses kilograms.
//!
//! Why not the `k` crate: it pins an older nalgebra and ignores velocity limits and mimic
//! joints, both of which this project needs (NAO's hip and hand joints are mimic joints, and
//! the safety layer lives on velocity limits). The tree here is small and allocation-free per
//! frame once a [`Kinematics`] workspace exists.
//!
//! Degrees of freedom ("dofs") are the independent joints: every revolute, continuous or
//! prismatic joint that is not a mimic joint, in URDF order. Joint positions are always passed
//! as a slice over dofs; mimic joints follow `multiplier · q + offset` of their leader.

pub mod kinematics;
pub mod limits;
pub mod model;
mod urdf;

pub use kinematics::Kinematics;
pub use limits::{JointLimit, LimitError, LimitSet};
pub use model::{Dof, JointKind, JointLimits, JointModel, LinkModel, RobotModel, Shape};

use std::path::PathBuf;

use thiserror::Error;

/// A robot description could not be used.
#[derive(Debug, Error)]
pub enum RobotError {
    /// The file could not be read.
    #[error("{path}: cannot read: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The URDF is not well-formed XML or not URDF.
    #[error("{path}: not a valid URDF: {message}")]
    Parse { path: PathBuf, message: String },
    /// The URDF parses but describes something unusable.
    #[error("{path}:{line}: {what}")]
    Invalid {
        path: PathBuf,
        /// 1-based line of the offending element (0 when unknown).
        line: usize,
        what: String,
    },
}
