//! Safety: the last stage before any actuator, always on, trusting nobody upstream.
//!
//! Every joint command passes a [`SafetyLayer`], ticked at the control rate on an injected
//! clock. Whatever it is given (NaN, infinities, huge values, targets that teleport), what it
//! sends stays inside each joint's position range, within its velocity limit, and changes
//! velocity by at most the acceleration limit per tick ([`limiter`]). On top of that:
//!
//! - **enable** starts from the robot's *measured* state with zero velocity and ramps speed
//!   up over `soft_start_secs` (a measured state outside the limits is refused);
//! - **watchdog**: no fresh command within `watchdog_timeout_secs` → brake and hold; held for
//!   `hold_before_home_secs` → go home slowly; a fresh command resumes, blended by the limiter;
//! - **e-stop** freezes every joint (zero velocity) from the next tick until re-enabled; this
//!   is the one transition allowed to stop faster than the acceleration limit;
//! - **disable** is a soft stop: home at reduced speed, then silence;
//! - **one motion at a time**: a [`MotionPlayer`] upstream plays one trajectory and
//!   cross-fades into a preempting one.
//!
//! Units: radians (metres for prismatic joints), seconds.

pub mod layer;
pub mod limiter;
pub mod motion;
pub mod repair;
mod smooth;
pub mod timing;

pub use crate::robot::limits::{JointLimit, LimitError, LimitSet};
pub use layer::{SafeCommand, SafetyConfig, SafetyLayer, SafetyState};
pub use motion::MotionPlayer;

use thiserror::Error;

use crate::config::InvalidField;

/// The safety layer refused a request.
#[derive(Debug, Error, PartialEq)]
pub enum SafetyError {
    /// Settings out of range.
    #[error("safety settings: {0}")]
    Config(#[from] InvalidField),
    /// Limits unusable.
    #[error("joint limits: {0}")]
    Limits(#[from] LimitError),
    /// A motion (trajectory) that cannot be played.
    #[error("motion: {0}")]
    Motion(String),
    /// A vector of the wrong length.
    #[error("expected {expected} joint values, found {found}")]
    WrongLength { expected: usize, found: usize },
    /// The home pose is outside the limits.
    #[error("home position of {joint} is {value_rad} rad, outside [{lower_rad}, {upper_rad}]")]
    HomeOutsideLimits {
        joint: String,
        value_rad: f64,
        lower_rad: f64,
        upper_rad: f64,
    },
    /// The robot reports a position outside its limits; enabling would jump.
    #[error("robot reports {joint} at {value_rad} rad, outside [{lower_rad}, {upper_rad}]: move it inside by hand before enabling")]
    MeasuredOutsideLimits {
        joint: String,
        value_rad: f64,
        lower_rad: f64,
        upper_rad: f64,
    },
}
