//! Known-answer dances for a robot: poses made by the robot's own forward kinematics within
//! its limits, read back as dancer-frame skeletons. Retargeting such a skeleton must recover
//! every segment's direction (the joint angles themselves may differ where two configurations
//! show the same directions). Used by the tests and `examples/retarget_bench.rs`.

use rand::Rng;

use super::retargeter::Retargeter;
use crate::choreography::skeleton::Pose;
use crate::robot::Kinematics;

/// The dofs the direction solve moves (torso, head and arms), ascending.
pub fn solved_dofs(retargeter: &Retargeter) -> Vec<usize> {
    let mut dofs: Vec<usize> = retargeter
        .bound()
        .limbs
        .iter()
        .flat_map(|l| l.dofs.iter().copied())
        .collect();
    dofs.sort_unstable();
    dofs
}

/// Uniform random values within the limits for `dofs` (others at home), retried until
/// collision-free; `None` after `tries` collisions.
pub fn random_dofs<R: Rng>(
    retargeter: &Retargeter,
    dofs: &[usize],
    rng: &mut R,
    tries: usize,
) -> Option<Vec<f64>> {
    let (lower, upper) = retargeter.position_limits();
    for _ in 0..tries {
        let mut q = retargeter.home().to_vec();
        for &d in dofs {
            let (lo, hi) = finite_span(lower[d], upper[d]);
            q[d] = rng.gen_range(lo..=hi);
        }
        if !retargeter.in_collision(&q) {
            return Some(q);
        }
    }
    None
}

/// A smooth random dance of `frames` configurations: each dof of `dofs` follows a sum of two
/// sines with random periods (0.7–4 s at `fps`) and phases across its whole range; frames in
/// collision are replaced by the previous frame.
pub fn random_walk<R: Rng>(
    retargeter: &Retargeter,
    dofs: &[usize],
    rng: &mut R,
    frames: usize,
    fps: f64,
) -> Vec<Vec<f64>> {
    let (lower, upper) = retargeter.position_limits();
    let waves: Vec<[f64; 4]> = dofs
        .iter()
        .map(|_| {
            [
                rng.gen_range(0.7..4.0),
                rng.gen_range(0.0..std::f64::consts::TAU),
                rng.gen_range(0.7..4.0),
                rng.gen_range(0.0..std::f64::consts::TAU),
            ]
        })
        .collect();
    let mut out: Vec<Vec<f64>> = Vec::with_capacity(frames);
    for k in 0..frames {
        let t = k as f64 / fps;
        let mut q = retargeter.home().to_vec();
        for (&d, w) in dofs.iter().zip(&waves) {
            let (lo, hi) = finite_span(lower[d], upper[d]);
            let s = 0.5
                * ((std::f64::consts::TAU * t / w[0] + w[1]).sin()
                    + (std::f64::consts::TAU * t / w[2] + w[3]).sin());
            // Stay just inside the range: the limits themselves are legal but rarely danced.
            q[d] = 0.5 * (lo + hi) + 0.49 * (hi - lo) * s;
        }
        match out.last() {
            Some(prev) if retargeter.in_collision(&q) => out.push(prev.clone()),
            None if retargeter.in_collision(&q) => out.push(retargeter.home().to_vec()),
            _ => out.push(q),
        }
    }
    out
}

/// The skeleton the robot shows at each configuration (base at home).
pub fn skeletons(retargeter: &Retargeter, configs: &[Vec<f64>]) -> Vec<Pose> {
    let mut kin = Kinematics::new(retargeter.model());
    let base = retargeter.world_from_base_home();
    configs
        .iter()
        .map(|q| retargeter.skeleton_from_dofs(&mut kin, &base, q))
        .collect()
}

fn finite_span(lo: f64, hi: f64) -> (f64, f64) {
    (
        if lo.is_finite() {
            lo
        } else {
            -std::f64::consts::PI
        },
        if hi.is_finite() {
            hi
        } else {
            std::f64::consts::PI
        },
    )
}
