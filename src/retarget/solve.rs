//! The direction solve of the torso, head and arms, with restarts.
//!
//! Limbs are solved by damped least squares ([`super::ik`]), warm-started from the previous
//! frame. The torso goes first and alone, since everything else hangs off it; the head and the
//! arms share no joint, so one forward-kinematics pass per iteration serves them all. A limb
//! still more than `solver.restart_above_deg` off afterwards (a teleport, or a local minimum
//! against a joint limit) is solved again from each of a few spread starting poses, and the
//! best result within limits is kept, unless the dancer moved smoothly and the result would
//! jump far from the previous frame for little gain; if none helps, the limb is not restarted again for a
//! while unless its error grows (an unreachable target, e.g. a lean the robot has no joint
//! for, would otherwise cost restarts every frame).

use super::frame::RetargetState;
use super::retargeter::Retargeter;
use super::segments::angle_between;

/// A target that turned more than this since the last frame is a jump of the dancer, rad:
/// a restart may then move the limb anywhere.
const TELEPORT_RAD: f64 = 15.0 * std::f64::consts::PI / 180.0;
/// Otherwise a restart must pay for the joint travel it causes: 2° of direction error per
/// radian of the largest joint change (continuity first: near a straight elbow, a few degrees
/// of forearm error could otherwise flip the upper arm's twist by π).
const JUMP_PRICE: f64 = 2.0 * std::f64::consts::PI / 180.0;
/// Joint travel a restart may cause without the steep price below, rad, plus twice the
/// target's own turn: an arm that swung far may move far.
const FREE_TRAVEL_RAD: f64 = 0.5;
/// Travel beyond that costs 30° of direction error per radian (teleports excepted): a joint
/// swinging by ~π in one frame (an upper arm's twist taking the other branch) breaks any
/// velocity limit, and time parameterization would then cut the swing through the body.
const STEEP_PRICE: f64 = 30.0 * std::f64::consts::PI / 180.0;
/// A limb whose step is smaller than this has converged as far as it will, rad.
const MIN_STEP_RAD: f64 = 1e-6;
/// Restarts must improve a limb by this much to replace the warm-started result, rad.
const RESTART_GAIN_RAD: f64 = 0.2 * std::f64::consts::PI / 180.0;
/// A failed restart is not retried until the error grows this much beyond it, rad …
const RESTART_WORSE_RAD: f64 = 5.0 * std::f64::consts::PI / 180.0;
/// … or for this many frames.
const RESTART_COOLDOWN_FRAMES: usize = 30;

impl Retargeter {
    /// Solves the torso, then the head and arms; returns the iterations spent.
    pub(super) fn solve_upper_body(&self, state: &mut RetargetState) -> usize {
        let limbs = &self.bound.limbs;
        let mut iterations = 0;
        let torso = limbs.iter().position(|l| l.limb == super::map::Limb::Torso);
        if let Some(t) = torso {
            iterations += self.solve_limbs(state, 1 << t);
            iterations += self.maybe_restart(state, t);
        }
        let rest = (0..limbs.len())
            .filter(|&i| Some(i) != torso)
            .fold(0u32, |m, i| m | (1 << i));
        iterations += self.solve_limbs(state, rest);
        for i in (0..limbs.len()).filter(|&i| Some(i) != torso) {
            iterations += self.maybe_restart(state, i);
        }
        iterations
    }

    /// Damped least-squares iterations on the limbs in `mask` (bit i: `bound.limbs[i]`) until
    /// each is within tolerance or stops moving; returns the iterations.
    fn solve_limbs(&self, state: &mut RetargetState, mut mask: u32) -> usize {
        let lim = self.step_limits();
        let tol_rad = self.map.solver.tolerance_deg.to_radians();
        let mut iterations = 0;
        while mask != 0 && iterations < self.map.solver.max_iterations {
            state.ws.kin.update(&self.model, &state.base, &state.q);
            for (i, limb) in self.bound.limbs.iter().enumerate() {
                if mask & (1 << i) == 0 {
                    continue;
                }
                state.ws.clear();
                let mut worst = 0.0_f64;
                for &s in &limb.segments {
                    let seg = &self.bound.segments[s];
                    let target = &state.targets[seg.segment.index()];
                    worst = worst.max(state.ws.push_direction(
                        &self.model,
                        seg,
                        target,
                        &limb.dofs,
                    ));
                }
                state.limb_err[i] = worst;
                if worst < tol_rad || state.ws.step(&mut state.q, &limb.dofs, &lim) < MIN_STEP_RAD {
                    mask &= !(1 << i);
                }
            }
            iterations += 1;
        }
        iterations
    }

    /// The largest direction error of limb `i` at the current configuration, rad.
    fn limb_error(&self, state: &mut RetargetState, i: usize) -> f64 {
        state.ws.kin.update(&self.model, &state.base, &state.q);
        let limb = &self.bound.limbs[i];
        limb.segments
            .iter()
            .map(|&s| {
                let seg = &self.bound.segments[s];
                state.ws.direction(seg).map_or(0.0, |d| {
                    angle_between(&d, &state.targets[seg.segment.index()])
                })
            })
            .fold(0.0, f64::max)
    }

    /// Tries limb `i` from its seeds when it is still far off; returns the iterations spent.
    fn maybe_restart(&self, state: &mut RetargetState, i: usize) -> usize {
        let spec = &self.map.solver;
        if spec.restarts == 0 || state.limb_err[i] <= spec.restart_above_deg.to_radians() {
            return 0;
        }
        let err = self.limb_error(state, i);
        if err <= spec.restart_above_deg.to_radians() {
            return 0;
        }
        if let Some((failed, frame)) = state.failed_restart[i] {
            let recent = state.frame.saturating_sub(frame) < RESTART_COOLDOWN_FRAMES;
            if recent && err < failed + RESTART_WORSE_RAD {
                return 0;
            }
        }
        let limb = &self.bound.limbs[i];
        let jump = limb
            .segments
            .iter()
            .map(|&s| state.target_jump_rad[self.bound.segments[s].segment.index()])
            .fold(0.0, f64::max);
        let teleport = state.frame == 0 || jump > TELEPORT_RAD;
        state.warm_q.copy_from_slice(&state.q);
        state.scratch_q.copy_from_slice(&state.q);
        let (mut best, mut best_score) = (err, err);
        let mut iterations = 0;
        for seed in &self.seeds[i] {
            for (&d, &v) in limb.dofs.iter().zip(seed) {
                state.q[d] = v;
            }
            iterations += self.solve_limbs(state, 1 << i);
            let e = self.limb_error(state, i);
            let travel = limb
                .dofs
                .iter()
                .map(|&d| (state.q[d] - state.warm_q[d]).abs())
                .fold(0.0, f64::max);
            let excess = (travel - FREE_TRAVEL_RAD - 2.0 * jump).max(0.0);
            let score = if teleport {
                e
            } else {
                e + JUMP_PRICE * travel + STEEP_PRICE * excess
            };
            if score < best_score - RESTART_GAIN_RAD {
                (best, best_score) = (e, score);
                state.scratch_q.copy_from_slice(&state.q);
            }
            if best < 10.0 * spec.tolerance_deg.to_radians() {
                break;
            }
        }
        state.q.copy_from_slice(&state.scratch_q);
        state.limb_err[i] = best;
        state.failed_restart[i] = (best >= err - RESTART_GAIN_RAD).then_some((err, state.frame));
        iterations
    }
}

#[cfg(test)]
mod tests {
    use crate::choreography::skeleton::Joint;
    use crate::choreography::{BodyModel, Vec3};
    use crate::retarget::retargeter::test_humanoid;

    /// A straight left arm swinging sideways, its wrist missing every seventh frame: the held
    /// forearm direction then asks for a slight bend in some plane, which a restart could
    /// serve by turning the upper arm's twist by π. It must not.
    #[test]
    fn restarts_do_not_flip_a_smoothly_moving_limb() {
        let r = test_humanoid(|_| {});
        let mut state = r.start(BodyModel::default());
        let mut prev: Option<Vec<f64>> = None;
        for k in 0..150 {
            let mut p = BodyModel::default().rest_pose();
            let b = 1.4 * (k as f64 / 15.0).sin().abs();
            let s = p.get(Joint::LShoulder);
            let d = Vec3::new(b.sin(), -b.cos(), 0.1);
            p.set(Joint::LElbow, s + d * 0.29);
            p.set(Joint::LWrist, s + d * 0.55);
            if k % 7 == 0 {
                p.set(Joint::LWrist, Vec3::repeat(f64::NAN));
            }
            r.retarget_frame(&mut state, &p);
            if let Some(prev) = &prev {
                let jump = prev
                    .iter()
                    .zip(state.dofs())
                    .map(|(a, b)| (a - b).abs())
                    .fold(0.0, f64::max);
                assert!(jump < 1.0, "frame {k}: a joint jumped {jump} rad");
            }
            prev = Some(state.dofs().to_vec());
        }
    }
}
