//! Capsule geometry: segment-to-segment distance and capsules from URDF collision primitives.
//!
//! A capsule is a segment swept by a sphere. Cylinders become the capsule of their axis (a
//! little longer than the cylinder, which errs on the safe side); spheres are capsules of zero
//! length; a box becomes one or more capsules along its longest side, of radius half its
//! smallest side, spread across its middle side so their union covers the box but for rounded
//! edges. Lengths in metres, in the link frame.

use nalgebra::{Isometry3, Point3, Vector3};

use crate::robot::Shape;

/// A capsule in a link's frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinkCapsule {
    /// One end of the axis.
    pub a_m: Vector3<f64>,
    /// The other end.
    pub b_m: Vector3<f64>,
    /// Radius, m.
    pub radius_m: f64,
}

/// Capsules covering one URDF collision primitive (appended to `out`).
pub fn capsules_of_shape(shape: &Shape, out: &mut Vec<LinkCapsule>) {
    let at = |iso: &Isometry3<f64>, x: f64, y: f64, z: f64| (iso * Point3::new(x, y, z)).coords;
    match shape {
        Shape::Sphere {
            link_from_shape,
            radius_m,
        } => {
            let c = at(link_from_shape, 0.0, 0.0, 0.0);
            out.push(LinkCapsule {
                a_m: c,
                b_m: c,
                radius_m: *radius_m,
            });
        }
        Shape::Cylinder {
            link_from_shape,
            radius_m,
            length_m,
        } => out.push(LinkCapsule {
            a_m: at(link_from_shape, 0.0, 0.0, -0.5 * length_m),
            b_m: at(link_from_shape, 0.0, 0.0, 0.5 * length_m),
            radius_m: *radius_m,
        }),
        Shape::Box {
            link_from_shape,
            size_m,
        } => box_capsules(link_from_shape, size_m, out),
    }
}

fn box_capsules(iso: &Isometry3<f64>, size: &Vector3<f64>, out: &mut Vec<LinkCapsule>) {
    let mut axes = [0usize, 1, 2];
    axes.sort_by(|&a, &b| size[b].total_cmp(&size[a]));
    let [long, mid, small] = axes;
    let radius = 0.5 * size[small];
    if radius.is_nan() || radius <= 0.0 {
        return;
    }
    let half_len = (0.5 * size[long] - radius).max(0.0);
    let spread = (size[mid] - size[small]).max(0.0);
    let n = (spread / size[small]).ceil() as usize + 1;
    for i in 0..n {
        let offset = if n > 1 {
            -0.5 * spread + spread * i as f64 / (n - 1) as f64
        } else {
            0.0
        };
        let mut a = Vector3::zeros();
        let mut b = Vector3::zeros();
        a[long] = -half_len;
        b[long] = half_len;
        a[mid] = offset;
        b[mid] = offset;
        out.push(LinkCapsule {
            a_m: (iso * Point3::from(a)).coords,
            b_m: (iso * Point3::from(b)).coords,
            radius_m: radius,
        });
    }
}

/// Closest points between segments `p1–q1` and `p2–q2` (Ericson, *Real-Time Collision
/// Detection*, 2005, §5.1.9).
pub fn closest_points(
    p1: &Vector3<f64>,
    q1: &Vector3<f64>,
    p2: &Vector3<f64>,
    q2: &Vector3<f64>,
) -> (Vector3<f64>, Vector3<f64>) {
    const EPS: f64 = 1e-12;
    let d1 = q1 - p1;
    let d2 = q2 - p2;
    let r = p1 - p2;
    let a = d1.dot(&d1);
    let e = d2.dot(&d2);
    let f = d2.dot(&r);
    let (s, t) = if a <= EPS && e <= EPS {
        (0.0, 0.0)
    } else if a <= EPS {
        (0.0, (f / e).clamp(0.0, 1.0))
    } else {
        let c = d1.dot(&r);
        if e <= EPS {
            ((-c / a).clamp(0.0, 1.0), 0.0)
        } else {
            let b = d1.dot(&d2);
            let denom = a * e - b * b;
            let mut s = if denom > EPS {
                ((b * f - c * e) / denom).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let mut t = (b * s + f) / e;
            if t < 0.0 {
                t = 0.0;
                s = (-c / a).clamp(0.0, 1.0);
            } else if t > 1.0 {
                t = 1.0;
                s = ((b - c) / a).clamp(0.0, 1.0);
            }
            (s, t)
        }
    };
    (p1 + d1 * s, p2 + d2 * t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crossing_and_parallel_segments_have_known_closest_points() {
        let (a, b) = closest_points(
            &Vector3::new(-1.0, 0.0, 0.0),
            &Vector3::new(1.0, 0.0, 0.0),
            &Vector3::new(0.5, -1.0, 2.0),
            &Vector3::new(0.5, 1.0, 2.0),
        );
        assert!((a - Vector3::new(0.5, 0.0, 0.0)).norm() < 1e-12);
        assert!((b - Vector3::new(0.5, 0.0, 2.0)).norm() < 1e-12);
        let (a, b) = closest_points(
            &Vector3::zeros(),
            &Vector3::new(0.0, 0.0, 1.0),
            &Vector3::new(0.3, 0.0, 2.0),
            &Vector3::new(0.3, 0.0, 3.0),
        );
        assert!(((a - b).norm() - (0.3f64.powi(2) + 1.0).sqrt()).abs() < 1e-12);
    }

    #[test]
    fn a_box_is_covered_by_capsules_of_half_its_smallest_side() {
        let mut out = Vec::new();
        let shape = Shape::Box {
            link_from_shape: Isometry3::translation(0.0, 0.0, 0.16),
            size_m: Vector3::new(0.2, 0.3, 0.32),
        };
        capsules_of_shape(&shape, &mut out);
        assert_eq!(out.len(), 2);
        for c in &out {
            assert!((c.radius_m - 0.1).abs() < 1e-12);
            assert!((c.a_m.z - 0.1).abs() < 1e-12 && (c.b_m.z - 0.22).abs() < 1e-12);
            assert!((c.a_m.y.abs() - 0.05).abs() < 1e-12);
        }
    }
}
