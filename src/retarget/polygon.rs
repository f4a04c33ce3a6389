//! Convex polygons on the floor (x, y in metres): the support polygon of the feet and the
//! signed distance of the centre-of-mass projection to its boundary.

use nalgebra::Vector2;

/// Most corners a support polygon is built from (two rectangular soles).
pub const MAX_CORNERS: usize = 8;

/// A convex polygon, counter-clockwise, in a fixed buffer.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConvexPolygon {
    corners: [Vector2<f64>; MAX_CORNERS],
    n: usize,
}

fn cross(o: &Vector2<f64>, a: &Vector2<f64>, b: &Vector2<f64>) -> f64 {
    (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
}

impl ConvexPolygon {
    /// The convex hull of up to [`MAX_CORNERS`] points (Andrew's monotone chain); extra
    /// points are ignored.
    pub fn hull(points: &[Vector2<f64>]) -> ConvexPolygon {
        let mut pts = [Vector2::zeros(); MAX_CORNERS];
        let m = points.len().min(MAX_CORNERS);
        pts[..m].copy_from_slice(&points[..m]);
        let pts = &mut pts[..m];
        pts.sort_by(|a, b| a.x.total_cmp(&b.x).then(a.y.total_cmp(&b.y)));
        let mut out = ConvexPolygon {
            corners: [Vector2::zeros(); MAX_CORNERS],
            n: 0,
        };
        let mut hull = [Vector2::zeros(); 2 * MAX_CORNERS];
        let mut k = 0;
        for p in pts.iter() {
            while k >= 2 && cross(&hull[k - 2], &hull[k - 1], p) <= 0.0 {
                k -= 1;
            }
            hull[k] = *p;
            k += 1;
        }
        let lower = k + 1;
        for p in pts.iter().rev().skip(1) {
            while k >= lower && cross(&hull[k - 2], &hull[k - 1], p) <= 0.0 {
                k -= 1;
            }
            hull[k] = *p;
            k += 1;
        }
        let n = k.saturating_sub(1).min(MAX_CORNERS);
        out.corners[..n].copy_from_slice(&hull[..n]);
        out.n = n;
        out
    }

    /// Corners, counter-clockwise.
    pub fn corners(&self) -> &[Vector2<f64>] {
        &self.corners[..self.n]
    }

    /// Signed distance of `p` to the boundary: positive inside, negative outside, m.
    pub fn signed_distance(&self, p: &Vector2<f64>) -> f64 {
        if self.n < 3 {
            return f64::NEG_INFINITY;
        }
        let mut inside = true;
        let mut nearest = f64::INFINITY;
        for i in 0..self.n {
            let a = self.corners[i];
            let b = self.corners[(i + 1) % self.n];
            if cross(&a, &b, p) < 0.0 {
                inside = false;
            }
            nearest = nearest.min(segment_distance(&a, &b, p));
        }
        if inside {
            nearest
        } else {
            -nearest
        }
    }

    /// The point nearest to `p` that is at least `margin_m` inside (found by walking toward
    /// the centroid); `p` itself when it already is.
    pub fn pull_inside(&self, p: &Vector2<f64>, margin_m: f64) -> Vector2<f64> {
        if self.n < 3 || self.signed_distance(p) >= margin_m {
            return *p;
        }
        let c = self.corners().iter().sum::<Vector2<f64>>() / self.n as f64;
        // Bisection on the segment p → centroid: distance grows monotonically along it until
        // the deepest point, and the centroid is the best the polygon offers here.
        let (mut lo, mut hi) = (0.0, 1.0);
        if self.signed_distance(&c) < margin_m {
            return c;
        }
        for _ in 0..40 {
            let mid = 0.5 * (lo + hi);
            if self.signed_distance(&(p + (c - p) * mid)) >= margin_m {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        p + (c - p) * hi
    }
}

/// Distance from `p` to the segment `a`–`b`.
fn segment_distance(a: &Vector2<f64>, b: &Vector2<f64>, p: &Vector2<f64>) -> f64 {
    let ab = b - a;
    let len2 = ab.norm_squared();
    let t = if len2 > 0.0 {
        ((p - a).dot(&ab) / len2).clamp(0.0, 1.0)
    } else {
        0.0
    };
    (a + ab * t - p).norm()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(x: f64, y: f64) -> Vector2<f64> {
        Vector2::new(x, y)
    }

    #[test]
    fn hull_of_two_feet_and_distances() {
        // Two 0.2 × 0.1 soles, centres at y = ±0.1: the hull is the 0.2 × 0.3 box.
        let mut pts = Vec::new();
        for cy in [-0.1, 0.1] {
            for (dx, dy) in [(-0.1, -0.05), (0.1, -0.05), (0.1, 0.05), (-0.1, 0.05)] {
                pts.push(v(dx, cy + dy));
            }
        }
        let poly = ConvexPolygon::hull(&pts);
        assert_eq!(poly.corners().len(), 4);
        assert!((poly.signed_distance(&v(0.0, 0.0)) - 0.1).abs() < 1e-12);
        assert!((poly.signed_distance(&v(0.0, 0.2)) + 0.05).abs() < 1e-12);
        let pulled = poly.pull_inside(&v(0.0, 0.3), 0.02);
        assert!(
            (poly.signed_distance(&pulled) - 0.02).abs() < 1e-6,
            "{pulled}"
        );
        assert_eq!(poly.pull_inside(&v(0.0, 0.0), 0.02), v(0.0, 0.0));
    }
}
