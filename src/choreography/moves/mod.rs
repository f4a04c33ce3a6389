//! The procedural dance generator: a library of designed moves, time-warped onto the beats
//! and chosen by the music.
//!
//! # Frames and units
//!
//! Poses are coco18 in the dancer frame (metres; x to the audience's right, y up, z toward the
//! audience; the dancer's right side at negative x; the floor at y = 0). Keyframes are
//! designed in a shape space ([`shape`]): pelvis offset and foot offsets in metres of the
//! 1.70 m reference body (scaled to the configured height), trunk and head angles in radians,
//! arm directions in side-local `(out, up, forward)` coordinates. The [`rig`] turns a shape
//! into a pose with the body's exact bone lengths; feet are placed by inverse kinematics and
//! never go below the rest ankle height. Times are seconds; move lengths are beats.
//!
//! # Moves
//!
//! Each move is a loop of key poses on its beats (and some half beats), with a length in
//! beats, an energy level (1 calm, 2 groove, 3 power) and the parts it moves. Moves that favour
//! one side also play mirrored ([`crate::choreography::Pose::mirrored`]); `m` marks them.
//!
//! | move | beats | energy | parts | m |
//! |---|---|---|---|---|
//! | `bounce` | 1 | 1 | arms, legs | |
//! | `sway` | 2 | 1 | torso, head, legs | m |
//! | `head_nod` | 1 | 1 | head, legs | |
//! | `hip_sway` | 2 | 1 | torso, legs | m |
//! | `knee_bend` | 2 | 1 | arms, torso, legs | |
//! | `head_tilt` | 2 | 1 | torso, head, legs | m |
//! | `breathe` | 4 | 1 | arms, legs | |
//! | `toe_tap` | 2 | 1 | arms, legs | m |
//! | `arm_swing` | 2 | 1 | arms, legs | m |
//! | `look_around` | 4 | 1 | torso, head, legs | m |
//! | `chill_groove` | 8 | 1 | arms, torso, head, legs | m |
//! | `clap` | 1 | 2 | arms, legs | |
//! | `point_up` | 2 | 2 | arms, torso, legs | m |
//! | `point_forward` | 2 | 2 | arms, torso, legs | m |
//! | `wave` | 4 | 2 | arms, head, legs | m |
//! | `shoulder_pop` | 2 | 2 | arms, torso, legs | m |
//! | `torso_twist` | 2 | 2 | torso, legs | m |
//! | `side_step` | 4 | 2 | arms, torso, legs | m |
//! | `heel_tap` | 2 | 2 | arms, legs | m |
//! | `hip_circle` | 4 | 2 | torso, legs | m |
//! | `robot_arms` | 2 | 2 | arms, head | m |
//! | `arm_roll` | 2 | 2 | arms, legs | m |
//! | `chest_pop` | 1 | 2 | torso, head, legs | |
//! | `rock_step` | 4 | 2 | arms, legs | m |
//! | `groove_combo` | 8 | 2 | arms, torso, head, legs | m |
//! | `fist_pump` | 1 | 3 | arms, legs | m |
//! | `raise_roof` | 1 | 3 | arms, legs | |
//! | `clap_high` | 2 | 3 | arms, legs | |
//! | `star_reach` | 2 | 3 | arms, torso, legs | m |
//! | `cross_punch` | 2 | 3 | arms, torso, legs | m |
//! | `knee_lift` | 2 | 3 | arms, legs | m |
//! | `lasso` | 2 | 3 | arms, legs | m |
//! | `jack_step` | 4 | 3 | arms, legs | m |
//! | `hands_up_sway` | 4 | 3 | arms, torso, legs | m |
//! | `kick` | 2 | 3 | arms, torso, legs | m |
//! | `swim` | 4 | 3 | arms, torso, legs | m |
//! | `power_combo` | 8 | 3 | arms, torso, head, legs | m |
//!
//! # On the beat
//!
//! Beat `i` of a move is danced on the `i`-th music beat of its bar ([`timewarp`]), so key
//! poses land on the actual beat times and follow tempo changes. One cubic Hermite spline
//! runs through all keys of the song ([`spline`]): velocity is continuous within and between
//! moves, and tangents damped on the beats put the dance's speed minima on the beats. On the
//! last beat of a bar the next move gets the whole beat to take over (up-beat keys there are
//! skipped), and on fast beats (above 160 BPM) moves with up-beat keys are danced half-time.
//! Under it all the pelvis grooves, one small loop per beat that comes to rest on the beat
//! ([`trajectory`]), so the whole body's speed dips on every beat.
//!
//! # Selection
//!
//! Moves change on bar boundaries (downbeats; every 4 beats without them). Each bar's energy
//! (RMS and onset strength, normalised within the song, [`energy`]) picks the level; a
//! section whose label repeats replays the first one's moves bar for bar; long moves continue
//! across bars; a one-sided move may be answered by its mirror; otherwise a draw seeded by
//! (seed, bar) picks a move of fitting energy that differs from the previous bar, avoids
//! recent ones and favours those starting near the pose the last bar ended on ([`planner`]). Before the first beat and after the last the dancer idles (rest pose, gentle
//! sway) and blends in and out over two beats; silence is idle.
//!
//! # Live
//!
//! [`ProceduralGenerator`] implements [`DanceGenerator`](crate::choreography::DanceGenerator)
//! for both uses: offline with the whole song, live with growing, partly predicted beats
//! (extrapolated at the last period when they fall short, [`live`]); frames once returned never
//! change, and the motion stays smooth across calls ([`generator`]).
//!
//! ```
//! use dancebot::analysis::features::{extract, FeatureConfig};
//! use dancebot::analysis::BeatGrid;
//! use dancebot::choreography::moves::{ProceduralConfig, ProceduralGenerator};
//! use dancebot::choreography::{generate_offline, DanceGenerator};
//!
//! let samples = vec![0.0f32; 22_050 * 4];
//! let grid = BeatGrid {
//!     beats_secs: (1..8).map(|i| f64::from(i) * 0.5).collect(),
//!     ..BeatGrid::default()
//! };
//! let features = extract(&samples, &grid, &FeatureConfig::default()).unwrap();
//! let mut dancer = ProceduralGenerator::new(ProceduralConfig::default()).unwrap();
//! let seq = generate_offline(&mut dancer, &features, &grid).unwrap();
//! assert_eq!(seq.frames.len(), 120);
//! assert!(seq.frames.iter().all(|p| dancer.body().max_length_deviation(p) < 1e-9));
//! ```

pub mod calm;
pub mod config;
pub mod dir;
pub mod energy;
pub mod generator;
pub mod groove;
pub mod library;
pub mod live;
pub mod planner;
pub mod power;
pub mod replay;
pub mod rig;
pub mod shape;
pub mod spline;
pub mod timewarp;
pub mod trajectory;

#[cfg(test)]
mod tests;

pub use config::ProceduralConfig;
pub use generator::ProceduralGenerator;
pub use library::{BodyPart, Move, MoveDef, MoveLibrary};
