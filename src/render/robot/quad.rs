//! [`ConvexQuad`]: a filled convex quadrilateral for the rasterizer — a box face seen through
//! an orthographic camera.
//!
//! Coordinates are image pixels (x right, y down), as in [`crate::render::raster`]. The signed
//! distance is the largest signed distance to the four edge lines: exact inside and along the
//! edges, a little short of the true distance beyond the corners, so corners get a mitred
//! half-pixel ramp. Rows and spans are also clipped to the corners' bounding box grown by half
//! a pixel, so a sliver seen almost edge-on never spills past its own extent.

use crate::render::raster::{PointPx, Shape};

/// Edges shorter than this, pixels, carry no direction and are left out of the distance.
const MIN_EDGE_PX: f32 = 1e-4;

/// A convex quadrilateral, corners in either winding order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConvexQuad {
    /// Outward unit normals of the edges (zero for a degenerate edge).
    normals: [PointPx; 4],
    /// Edge offsets: a point `p` is inside edge `i` when `normals[i]·p ≤ offsets[i]`.
    offsets: [f32; 4],
    /// Bounding box of the corners, pixels: `(x_min, y_min, x_max, y_max)`.
    bbox: (f32, f32, f32, f32),
    finite: bool,
}

/// Twice the signed area of the polygon `pts` (shoelace formula), pixels².
fn twice_area(pts: &[PointPx; 4]) -> f32 {
    (0..4)
        .map(|i| {
            let (p, q) = (pts[i], pts[(i + 1) % 4]);
            p.x * q.y - q.x * p.y
        })
        .sum()
}

impl ConvexQuad {
    /// The quad with corners `pts` in order around its outline (either direction). Returns
    /// `None` when its area is below a hundredth of a pixel (a face seen edge-on) or a corner
    /// is not finite.
    pub fn new(pts: [PointPx; 4]) -> Option<ConvexQuad> {
        let finite = pts.iter().all(|p| p.x.is_finite() && p.y.is_finite());
        let area2 = twice_area(&pts);
        if !finite || area2.abs() < 0.02 {
            return None;
        }
        // With a positive shoelace area the outward normal of edge (ex, ey) is (ey, −ex).
        let sign = area2.signum();
        let mut normals = [PointPx::default(); 4];
        let mut offsets = [f32::INFINITY; 4];
        for i in 0..4 {
            let (p, q) = (pts[i], pts[(i + 1) % 4]);
            let (ex, ey) = (q.x - p.x, q.y - p.y);
            let len = ex.hypot(ey);
            if len < MIN_EDGE_PX {
                continue;
            }
            let n = PointPx::new(sign * ey / len, -sign * ex / len);
            normals[i] = n;
            offsets[i] = n.x * p.x + n.y * p.y;
        }
        let xs = pts.map(|p| p.x);
        let ys = pts.map(|p| p.y);
        let min = |v: [f32; 4]| v.into_iter().fold(f32::INFINITY, f32::min);
        let max = |v: [f32; 4]| v.into_iter().fold(f32::NEG_INFINITY, f32::max);
        Some(ConvexQuad {
            normals,
            offsets,
            bbox: (min(xs), min(ys), max(xs), max(ys)),
            finite,
        })
    }
}

impl Shape for ConvexQuad {
    fn signed_distance_px(&self, p: PointPx) -> f32 {
        let mut d = f32::NEG_INFINITY;
        for (n, c) in self.normals.iter().zip(&self.offsets) {
            if c.is_finite() {
                d = d.max(n.x * p.x + n.y * p.y - c);
            }
        }
        d
    }

    fn rows_px(&self) -> (f32, f32) {
        (self.bbox.1 - 0.5, self.bbox.3 + 0.5)
    }

    /// Intersects, on row `y`, the four half-planes grown by half a pixel and the grown
    /// bounding box.
    fn row_span_px(&self, y: f32) -> Option<(f32, f32)> {
        let (mut lo, mut hi) = (self.bbox.0 - 0.5, self.bbox.2 + 0.5);
        for (n, c) in self.normals.iter().zip(&self.offsets) {
            if !c.is_finite() {
                continue;
            }
            // n.x · x ≤ c + 0.5 − n.y · y
            let rhs = c + 0.5 - n.y * y;
            if n.x.abs() < 1e-9 {
                if rhs < 0.0 {
                    return None;
                }
            } else if n.x > 0.0 {
                hi = hi.min(rhs / n.x);
            } else {
                lo = lo.max(rhs / n.x);
            }
        }
        (lo <= hi).then_some((lo, hi))
    }

    fn is_finite(&self) -> bool {
        self.finite
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::image::{PixelRect, RgbImage};
    use crate::render::raster::{coverage_from_distance, rasterize};

    fn square(x0: f32, y0: f32, side: f32, clockwise: bool) -> ConvexQuad {
        let mut pts = [
            PointPx::new(x0, y0),
            PointPx::new(x0 + side, y0),
            PointPx::new(x0 + side, y0 + side),
            PointPx::new(x0, y0 + side),
        ];
        if clockwise {
            pts.reverse();
        }
        ConvexQuad::new(pts).unwrap()
    }

    #[test]
    fn an_axis_aligned_square_covers_exactly_its_pixels_in_both_windings() {
        for clockwise in [false, true] {
            let q = square(10.0, 20.0, 8.0, clockwise);
            let mut img = RgbImage::new(40, 40, [0, 0, 0]);
            img.fill_shape(&q, [255, 255, 255], img.rect());
            let lit = img.as_bytes().chunks(3).filter(|p| p[0] == 255).count();
            let touched = img.as_bytes().chunks(3).filter(|p| p[0] > 0).count();
            assert_eq!((lit, touched), (64, 64), "clockwise {clockwise}");
            assert_eq!(img.pixel(10, 20), Some([255, 255, 255]));
            assert_eq!(img.pixel(9, 20), Some([0, 0, 0]));
            assert_eq!(img.pixel(18, 27), Some([0, 0, 0]));
            assert!((q.signed_distance_px(PointPx::new(14.0, 24.0)) + 4.0).abs() < 1e-5);
        }
    }

    #[test]
    fn spans_agree_with_the_distance_everywhere() {
        // A rotated, skewed quad: the spans must not miss any pixel the distance covers.
        let q = ConvexQuad::new([
            PointPx::new(5.3, 12.1),
            PointPx::new(30.7, 3.4),
            PointPx::new(41.2, 29.9),
            PointPx::new(12.6, 35.5),
        ])
        .unwrap();
        let (w, h) = (48, 40);
        let mut got = vec![0.0; w * h];
        rasterize(&q, PixelRect::new(0, 0, w, h), |x, y, c| got[y * w + x] = c);
        let (top, bottom) = q.rows_px();
        for y in 0..h {
            for x in 0..w {
                let p = PointPx::new(x as f32 + 0.5, y as f32 + 0.5);
                let mut want = coverage_from_distance(q.signed_distance_px(p));
                let (x0, _, x1, _) = q.bbox;
                let inside_box = p.x >= x0 - 0.5 && p.x <= x1 + 0.5;
                if !(inside_box && p.y >= top && p.y <= bottom) {
                    want = 0.0;
                }
                let g = got[y * w + x];
                assert!((g - want).abs() < 1e-4, "pixel ({x}, {y}): {g} vs {want}");
            }
        }
        assert!(got.iter().filter(|&&c| c >= 1.0).count() > 400);
    }

    #[test]
    fn slivers_and_non_finite_corners_are_refused() {
        let line = [
            PointPx::new(0.0, 0.0),
            PointPx::new(10.0, 0.0),
            PointPx::new(10.0, 0.0005),
            PointPx::new(0.0, 0.0005),
        ];
        assert_eq!(ConvexQuad::new(line), None);
        let mut nan = line;
        nan[2] = PointPx::new(f32::NAN, 5.0);
        assert_eq!(ConvexQuad::new(nan), None);
    }
}
