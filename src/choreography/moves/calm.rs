//! Energy-1 moves: bounces, sways, nods and small steps for quiet passages.
//!
//! Keys are written from [`Key::stance`] with the dancer's right side leading; distances in
//! metres of the 1.70 m reference body, angles in radians, arm directions side-local
//! `(out, up, forward)` (see [`super::dir`]).

use super::dir::{FORWARD_DOWN, HANG, HIP_FORE, HIP_UPPER, SIDE_DOWN, SIDE_UP};
use super::library::{BodyPart, BodyPart::*, MoveDef};
use super::shape::Side::{self, Left, Right};
use super::shape::{Key, STANCE_FOREARM, STANCE_UPPER_ARM};

pub(super) fn mv(
    name: &'static str,
    beats: usize,
    energy: u8,
    parts: &'static [BodyPart],
    keys: Vec<(f64, Key)>,
) -> MoveDef {
    MoveDef {
        name,
        beats,
        energy,
        parts,
        keys,
    }
}

pub(super) fn st() -> Key {
    Key::stance()
}

/// The calm moves. (A table: one key per line reads better than rustfmt's layout.)
#[rustfmt::skip]
pub(super) fn moves() -> Vec<MoveDef> {
    vec![
        mv("bounce", 1, 1, &[Arms, Legs], vec![
            (0.0, st().dip(0.07).arms([0.15, -1.0, 0.15], [0.05, -0.8, 0.6])),
            (0.5, st().dip(0.02).arms([0.15, -1.0, 0.05], [0.05, -0.55, 0.85])),
        ]),
        mv("sway", 2, 1, &[Torso, Head, Legs], vec![
            (0.0, st().dip(0.04).shift_right(0.05).bend_right(0.05).head_tilt_right(0.06)),
            (1.0, st().dip(0.04).shift_right(-0.05).bend_right(-0.05).head_tilt_right(-0.06)),
        ]),
        mv("head_nod", 1, 1, &[Head, Legs], vec![
            (0.0, st().dip(0.045).nod(0.3)),
            (0.5, st().dip(0.02).nod(-0.06)),
        ]),
        mv("hip_sway", 2, 1, &[Torso, Legs], {
            let hip = |x: f64| {
                st().dip(0.05)
                    .shift_right(x)
                    .bend_right(-0.9 * x)
                    .arms([0.35, -0.92, 0.1], [0.1, -0.6, 0.75])
            };
            vec![(0.0, hip(0.07)), (1.0, hip(-0.07))]
        }),
        mv("knee_bend", 2, 1, &[Arms, Torso, Legs], vec![
            (0.0, st().dip(0.13).lean(0.1).arms(FORWARD_DOWN, [0.05, -0.2, 1.0])),
            (1.0, st().dip(0.03)),
        ]),
        mv("head_tilt", 2, 1, &[Torso, Head, Legs], vec![
            (0.0, st().dip(0.045).head_tilt_right(0.25).bend_right(0.04)),
            (1.0, st().dip(0.02).head_tilt_right(-0.25).bend_right(-0.04)),
        ]),
        mv("breathe", 4, 1, &[Arms, Legs], vec![
            (0.0, st().dip(0.05).arms([0.3, -0.95, 0.1], [0.2, -0.9, 0.3])),
            (1.0, st().dip(0.035).arms([0.8, -0.4, 0.2], [0.8, -0.1, 0.4])),
            (2.0, st().dip(0.015).arms(SIDE_UP, [0.5, 0.85, 0.15])),
            (3.0, st().dip(0.03).arms([0.85, -0.2, 0.2], [0.9, 0.1, 0.3])),
        ]),
        mv("toe_tap", 2, 1, &[Arms, Legs], {
            let base = || st().dip(0.04).shift_right(-0.03);
            vec![
                (0.0, base().foot(Right, [0.22, 0.0, 0.02]).arm(Right, [0.5, -0.85, 0.15], [0.4, -0.5, 0.75])),
                (0.5, base().foot(Right, [0.11, 0.05, 0.01])),
                (1.0, base().dip(0.055)),
                (1.5, base().foot(Right, [0.11, 0.05, 0.01])),
            ]
        }),
        mv("arm_swing", 2, 1, &[Arms, Legs], {
            let swing = |front: Side| {
                let back = match front {
                    Right => Left,
                    Left => Right,
                };
                st().dip(0.05)
                    .arm(front, [0.1, -0.75, 0.65], [0.05, -0.3, 0.95])
                    .arm(back, [0.12, -0.9, -0.4], [0.05, -0.9, 0.4])
            };
            vec![
                (0.0, swing(Right)),
                (0.5, st().dip(0.02)),
                (1.0, swing(Left)),
                (1.5, st().dip(0.02)),
            ]
        }),
        mv("look_around", 4, 1, &[Torso, Head, Legs], vec![
            (0.0, st().dip(0.045).head_left(-0.5).twist_left(-0.12)),
            (1.0, st().dip(0.02)),
            (2.0, st().dip(0.045).head_left(0.5).twist_left(0.12)),
            (3.0, st().dip(0.02).nod(0.12)),
        ]),
        mv("chill_groove", 8, 1, &[Arms, Torso, Head, Legs], chill_groove()),
    ]
}

/// Eight beats of easy bouncing while one hand, then the other, rises to the chest and the
/// shoulders rock.
fn chill_groove() -> Vec<(f64, Key)> {
    let chest = ([0.45, -0.7, 0.55], [-0.5, 0.45, 0.75]);
    (0..8)
        .map(|beat| {
            let rock = if beat % 4 < 2 { 0.05 } else { -0.05 };
            let mut key = st()
                .dip(if beat % 2 == 0 { 0.06 } else { 0.025 })
                .bend_right(rock)
                .head_tilt_right(0.8 * rock);
            let (lead, step) = if beat < 4 {
                (Right, beat)
            } else {
                (Left, beat - 4)
            };
            key = match step {
                1 | 2 => key.arm(lead, chest.0, chest.1),
                3 => key.arm(lead, SIDE_DOWN, [0.6, -0.2, 0.75]),
                _ => key.arm(lead, STANCE_UPPER_ARM, STANCE_FOREARM),
            };
            if beat == 5 {
                key = key.arm(Right, HIP_UPPER, HIP_FORE);
            }
            if beat == 0 {
                key = key.arm(Left, HANG, STANCE_FOREARM);
            }
            (f64::from(beat), key)
        })
        .collect()
}
