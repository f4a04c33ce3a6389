//! One frame: dancer pose in, robot dofs and a [`FrameReport`] out.
//!
//! The order is the priority order. Targets come first (2D input lifted, missing keypoints
//! holding the last valid direction); then the base (home, or following the dancer's pelvis
//! in `full` mode); then the torso's limb is solved alone; then the head and arms, which hang
//! off the torso and share no joint with each other, in one loop; then the legs (`full` mode:
//! soles at their home poses, centre of mass over the feet); then self-collisions are pushed
//! apart or blended back toward the last collision-free pose. Every step keeps every joint
//! within its limits, and every frame starts from the previous one's solution.

use nalgebra::{Isometry3, Vector3};
use serde::Serialize;

use super::collision::{CapsuleEnds, Contact};
use super::full_body::{base_target, DancerStance, Legs};
use super::ik::{IkWorkspace, StepLimits};
use super::lift::{is_planar, lift};
use super::map::LowerBody;
use super::retargeter::Retargeter;
use super::segments::{angle_between, dancer_direction, unit, Segment, N_SEGMENTS};
use crate::choreography::skeleton::{Joint, Pose};
use crate::choreography::BodyModel;

/// What happened in one frame.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct FrameReport {
    /// Angle between robot and dancer direction per segment ([`Segment::ALL`] order), rad;
    /// `None` for segments the robot does not show.
    pub error_rad: [Option<f64>; N_SEGMENTS],
    /// Segments whose keypoints were missing, so the last valid direction was held.
    pub held: usize,
    /// Pairs of capsules found closer than allowed before resolution.
    pub collisions: usize,
    /// True when pushing apart was not enough and the pose was blended back toward the last
    /// collision-free one.
    pub blended: bool,
    /// Signed distance of the centre-of-mass projection to the support polygon's edge, m.
    pub com_margin_m: Option<f64>,
    /// Solver iterations spent (all limbs, restarts included).
    pub iterations: usize,
}

impl FrameReport {
    /// A segment's direction error in degrees (for logs and reports).
    pub fn error_deg(&self, segment: Segment) -> Option<f64> {
        self.error_rad[segment.index()].map(f64::to_degrees)
    }
}

/// Everything that changes from frame to frame: the warm start, held targets, buffers.
#[derive(Debug, Clone)]
pub struct RetargetState {
    pub(super) ws: IkWorkspace,
    pub(super) q: Vec<f64>,
    pub(super) base: Isometry3<f64>,
    pub(super) last_free_q: Vec<f64>,
    pub(super) last_free_base: Isometry3<f64>,
    pub(super) targets: [Vector3<f64>; N_SEGMENTS],
    pub(super) target_jump_rad: [f64; N_SEGMENTS],
    pub(super) dancer: DancerStance,
    pub(super) body: BodyModel,
    pub(super) limb_err: Vec<f64>,
    pub(super) failed_restart: Vec<Option<(f64, usize)>>,
    pub(super) contacts: Vec<Contact>,
    pub(super) ends: CapsuleEnds,
    pub(super) scratch_q: Vec<f64>,
    pub(super) warm_q: Vec<f64>,
    pub(super) frame: usize,
}

impl RetargetState {
    /// Joint positions of every dof after the last frame, rad.
    pub fn dofs(&self) -> &[f64] {
        &self.q
    }

    /// Base pose after the last frame.
    pub fn world_from_base(&self) -> &Isometry3<f64> {
        &self.base
    }

    /// The body whose bone lengths lift 2D input.
    pub fn set_body(&mut self, body: BodyModel) {
        self.body = body;
    }
}

impl Retargeter {
    /// A fresh state at the home pose; `body` is the dancer's (for 2D lifting and pelvis
    /// motion).
    pub fn start(&self, body: BodyModel) -> RetargetState {
        let home = self.bound.home.clone();
        let base = self.stance.world_from_base_home;
        let limbs = self.bound.limbs.len();
        RetargetState {
            ws: IkWorkspace::new(&self.model),
            q: home.clone(),
            base,
            last_free_q: home.clone(),
            last_free_base: base,
            targets: self.home_dirs,
            target_jump_rad: [0.0; N_SEGMENTS],
            dancer: DancerStance::standing(),
            body,
            limb_err: vec![0.0; limbs],
            failed_restart: vec![None; limbs],
            contacts: Vec::with_capacity(self.collision.as_ref().map_or(0, |c| c.pairs.len())),
            ends: Vec::with_capacity(self.collision.as_ref().map_or(0, |c| c.capsules.len())),
            scratch_q: home.clone(),
            warm_q: home,
            frame: 0,
        }
    }

    /// Retargets one dancer pose (dancer frame, metres; NaN keypoints allowed). A pose whose
    /// finite keypoints all have z = 0 is lifted to 3D first. The result is in
    /// [`RetargetState::dofs`].
    pub fn retarget_frame(&self, state: &mut RetargetState, pose: &Pose) -> FrameReport {
        let lifted;
        let pose = if is_planar(pose) {
            lifted = lift(pose, &state.body);
            &lifted
        } else {
            pose
        };
        let held = self.update_targets(state, pose);
        state.base = match self.map.lower_body {
            LowerBody::Full => base_target(
                &self.stance,
                &self.map.balance,
                self.map.scale,
                &state.dancer,
                &self.robot_from_dancer,
            ),
            _ => self.stance.world_from_base_home,
        };
        let mut iterations = self.solve_upper_body(state);
        let mut com_margin_m = None;
        if self.map.lower_body == LowerBody::Full {
            iterations += self.solve_lower_body(state, &mut com_margin_m);
        }
        let (collisions, blended) = self.resolve_collisions(state);
        state.ws.kin.update(&self.model, &state.base, &state.q);
        if com_margin_m.is_none() || collisions > 0 {
            com_margin_m = self.stance.com_margin_m(&self.model, &state.ws.kin);
        }
        state.frame += 1;
        FrameReport {
            error_rad: self.segment_errors(state),
            held,
            collisions,
            blended,
            com_margin_m,
            iterations,
        }
    }

    /// New targets from the pose; returns how many segments held their last direction.
    fn update_targets(&self, state: &mut RetargetState, pose: &Pose) -> usize {
        let mut held = 0;
        for seg in &self.bound.segments {
            let k = seg.segment.index();
            match dancer_direction(pose, seg.segment, &self.robot_from_dancer) {
                Some(d) => {
                    state.target_jump_rad[k] = angle_between(&d, &state.targets[k]);
                    state.targets[k] = d;
                }
                None => {
                    state.target_jump_rad[k] = 0.0;
                    held += 1;
                }
            }
        }
        if self.map.lower_body == LowerBody::Full {
            self.update_dancer_stance(state, pose);
        }
        held
    }

    fn update_dancer_stance(&self, state: &mut RetargetState, pose: &Pose) {
        let r = &self.robot_from_dancer;
        let ankles = (pose.get(Joint::LAnkle) + pose.get(Joint::RAnkle)) * 0.5;
        let leg = |h: Joint, k: Joint, a: Joint| {
            (pose.get(h) - pose.get(k)).norm() + (pose.get(k) - pose.get(a)).norm()
        };
        let legs = 0.5
            * (leg(Joint::LHip, Joint::LKnee, Joint::LAnkle)
                + leg(Joint::RHip, Joint::RKnee, Joint::RAnkle));
        let offset = (pose.pelvis() - ankles) / legs;
        if legs > 1e-6 && offset.iter().all(|v| v.is_finite() && v.abs() < 10.0) {
            state.dancer.pelvis_over_ankles_legs = offset;
        }
        if let Some(t) = dancer_direction(pose, Segment::Torso, r) {
            state.dancer.torso_dir = t;
        }
        let hips = pose.get(Joint::LHip) - pose.get(Joint::RHip);
        if let Some(h) = unit(&hips) {
            state.dancer.hips_dir = r * h;
        }
    }

    /// The limits and step settings of every solve.
    pub(super) fn step_limits(&self) -> StepLimits<'_> {
        StepLimits {
            lower: &self.bound.lower,
            upper: &self.bound.upper,
            damping: self.map.solver.damping,
            max_step_rad: self.map.solver.max_step_rad,
        }
    }

    fn solve_lower_body(&self, state: &mut RetargetState, com_margin_m: &mut Option<f64>) -> usize {
        let legs = Legs {
            model: &self.model,
            bound: &self.bound,
            stance: &self.stance,
            lim: self.step_limits(),
            max_iterations: self.map.solver.max_iterations,
        };
        let iterations = legs.solve(&mut state.ws, &state.base, &mut state.q);
        let (margin, more) = legs.balance(
            &mut state.ws,
            &mut state.base,
            &mut state.q,
            self.map.balance.margin_m,
        );
        *com_margin_m = margin;
        iterations + more
    }

    /// Direction error of every shown segment in the configuration in `state.ws.kin`.
    fn segment_errors(&self, state: &RetargetState) -> [Option<f64>; N_SEGMENTS] {
        let mut out = [None; N_SEGMENTS];
        for seg in &self.bound.segments {
            let k = seg.segment.index();
            if !self.map.is_solved(seg.segment.part()) {
                continue;
            }
            if let Some(d) = state.ws.direction(seg) {
                out[k] = Some(angle_between(&d, &state.targets[k]));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::choreography::Vec3;
    use crate::retarget::retargeter::test_humanoid;

    /// The rest pose with the right arm raised `angle_rad` forward from hanging.
    fn arm_forward(angle_rad: f64) -> Pose {
        let mut p = BodyModel::default().rest_pose();
        let s = p.get(Joint::RShoulder);
        let dir = Vec3::new(0.0, -angle_rad.cos(), angle_rad.sin());
        p.set(Joint::RElbow, s + dir * 0.29);
        p.set(Joint::RWrist, s + dir * 0.55);
        p
    }

    #[test]
    fn a_missing_keypoint_holds_its_segment_and_nothing_else() {
        let r = test_humanoid(|_| {});
        let mut state = r.start(BodyModel::default());
        let mut a = BodyModel::default().rest_pose();
        let le = a.get(Joint::LElbow);
        a.set(Joint::LWrist, le + Vec3::new(0.1, 0.0, 0.2));
        r.retarget_frame(&mut state, &a);
        let before = state.dofs().to_vec();
        let mut b = arm_forward(0.8);
        b.set(Joint::LWrist, Vec3::new(f64::NAN, 0.0, 0.0));
        let report = r.retarget_frame(&mut state, &b);
        assert_eq!(report.held, 1);
        for name in ["l_shoulder_yaw", "l_elbow"] {
            let d = r.model().dof_index(name).unwrap();
            assert!((state.dofs()[d] - before[d]).abs() < 1e-9, "{name} moved");
        }
        let d = r.model().dof_index("r_shoulder_pitch").unwrap();
        assert!(
            (state.dofs()[d] - before[d]).abs() > 0.3,
            "the right arm follows"
        );
        let e = report.error_deg(Segment::UpperArmRight).unwrap();
        assert!(e < 0.1, "{e}");
    }

    #[test]
    fn upper_body_mode_commands_no_leg_and_moves_none() {
        let r = test_humanoid(|m| m.lower_body = LowerBody::UpperBody);
        assert_eq!(r.commanded_dofs().len(), 11, "waist, head 2, arms 2 × 4");
        let mut state = r.start(BodyModel::default());
        r.retarget_frame(&mut state, &arm_forward(1.0));
        let knee = r.model().dof_index("l_knee").unwrap();
        assert_eq!(state.dofs()[knee], r.home()[knee]);
    }
}
