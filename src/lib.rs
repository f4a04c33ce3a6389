//! dancebot: makes a humanoid robot dance to music.
//!
//! Data flows one way (see `docs/architecture.md`):
//!
//! ```text
//! audio ──► analysis ──► choreography ──► retarget ──► safety ──► sinks
//! ```
//!
//! The leaves ([`units`], [`clock`], [`config`], [`error`]) depend on nothing inside the crate.
//! The core is pure Rust and deterministic for a given input, clock and seed; heavy
//! dependencies (libtorch, ROS 2, sound cards, I2C) sit in edge modules behind Cargo features.

pub mod clock;
pub mod config;
pub mod error;
pub mod units;

pub mod analysis;
pub mod audio;
pub mod choreography;
pub mod render;
pub mod retarget;
pub mod robot;
pub mod safety;
pub mod stream;

pub mod app;
pub mod doctor;
pub mod video;

#[cfg(feature = "torch")]
pub mod neural;
#[cfg(feature = "ros")]
pub mod ros;
#[cfg(feature = "servo-linux")]
pub mod servo;
#[cfg(feature = "torch")]
pub mod torch_backend;
