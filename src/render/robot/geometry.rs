//! Where a robot's collision shapes reach: support functions, the standing height and the view
//! bounds a camera is fitted to.
//!
//! All of it is exact for the three primitives, through the support function
//! `h(d) = max over the shape of d·p` (metres, for a unit direction `d` in the world frame):
//! a box adds `Σ halfᵢ·|axisᵢ·d|` to its centre's `c·d`, a cylinder of half-length `l` and radius
//! `r` along `a` adds `l·|a·d| + r·√(1 − (a·d)²)`, a sphere adds `r`.

use nalgebra::{Isometry3, Vector3};

use crate::render::camera::{View, ViewBounds};
use crate::robot::{Kinematics, RobotModel, Shape};

/// The world pose of a shape of a link at `world_from_link`.
pub fn world_from_shape(world_from_link: &Isometry3<f64>, shape: &Shape) -> Isometry3<f64> {
    let link_from_shape = match shape {
        Shape::Box {
            link_from_shape, ..
        }
        | Shape::Cylinder {
            link_from_shape, ..
        }
        | Shape::Sphere {
            link_from_shape, ..
        } => link_from_shape,
    };
    world_from_link * link_from_shape
}

/// How far `shape` reaches along the unit world direction `dir`: `max d·p` over its points,
/// metres.
pub fn shape_support_m(shape: &Shape, world_from_link: &Isometry3<f64>, dir: &Vector3<f64>) -> f64 {
    let pose = world_from_shape(world_from_link, shape);
    let centre = pose.translation.vector.dot(dir);
    let local = pose.rotation.inverse() * dir;
    centre
        + match shape {
            Shape::Box { size_m, .. } => 0.5 * size_m.abs().dot(&local.abs()),
            Shape::Cylinder {
                radius_m, length_m, ..
            } => {
                let along = local.z.abs();
                0.5 * length_m * along + radius_m * (1.0 - along * along).max(0.0).sqrt()
            }
            Shape::Sphere { radius_m, .. } => *radius_m,
        }
}

/// The world axes of a view, as unit vectors in the URDF world frame (x forward, y left,
/// z up) of a robot facing the audience: `[image right, image up, toward the viewer]`.
///
/// Front: the audience's right is the robot's left (+y), the robot's forward (+x) comes
/// toward the viewer. Side (seen from the robot's right): forward (+x) is the image's right,
/// the robot's right (−y) is toward the viewer.
pub fn view_axes_world(view: View) -> [Vector3<f64>; 3] {
    match view {
        View::Front => [Vector3::y(), Vector3::z(), Vector3::x()],
        View::Side => [Vector3::x(), Vector3::z(), -Vector3::y()],
    }
}

/// Calls `visit(link, world_from_link, shape)` for every collision shape of the robot.
fn for_each_shape(
    model: &RobotModel,
    kin: &Kinematics,
    mut visit: impl FnMut(usize, &Isometry3<f64>, &Shape),
) {
    for (i, link) in model.links().iter().enumerate() {
        let world_from_link = kin.world_from_link(i);
        for shape in &link.shapes {
            visit(i, world_from_link, shape);
        }
    }
}

/// Lowest and highest world z of the robot's collision shapes, metres (`None` without
/// shapes).
pub fn height_range_m(model: &RobotModel, kin: &Kinematics) -> Option<(f64, f64)> {
    let mut range: Option<(f64, f64)> = None;
    for_each_shape(model, kin, |_, world_from_link, shape| {
        let low = -shape_support_m(shape, world_from_link, &-Vector3::z());
        let high = shape_support_m(shape, world_from_link, &Vector3::z());
        range = Some(range.map_or((low, high), |(l, h)| (l.min(low), h.max(high))));
    });
    range
}

/// The height of the root link (base) above the floor that puts the lowest collision point
/// on the floor (z = 0) at the zero configuration, metres; 0 for a robot without shapes.
pub fn standing_height_m(model: &RobotModel) -> f64 {
    let kin = Kinematics::new(model);
    height_range_m(model, &kin).map_or(0.0, |(low, _)| -low)
}

/// The root link standing upright at [`standing_height_m`] above the world origin.
pub fn standing_base(model: &RobotModel) -> Isometry3<f64> {
    Isometry3::translation(0.0, 0.0, standing_height_m(model))
}

/// The smallest rectangle of the view plane (metres, the dancer frame's axes) that holds every
/// collision shape of the robot as `kin` places it (`None` without shapes).
pub fn robot_bounds(model: &RobotModel, kin: &Kinematics, view: View) -> Option<ViewBounds> {
    let [right, up, _] = view_axes_world(view);
    let mut out: Option<ViewBounds> = None;
    for_each_shape(model, kin, |_, world_from_link, shape| {
        let reach = |d: &Vector3<f64>| shape_support_m(shape, world_from_link, d);
        let b = ViewBounds {
            min_m: [-reach(&-right), -reach(&-up)],
            max_m: [reach(&right), reach(&up)],
        };
        if b.min_m.iter().chain(&b.max_m).all(|v| v.is_finite()) {
            out = Some(out.map_or(b, |o| o.union(&b)));
        }
    });
    out
}

/// The horizontal extent in `view` of the shapes whose lowest point is within `within_m` of
/// the floor, metres (`None` when no shape is that low): where the robot stands.
pub fn footprint_m(
    model: &RobotModel,
    kin: &Kinematics,
    view: View,
    within_m: f64,
) -> Option<(f64, f64)> {
    let [right, ..] = view_axes_world(view);
    let mut out: Option<(f64, f64)> = None;
    for_each_shape(model, kin, |_, world_from_link, shape| {
        let low = -shape_support_m(shape, world_from_link, &-Vector3::z());
        if low > within_m {
            return;
        }
        let lo = -shape_support_m(shape, world_from_link, &-right);
        let hi = shape_support_m(shape, world_from_link, &right);
        out = Some(out.map_or((lo, hi), |(a, b)| (a.min(lo), b.max(hi))));
    });
    out
}
