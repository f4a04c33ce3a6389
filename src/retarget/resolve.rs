//! Resolving self-collisions of a solved frame.
//!
//! First the arms are pushed apart: for each contact (at most four per arm per step), the
//! closest point on the arm's capsule is asked to move away from the other capsule by the
//! missing clearance plus 2 mm, by a damped least-squares step on the arm's joints (both arms
//! share the push when they touch each other). If contacts remain after
//! `self_collision.push_iterations` steps, the whole configuration (dofs and base) is blended
//! back toward the last collision-free one: bisection finds the largest blend factor that is
//! collision-free, so the output never collides (the first frame's fallback is the home pose,
//! collision-free by construction).

use nalgebra::{Isometry3, Vector3};

use super::collision::{pushable_limb, CollisionModel};
use super::frame::RetargetState;
use super::retargeter::Retargeter;

/// Extra clearance a push asks for beyond the requirement, m.
const PUSH_EXTRA_M: f64 = 0.002;
/// Contacts one arm takes per push step (3 rows each).
const MAX_CONTACTS_PER_STEP: usize = 4;
/// Bisection steps of the blend back (1/2¹⁰ of the way).
const BLEND_STEPS: usize = 10;

impl Retargeter {
    /// Checks the solved frame and resolves contacts; returns (contacts found, blended back).
    pub(super) fn resolve_collisions(&self, state: &mut RetargetState) -> (usize, bool) {
        let Some(model) = &self.collision else {
            return (0, false);
        };
        if !self.find_contacts(model, state) {
            self.mark_free(state);
            return (0, false);
        }
        let found = state.contacts.len();
        for _ in 0..self.map.self_collision.push_iterations {
            self.push_step(model, state);
            if !self.find_contacts(model, state) {
                self.mark_free(state);
                return (found, false);
            }
        }
        self.blend_back(model, state);
        self.mark_free(state);
        (found, true)
    }

    /// Refreshes `state.contacts` for the current configuration; true when there are some.
    pub(super) fn find_contacts(&self, model: &CollisionModel, state: &mut RetargetState) -> bool {
        state.ws.kin.update(&self.model, &state.base, &state.q);
        model.world_ends(&state.ws.kin, &mut state.ends);
        model.contacts(&state.ends, &mut state.contacts);
        !state.contacts.is_empty()
    }

    fn mark_free(&self, state: &mut RetargetState) {
        state.last_free_q.copy_from_slice(&state.q);
        state.last_free_base = state.base;
    }

    /// One push step per arm involved in a contact (kinematics in `state.ws` are current).
    pub(super) fn push_step(&self, model: &CollisionModel, state: &mut RetargetState) {
        let lim = self.step_limits();
        for (li, limb) in self.bound.limbs.iter().enumerate() {
            state.ws.clear();
            let mut rows = 0;
            for k in 0..state.contacts.len() {
                let c = state.contacts[k];
                let (ci, cj) = (&model.capsules[c.pair.i], &model.capsules[c.pair.j]);
                let mine_i = pushable_limb(&self.bound, ci.group) == Some(li);
                let mine_j = pushable_limb(&self.bound, cj.group) == Some(li);
                if !(mine_i || mine_j) || rows >= MAX_CONTACTS_PER_STEP {
                    continue;
                }
                let both = pushable_limb(&self.bound, ci.group).is_some()
                    && pushable_limb(&self.bound, cj.group).is_some();
                let share = if both { 0.5 } else { 1.0 };
                let depth = (c.pair.required_m - c.clearance_m + PUSH_EXTRA_M) * share;
                let (link, point, away) = if mine_i {
                    (ci.link, c.on_i, c.on_i - c.on_j)
                } else {
                    (cj.link, c.on_j, c.on_j - c.on_i)
                };
                let n = away
                    .try_normalize(1e-9)
                    .unwrap_or_else(|| fallback_normal(&point, &state.base));
                state
                    .ws
                    .push_displacement(&self.model, link, &point, &(n * depth), &limb.dofs);
                rows += 1;
            }
            if rows > 0 {
                state.ws.step(&mut state.q, &limb.dofs, &lim);
            }
        }
    }

    /// Bisection on the blend from the last collision-free configuration to the current one.
    fn blend_back(&self, model: &CollisionModel, state: &mut RetargetState) {
        state.scratch_q.copy_from_slice(&state.q);
        let target_base = state.base;
        let (mut lo, mut hi) = (0.0, 1.0);
        for _ in 0..BLEND_STEPS {
            let mid = 0.5 * (lo + hi);
            self.set_blend(state, &target_base, mid);
            if self.find_contacts(model, state) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        self.set_blend(state, &target_base, lo);
    }

    /// `q = last_free + (scratch − last_free)·s`, base likewise (within limits: both ends are).
    fn set_blend(&self, state: &mut RetargetState, target_base: &Isometry3<f64>, s: f64) {
        for d in 0..state.q.len() {
            let a = state.last_free_q[d];
            let v = a + (state.scratch_q[d] - a) * s;
            state.q[d] = v.clamp(self.bound.lower[d], self.bound.upper[d]);
        }
        state.base = state.last_free_base.lerp_slerp(target_base, s);
    }
}

/// Away from the body's vertical axis, when the two closest points coincide.
fn fallback_normal(point: &Vector3<f64>, base: &Isometry3<f64>) -> Vector3<f64> {
    let mut v = point - base.translation.vector;
    v.z = 0.0;
    v.try_normalize(1e-9).unwrap_or_else(Vector3::x)
}

#[cfg(test)]
mod tests {
    use crate::choreography::skeleton::Joint;
    use crate::choreography::{BodyModel, Vec3};
    use crate::retarget::retargeter::test_humanoid;

    #[test]
    fn a_hand_driven_into_the_chest_is_kept_out() {
        let r = test_humanoid(|_| {});
        assert!(!r.in_collision(r.home()), "home must be collision-free");
        // The left hand reaching across the chest to the right shoulder, and through it.
        let mut pose = BodyModel::default().rest_pose();
        let s = pose.get(Joint::LShoulder);
        pose.set(Joint::LElbow, s + Vec3::new(-0.05, -0.15, 0.25));
        pose.set(
            Joint::LWrist,
            pose.get(Joint::RShoulder) + Vec3::new(0.0, -0.1, -0.05),
        );
        let mut state = r.start(BodyModel::default());
        let mut contacts = 0;
        for _ in 0..5 {
            contacts += r.retarget_frame(&mut state, &pose).collisions;
            assert!(!r.in_collision(state.dofs()));
        }
        assert!(contacts > 0, "the pose asked for a collision");
    }
}
