//! Anti-aliased filled shapes: capsules (thick line segments with round caps), circles and
//! rotated ellipses.
//!
//! Coordinates are continuous image pixels, f32: x to the right, y down, pixel `(i, j)` covering
//! `[i, i+1) × [j, j+1)` with its centre at `(i + 0.5, j + 0.5)`.
//!
//! Coverage comes from a signed distance `d` (pixels, negative inside) evaluated at the pixel
//! centre: `coverage = clamp(0.5 − d, 0, 1)`, a one-pixel ramp across the edge — the cheap box
//! filter of a straight edge. Each shape also gives, for a pixel row, the x interval outside of
//! which the coverage is certainly 0 ([`Shape::row_span_px`]), so rasterizing costs in proportion
//! to the covered area rather than the bounding box (a diagonal limb covers a tenth of its box).
//! Everything is clipped to a [`PixelRect`]; non-finite or off-image shapes draw nothing.
//!
//! [`rasterize`] hands `(x, y, coverage)` to a closure, so one rasterizer serves both RGB
//! images ([`RgbImage::fill_shape`]) and label maps.

use crate::render::image::{blend_bytes, PixelRect, Rgb, RgbImage};

/// A point in image pixels (x right, y down; pixel centres at half-integers).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PointPx {
    /// Column coordinate, pixels.
    pub x: f32,
    /// Row coordinate, pixels (down).
    pub y: f32,
}

impl PointPx {
    /// The point `(x, y)`.
    pub fn new(x: f32, y: f32) -> PointPx {
        PointPx { x, y }
    }

    fn is_finite(&self) -> bool {
        self.x.is_finite() && self.y.is_finite()
    }
}

/// A filled shape that can be rasterized with anti-aliasing.
pub trait Shape {
    /// Signed distance from `p` to the outline, pixels: negative inside.
    fn signed_distance_px(&self, p: PointPx) -> f32;
    /// Rows of pixel centres that may have coverage: `(y_min, y_max)`, pixels.
    fn rows_px(&self) -> (f32, f32);
    /// The x interval on row `y` outside of which coverage is 0 (`None`: none on this row).
    fn row_span_px(&self, y: f32) -> Option<(f32, f32)>;
    /// False when a parameter is NaN or infinite (such a shape is not drawn).
    fn is_finite(&self) -> bool;
}

/// Coverage of a pixel whose centre is `d` pixels outside the outline.
#[inline]
pub fn coverage_from_distance(d: f32) -> f32 {
    (0.5 - d).clamp(0.0, 1.0)
}

/// A segment from `a` to `b` thickened by `radius_px` on every side (round caps).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Capsule {
    /// One end of the axis.
    pub a: PointPx,
    /// The other end of the axis.
    pub b: PointPx,
    /// Half the thickness, pixels.
    pub radius_px: f32,
}

/// A disc.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Circle {
    /// Centre.
    pub centre: PointPx,
    /// Radius, pixels.
    pub radius_px: f32,
}

/// An ellipse with semi-axis `semi_major_px` along direction `angle_rad` (from +x toward +y,
/// i.e. clockwise on screen) and `semi_minor_px` across it. Built by [`Ellipse::new`], which
/// works out the rotation once so rasterizing costs no trigonometry per pixel.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Ellipse {
    centre: PointPx,
    /// Semi-axes, pixels, widened to at least [`MIN_SEMI_AXIS_PX`].
    axes_px: (f32, f32),
    /// `(sin, cos)` of the rotation.
    sin_cos: (f32, f32),
    finite: bool,
}

/// The x interval of `lo ≤ m·x + c ≤ hi`, or `None` when empty.
fn linear_interval(m: f32, c: f32, lo: f32, hi: f32) -> Option<(f32, f32)> {
    if m.abs() < 1e-12 {
        return (lo..=hi)
            .contains(&c)
            .then_some((f32::NEG_INFINITY, f32::INFINITY));
    }
    let (x0, x1) = ((lo - c) / m, (hi - c) / m);
    Some((x0.min(x1), x0.max(x1)))
}

fn hull(a: Option<(f32, f32)>, b: Option<(f32, f32)>) -> Option<(f32, f32)> {
    match (a, b) {
        (Some(a), Some(b)) => Some((a.0.min(b.0), a.1.max(b.1))),
        (a, None) => a,
        (None, b) => b,
    }
}

fn disc_span(c: PointPx, r: f32, y: f32) -> Option<(f32, f32)> {
    let dy = y - c.y;
    let h2 = r * r - dy * dy;
    (h2 >= 0.0).then(|| {
        let h = h2.sqrt();
        (c.x - h, c.x + h)
    })
}

impl Shape for Capsule {
    fn signed_distance_px(&self, p: PointPx) -> f32 {
        let (dx, dy) = (self.b.x - self.a.x, self.b.y - self.a.y);
        let (px, py) = (p.x - self.a.x, p.y - self.a.y);
        let len2 = dx * dx + dy * dy;
        let t = if len2 > 0.0 {
            ((px * dx + py * dy) / len2).clamp(0.0, 1.0)
        } else {
            0.0
        };
        let (ex, ey) = (px - t * dx, py - t * dy);
        (ex * ex + ey * ey).sqrt() - self.radius_px
    }

    fn rows_px(&self) -> (f32, f32) {
        let reach = self.radius_px + 0.5;
        (
            self.a.y.min(self.b.y) - reach,
            self.a.y.max(self.b.y) + reach,
        )
    }

    /// The capsule grown by half a pixel is convex, so its row slice is the hull of the slices
    /// of its two end discs and of the band along its axis.
    fn row_span_px(&self, y: f32) -> Option<(f32, f32)> {
        let reach = self.radius_px + 0.5;
        let ends = hull(disc_span(self.a, reach, y), disc_span(self.b, reach, y));
        let (dx, dy) = (self.b.x - self.a.x, self.b.y - self.a.y);
        let len2 = dx * dx + dy * dy;
        if len2 < 1e-6 {
            return ends;
        }
        let len = len2.sqrt();
        let ry = y - self.a.y;
        // Along the axis: 0 ≤ (p − a)·d ≤ |d|²; across it: |d × (p − a)| ≤ reach·|d|.
        let along = linear_interval(dx, ry * dy - dx * self.a.x, 0.0, len2);
        let across = linear_interval(-dy, dx * ry + dy * self.a.x, -reach * len, reach * len);
        let band = match (along, across) {
            (Some(p), Some(q)) if p.0.max(q.0) <= p.1.min(q.1) => {
                Some((p.0.max(q.0), p.1.min(q.1)))
            }
            _ => None,
        };
        hull(ends, band)
    }

    fn is_finite(&self) -> bool {
        self.a.is_finite() && self.b.is_finite() && self.radius_px.is_finite()
    }
}

impl Shape for Circle {
    fn signed_distance_px(&self, p: PointPx) -> f32 {
        (p.x - self.centre.x).hypot(p.y - self.centre.y) - self.radius_px
    }

    fn rows_px(&self) -> (f32, f32) {
        let reach = self.radius_px + 0.5;
        (self.centre.y - reach, self.centre.y + reach)
    }

    fn row_span_px(&self, y: f32) -> Option<(f32, f32)> {
        disc_span(self.centre, self.radius_px + 0.5, y)
    }

    fn is_finite(&self) -> bool {
        self.centre.is_finite() && self.radius_px.is_finite()
    }
}

/// Axes below half a pixel are widened to it, so thin ellipses still leave a trace.
const MIN_SEMI_AXIS_PX: f32 = 0.5;

impl Ellipse {
    /// The ellipse centred at `centre` with semi-axis `semi_major_px` along `angle_rad` and
    /// `semi_minor_px` across (axes below half a pixel are widened to it).
    pub fn new(centre: PointPx, semi_major_px: f32, semi_minor_px: f32, angle_rad: f32) -> Ellipse {
        Ellipse {
            centre,
            axes_px: (
                semi_major_px.max(MIN_SEMI_AXIS_PX),
                semi_minor_px.max(MIN_SEMI_AXIS_PX),
            ),
            sin_cos: angle_rad.sin_cos(),
            finite: centre.is_finite()
                && semi_major_px.is_finite()
                && semi_minor_px.is_finite()
                && angle_rad.is_finite(),
        }
    }

    /// Factor by which the ellipse is grown to bound its nonzero coverage: the distance
    /// estimate below is at least `(k − 1)·min(a, b)`, so `d < 0.5` implies
    /// `k < 1 + 0.5 / min(a, b)`.
    fn reach_scale(&self) -> f32 {
        let (a, b) = self.axes_px;
        1.0 + 0.5 / a.min(b) + 1e-4
    }
}

impl Shape for Ellipse {
    /// First-order distance estimate `f / |∇f|` with `f = k − 1`, `k` the ellipse norm; exact
    /// on the axes, never more than the true distance outside.
    fn signed_distance_px(&self, p: PointPx) -> f32 {
        let (a, b) = self.axes_px;
        let (s, c) = self.sin_cos;
        let (dx, dy) = (p.x - self.centre.x, p.y - self.centre.y);
        let (u, v) = (dx * c + dy * s, dy * c - dx * s);
        let k = ((u / a).powi(2) + (v / b).powi(2)).sqrt();
        let grad = ((u / (a * a)).powi(2) + (v / (b * b)).powi(2)).sqrt();
        if k < 1e-6 || grad < 1e-12 {
            return -a.min(b);
        }
        k * (k - 1.0) / grad
    }

    fn rows_px(&self) -> (f32, f32) {
        let (a, b) = self.axes_px;
        let g = self.reach_scale();
        let (s, c) = self.sin_cos;
        let half = g * ((a * s).powi(2) + (b * c).powi(2)).sqrt();
        (self.centre.y - half, self.centre.y + half)
    }

    /// Solves `α·dx² + β·dx + γ ≤ 0` for the grown ellipse on this row.
    fn row_span_px(&self, y: f32) -> Option<(f32, f32)> {
        let (a, b) = self.axes_px;
        let g = self.reach_scale();
        let (ia2, ib2) = (1.0 / (g * a).powi(2), 1.0 / (g * b).powi(2));
        let (s, c) = self.sin_cos;
        let dy = y - self.centre.y;
        let alpha = c * c * ia2 + s * s * ib2;
        let beta = 2.0 * dy * c * s * (ia2 - ib2);
        let gamma = dy * dy * (s * s * ia2 + c * c * ib2) - 1.0;
        let disc = beta * beta - 4.0 * alpha * gamma;
        (disc >= 0.0).then(|| {
            let h = disc.sqrt();
            (
                self.centre.x + (-beta - h) / (2.0 * alpha),
                self.centre.x + (-beta + h) / (2.0 * alpha),
            )
        })
    }

    fn is_finite(&self) -> bool {
        self.finite
    }
}

/// First and last pixel index (inclusive) whose centre lies in `[lo, hi]`, clipped to
/// `start..end`; `None` when there is none.
fn centre_range(lo: f32, hi: f32, start: usize, end: usize) -> Option<(usize, usize)> {
    let first = (lo - 0.5).ceil().max(start as f32);
    let last = (hi - 0.5).floor().min(end as f32 - 1.0);
    (first <= last && last >= 0.0).then_some((first as usize, last as usize))
}

/// Calls `plot(x, y, coverage)` for every pixel of `clip` with nonzero coverage by `shape`,
/// row by row, left to right.
pub fn rasterize(shape: &impl Shape, clip: PixelRect, mut plot: impl FnMut(usize, usize, f32)) {
    if !shape.is_finite() || clip.width() == 0 || clip.height() == 0 {
        return;
    }
    let (top, bottom) = shape.rows_px();
    let Some((y0, y1)) = centre_range(top, bottom, clip.y0, clip.y1) else {
        return;
    };
    for y in y0..=y1 {
        let yc = y as f32 + 0.5;
        let Some((lo, hi)) = shape.row_span_px(yc) else {
            continue;
        };
        let Some((x0, x1)) = centre_range(lo, hi, clip.x0, clip.x1) else {
            continue;
        };
        for x in x0..=x1 {
            let d = shape.signed_distance_px(PointPx::new(x as f32 + 0.5, yc));
            let coverage = coverage_from_distance(d);
            if coverage > 0.0 {
                plot(x, y, coverage);
            }
        }
    }
}

impl RgbImage {
    /// Draws `shape` in `colour` with anti-aliased edges, clipped to `clip` and the image.
    pub fn fill_shape(&mut self, shape: &impl Shape, colour: Rgb, clip: PixelRect) {
        let clip = clip.intersect(&self.rect());
        let width = self.width();
        let data = self.bytes_mut();
        rasterize(shape, clip, |x, y, coverage| {
            let i = 3 * (y * width + x);
            if coverage >= 1.0 {
                data[i..i + 3].copy_from_slice(&colour);
            } else {
                blend_bytes(&mut data[i..i + 3], colour, coverage);
            }
        });
    }
}

#[cfg(test)]
mod tests;
