//! [`Retargeter`]: a robot model and its map, bound once and reused for every frame.

use nalgebra::{Isometry3, Matrix3, Vector3};

use super::bind::{bind, Bound};
use super::collision::{CapsuleEnds, CollisionModel, Group};
use super::map::{LowerBody, Part, RobotMap};
use super::segments::{unit, N_SEGMENTS};
use super::stance::Stance;
use super::RetargetError;
use crate::choreography::skeleton::{Pose, N_JOINTS};
use crate::robot::{Kinematics, RobotModel};

/// Retargets dancer poses onto one robot. Build it once ([`Retargeter::new`]); keep one
/// [`RetargetState`](super::RetargetState) per stream of frames.
#[derive(Debug, Clone)]
pub struct Retargeter {
    pub(super) model: RobotModel,
    pub(super) map: RobotMap,
    pub(super) bound: Bound,
    pub(super) stance: Stance,
    pub(super) collision: Option<CollisionModel>,
    pub(super) robot_from_dancer: Matrix3<f64>,
    /// Each segment's robot direction at home (the target before any valid keypoint).
    pub(super) home_dirs: [Vector3<f64>; N_SEGMENTS],
    /// Restart seeds of each limb of `bound.limbs`, values of its dofs.
    pub(super) seeds: Vec<Vec<Vec<f64>>>,
}

/// Van der Corput radical inverse in `base` (a Halton coordinate).
fn halton(mut i: usize, base: usize) -> f64 {
    let mut f = 1.0;
    let mut r = 0.0;
    while i > 0 {
        f /= base as f64;
        r += f * (i % base) as f64;
        i /= base;
    }
    r
}

const PRIMES: [usize; 12] = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37];

impl Retargeter {
    /// Binds `map` to `model`; every name the model lacks, every home value outside the limits
    /// and every missing foot (in `full` mode) is an error naming the map file and field.
    pub fn new(model: RobotModel, map: RobotMap) -> Result<Retargeter, RetargetError> {
        let bound = bind(&map, &model)?;
        let mut kin = Kinematics::new(&model);
        let stance = Stance::new(&map, &model, &bound, &mut kin)?;
        if map.lower_body == LowerBody::Full {
            check_full_mode(&map, &bound, &stance)?;
        }
        kin.update(&model, &stance.world_from_base_home, &bound.home);
        let collision = if map.self_collision.enabled {
            let moves = |g: Group| group_moves(&map, g);
            Some(CollisionModel::new(&map, &model, &kin, moves)?)
        } else {
            None
        };
        let mut home_dirs = [Vector3::zeros(); N_SEGMENTS];
        for seg in &bound.segments {
            let mean = |pts: &[super::bind::LinkPoint]| {
                pts.iter()
                    .map(|lp| kin.point(lp.link, &lp.point_m))
                    .sum::<Vector3<f64>>()
                    / pts.len() as f64
            };
            home_dirs[seg.segment.index()] =
                unit(&(mean(&seg.to) - mean(&seg.from))).unwrap_or_else(Vector3::z);
        }
        let seeds = limb_seeds(&map, &bound);
        let robot_from_dancer = Matrix3::from_fn(|r, c| map.robot_from_dancer[r][c]);
        Ok(Retargeter {
            model,
            map,
            bound,
            stance,
            collision,
            robot_from_dancer,
            home_dirs,
            seeds,
        })
    }

    /// The robot.
    pub fn model(&self) -> &RobotModel {
        &self.model
    }

    /// The map.
    pub fn map(&self) -> &RobotMap {
        &self.map
    }

    /// Dofs written to trajectories, ascending.
    pub fn commanded_dofs(&self) -> &[usize] {
        &self.bound.commanded
    }

    /// Names of the commanded joints (the trajectory's `joint_names`).
    pub fn commanded_names(&self) -> Vec<String> {
        self.bound
            .commanded
            .iter()
            .map(|&d| self.model.dof_joint(d).name.clone())
            .collect()
    }

    /// Home pose, every dof.
    pub fn home(&self) -> &[f64] {
        &self.bound.home
    }

    /// Merged position limits of every dof: (lower, upper).
    pub fn position_limits(&self) -> (&[f64], &[f64]) {
        (&self.bound.lower, &self.bound.upper)
    }

    /// Base pose at home (feet on the floor, centred).
    pub fn world_from_base_home(&self) -> Isometry3<f64> {
        self.stance.world_from_base_home
    }

    /// The self-collision model, when enabled.
    pub fn collision_model(&self) -> Option<&CollisionModel> {
        self.collision.as_ref()
    }

    /// The bound map (landmarks, segments, limbs).
    pub fn bound(&self) -> &Bound {
        &self.bound
    }

    /// The stance (feet, support polygon).
    pub fn stance(&self) -> &Stance {
        &self.stance
    }

    /// Rotation from dancer-frame to robot-frame vectors.
    pub fn robot_from_dancer(&self) -> &Matrix3<f64> {
        &self.robot_from_dancer
    }

    /// The dancer-frame skeleton the robot shows at `dofs` with its base at `world_from_base`:
    /// each mapped keypoint at its landmark (unmapped ones NaN), in metres of the robot. With
    /// the home base the origin is on the floor between the feet, as in the dancer frame.
    pub fn skeleton_from_dofs(
        &self,
        kin: &mut Kinematics,
        world_from_base: &Isometry3<f64>,
        dofs: &[f64],
    ) -> Pose {
        kin.update(&self.model, world_from_base, dofs);
        let dancer_from_robot = self.robot_from_dancer.transpose();
        let mut pose = Pose::zeros();
        for k in 0..N_JOINTS {
            let p = match self.bound.landmarks[k] {
                Some(lp) => dancer_from_robot * kin.point(lp.link, &lp.point_m),
                None => Vector3::repeat(f64::NAN),
            };
            pose.points[k] = p;
        }
        pose
    }

    /// True when `dofs` (base at home) puts two capsules closer than allowed. For checks and
    /// tests; the per-frame path keeps its buffers in the state.
    pub fn in_collision(&self, dofs: &[f64]) -> bool {
        let Some(c) = &self.collision else {
            return false;
        };
        let mut kin = Kinematics::new(&self.model);
        kin.update(&self.model, &self.stance.world_from_base_home, dofs);
        let mut ends = CapsuleEnds::new();
        c.world_ends(&kin, &mut ends);
        c.collides(&ends)
    }
}

/// Whether the retargeter moves a collision group.
fn group_moves(map: &RobotMap, g: Group) -> bool {
    let full = map.lower_body == LowerBody::Full;
    let solved = |parts: &[Part]| parts.iter().any(|p| map.is_solved(*p));
    match g {
        Group::Body => full || solved(&[Part::Torso]),
        Group::Head => full || solved(&[Part::Head, Part::Torso]),
        Group::LeftArm => full || solved(&[Part::UpperArmLeft, Part::ForearmLeft, Part::Torso]),
        Group::RightArm => full || solved(&[Part::UpperArmRight, Part::ForearmRight, Part::Torso]),
        Group::LeftLeg | Group::RightLeg => full,
    }
}

fn check_full_mode(map: &RobotMap, bound: &Bound, stance: &Stance) -> Result<(), RetargetError> {
    let problem = if stance.feet.is_none() {
        Some("`full` mode needs both soles: add balance.left_foot and balance.right_foot (or box collision shapes on the ankle landmarks' links)")
    } else if bound.leg_dofs.is_empty() {
        Some("`full` mode needs leg joints: add parts.thigh_left/shin_left/thigh_right/shin_right")
    } else if bound.leg_dofs.len() > super::bind::MAX_LIMB_DOFS {
        Some("the legs have more than 12 joints together")
    } else {
        None
    };
    match problem {
        Some(p) => Err(RetargetError::Map {
            path: map.source.clone(),
            field: "lower_body".to_owned(),
            problem: p.to_owned(),
        }),
        None => Ok(()),
    }
}

/// Restart seeds per limb: home, mid-range, then Halton points of the limb's joint box.
fn limb_seeds(map: &RobotMap, bound: &Bound) -> Vec<Vec<Vec<f64>>> {
    let span = |d: usize| {
        let (lo, hi) = (bound.lower[d], bound.upper[d]);
        if lo.is_finite() && hi.is_finite() {
            (lo, hi)
        } else {
            (
                bound.home[d] - std::f64::consts::PI,
                bound.home[d] + std::f64::consts::PI,
            )
        }
    };
    bound
        .limbs
        .iter()
        .map(|limb| {
            let mut seeds = vec![
                limb.dofs
                    .iter()
                    .map(|&d| bound.home[d])
                    .collect::<Vec<f64>>(),
                limb.dofs
                    .iter()
                    .map(|&d| {
                        let (lo, hi) = span(d);
                        0.5 * (lo + hi)
                    })
                    .collect(),
            ];
            for i in 1..=map.solver.restarts.saturating_sub(2) {
                seeds.push(
                    limb.dofs
                        .iter()
                        .enumerate()
                        .map(|(c, &d)| {
                            let (lo, hi) = span(d);
                            // Stay a little inside the box: limits are rarely good seeds.
                            let u = 0.1 + 0.8 * halton(i, PRIMES[c % PRIMES.len()]);
                            lo + (hi - lo) * u
                        })
                        .collect(),
                );
            }
            seeds.truncate(map.solver.restarts);
            seeds
        })
        .collect()
}

/// The project's humanoid with its shipped map, edited (for unit tests).
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) fn test_humanoid(edit: impl FnOnce(&mut RobotMap)) -> Retargeter {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let model = RobotModel::load(&root.join("urdf/dancebot_humanoid.urdf")).unwrap();
    let mut map = RobotMap::load(&root.join("config/robots/dancebot_humanoid.yaml")).unwrap();
    edit(&mut map);
    Retargeter::new(model, map).unwrap()
}
