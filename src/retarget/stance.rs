//! The stance: where the robot stands, its feet, its support polygon and the margin of its
//! centre of mass.
//!
//! At the home pose the base is placed so the lowest sole touches the floor (z = 0) and the
//! feet are centred on the world origin; `fixed` and `upper-body` modes keep that base. A sole
//! is a rectangle in its foot link's x-y plane, from the map (`balance.left_foot`, …) or from
//! the box collision shape of the ankle landmark's link. The support polygon is the convex
//! hull of both soles projected on the floor; the CoM margin is the signed distance of the
//! centre-of-mass projection to its boundary (positive inside), metres.

use nalgebra::{Isometry3, Point3, Translation3, Vector2, Vector3};

use super::bind::{link_index, Bound, LinkPoint};
use super::map::RobotMap;
use super::polygon::ConvexPolygon;
use super::settings::FootSpec;
use super::RetargetError;
use crate::choreography::skeleton::Joint;
use crate::robot::{Kinematics, RobotModel, Shape};

/// One sole.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Foot {
    /// The sole centre on its link (the foot's frame-task point).
    pub sole: LinkPoint,
    /// Half length (link x) and half width (link y), m.
    pub half_size_m: Vector2<f64>,
}

/// Feet and the home placement of the base.
#[derive(Debug, Clone, PartialEq)]
pub struct Stance {
    /// Left and right soles, when known.
    pub feet: Option<[Foot; 2]>,
    /// Base pose at home: soles on the floor, feet centred.
    pub world_from_base_home: Isometry3<f64>,
    /// Each sole's pose at home (the `full` mode keeps them there).
    pub world_from_sole_home: [Isometry3<f64>; 2],
    /// Hip to knee plus knee to ankle (landmarks), mean of both legs, m (0 when unmapped).
    pub leg_length_m: f64,
    /// Mid-hips over mid-ankles at home, vertical, m (0 when unmapped).
    pub pelvis_height_home_m: f64,
}

fn foot_from_spec(
    map: &RobotMap,
    model: &RobotModel,
    spec: &FootSpec,
    field: &str,
) -> Result<Foot, RetargetError> {
    let link = link_index(map, model, &format!("{field}.link"), &spec.link)?;
    let [x, y, z] = spec.sole_center_m;
    Ok(Foot {
        sole: LinkPoint {
            link,
            point_m: Vector3::new(x, y, z),
        },
        half_size_m: Vector2::new(spec.sole_size_m[0], spec.sole_size_m[1]) * 0.5,
    })
}

/// The bottom face of the lowest box on `link`, as a sole.
fn foot_from_shapes(model: &RobotModel, link: usize) -> Option<Foot> {
    let mut best: Option<Foot> = None;
    for shape in &model.links()[link].shapes {
        let Shape::Box {
            link_from_shape,
            size_m,
        } = shape
        else {
            continue;
        };
        let bottom = (link_from_shape * Point3::new(0.0, 0.0, -0.5 * size_m.z)).coords;
        if best.is_none_or(|b| bottom.z < b.sole.point_m.z) {
            best = Some(Foot {
                sole: LinkPoint {
                    link,
                    point_m: bottom,
                },
                half_size_m: Vector2::new(size_m.x, size_m.y) * 0.5,
            });
        }
    }
    best
}

fn resolve_foot(
    map: &RobotMap,
    model: &RobotModel,
    bound: &Bound,
    spec: Option<&FootSpec>,
    field: &str,
    ankle: Joint,
) -> Result<Option<Foot>, RetargetError> {
    if let Some(spec) = spec {
        return foot_from_spec(map, model, spec, field).map(Some);
    }
    Ok(bound.landmarks[ankle.index()].and_then(|lp| foot_from_shapes(model, lp.link)))
}

impl Stance {
    /// Finds the feet and places the base at home.
    pub fn new(
        map: &RobotMap,
        model: &RobotModel,
        bound: &Bound,
        kin: &mut Kinematics,
    ) -> Result<Stance, RetargetError> {
        let left = resolve_foot(
            map,
            model,
            bound,
            map.balance.left_foot.as_ref(),
            "balance.left_foot",
            Joint::LAnkle,
        )?;
        let right = resolve_foot(
            map,
            model,
            bound,
            map.balance.right_foot.as_ref(),
            "balance.right_foot",
            Joint::RAnkle,
        )?;
        let feet = left.zip(right).map(|(l, r)| [l, r]);
        kin.update(model, &Isometry3::identity(), &bound.home);
        let world_from_base_home = match &feet {
            Some(f) => {
                let soles = f.map(|foot| kin.point(foot.sole.link, &foot.sole.point_m));
                let mid = (soles[0] + soles[1]) * 0.5;
                let lowest = soles[0].z.min(soles[1].z);
                Isometry3::from_parts(
                    Translation3::new(-mid.x, -mid.y, -lowest),
                    nalgebra::UnitQuaternion::identity(),
                )
            }
            None => Isometry3::identity(),
        };
        kin.update(model, &world_from_base_home, &bound.home);
        let world_from_sole_home = match &feet {
            Some(f) => f.map(|foot| sole_pose(kin, &foot)),
            None => [Isometry3::identity(); 2],
        };
        let (leg_length_m, pelvis_height_home_m) = leg_measures(bound, kin);
        Ok(Stance {
            feet,
            world_from_base_home,
            world_from_sole_home,
            leg_length_m,
            pelvis_height_home_m,
        })
    }

    /// The support polygon of the current configuration in `kin`.
    pub fn support_polygon(&self, kin: &Kinematics) -> Option<ConvexPolygon> {
        let feet = self.feet.as_ref()?;
        let mut corners = [Vector2::zeros(); 8];
        for (f, foot) in feet.iter().enumerate() {
            let pose = sole_pose(kin, foot);
            let h = foot.half_size_m;
            for (c, (sx, sy)) in [(-1.0, -1.0), (1.0, -1.0), (1.0, 1.0), (-1.0, 1.0)]
                .into_iter()
                .enumerate()
            {
                let p = pose * Point3::new(sx * h.x, sy * h.y, 0.0);
                corners[4 * f + c] = Vector2::new(p.x, p.y);
            }
        }
        Some(ConvexPolygon::hull(&corners))
    }

    /// Signed distance of the centre-of-mass projection to the support polygon's boundary
    /// (positive inside), m; `None` without feet.
    pub fn com_margin_m(&self, model: &RobotModel, kin: &Kinematics) -> Option<f64> {
        let poly = self.support_polygon(kin)?;
        let com = kin.centre_of_mass(model);
        Some(poly.signed_distance(&Vector2::new(com.x, com.y)))
    }
}

/// A sole's pose in the world: its link's orientation at the sole centre.
pub fn sole_pose(kin: &Kinematics, foot: &Foot) -> Isometry3<f64> {
    let frame = kin.world_from_link(foot.sole.link);
    let p = kin.point(foot.sole.link, &foot.sole.point_m);
    Isometry3::from_parts(Translation3::from(p), frame.rotation)
}

/// Leg length (hip to knee plus knee to ankle, mean of the mapped legs) and the pelvis height
/// over the ankles (mid-hips minus mid-ankles, vertical) in `kin`, m; zeros when unmapped.
fn leg_measures(bound: &Bound, kin: &Kinematics) -> (f64, f64) {
    let at = |j: Joint| bound.landmarks[j.index()].map(|lp| kin.point(lp.link, &lp.point_m));
    let legs = [
        (Joint::LHip, Joint::LKnee, Joint::LAnkle),
        (Joint::RHip, Joint::RKnee, Joint::RAnkle),
    ];
    let (mut length, mut height, mut n) = (0.0, 0.0, 0.0);
    for (hip, knee, ankle) in legs {
        if let (Some(h), Some(k), Some(a)) = (at(hip), at(knee), at(ankle)) {
            length += (h - k).norm() + (k - a).norm();
            height += h.z - a.z;
            n += 1.0;
        }
    }
    if n > 0.0 {
        (length / n, height / n)
    } else {
        (0.0, 0.0)
    }
}

#[cfg(test)]
mod tests {
    use crate::retarget::retargeter::test_humanoid;
    use crate::robot::Kinematics;

    #[test]
    fn the_humanoid_stands_on_its_foot_boxes_centred_on_the_origin() {
        let r = test_humanoid(|_| {});
        let stance = r.stance();
        let feet = stance.feet.expect("feet from the URDF's boxes");
        // The foot box is 0.22 × 0.10 m, 0.04 m high, centred 0.03 m below the ankle.
        assert!((feet[0].half_size_m.x - 0.11).abs() < 1e-12);
        assert!((feet[0].sole.point_m.z + 0.05).abs() < 1e-12);
        let soles = stance.world_from_sole_home.map(|s| s.translation.vector);
        assert!(soles[0].z.abs() < 1e-12 && soles[1].z.abs() < 1e-12);
        assert!((soles[0].y + soles[1].y).abs() < 1e-12 && soles[0].y > 0.05);
        let mut kin = Kinematics::new(r.model());
        kin.update(r.model(), &stance.world_from_base_home, r.home());
        let poly = stance.support_polygon(&kin).unwrap();
        assert_eq!(poly.corners().len(), 4);
        let margin = stance.com_margin_m(r.model(), &kin).unwrap();
        assert!((0.05..0.15).contains(&margin), "{margin}");
    }
}
