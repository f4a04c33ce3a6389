//! Energy-2 moves: claps, points, waves, steps and torso work for the body of a song.
//!
//! Written like [`super::calm`]: from the stance, right side leading, metres of the reference
//! body, radians, side-local arm directions.

use super::calm::{mv, st};
use super::dir::{CLAP_FORE, CLAP_UPPER, FORWARD, HIP_FORE, HIP_UPPER, INWARD, SIDE, SIDE_UP};
use super::library::{BodyPart::*, MoveDef};
use super::shape::Key;
use super::shape::Side::{self, Left, Right};

/// The groove moves. (A table: one key per line reads better than rustfmt's layout.)
#[rustfmt::skip]
pub(super) fn moves() -> Vec<MoveDef> {
    let open = ([0.3, -0.8, 0.5], [0.5, 0.1, 0.85]);
    vec![
        mv("clap", 1, 2, &[Arms, Legs], vec![
            (0.0, st().dip(0.06).arms(CLAP_UPPER, CLAP_FORE)),
            (0.5, st().dip(0.025).arms(open.0, open.1)),
        ]),
        mv("point_up", 2, 2, &[Arms, Torso, Legs], vec![
            (0.0, st().dip(0.05).shift_right(-0.04).bend_right(-0.08)
                .arm(Right, SIDE_UP, [0.5, 0.85, 0.2]).arm(Left, HIP_UPPER, HIP_FORE)),
            (1.0, st().dip(0.03).shift_right(0.04).bend_right(0.06)
                .arm(Right, [0.0, -0.8, 0.6], [-0.5, -0.7, 0.5]).arm(Left, HIP_UPPER, HIP_FORE)),
        ]),
        mv("point_forward", 2, 2, &[Arms, Torso, Legs], vec![
            (0.0, st().dip(0.05).shift_forward(0.03).twist_left(0.2).arm(Right, FORWARD, FORWARD)),
            (1.0, st().dip(0.025).arm(Right, [0.5, -0.6, 0.5], [-0.85, 0.3, 0.4])),
        ]),
        mv("wave", 4, 2, &[Arms, Head, Legs], {
            let up = |fore: [f64; 3], dip: f64, tilt: f64| {
                st().dip(dip).head_tilt_right(tilt).arm(Right, [0.85, 0.45, 0.15], fore)
            };
            vec![
                (0.0, up([0.45, 0.9, 0.1], 0.045, 0.12)),
                (1.0, up([-0.35, 0.93, 0.1], 0.025, 0.0)),
                (2.0, up([0.45, 0.9, 0.1], 0.045, -0.06)),
                (3.0, up([-0.35, 0.93, 0.1], 0.025, 0.0)),
            ]
        }),
        mv("shoulder_pop", 2, 2, &[Arms, Torso, Legs], {
            let pop = |side: Side, sign: f64| {
                st().dip(0.05).shift_right(-0.03 * sign).bend_right(-0.12 * sign)
                    .arm(side, [0.8, -0.3, 0.3], [0.1, -0.6, 0.8])
            };
            vec![
                (0.0, pop(Right, 1.0)),
                (0.5, st().dip(0.025)),
                (1.0, pop(Left, -1.0)),
                (1.5, st().dip(0.025)),
            ]
        }),
        mv("torso_twist", 2, 2, &[Torso, Legs], {
            let chest = |yaw: f64, dip: f64| {
                st().dip(dip).twist_left(yaw).arms([0.9, -0.35, 0.25], [-0.9, 0.1, 0.45])
            };
            vec![
                (0.0, chest(-0.4, 0.06)),
                (0.5, chest(0.0, 0.03)),
                (1.0, chest(0.4, 0.06)),
                (1.5, chest(0.0, 0.03)),
            ]
        }),
        mv("side_step", 4, 2, &[Arms, Torso, Legs], {
            let out = |side: Side, sign: f64| {
                st().dip(0.06).shift_right(0.08 * sign).bend_right(0.04 * sign)
                    .foot(side, [0.2, 0.0, 0.0]).arm(side, [0.6, -0.75, 0.15], [0.4, -0.5, 0.75])
            };
            let lift = |side: Side| st().dip(0.035).foot(side, [0.1, 0.06, 0.0]);
            vec![
                (0.0, out(Right, 1.0)),
                (0.5, lift(Right)),
                (1.0, st().dip(0.03)),
                (1.5, lift(Left)),
                (2.0, out(Left, -1.0)),
                (2.5, lift(Left)),
                (3.0, st().dip(0.03)),
                (3.5, lift(Right)),
            ]
        }),
        mv("heel_tap", 2, 2, &[Arms, Legs], {
            let sit = || st().dip(0.06).shift_forward(-0.02);
            vec![
                (0.0, sit().foot(Right, [0.03, 0.02, 0.22]).arms([0.4, -0.7, 0.5], [0.3, -0.2, 0.9])),
                (0.5, sit().foot(Right, [0.02, 0.05, 0.1])),
                (1.0, st().dip(0.03)),
                (1.5, sit().foot(Right, [0.02, 0.04, 0.1])),
            ]
        }),
        mv("hip_circle", 4, 2, &[Torso, Legs], {
            let hips = |key: Key| key.dip(0.05).arms(HIP_UPPER, HIP_FORE);
            vec![
                (0.0, hips(st().shift_right(0.06).bend_right(-0.06))),
                (1.0, hips(st().shift_forward(0.05).lean(-0.05))),
                (2.0, hips(st().shift_right(-0.06).bend_right(0.06))),
                (3.0, hips(st().shift_forward(-0.05).lean(0.05))),
            ]
        }),
        mv("robot_arms", 2, 2, &[Arms, Head], {
            let robot = |up: Side, down: Side, turn: f64| {
                st().dip(0.035).head_left(turn)
                    .arm(up, SIDE, [0.05, 1.0, 0.05]).arm(down, SIDE, [0.05, -1.0, 0.05])
            };
            vec![(0.0, robot(Right, Left, -0.2)), (1.0, robot(Left, Right, 0.2))]
        }),
        mv("arm_roll", 2, 2, &[Arms, Legs], {
            let high = ([0.5, -0.45, 0.75], [-0.9, 0.25, 0.35]);
            let low = ([0.5, -0.75, 0.45], [-0.9, -0.15, 0.4]);
            let front = ([0.45, -0.55, 0.8], [-0.8, 0.0, 0.6]);
            let back = ([0.5, -0.65, 0.3], [-0.95, 0.1, 0.2]);
            let roll = |r: ([f64; 3], [f64; 3]), l: ([f64; 3], [f64; 3]), dip: f64| {
                st().dip(dip).arm(Right, r.0, r.1).arm(Left, l.0, l.1)
            };
            vec![
                (0.0, roll(high, low, 0.055)),
                (0.5, roll(front, back, 0.03)),
                (1.0, roll(low, high, 0.055)),
                (1.5, roll(back, front, 0.03)),
            ]
        }),
        mv("chest_pop", 1, 2, &[Torso, Head, Legs], vec![
            (0.0, st().dip(0.03).lean(-0.12).nod(-0.1)),
            (0.5, st().dip(0.06).lean(0.1).nod(0.15)),
        ]),
        mv("rock_step", 4, 2, &[Arms, Legs], {
            let swing = |front: Side, back: Side| {
                st().arm(front, [0.1, -0.75, 0.65], [0.05, -0.3, 0.95])
                    .arm(back, [0.12, -0.9, -0.4], [0.05, -0.9, 0.4])
            };
            vec![
                (0.0, swing(Left, Right).dip(0.06).shift_forward(0.06).foot(Right, [0.02, 0.0, 0.18])),
                (0.5, st().dip(0.03).foot(Right, [0.01, 0.05, 0.08])),
                (1.0, st().dip(0.03)),
                (1.5, st().dip(0.03).foot(Right, [0.01, 0.05, -0.06])),
                (2.0, swing(Right, Left).dip(0.06).shift_forward(-0.05).foot(Right, [0.02, 0.0, -0.16])),
                (2.5, st().dip(0.03).foot(Right, [0.01, 0.05, -0.07])),
                (3.0, st().dip(0.045)),
                (3.5, st().dip(0.03).foot(Right, [0.01, 0.04, 0.06])),
            ]
        }),
        mv("groove_combo", 8, 2, &[Arms, Torso, Head, Legs], groove_combo()),
    ]
}

/// Eight beats: sway right and left with an arm out, cross and open the arms, nod and clap,
/// then pop each shoulder.
#[rustfmt::skip]
fn groove_combo() -> Vec<(f64, Key)> {
    vec![
        (0.0, st().dip(0.05).shift_right(0.05).bend_right(0.05).arm(Right, SIDE, [0.9, 0.2, 0.3])),
        (1.0, st().dip(0.05).shift_right(-0.05).bend_right(-0.05).arm(Left, SIDE, [0.9, 0.2, 0.3])),
        (2.0, st().dip(0.07).arms([0.4, -0.6, 0.7], INWARD)),
        (3.0, st().dip(0.03).arms(SIDE_UP, [0.6, 0.75, 0.2])),
        (4.0, st().dip(0.06).nod(0.25).arms(CLAP_UPPER, CLAP_FORE)),
        (5.0, st().dip(0.03).nod(-0.05)),
        (6.0, st().dip(0.05).bend_right(-0.12).arm(Right, [0.8, -0.3, 0.3], [0.1, -0.6, 0.8])),
        (7.0, st().dip(0.05).bend_right(0.12).arm(Left, [0.8, -0.3, 0.3], [0.1, -0.6, 0.8])),
    ]
}
