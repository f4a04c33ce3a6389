//! Shaded shapes: filled outlines that also know their surface normal at every pixel, so the
//! character's limbs read as round (cylinders with spherical caps) rather than flat.
//!
//! Coordinates are image pixels as in [`crate::render::raster`] (x right, y down, pixel
//! centres at half-integers). A normal is a unit vector in *image space*: x right, y down,
//! z toward the viewer. Edges are anti-aliased with the raster module's one-pixel coverage
//! ramp; rows are walked only inside a bounding [`Capsule`]'s row spans, so the cost is
//! proportional to the covered area.
//!
//! - [`TaperedCapsule`]: two discs of different radii joined by their tangents (a limb). Its
//!   signed distance is the exact "uneven capsule" of Quílez (iquilezles.org, *2D distance
//!   functions*); the normal is a sphere's on the caps and a cylinder's across the band.
//! - [`RoundedTrapezoid`]: an isosceles trapezoid along an axis with rounded corners (the
//!   torso, the pelvis), Quílez's `sdTrapezoid` minus a corner radius; the normal is a
//!   cylinder's across its width.

use crate::render::character::shading::{lambert, shade};
use crate::render::image::{blend_bytes, PixelRect, Rgb, RgbImage};
use crate::render::raster::{coverage_from_distance, Capsule, PointPx, Shape};

/// A unit surface normal in image space (x right, y down, z toward the viewer).
pub type Normal = [f32; 3];

/// A filled shape with a normal at every pixel.
pub trait Surface {
    /// A shape containing every pixel of nonzero coverage.
    fn bound(&self) -> Capsule;
    /// Signed distance to the outline (pixels, negative inside) and the normal at `p`.
    fn sample(&self, p: PointPx) -> (f32, Normal);
}

/// First and last pixel index whose centre lies in `[lo, hi]`, clipped to `start..end`.
fn centre_range(lo: f32, hi: f32, start: usize, end: usize) -> Option<(usize, usize)> {
    let first = (lo - 0.5).ceil().max(start as f32);
    let last = (hi - 0.5).floor().min(end as f32 - 1.0);
    (first <= last && last >= 0.0).then_some((first as usize, last as usize))
}

/// Calls `colour_at(pixel centre)` for every pixel of `clip` (and the image) inside `bound`'s
/// row spans, and mixes the returned colour in with the returned weight (0–1). Nothing is
/// drawn for a non-finite bound.
pub fn paint_region(
    img: &mut RgbImage,
    bound: &impl Shape,
    clip: PixelRect,
    mut colour_at: impl FnMut(PointPx) -> Option<(f32, Rgb)>,
) {
    let clip = clip.intersect(&img.rect());
    if !bound.is_finite() || clip.width() == 0 || clip.height() == 0 {
        return;
    }
    let width = img.width();
    let data = img.bytes_mut();
    let (top, bottom) = bound.rows_px();
    let Some((y0, y1)) = centre_range(top, bottom, clip.y0, clip.y1) else {
        return;
    };
    for y in y0..=y1 {
        let yc = y as f32 + 0.5;
        let Some((lo, hi)) = bound.row_span_px(yc) else {
            continue;
        };
        let Some((x0, x1)) = centre_range(lo, hi, clip.x0, clip.x1) else {
            continue;
        };
        for x in x0..=x1 {
            if let Some((weight, colour)) = colour_at(PointPx::new(x as f32 + 0.5, yc)) {
                let i = 3 * (y * width + x);
                blend_bytes(&mut data[i..i + 3], colour, weight);
            }
        }
    }
}

/// Draws `surface` in `base` lit by the fixed light (see [`crate::render::character::shading`])
/// and multiplied by `tint` (below 1 darkens), anti-aliased.
pub fn fill_surface(
    img: &mut RgbImage,
    surface: &impl Surface,
    base: Rgb,
    tint: f32,
    clip: PixelRect,
) {
    paint_region(img, &surface.bound(), clip, |p| {
        let (d, n) = surface.sample(p);
        let coverage = coverage_from_distance(d);
        (coverage > 0.0).then(|| (coverage, shade(base, lambert(n) * tint)))
    });
}

/// The normal of a sphere of radius `r` seen at image offset `(dx, dy)` from its centre.
pub fn sphere_normal(dx: f32, dy: f32, r: f32) -> Normal {
    let (nx, ny) = (dx / r, dy / r);
    let rho2 = nx * nx + ny * ny;
    if rho2 >= 1.0 {
        let rho = rho2.sqrt();
        return [nx / rho, ny / rho, 0.0];
    }
    [nx, ny, (1.0 - rho2).sqrt()]
}

/// The normal of a cylinder at signed fraction `across` (−1–1) of its half-width, `perp` the
/// image direction across it.
fn cylinder_normal(across: f32, perp: (f32, f32)) -> Normal {
    let f = across.clamp(-1.0, 1.0);
    [f * perp.0, f * perp.1, (1.0 - f * f).sqrt()]
}

/// A limb: disc `ra` at `a`, disc `rb` at `b`, joined by the tangent lines (pixels).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaperedCapsule {
    a: PointPx,
    ra: f32,
    rb: f32,
    /// Unit axis from `a` to `b`, and the perpendicular.
    axis: (f32, f32),
    perp: (f32, f32),
    len: f32,
    /// Sine and cosine of the tangent lines' slope; `None` when one disc holds the other.
    slope: Option<(f32, f32)>,
}

impl TaperedCapsule {
    /// The shape from `a` (radius `ra`) to `b` (radius `rb`), pixels.
    pub fn new(a: PointPx, b: PointPx, ra: f32, rb: f32) -> TaperedCapsule {
        let (dx, dy) = (b.x - a.x, b.y - a.y);
        let len = dx.hypot(dy);
        let axis = if len > 1e-6 {
            (dx / len, dy / len)
        } else {
            (0.0, 1.0)
        };
        let s = (ra - rb) / len;
        let slope = (len > (ra - rb).abs() + 1e-3).then(|| (s, (1.0 - s * s).sqrt()));
        TaperedCapsule {
            a,
            ra,
            rb,
            axis,
            perp: (-axis.1, axis.0),
            len,
            slope,
        }
    }

    fn b(&self) -> PointPx {
        PointPx::new(
            self.a.x + self.axis.0 * self.len,
            self.a.y + self.axis.1 * self.len,
        )
    }

    fn cap(&self, p: PointPx, centre: PointPx, r: f32) -> (f32, Normal) {
        let (dx, dy) = (p.x - centre.x, p.y - centre.y);
        (dx.hypot(dy) - r, sphere_normal(dx, dy, r))
    }
}

impl Surface for TaperedCapsule {
    fn bound(&self) -> Capsule {
        Capsule {
            a: self.a,
            b: self.b(),
            radius_px: self.ra.max(self.rb),
        }
    }

    fn sample(&self, p: PointPx) -> (f32, Normal) {
        let Some((s, c)) = self.slope else {
            return if self.ra >= self.rb {
                self.cap(p, self.a, self.ra)
            } else {
                self.cap(p, self.b(), self.rb)
            };
        };
        let (dx, dy) = (p.x - self.a.x, p.y - self.a.y);
        let x_signed = dx * self.perp.0 + dy * self.perp.1;
        let (x, y) = (x_signed.abs(), dx * self.axis.0 + dy * self.axis.1);
        let k = -s * x + c * y;
        if k < 0.0 {
            return self.cap(p, self.a, self.ra);
        }
        if k > c * self.len {
            return self.cap(p, self.b(), self.rb);
        }
        let d = c * x + s * y - self.ra;
        let r_here = self.ra + (self.rb - self.ra) * (y / self.len).clamp(0.0, 1.0);
        (d, cylinder_normal(x_signed / r_here.max(1e-3), self.perp))
    }
}

/// An isosceles trapezoid from `bottom` (half-width `half_bottom`) to `top` (`half_top`)
/// with corners rounded by `corner`; all pixels. The outline passes through the two end
/// points and reaches the half-widths.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RoundedTrapezoid {
    mid: PointPx,
    bottom: PointPx,
    top: PointPx,
    /// Unit axis from bottom to top, and the perpendicular.
    axis: (f32, f32),
    perp: (f32, f32),
    /// Half-length and half-widths of the inner (unrounded) trapezoid, and the rounding.
    half_len: f32,
    r_bottom: f32,
    r_top: f32,
    corner: f32,
}

impl RoundedTrapezoid {
    /// The shape; see the type's docs.
    pub fn new(
        bottom: PointPx,
        top: PointPx,
        half_bottom: f32,
        half_top: f32,
        corner: f32,
    ) -> RoundedTrapezoid {
        let (dx, dy) = (top.x - bottom.x, top.y - bottom.y);
        let len = dx.hypot(dy);
        let axis = if len > 1e-6 {
            (dx / len, dy / len)
        } else {
            (0.0, -1.0)
        };
        let corner = corner.min(half_bottom).min(half_top).max(0.0);
        RoundedTrapezoid {
            mid: PointPx::new(0.5 * (bottom.x + top.x), 0.5 * (bottom.y + top.y)),
            bottom,
            top,
            axis,
            perp: (-axis.1, axis.0),
            half_len: (0.5 * len - corner).max(1e-3),
            r_bottom: (half_bottom - corner).max(0.0),
            r_top: (half_top - corner).max(0.0),
            corner,
        }
    }

    /// Quílez's exact trapezoid distance in local coordinates (`y` toward the top).
    fn inner_distance(&self, x: f32, y: f32) -> f32 {
        let (r1, r2, he) = (self.r_bottom, self.r_top, self.half_len);
        let (k1x, k1y) = (r2, he);
        let (k2x, k2y) = (r2 - r1, 2.0 * he);
        let px = x.abs();
        let cax = px - px.min(if y < 0.0 { r1 } else { r2 });
        let cay = y.abs() - he;
        let t = (((k1x - px) * k2x + (k1y - y) * k2y) / (k2x * k2x + k2y * k2y)).clamp(0.0, 1.0);
        let (cbx, cby) = (px - k1x + k2x * t, y - k1y + k2y * t);
        let sign = if cbx < 0.0 && cay < 0.0 { -1.0 } else { 1.0 };
        sign * (cax * cax + cay * cay).min(cbx * cbx + cby * cby).sqrt()
    }
}

impl Surface for RoundedTrapezoid {
    fn bound(&self) -> Capsule {
        Capsule {
            a: self.bottom,
            b: self.top,
            radius_px: self.r_bottom.max(self.r_top) + self.corner,
        }
    }

    fn sample(&self, p: PointPx) -> (f32, Normal) {
        let (dx, dy) = (p.x - self.mid.x, p.y - self.mid.y);
        let x = dx * self.perp.0 + dy * self.perp.1;
        let y = dx * self.axis.0 + dy * self.axis.1;
        let d = self.inner_distance(x, y) - self.corner;
        let t = (0.5 + 0.5 * y / self.half_len).clamp(0.0, 1.0);
        let half = self.r_bottom + (self.r_top - self.r_bottom) * t + self.corner;
        (d, cylinder_normal(x / half.max(1e-3), self.perp))
    }
}
