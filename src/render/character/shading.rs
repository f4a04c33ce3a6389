//! Lighting of the character: one fixed light, depth cueing, the backdrop and the floor shadow.
//!
//! - **Light.** A single directional light from the viewer's upper left and in front
//!   ([`LIGHT_DIR`], image space: x right, y down, z toward the viewer), Lambert diffuse plus
//!   ambient ([`lambert`]). Fixed in the image, not on the dancer, so every frame of a dataset
//!   is lit the same way and the avatar model need not guess the light.
//! - **Depth cue.** A part behind the torso is drawn darker, one in front a little brighter
//!   ([`depth_tint`]): the far arm reads as far even where it does not overlap anything.
//! - **Backdrop.** A wall above the floor line (the dancer frame's `y = 0`) and a floor below
//!   it ([`fill_backdrop`]).
//! - **Floor shadow.** A soft dark ellipse on the floor under the feet ([`FloorShadow`]),
//!   fading and shrinking as the feet leave the floor.

use crate::render::camera::Camera;
use crate::render::character::shapes::{paint_region, Normal};
use crate::render::image::{PixelRect, Rgb, RgbImage};
use crate::render::raster::{Ellipse, PointPx};

use crate::choreography::skeleton::Vec3;

/// Direction toward the light, image space, unit: from the upper left, in front.
pub const LIGHT_DIR: Normal = [-0.4472, -0.5367, 0.7155];
/// Light reaching surfaces turned away from the light.
pub const AMBIENT: f32 = 0.52;
/// Strength of the direct light.
pub const DIFFUSE: f32 = 0.58;

/// Brightness factor of a surface with unit normal `n`: ambient plus Lambert diffuse. About
/// 0.94 facing the viewer, 1.10 facing the light, 0.52 in its own shadow.
#[inline]
pub fn lambert(n: Normal) -> f32 {
    let cos = n[0] * LIGHT_DIR[0] + n[1] * LIGHT_DIR[1] + n[2] * LIGHT_DIR[2];
    AMBIENT + DIFFUSE * cos.max(0.0)
}

/// `base` scaled by `intensity`, each channel clamped to 255.
#[inline]
pub fn shade(base: Rgb, intensity: f32) -> Rgb {
    base.map(|c| (f32::from(c) * intensity + 0.5).clamp(0.0, 255.0) as u8)
}

/// Colour of `a` mixed with `b` at weight `t` (0: `a`, 1: `b`).
pub fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    let t = t.clamp(0.0, 1.0);
    std::array::from_fn(|i| (f32::from(a[i]) * (1.0 - t) + f32::from(b[i]) * t + 0.5) as u8)
}

/// Depth range over which the tint changes, metres of the reference body.
const TINT_DEPTH_M: f64 = 0.3;

/// Brightness factor of a part `rel_depth_m` toward the viewer from the torso (negative:
/// behind it), for a body of size `scale`: 0.8 at 0.3 m behind or more, 1 level with the
/// torso, up to 1.05 in front.
pub fn depth_tint(rel_depth_m: f64, scale: f64) -> f32 {
    let u = (rel_depth_m / (TINT_DEPTH_M * scale)).clamp(-1.0, 0.25);
    (1.0 + 0.2 * u) as f32
}

/// Fills `clip` with the wall above the projected floor line (`y = 0` of the dancer frame)
/// and the floor below it.
pub fn fill_backdrop(img: &mut RgbImage, camera: &Camera, clip: PixelRect, wall: Rgb, floor: Rgb) {
    let clip = clip.intersect(&img.rect());
    let floor_y = camera.project(&Vec3::zeros()).y;
    let split = if floor_y.is_finite() {
        (floor_y.round().max(0.0) as usize).clamp(clip.y0, clip.y1)
    } else {
        clip.y1
    };
    img.fill_rect(
        PixelRect::new(clip.x0, clip.y0, clip.width(), split - clip.y0),
        wall,
    );
    img.fill_rect(
        PixelRect::new(clip.x0, split, clip.width(), clip.y1 - split),
        floor,
    );
}

/// Height above the floor at which the shadow has faded out, metres of the reference body.
const SHADOW_FADE_M: f64 = 0.6;
/// Half the shadow's size beyond the feet, and its flattened height, reference metres.
const SHADOW_PAD_M: f64 = 0.16;
const SHADOW_HALF_HEIGHT_M: f64 = 0.035;

/// A soft shadow on the floor (`y = 0`) under the feet.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FloorShadow {
    ellipse: Ellipse,
    centre: PointPx,
    axes_px: (f32, f32),
    /// Darkness at the centre, 0–1.
    strength: f32,
}

impl FloorShadow {
    /// The shadow of feet at `feet` (finite dancer-frame points, the ankles), of a body of
    /// size `scale`, at most `strength` dark; `None` without feet.
    pub fn new(camera: &Camera, feet: &[Vec3], scale: f64, strength: f64) -> Option<FloorShadow> {
        let n = feet.len();
        if n == 0 {
            return None;
        }
        let view = camera.view();
        let mean = feet.iter().fold(Vec3::zeros(), |a, p| a + p) / n as f64;
        let spread = feet
            .iter()
            .map(|p| (view.plane_m(p)[0] - view.plane_m(&mean)[0]).abs())
            .fold(0.0, f64::max);
        let lowest = feet.iter().map(|p| p.y).fold(f64::INFINITY, f64::min);
        let ankle_rest_m = 0.07 * scale;
        let lift = ((lowest - ankle_rest_m).max(0.0) / (SHADOW_FADE_M * scale)).min(1.0);
        let shrink = 1.0 - 0.4 * lift;
        let centre = camera.project(&Vec3::new(mean.x, 0.0, mean.z));
        let half_w = camera.length_px((spread + SHADOW_PAD_M * scale) * shrink);
        let half_h = camera
            .length_px(SHADOW_HALF_HEIGHT_M * scale * shrink)
            .max(1.0);
        let strength = (strength * (1.0 - lift)) as f32;
        (strength > 0.0 && centre.x.is_finite() && centre.y.is_finite()).then(|| FloorShadow {
            ellipse: Ellipse::new(centre, half_w, half_h, 0.0),
            centre,
            axes_px: (half_w.max(0.5), half_h),
            strength,
        })
    }

    /// Darkens the floor under the feet: full strength in the middle, fading to nothing at
    /// the rim (a quadratic falloff in the ellipse's radius).
    pub fn draw(&self, img: &mut RgbImage, clip: PixelRect) {
        paint_region(img, &self.ellipse, clip, |p| {
            let u = (p.x - self.centre.x) / self.axes_px.0;
            let v = (p.y - self.centre.y) / self.axes_px.1;
            let k2 = u * u + v * v;
            (k2 < 1.0).then_some((self.strength * (1.0 - k2), [0, 0, 0]))
        });
    }

    /// Darkness at the centre, 0–1.
    pub fn strength(&self) -> f32 {
        self.strength
    }

    /// Centre on the floor, pixels.
    pub fn centre(&self) -> PointPx {
        self.centre
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::camera::{View, ViewBounds};

    #[test]
    fn light_is_unit_and_lambert_has_the_documented_range() {
        let n2: f32 = LIGHT_DIR.iter().map(|v| v * v).sum();
        assert!((n2 - 1.0).abs() < 1e-3);
        assert!((lambert([0.0, 0.0, 1.0]) - (AMBIENT + DIFFUSE * 0.7155)).abs() < 1e-6);
        assert!((lambert(LIGHT_DIR) - (AMBIENT + DIFFUSE)).abs() < 1e-3);
        assert_eq!(lambert([1.0, 0.0, 0.0]), AMBIENT);
        assert_eq!(shade([100, 200, 250], 1.2), [120, 240, 255]);
        assert_eq!(mix([0, 0, 0], [200, 100, 50], 0.5), [100, 50, 25]);
    }

    #[test]
    fn far_parts_are_darker() {
        assert_eq!(depth_tint(0.0, 1.0), 1.0);
        assert!((depth_tint(-0.3, 1.0) - 0.8).abs() < 1e-6);
        assert!((depth_tint(-1.0, 1.0) - 0.8).abs() < 1e-6);
        assert!(depth_tint(0.2, 1.0) > 1.0 && depth_tint(0.2, 1.0) <= 1.05);
        assert!(depth_tint(-0.15, 2.0) > depth_tint(-0.15, 1.0));
    }

    #[test]
    fn shadow_darkens_under_the_feet_and_fades_in_a_jump() {
        let rect = PixelRect::new(0, 0, 200, 200);
        let cam = Camera::fit(View::Front, rect, &ViewBounds::body(View::Front, 1.7), 0.05);
        let feet = [Vec3::new(-0.1, 0.07, 0.0), Vec3::new(0.1, 0.07, 0.0)];
        let mut img = RgbImage::new(200, 200, [200, 200, 200]);
        let shadow = FloorShadow::new(&cam, &feet, 1.0, 0.5).unwrap();
        shadow.draw(&mut img, rect);
        let c = shadow.centre();
        let mid = img.pixel(c.x as usize, c.y as usize).unwrap();
        assert!(mid[0] < 110 && mid[0] > 90, "{mid:?}");
        assert_eq!(img.pixel(5, c.y as usize), Some([200, 200, 200]));
        let high = feet.map(|p| p + Vec3::new(0.0, 0.3, 0.0));
        let jump = FloorShadow::new(&cam, &high, 1.0, 0.5).unwrap();
        assert!(jump.strength() < 0.5 * shadow.strength() + 1e-3);
        assert!(FloorShadow::new(&cam, &[], 1.0, 0.5).is_none());
        let way_up = feet.map(|p| p + Vec3::new(0.0, 2.0, 0.0));
        assert!(FloorShadow::new(&cam, &way_up, 1.0, 0.5).is_none());
    }
}
