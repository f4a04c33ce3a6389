//! The self-collision model: capsules on the links, grouped by limb, and the pairs checked.
//!
//! Each capsule belongs to the limb of the nearest mapped joint above its link (a link below
//! no mapped joint is the body). Capsules of different limbs are checked against each other,
//! except body–head and body–leg (neighbours by construction) and the map's `ignore_pairs`.
//! A pair collides when its clearance (distance between the capsules' surfaces) is below
//! `margin_m`; a pair closer than that at the home pose only has to stay about as far apart as
//! at home (see [`required_clearance`]), since the home pose is collision-free by definition
//! (a hanging hand beside the thigh). Metres, robot world frame.

use nalgebra::Vector3;

use super::bind::{link_index, Bound};
use super::capsules::{capsules_of_shape, closest_points, LinkCapsule};
use super::map::{Limb, Part, RobotMap};
use super::RetargetError;
use crate::robot::{Kinematics, RobotModel};

/// Which limb a capsule moves with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// Torso, pelvis and anything no mapped joint moves.
    Body,
    /// The head.
    Head,
    /// Left arm.
    LeftArm,
    /// Right arm.
    RightArm,
    /// Left leg.
    LeftLeg,
    /// Right leg.
    RightLeg,
}

/// A capsule on a link.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Capsule {
    /// Link index.
    pub link: usize,
    /// Geometry in the link frame.
    pub shape: LinkCapsule,
    /// The limb it moves with.
    pub group: Group,
}

/// A pair checked, with the clearance it must keep.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairCheck {
    /// First capsule.
    pub i: usize,
    /// Second capsule.
    pub j: usize,
    /// Smallest allowed clearance, m (negative when the home pose already overlaps).
    pub required_m: f64,
}

/// A pair closer than allowed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Contact {
    /// The pair.
    pub pair: PairCheck,
    /// Closest point on capsule `i`'s axis, world.
    pub on_i: Vector3<f64>,
    /// Closest point on capsule `j`'s axis, world.
    pub on_j: Vector3<f64>,
    /// Clearance now, m.
    pub clearance_m: f64,
}

/// Capsules and checked pairs of one robot.
#[derive(Debug, Clone, PartialEq)]
pub struct CollisionModel {
    /// Every capsule.
    pub capsules: Vec<Capsule>,
    /// Every checked pair.
    pub pairs: Vec<PairCheck>,
}

fn group_of_part(part: Part) -> Group {
    match part {
        Part::Torso => Group::Body,
        Part::Head => Group::Head,
        Part::UpperArmLeft | Part::ForearmLeft => Group::LeftArm,
        Part::UpperArmRight | Part::ForearmRight => Group::RightArm,
        Part::ThighLeft | Part::ShinLeft => Group::LeftLeg,
        Part::ThighRight | Part::ShinRight => Group::RightLeg,
    }
}

/// The group of each link: that of the nearest mapped joint above it.
fn link_groups(map: &RobotMap, model: &RobotModel) -> Vec<Group> {
    let group_of_joint = |name: &str| {
        map.parts
            .iter()
            .find(|(_, s)| s.joints.iter().any(|j| j == name))
            .map(|(p, _)| group_of_part(*p))
    };
    (0..model.links().len())
        .map(|link| {
            let mut l = link;
            while let Some(ji) = model.links()[l].parent_joint {
                let j = &model.joints()[ji];
                if let Some(g) = group_of_joint(&j.name) {
                    return g;
                }
                l = j.parent_link;
            }
            Group::Body
        })
        .collect()
}

/// The clearance a pair must keep: the margin, or for a pair already closer at home, its home
/// clearance less half the margin (such pairs are neighbours in all but name, like an upper
/// arm's root beside the torso, and their clearance wobbles a little as the joints turn).
pub fn required_clearance(margin_m: f64, home_clearance_m: f64) -> f64 {
    margin_m.min(home_clearance_m - 0.5 * margin_m.max(0.002))
}

fn checked(a: Group, b: Group) -> bool {
    use Group::*;
    let neighbours = |x, y| matches!((x, y), (Body, Head) | (Body, LeftLeg) | (Body, RightLeg));
    a != b && !neighbours(a, b) && !neighbours(b, a)
}

/// World end points of every capsule, refreshed per configuration (no allocation once sized).
pub type CapsuleEnds = Vec<[Vector3<f64>; 2]>;

impl CollisionModel {
    /// Builds the capsules and pairs; `home_kin` holds the home pose (for the home clearances)
    /// and `moves` says which groups the retargeter moves (pairs of two still groups are never
    /// checked: they cannot change).
    pub fn new(
        map: &RobotMap,
        model: &RobotModel,
        home_kin: &Kinematics,
        moves: impl Fn(Group) -> bool,
    ) -> Result<CollisionModel, RetargetError> {
        let spec = &map.self_collision;
        let groups = link_groups(map, model);
        let mut capsules = Vec::new();
        let mut scratch = Vec::new();
        if spec.from_urdf {
            for (link, l) in model.links().iter().enumerate() {
                scratch.clear();
                for shape in &l.shapes {
                    capsules_of_shape(shape, &mut scratch);
                }
                capsules.extend(scratch.iter().map(|&shape| Capsule {
                    link,
                    shape,
                    group: groups[link],
                }));
            }
        }
        for (i, c) in spec.capsules.iter().enumerate() {
            let field = format!("self_collision.capsules[{i}].link");
            let link = link_index(map, model, &field, &c.link)?;
            let v = |a: [f64; 3]| Vector3::new(a[0], a[1], a[2]);
            capsules.push(Capsule {
                link,
                shape: LinkCapsule {
                    a_m: v(c.from_m),
                    b_m: v(c.to_m),
                    radius_m: c.radius_m,
                },
                group: groups[link],
            });
        }
        let mut ignored = Vec::new();
        for (i, [a, b]) in spec.ignore_pairs.iter().enumerate() {
            let field = format!("self_collision.ignore_pairs[{i}]");
            ignored.push((
                link_index(map, model, &field, a)?,
                link_index(map, model, &field, b)?,
            ));
        }
        let mut out = CollisionModel {
            capsules,
            pairs: Vec::new(),
        };
        let mut ends = Vec::new();
        out.world_ends(home_kin, &mut ends);
        for i in 0..out.capsules.len() {
            for j in (i + 1)..out.capsules.len() {
                let (a, b) = (&out.capsules[i], &out.capsules[j]);
                let skip = ignored
                    .iter()
                    .any(|&(x, y)| (x, y) == (a.link, b.link) || (y, x) == (a.link, b.link));
                if skip || !checked(a.group, b.group) || !(moves(a.group) || moves(b.group)) {
                    continue;
                }
                let home = out.clearance(&ends, i, j).2;
                out.pairs.push(PairCheck {
                    i,
                    j,
                    required_m: required_clearance(spec.margin_m, home),
                });
            }
        }
        Ok(out)
    }

    /// World end points of every capsule in `kin` (into `ends`).
    pub fn world_ends(&self, kin: &Kinematics, ends: &mut CapsuleEnds) {
        ends.clear();
        ends.extend(self.capsules.iter().map(|c| {
            [
                kin.point(c.link, &c.shape.a_m),
                kin.point(c.link, &c.shape.b_m),
            ]
        }));
    }

    /// Closest axis points and clearance of capsules `i` and `j`.
    pub fn clearance(
        &self,
        ends: &CapsuleEnds,
        i: usize,
        j: usize,
    ) -> (Vector3<f64>, Vector3<f64>, f64) {
        let ([p1, q1], [p2, q2]) = (ends[i], ends[j]);
        let (a, b) = closest_points(&p1, &q1, &p2, &q2);
        let r = self.capsules[i].shape.radius_m + self.capsules[j].shape.radius_m;
        (a, b, (a - b).norm() - r)
    }

    /// Every pair closer than allowed (into `out`, cleared first).
    pub fn contacts(&self, ends: &CapsuleEnds, out: &mut Vec<Contact>) {
        out.clear();
        for pair in &self.pairs {
            let (on_i, on_j, clearance_m) = self.clearance(ends, pair.i, pair.j);
            if clearance_m < pair.required_m || !clearance_m.is_finite() {
                out.push(Contact {
                    pair: *pair,
                    on_i,
                    on_j,
                    clearance_m,
                });
            }
        }
    }

    /// True when some pair is closer than allowed.
    pub fn collides(&self, ends: &CapsuleEnds) -> bool {
        self.pairs.iter().any(|p| {
            let c = self.clearance(ends, p.i, p.j).2;
            c < p.required_m || !c.is_finite()
        })
    }

    /// Smallest clearance minus requirement over all pairs, m (∞ without pairs).
    pub fn worst_slack_m(&self, ends: &CapsuleEnds) -> f64 {
        self.pairs
            .iter()
            .map(|p| self.clearance(ends, p.i, p.j).2 - p.required_m)
            .fold(f64::INFINITY, f64::min)
    }
}

/// The limb whose dofs can push a group's capsules (arms only).
pub fn pushable_limb(bound: &Bound, group: Group) -> Option<usize> {
    let limb = match group {
        Group::LeftArm => Limb::LeftArm,
        Group::RightArm => Limb::RightArm,
        _ => return None,
    };
    bound.limbs.iter().position(|l| l.limb == limb)
}
