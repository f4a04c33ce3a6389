//! Body shapes from keypoints: the shirt over the torso, the trousers' seat, sleeved arms with
//! hands, trouser legs with shoes, and the neck.
//!
//! Every size is a length of the 1.70 m reference body (metres, the constants below) times the
//! pose's [`BodyFrame::scale`]; widths also take the style's `build`. Shapes are worked out in
//! the dancer frame and projected through the camera, so the same code serves the front and
//! the side view and a dancer turned any way:
//!
//! - **Torso.** An elliptic cylinder from the shirt's hem to its shoulder line, wider at the
//!   shoulders ([`SHIRT`]). Its outline in the image is a rounded trapezoid whose half-width at
//!   each end is the support of the cross-section ellipse across the projected axis, so a
//!   dancer seen from the side shows the chest's depth rather than a sliver.
//! - **Limbs.** Tapered capsules from joint to joint; an upper arm is skin under a wider
//!   sleeve covering `sleeve_share` of it; a hand continues the forearm; a shoe runs from
//!   behind the ankle forward along the body's facing direction, on the floor.
//!
//! A part whose keypoints are not all finite is not drawn (see [`crate::render::character`]).

use crate::choreography::skeleton::{Joint, Pose, Vec3};
use crate::render::camera::Camera;
use crate::render::character::frame::{midpoint, point, to_view, unit, BodyFrame};
use crate::render::character::shading::depth_tint;
use crate::render::character::shapes::{fill_surface, RoundedTrapezoid, TaperedCapsule};
use crate::render::character::style::CharacterStyle;
use crate::render::image::{PixelRect, Rgb, RgbImage};
use crate::render::raster::PointPx;

/// Radii at the two ends of a limb, reference metres.
type Radii = (f64, f64);

const UPPER_ARM: Radii = (0.046, 0.038);
/// The shoulder keypoint is the top of the shoulder; the arm hangs from a socket this far
/// below it (reference metres), so the sleeve's round top stays level with the shirt.
const SOCKET_DROP_M: f64 = 0.035;
const SLEEVE: Radii = (0.054, 0.05);
const FOREARM: Radii = (0.037, 0.029);
const HAND: Radii = (0.031, 0.027);
const HAND_LEN_M: f64 = 0.085;
const THIGH: Radii = (0.080, 0.058);
const SHIN: Radii = (0.056, 0.044);
const SHOE: Radii = (0.043, 0.037);
/// Heel behind the ankle, toe in front of it, and how far the sole sits below the ankle.
const SHOE_BACK_M: f64 = 0.035;
const SHOE_FRONT_M: f64 = 0.13;
const SHOE_DROP_M: (f64, f64) = (0.035, 0.045);
const NECK: Radii = (0.045, 0.041);
/// How far below the neck keypoint the neck starts.
const NECK_DROP_M: f64 = 0.015;

/// A stretch of the torso: from `u_bottom` to `u_top` along pelvis → neck (0 at the pelvis,
/// 1 at the neck), half-widths `[across, front-to-back]` at each end, and the corner rounding,
/// reference metres.
#[derive(Debug, Clone, Copy)]
pub struct TorsoBand {
    u_bottom: f64,
    u_top: f64,
    half_bottom_m: [f64; 2],
    half_top_m: [f64; 2],
    corner_m: f64,
}

/// The shirt: hem just below the hips, top edge level with the neck keypoint (the neck, drawn
/// over it, makes the neckline).
pub const SHIRT: TorsoBand = TorsoBand {
    u_bottom: -0.09,
    u_top: 1.0,
    half_bottom_m: [0.16, 0.11],
    half_top_m: [0.205, 0.115],
    corner_m: 0.06,
};

/// The trousers' seat: from the waist under the shirt to the crotch.
pub const SEAT: TorsoBand = TorsoBand {
    u_bottom: -0.3,
    u_top: 0.1,
    half_bottom_m: [0.15, 0.095],
    half_top_m: [0.168, 0.105],
    corner_m: 0.05,
};

/// Which arm or leg.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The dancer's right.
    Right,
    /// The dancer's left.
    Left,
}

impl Side {
    /// Shoulder, elbow, wrist, hip, knee, ankle of this side.
    pub fn joints(self) -> [Joint; 6] {
        use Joint::*;
        match self {
            Side::Right => [RShoulder, RElbow, RWrist, RHip, RKnee, RAnkle],
            Side::Left => [LShoulder, LElbow, LWrist, LHip, LKnee, LAnkle],
        }
    }
}

/// What one frame's drawing shares: camera, style, the body's frame, the torso's depth.
#[derive(Debug, Clone, Copy)]
pub struct Scene<'a> {
    /// Dancer frame to pixels.
    pub camera: &'a Camera,
    /// Pixels outside are never touched.
    pub clip: PixelRect,
    /// Colours and build.
    pub style: &'a CharacterStyle,
    /// Size and axes of the body.
    pub frame: BodyFrame,
    /// Depth of the torso's centre in the view, metres (0 when unknown).
    pub torso_depth_m: f64,
}

impl Scene<'_> {
    /// Pixel position of a dancer-frame point.
    pub fn px(&self, p: &Vec3) -> PointPx {
        self.camera.project(p)
    }

    /// A reference length (metres) of this body, in pixels.
    pub fn len_px(&self, reference_m: f64) -> f32 {
        self.camera.length_px(self.frame.len_m(reference_m))
    }

    /// A reference width, widened or narrowed by the style's build, in pixels (at least half
    /// a pixel, so thin parts stay visible on small images).
    pub fn width_px(&self, reference_m: f64) -> f32 {
        (self.len_px(reference_m) * self.style.build as f32).max(0.5)
    }

    /// How far `p` is toward the viewer, metres.
    pub fn depth_m(&self, p: &Vec3) -> f64 {
        self.camera.view().depth_m(p)
    }

    /// Brightness factor for a part centred at `p` (darker behind the torso).
    pub fn tint(&self, p: &Vec3) -> f32 {
        depth_tint(self.depth_m(p) - self.torso_depth_m, self.frame.scale)
    }

    /// Draws a shaded limb from `a` to `b` with reference radii `r`, tinted by its depth.
    pub fn limb(&self, img: &mut RgbImage, a: &Vec3, b: &Vec3, r: Radii, colour: Rgb) {
        let shape = TaperedCapsule::new(
            self.px(a),
            self.px(b),
            self.width_px(r.0),
            self.width_px(r.1),
        );
        fill_surface(img, &shape, colour, self.tint(&((a + b) * 0.5)), self.clip);
    }

    /// Draws a stretch of the torso between `pelvis` and `neck` in `colour`.
    pub fn torso_band(
        &self,
        img: &mut RgbImage,
        pelvis: &Vec3,
        neck: &Vec3,
        band: &TorsoBand,
        colour: Rgb,
    ) {
        let along = neck - pelvis;
        let (p0, p1) = (pelvis + along * band.u_bottom, pelvis + along * band.u_top);
        let (a, b) = (self.px(&p0), self.px(&p1));
        let perp = image_perpendicular(a, b);
        let half = |h: [f64; 2]| self.torso_half_width_px(h, perp);
        let shape = RoundedTrapezoid::new(
            a,
            b,
            half(band.half_bottom_m),
            half(band.half_top_m),
            self.width_px(band.corner_m),
        );
        fill_surface(
            img,
            &shape,
            colour,
            self.tint(&((p0 + p1) * 0.5)),
            self.clip,
        );
    }

    /// Half-width in pixels, along image direction `perp`, of the torso's cross-section with
    /// half-widths `[across, front-to-back]` (reference metres): the support of the projected
    /// ellipse.
    fn torso_half_width_px(&self, half_m: [f64; 2], perp: (f32, f32)) -> f32 {
        let view = self.camera.view();
        let along = |v: &Vec3| {
            let [h, up, _] = to_view(view, v);
            (h * f64::from(perp.0) - up * f64::from(perp.1)).abs()
        };
        let across = half_m[0] * along(&self.frame.left);
        let depth = half_m[1] * along(&self.frame.forward);
        self.width_px(across.hypot(depth))
    }
}

/// Unit image direction across the segment `a → b` ((1, 0) for a degenerate segment).
fn image_perpendicular(a: PointPx, b: PointPx) -> (f32, f32) {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len = dx.hypot(dy);
    if len > 1e-3 {
        (-dy / len, dx / len)
    } else {
        (1.0, 0.0)
    }
}

/// Pelvis (mid-hips) and neck, when all three keypoints are finite.
pub fn torso_ends(pose: &Pose) -> Option<(Vec3, Vec3)> {
    Some((
        midpoint(pose, Joint::RHip, Joint::LHip)?,
        point(pose, Joint::Neck)?,
    ))
}

/// Upper arm: skin, then the sleeve over its upper part.
pub fn draw_upper_arm(scene: &Scene<'_>, img: &mut RgbImage, pose: &Pose, side: Side) {
    let [shoulder, elbow, ..] = side.joints();
    let (Some(top), Some(e)) = (point(pose, shoulder), point(pose, elbow)) else {
        return;
    };
    let s = top - scene.frame.up * scene.frame.len_m(SOCKET_DROP_M);
    let style = scene.style;
    scene.limb(img, &s, &e, UPPER_ARM, style.skin_rgb);
    let cuff = s + (e - s) * style.sleeve_share;
    let sleeve_end = SLEEVE.0 + (SLEEVE.1 - SLEEVE.0) * style.sleeve_share;
    scene.limb(img, &s, &cuff, (SLEEVE.0, sleeve_end), style.shirt_rgb);
}

/// Forearm and hand (the hand continues the forearm's direction).
pub fn draw_forearm(scene: &Scene<'_>, img: &mut RgbImage, pose: &Pose, side: Side) {
    let [_, elbow, wrist, ..] = side.joints();
    let (Some(e), Some(w)) = (point(pose, elbow), point(pose, wrist)) else {
        return;
    };
    let skin = scene.style.skin_rgb;
    scene.limb(img, &e, &w, FOREARM, skin);
    let dir = unit(w - e).unwrap_or(-scene.frame.up);
    let tip = w + dir * scene.frame.len_m(HAND_LEN_M);
    scene.limb(img, &w, &tip, HAND, skin);
}

/// Thigh, hip to knee.
pub fn draw_thigh(scene: &Scene<'_>, img: &mut RgbImage, pose: &Pose, side: Side) {
    let [.., hip, knee, _] = side.joints();
    if let (Some(h), Some(k)) = (point(pose, hip), point(pose, knee)) {
        scene.limb(img, &h, &k, THIGH, scene.style.trousers_rgb);
    }
}

/// Shin, knee to ankle, then the shoe.
pub fn draw_shin(scene: &Scene<'_>, img: &mut RgbImage, pose: &Pose, side: Side) {
    let [.., knee, ankle] = side.joints();
    let Some(a) = point(pose, ankle) else {
        return;
    };
    if let Some(k) = point(pose, knee) {
        scene.limb(img, &k, &a, SHIN, scene.style.trousers_rgb);
    }
    let forward =
        unit(Vec3::new(scene.frame.forward.x, 0.0, scene.frame.forward.z)).unwrap_or_else(Vec3::z);
    let len = |m: f64| scene.frame.len_m(m);
    let heel = a - Vec3::y() * len(SHOE_DROP_M.0) - forward * len(SHOE_BACK_M);
    let toe = a - Vec3::y() * len(SHOE_DROP_M.1) + forward * len(SHOE_FRONT_M);
    scene.limb(img, &heel, &toe, SHOE, scene.style.shoes_rgb);
}

/// The shirt over the torso.
pub fn draw_shirt(scene: &Scene<'_>, img: &mut RgbImage, pose: &Pose) {
    if let Some((pelvis, neck)) = torso_ends(pose) {
        scene.torso_band(img, &pelvis, &neck, &SHIRT, scene.style.shirt_rgb);
    }
}

/// The trousers' seat under the shirt.
pub fn draw_seat(scene: &Scene<'_>, img: &mut RgbImage, pose: &Pose) {
    if let Some((pelvis, neck)) = torso_ends(pose) {
        scene.torso_band(img, &pelvis, &neck, &SEAT, scene.style.trousers_rgb);
    }
}

/// The neck, from just below the neck keypoint (its round end is the shirt's neckline) to
/// `head_base` (the bottom of the head).
pub fn draw_neck(scene: &Scene<'_>, img: &mut RgbImage, pose: &Pose, head_base: &Vec3) {
    if let Some(n) = point(pose, Joint::Neck) {
        let base = n - scene.frame.up * scene.frame.len_m(NECK_DROP_M);
        scene.limb(img, &base, head_base, NECK, scene.style.skin_rgb);
    }
}
