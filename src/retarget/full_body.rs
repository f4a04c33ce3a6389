//! The `full` lower-body mode: both feet stay flat where they stand while the pelvis follows
//! the dancer, and the centre of mass stays over the feet.
//!
//! The base (pelvis) pose is derived from the dancer: its height and horizontal offset from
//! the pelvis-over-ankles vector measured in the dancer's own leg lengths (so no body model is
//! needed) times the map's `scale`, in the robot's leg lengths (never higher than the home
//! stance, at most `balance.max_pelvis_drop` lower and `max_pelvis_shift` aside); its lean
//! from the torso direction (at most `max_lean_rad`); its turn from the hip line (at most
//! `max_pelvis_yaw_rad`). The legs then solve a frame task per sole (position and
//! orientation of the sole at its home pose), both legs in one least-squares system since some
//! robots couple them (NAO's hip yaw-pitch). Finally, while the centre-of-mass projection is
//! closer than `balance.margin_m` to the support polygon's edge, the base shifts horizontally
//! toward the inside and the legs are solved again (Kajita et al., *Introduction to Humanoid
//! Robotics*, 2014, ch. 3: the static-balance criterion). Robot world frame, metres, radians.

use nalgebra::{Isometry3, Translation3, UnitQuaternion, Vector2, Vector3};

use super::bind::Bound;
use super::ik::{IkWorkspace, StepLimits};
use super::settings::BalanceSpec;
use super::stance::Stance;
use crate::robot::RobotModel;

/// What the dancer's lower body says this frame (held values where keypoints are missing).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DancerStance {
    /// Pelvis minus the ankles' mid-point, dancer frame, in the dancer's leg lengths (hip to
    /// knee plus knee to ankle): (0, 1, 0) standing straight.
    pub pelvis_over_ankles_legs: Vector3<f64>,
    /// Torso direction (pelvis → neck), robot frame, unit.
    pub torso_dir: Vector3<f64>,
    /// Hip line (right hip → left hip), robot frame, unit.
    pub hips_dir: Vector3<f64>,
}

impl DancerStance {
    /// Standing straight, facing the audience.
    pub fn standing() -> DancerStance {
        DancerStance {
            pelvis_over_ankles_legs: Vector3::y(),
            torso_dir: Vector3::z(),
            hips_dir: Vector3::y(),
        }
    }
}

/// The base pose that follows the dancer's pelvis, see the module docs. `scale` multiplies the
/// pelvis motion measured in leg lengths.
pub fn base_target(
    stance: &Stance,
    spec: &BalanceSpec,
    scale: f64,
    dancer: &DancerStance,
    robot_from_dancer: &nalgebra::Matrix3<f64>,
) -> Isometry3<f64> {
    let leg = stance.leg_length_m;
    let v = robot_from_dancer * dancer.pelvis_over_ankles_legs;
    // The robot's pelvis height follows the dancer's, both in leg lengths; the home stance
    // (knees already bent) is the highest it goes.
    let height = leg * (1.0 - scale * (1.0 - v.z));
    let drop = (stance.pelvis_height_home_m - height).clamp(0.0, spec.max_pelvis_drop * leg);
    let mut shift = Vector2::new(v.x, v.y) * scale * leg;
    let max_shift = spec.max_pelvis_shift * leg;
    if shift.norm() > max_shift {
        shift *= max_shift / shift.norm();
    }
    if !shift.iter().all(|v| v.is_finite()) {
        shift = Vector2::zeros();
    }
    let drop = if drop.is_finite() { drop } else { 0.0 };
    let home = stance.world_from_base_home;
    let translation = home.translation.vector + Vector3::new(shift.x, shift.y, -drop);
    let yaw = (-dancer.hips_dir.x)
        .atan2(dancer.hips_dir.y)
        .clamp(-spec.max_pelvis_yaw_rad, spec.max_pelvis_yaw_rad);
    let yaw = if yaw.is_finite() { yaw } else { 0.0 };
    let tilt = lean(&dancer.torso_dir, spec.max_lean_rad);
    Isometry3::from_parts(
        Translation3::from(translation),
        tilt * UnitQuaternion::from_axis_angle(&Vector3::z_axis(), yaw) * home.rotation,
    )
}

/// The rotation tilting vertical toward `torso_dir`, at most `max_rad`.
fn lean(torso_dir: &Vector3<f64>, max_rad: f64) -> UnitQuaternion<f64> {
    let z = Vector3::z();
    let axis = z.cross(torso_dir);
    let angle = axis.norm().atan2(z.dot(torso_dir)).min(max_rad);
    match nalgebra::Unit::try_new(axis, 1e-9) {
        Some(axis) if angle.is_finite() => UnitQuaternion::from_axis_angle(&axis, angle),
        _ => UnitQuaternion::identity(),
    }
}

/// What the leg solve needs besides the configuration.
#[derive(Debug, Clone, Copy)]
pub struct Legs<'a> {
    /// The robot.
    pub model: &'a RobotModel,
    /// The bound map (leg dofs).
    pub bound: &'a Bound,
    /// Feet and their home poses.
    pub stance: &'a Stance,
    /// Limits and step settings.
    pub lim: StepLimits<'a>,
    /// Most iterations per solve.
    pub max_iterations: usize,
}

impl Legs<'_> {
    /// Solves both legs so each sole sits at its home pose under `base`; returns the
    /// iterations spent.
    pub fn solve(&self, ws: &mut IkWorkspace, base: &Isometry3<f64>, q: &mut [f64]) -> usize {
        let Some(feet) = self.stance.feet else {
            return 0;
        };
        let dofs = &self.bound.leg_dofs;
        let rot_weight_m = 0.3 * self.stance.leg_length_m.max(0.05);
        let mut iterations = 0;
        while iterations < self.max_iterations {
            iterations += 1;
            ws.kin.update(self.model, base, q);
            ws.clear();
            let (mut worst, mut worst_rot) = (0.0_f64, 0.0_f64);
            let homes = &self.stance.world_from_sole_home;
            for (foot, target) in feet.iter().zip(homes) {
                let (pos, rot) = ws.push_frame(self.model, &foot.sole, target, rot_weight_m, dofs);
                worst = worst.max(pos);
                worst_rot = worst_rot.max(rot);
            }
            if worst < 1e-5 && worst_rot < 1e-4 {
                break;
            }
            if ws.step(q, dofs, &self.lim) < 1e-9 {
                break;
            }
        }
        iterations
    }

    /// Shifts `base` horizontally until the centre-of-mass projection is `margin_m` inside the
    /// support polygon (legs re-solved each time); returns the final margin (m) and the leg
    /// iterations spent.
    pub fn balance(
        &self,
        ws: &mut IkWorkspace,
        base: &mut Isometry3<f64>,
        q: &mut [f64],
        margin_m: f64,
    ) -> (Option<f64>, usize) {
        let mut margin = None;
        let mut iterations = 0;
        for _ in 0..6 {
            ws.kin.update(self.model, base, q);
            let Some(poly) = self.stance.support_polygon(&ws.kin) else {
                break;
            };
            let com = ws.kin.centre_of_mass(self.model);
            let c = Vector2::new(com.x, com.y);
            let d = poly.signed_distance(&c);
            margin = Some(d);
            if d >= margin_m - 1e-4 {
                break;
            }
            let shift = poly.pull_inside(&c, margin_m + 1e-3) - c;
            base.translation.vector += Vector3::new(shift.x, shift.y, 0.0);
            iterations += self.solve(ws, base, q);
        }
        (margin, iterations)
    }
}

#[cfg(test)]
mod tests {
    use crate::choreography::skeleton::{Joint, Pose};
    use crate::choreography::{BodyModel, Vec3};
    use crate::retarget::map::LowerBody;
    use crate::retarget::retargeter::test_humanoid;
    use crate::retarget::stance::sole_pose;
    use crate::robot::Kinematics;

    /// Squats (down to 12 cm), sways (±6 cm) of the reference body, feet planted, knees forward.
    fn squat_dance(frames: usize) -> Vec<Pose> {
        let rest = BodyModel::default().rest_pose();
        (0..frames)
            .map(|k| {
                let t = k as f64 / 30.0;
                let drop = 0.06 * (1.0 - (t * 2.0).cos());
                let sway = 0.06 * (t * 1.3).sin();
                let mut p = rest.translated(Vec3::new(sway, -drop, 0.0));
                for (hip, knee, ankle) in [
                    (Joint::LHip, Joint::LKnee, Joint::LAnkle),
                    (Joint::RHip, Joint::RKnee, Joint::RAnkle),
                ] {
                    let (a, h) = (rest.get(ankle), p.get(hip));
                    let l1 = (rest.get(hip) - rest.get(knee)).norm();
                    let l2 = (rest.get(knee) - a).norm();
                    let d = (h - a).norm().min(l1 + l2 - 1e-6);
                    let along = (h - a).normalize();
                    let x = (l2 * l2 - l1 * l1 + d * d) / (2.0 * d);
                    let y = (l2 * l2 - x * x).max(0.0).sqrt();
                    let forward = Vec3::new(0.0, 0.0, 1.0);
                    let perp = (forward - along * forward.dot(&along)).normalize();
                    p.set(ankle, a);
                    p.set(knee, a + along * x + perp * y);
                }
                p
            })
            .collect()
    }

    #[test]
    fn full_mode_squats_with_feet_planted_and_the_com_inside() {
        // A margin this large forces the balance correction on every frame of the sway.
        let r = test_humanoid(|m| {
            m.lower_body = LowerBody::Full;
            m.balance.margin_m = 0.10;
        });
        let model = r.model();
        let feet = r.stance().feet.unwrap();
        let homes = r.stance().world_from_sole_home;
        let mut state = r.start(BodyModel::default());
        let mut kin = Kinematics::new(model);
        let (mut lowest, mut min_margin) = (f64::INFINITY, f64::INFINITY);
        for pose in squat_dance(120) {
            let report = r.retarget_frame(&mut state, &pose);
            kin.update(model, state.world_from_base(), state.dofs());
            for (foot, home) in feet.iter().zip(&homes) {
                let sole = sole_pose(&kin, foot);
                let slip = (sole.translation.vector - home.translation.vector).norm();
                assert!(slip < 1e-3, "sole moved {slip} m");
            }
            lowest = lowest.min(state.world_from_base().translation.z);
            min_margin = min_margin.min(report.com_margin_m.unwrap());
        }
        let home_z = r.world_from_base_home().translation.z;
        assert!(
            home_z - lowest > 0.03,
            "the pelvis squats: {home_z} → {lowest}"
        );
        assert!(min_margin > 0.099, "CoM margin {min_margin}");
    }
}
