//! Retargeting: skeleton frames + a robot model + a per-robot map in, a [`JointTrajectory`] out.

pub mod trajectory;

pub use trajectory::{JointTrajectory, TrajectoryError};
