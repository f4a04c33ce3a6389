//! Energy-3 moves: pumps, punches, kicks and big arm work for the loudest parts.
//!
//! Written like [`super::calm`]: from the stance, right side leading, metres of the reference
//! body, radians, side-local arm directions.

use super::calm::{mv, st};
use super::dir::{
    CLAP_FORE, CLAP_UPPER, GUARD_FORE, GUARD_UPPER, HIP_FORE, HIP_UPPER, SIDE, SIDE_UP, UP,
};
use super::library::{BodyPart::*, MoveDef};
use super::shape::Key;
use super::shape::Side::{self, Left, Right};

/// The power moves. (A table: one key per line reads better than rustfmt's layout.)
#[rustfmt::skip]
pub(super) fn moves() -> Vec<MoveDef> {
    vec![
        mv("fist_pump", 1, 3, &[Arms, Legs], vec![
            (0.0, st().dip(0.08).arm(Right, UP, [0.1, 1.0, 0.1]).arm(Left, HIP_UPPER, HIP_FORE)),
            (0.5, st().dip(0.03).arm(Right, [0.7, -0.3, 0.35], [0.1, 0.95, 0.3]).arm(Left, HIP_UPPER, HIP_FORE)),
        ]),
        mv("raise_roof", 1, 3, &[Arms, Legs], vec![
            (0.0, st().dip(0.08).arms([0.75, 0.65, 0.1], [0.15, 1.0, 0.1])),
            (0.5, st().dip(0.03).arms([0.95, 0.1, 0.1], [0.1, 1.0, 0.15])),
        ]),
        mv("clap_high", 2, 3, &[Arms, Legs], vec![
            (0.0, st().dip(0.06).arms([0.15, 1.0, 0.1], [-0.77, 0.62, 0.1])),
            (0.5, st().dip(0.02).arms([0.6, 0.8, 0.1], [0.5, 0.85, 0.1])),
            (1.0, st().dip(0.07).arms(CLAP_UPPER, CLAP_FORE)),
            (1.5, st().dip(0.025).arms([0.3, -0.8, 0.5], [0.5, 0.1, 0.85])),
        ]),
        mv("star_reach", 2, 3, &[Arms, Torso, Legs], vec![
            (0.0, st().dip(0.04).shift_right(0.05).lean(-0.05).foot(Right, [0.16, 0.0, 0.0])
                .arms(SIDE_UP, [0.65, 0.8, 0.1])),
            (0.5, st().dip(0.05).foot(Right, [0.08, 0.06, 0.0]).arms(SIDE, [0.9, 0.3, 0.2])),
            (1.0, st().dip(0.1).lean(0.15).arms([0.1, -0.8, 0.6], [-0.6, -0.6, 0.5])),
            (1.5, st().dip(0.05).foot(Right, [0.08, 0.05, 0.0]).arms(SIDE, [0.9, 0.2, 0.3])),
        ]),
        mv("cross_punch", 2, 3, &[Arms, Torso, Legs], {
            let punch = |side: Side, yaw: f64| {
                st().dip(0.07).twist_left(yaw).arms(GUARD_UPPER, GUARD_FORE)
                    .arm(side, [-0.35, 0.1, 0.95], [-0.35, 0.1, 0.95])
            };
            let guard = || st().dip(0.03).arms(GUARD_UPPER, GUARD_FORE);
            vec![
                (0.0, punch(Right, 0.35)),
                (0.5, guard()),
                (1.0, punch(Left, -0.35)),
                (1.5, guard()),
            ]
        }),
        mv("knee_lift", 2, 3, &[Arms, Legs], {
            // On the up-beats the arms pass forward, halfway between knee and sky.
            let stand = || st().shift_right(-0.07).arms([0.45, 0.1, 0.85], [0.2, 0.6, 0.75]);
            vec![
                (0.0, stand().dip(0.04).foot(Right, [0.02, 0.28, 0.12])
                    .arms([0.3, -0.6, 0.7], [-0.3, -0.75, 0.6])),
                (0.5, stand().dip(0.05).foot(Right, [0.01, 0.12, 0.05])),
                (1.0, st().dip(0.07).arms([0.5, 0.85, 0.15], [0.3, 0.95, 0.1])),
                (1.5, stand().dip(0.05).foot(Right, [0.01, 0.1, 0.05])),
            ]
        }),
        mv("lasso", 2, 3, &[Arms, Legs], {
            let spin = |fore: [f64; 3], dip: f64| {
                st().dip(dip).arm(Right, UP, fore).arm(Left, HIP_UPPER, HIP_FORE)
            };
            vec![
                (0.0, spin([0.8, 0.6, 0.0], 0.07)),
                (0.5, spin([0.1, 0.6, 0.8], 0.03)),
                (1.0, spin([-0.7, 0.7, 0.0], 0.07)),
                (1.5, spin([0.1, 0.75, -0.55], 0.03)),
            ]
        }),
        mv("jack_step", 4, 3, &[Arms, Legs], {
            let star = |side: Side, sign: f64| {
                st().dip(0.05).shift_right(0.04 * sign).foot(side, [0.18, 0.0, 0.0])
                    .arms([0.55, 0.85, 0.05], [0.35, 0.95, 0.05])
            };
            let close = || st().dip(0.08).arms([0.35, -0.95, 0.05], [0.3, -0.95, 0.1]);
            let lift = |side: Side| st().dip(0.05).foot(side, [0.09, 0.06, 0.0]).arms(SIDE, [0.9, 0.1, 0.2]);
            vec![
                (0.0, star(Right, 1.0)),
                (0.5, lift(Right)),
                (1.0, close()),
                (1.5, lift(Left)),
                (2.0, star(Left, -1.0)),
                (2.5, lift(Left)),
                (3.0, close()),
                (3.5, lift(Right)),
            ]
        }),
        mv("hands_up_sway", 4, 3, &[Arms, Torso, Legs], {
            let up = |bend: f64, dip: f64| {
                st().dip(dip).shift_right(-0.3 * bend).bend_right(bend)
                    .arms([0.2, 1.0, 0.1], [0.05, 1.0, 0.05])
            };
            vec![
                (0.0, up(0.12, 0.05)),
                (1.0, up(0.0, 0.07).arms([0.45, 0.9, 0.1], [0.4, 0.9, 0.1])),
                (2.0, up(-0.12, 0.05)),
                (3.0, up(0.0, 0.07).arms([0.45, 0.9, 0.1], [0.4, 0.9, 0.1])),
            ]
        }),
        mv("kick", 2, 3, &[Arms, Torso, Legs], {
            let stand = || st().shift_right(-0.06);
            vec![
                (0.0, stand().dip(0.04).lean(-0.08).foot(Right, [0.02, 0.3, 0.36])
                    .arms(SIDE, [0.9, 0.2, 0.3])),
                (0.5, stand().dip(0.05).foot(Right, [0.01, 0.12, 0.1])),
                (1.0, st().dip(0.08)),
                (1.5, stand().dip(0.05).foot(Right, [0.01, 0.1, 0.08])),
            ]
        }),
        mv("swim", 4, 3, &[Arms, Torso, Legs], {
            let reach = ([0.15, 0.6, 0.8], [0.1, 0.5, 0.85]);
            let pull = ([0.1, -0.6, 0.8], [0.1, -0.7, 0.7]);
            let side = ([0.8, 0.45, 0.1], [0.7, 0.6, 0.2]);
            let low = ([0.15, -0.85, -0.35], [0.05, -0.9, 0.3]);
            let stroke = |r: ([f64; 3], [f64; 3]), l: ([f64; 3], [f64; 3]), yaw: f64, dip: f64| {
                st().dip(dip).twist_left(yaw).arm(Right, r.0, r.1).arm(Left, l.0, l.1)
            };
            vec![
                (0.0, stroke(reach, low, 0.15, 0.07)),
                (1.0, stroke(pull, side, 0.0, 0.03)),
                (2.0, stroke(low, reach, -0.15, 0.07)),
                (3.0, stroke(side, pull, 0.0, 0.03)),
            ]
        }),
        mv("power_combo", 8, 3, &[Arms, Torso, Head, Legs], power_combo()),
    ]
}

/// Eight beats: step out and point up on each side with a clap between (the feet lift on
/// the up-beats), a punch, its guard, arms thrown up, and a bow of the head to finish.
#[rustfmt::skip]
fn power_combo() -> Vec<(f64, Key)> {
    let point = |side: Side, sign: f64| {
        st().dip(0.06).shift_right(0.07 * sign).foot(side, [0.18, 0.0, 0.0])
            .arm(side, SIDE_UP, [0.5, 0.85, 0.2])
    };
    let clap = || st().dip(0.04).arms(CLAP_UPPER, CLAP_FORE);
    let lift = [0.09, 0.06, 0.0];
    vec![
        (0.0, point(Right, 1.0)),
        (0.5, clap().dip(0.03).foot(Right, lift)),
        (1.0, clap()),
        (1.5, clap().dip(0.03).foot(Left, lift)),
        (2.0, point(Left, -1.0)),
        (2.5, clap().dip(0.03).foot(Left, lift)),
        (3.0, clap().nod(0.15)),
        (4.0, st().dip(0.07).twist_left(0.35).arms(GUARD_UPPER, GUARD_FORE)
            .arm(Right, [-0.35, 0.1, 0.95], [-0.35, 0.1, 0.95])),
        (5.0, st().dip(0.03).arms(GUARD_UPPER, GUARD_FORE)),
        (6.0, st().dip(0.05).lean(-0.06).arms(SIDE_UP, [0.6, 0.8, 0.1])),
        (7.0, st().dip(0.09).nod(0.3).arms([0.2, -0.95, 0.2], [0.1, -0.9, 0.4])),
        (7.5, st().dip(0.04).foot(Right, lift)),
    ]
}
