//! Side-local `(out, up, forward)` directions the moves are written with (any length; the
//! rig normalises them). `out` points away from the body's midline on the limb's side.

/// Hanging, a little out.
pub const HANG: [f64; 3] = [0.12, -1.0, 0.05];
/// Straight up, a little out.
pub const UP: [f64; 3] = [0.2, 1.0, 0.08];
/// Horizontal, out to the side.
pub const SIDE: [f64; 3] = [1.0, 0.0, 0.08];
/// Diagonal up and out.
pub const SIDE_UP: [f64; 3] = [0.7, 0.72, 0.1];
/// Diagonal down and out.
pub const SIDE_DOWN: [f64; 3] = [0.72, -0.68, 0.1];
/// Horizontal, toward the audience.
pub const FORWARD: [f64; 3] = [0.1, 0.03, 1.0];
/// Forward and down.
pub const FORWARD_DOWN: [f64; 3] = [0.1, -0.62, 0.78];
/// Forward and up.
pub const FORWARD_UP: [f64; 3] = [0.15, 0.68, 0.72];
/// Forearm across the front of the chest.
pub const INWARD: [f64; 3] = [-0.95, 0.05, 0.32];
/// Upper arm swung back.
pub const BACK: [f64; 3] = [0.12, -0.9, -0.4];
/// Upper arm of a hand on the hip: elbow out and back.
pub const HIP_UPPER: [f64; 3] = [0.7, -0.65, -0.2];
/// Forearm of a hand on the hip: down and in.
pub const HIP_FORE: [f64; 3] = [-0.75, -0.55, 0.2];
/// Upper arm of a clap in front of the chest.
pub const CLAP_UPPER: [f64; 3] = [0.1, -0.76, 0.65];
/// Forearm of a clap in front of the chest.
pub const CLAP_FORE: [f64; 3] = [-0.74, -0.16, 0.66];
/// Upper arm of a fist guarding the chin.
pub const GUARD_UPPER: [f64; 3] = [0.45, -0.6, 0.65];
/// Forearm of a fist guarding the chin.
pub const GUARD_FORE: [f64; 3] = [-0.5, 0.8, 0.35];
