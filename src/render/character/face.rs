//! The face and ears, placed on the skull ellipsoid of [`HeadGeom`].
//!
//! Each feature sits at fixed unit-sphere coordinates of the head (`[left, up, forward]`,
//! see [`crate::render::character::head`]): two eyes with brows, a nose that stands out of
//! the surface (so a profile shows it), a mouth with a slight smile, and ears at the sides. A
//! feature is drawn in proportion to how much its surface faces the viewer, so eyes and mouth
//! fade out as the head turns away, and an eye seen from the side is foreshortened to a
//! narrow ellipse. Sizes are reference metres scaled by the body's size, with pixel floors so
//! a 256-pixel-tall image still shows a face.

use crate::render::character::body::Scene;
use crate::render::character::frame::to_view;
use crate::render::character::head::HeadGeom;
use crate::render::character::shading::mix;
use crate::render::character::shapes::{fill_surface, paint_region, TaperedCapsule};
use crate::render::character::style::HairStyle;
use crate::render::image::{Rgb, RgbImage};
use crate::render::raster::{coverage_from_distance, Capsule, Ellipse, Shape};

use crate::choreography::skeleton::Vec3;

/// Unit-sphere coordinates `[left, up, forward]` of the dancer's right eye (the left one is
/// mirrored).
const EYE: [f64; 3] = [-0.36, 0.14, 0.92];
const BROW_INNER: [f64; 3] = [-0.15, 0.4, 0.9];
const BROW_OUTER: [f64; 3] = [-0.5, 0.36, 0.79];
const NOSE_ROOT: [f64; 3] = [0.0, 0.05, 1.0];
/// The tip lies outside the skull (its length is above 1).
const NOSE_TIP: [f64; 3] = [0.0, -0.28, 1.1];
const MOUTH_CORNER: [f64; 3] = [-0.27, -0.49, 0.82];
const MOUTH_MIDDLE: [f64; 3] = [0.0, -0.55, 0.84];
const EAR: [f64; 3] = [-1.0, 0.02, -0.08];

/// Sizes, reference metres: eye radius, brow and lip half-thickness, nose radii, ear radii
/// and half-height.
const EYE_RADIUS_M: f64 = 0.0115;
const LINE_HALF_M: f64 = 0.0055;
const NOSE_RADII_M: (f64, f64) = (0.012, 0.015);
const EAR_RADII_M: (f64, f64) = (0.018, 0.014);
const EAR_HALF_HEIGHT_M: f64 = 0.014;
/// Lips: skin mixed this far toward this red.
const LIP_RGB: Rgb = [150, 44, 50];
const LIP_MIX: f32 = 0.55;

fn normalized(s: [f64; 3]) -> [f64; 3] {
    let n = (s[0] * s[0] + s[1] * s[1] + s[2] * s[2]).sqrt();
    s.map(|v| v / n)
}

fn mirrored(s: [f64; 3]) -> [f64; 3] {
    [-s[0], s[1], s[2]]
}

/// How much a surface with dancer-frame normal `n` faces the viewer: 0 edge-on or away, 1
/// from 0.3 of head-on.
fn facing(scene: &Scene<'_>, n: &Vec3) -> f32 {
    let d = to_view(scene.camera.view(), n)[2] as f32;
    ((d - 0.05) / 0.25).clamp(0.0, 1.0)
}

/// Fills `shape` with `colour`, its coverage scaled by `weight`.
fn fill_flat(scene: &Scene<'_>, img: &mut RgbImage, shape: &impl Shape, colour: Rgb, weight: f32) {
    paint_region(img, shape, scene.clip, |p| {
        let c = coverage_from_distance(shape.signed_distance_px(p)) * weight;
        (c > 0.0).then_some((c, colour))
    });
}

/// A line on the face from `a` to `b` (unit-sphere coordinates), `weight` opaque.
fn face_line(
    scene: &Scene<'_>,
    img: &mut RgbImage,
    head: &HeadGeom,
    ab: [[f64; 3]; 2],
    colour: Rgb,
    weight: f32,
) {
    let (a, _) = head.surface(normalized(ab[0]));
    let (b, _) = head.surface(normalized(ab[1]));
    let line = Capsule {
        a: scene.px(&a),
        b: scene.px(&b),
        radius_px: scene.len_px(LINE_HALF_M).max(0.5),
    };
    fill_flat(scene, img, &line, colour, weight);
}

/// One eye and its brow, foreshortened by the angle of the surface.
fn draw_eye(
    scene: &Scene<'_>,
    img: &mut RgbImage,
    head: &HeadGeom,
    eye: [f64; 3],
    brow: [[f64; 3]; 2],
) {
    let (p, n) = head.surface(normalized(eye));
    let weight = facing(scene, &n);
    if weight <= 0.0 {
        return;
    }
    let [nh, nv, nd] = to_view(scene.camera.view(), &n);
    let r = scene.len_px(EYE_RADIUS_M).max(0.8);
    let across = (-nv).atan2(nh) as f32 + std::f32::consts::FRAC_PI_2;
    let eye_shape = Ellipse::new(scene.px(&p), r, r * (nd as f32).max(0.3), across);
    fill_flat(scene, img, &eye_shape, scene.style.eyes_rgb, weight);
    let brow_rgb = mix(scene.style.hair_rgb, [0, 0, 0], 0.3);
    face_line(scene, img, head, brow, brow_rgb, weight);
}

/// Eyes, brows, nose and mouth, for the parts that face the viewer.
pub fn draw_face(scene: &Scene<'_>, img: &mut RgbImage, head: &HeadGeom) {
    for flip in [false, true] {
        let side = |s: [f64; 3]| if flip { mirrored(s) } else { s };
        draw_eye(
            scene,
            img,
            head,
            side(EYE),
            [side(BROW_INNER), side(BROW_OUTER)],
        );
    }
    let skin = scene.style.skin_rgb;
    let (_, forward) = head.surface([0.0, 0.0, 1.0]);
    let toward = to_view(scene.camera.view(), &forward)[2];
    if toward > -0.15 {
        let (root, _) = head.surface(NOSE_ROOT);
        let (tip, _) = head.surface(NOSE_TIP);
        let nose = TaperedCapsule::new(
            scene.px(&root),
            scene.px(&tip),
            scene.len_px(NOSE_RADII_M.0).max(0.6),
            scene.len_px(NOSE_RADII_M.1).max(0.7),
        );
        fill_surface(
            img,
            &nose,
            skin,
            scene.tint(&head.centre) * 0.96,
            scene.clip,
        );
    }
    let (_, mouth_n) = head.surface(normalized(MOUTH_MIDDLE));
    let weight = facing(scene, &mouth_n);
    if weight > 0.0 {
        let lips = mix(skin, LIP_RGB, LIP_MIX);
        for corner in [MOUTH_CORNER, mirrored(MOUTH_CORNER)] {
            face_line(scene, img, head, [corner, MOUTH_MIDDLE], lips, weight);
        }
    }
}

/// The ears that are turned away from the viewer (`in_front == false`, drawn before the
/// skull so it covers their roots) or toward it (`true`, drawn over the skull). Long hair
/// covers the ears, so they are not drawn for it.
pub fn draw_ears(scene: &Scene<'_>, img: &mut RgbImage, head: &HeadGeom, in_front: bool) {
    if scene.style.hair_style == HairStyle::Long {
        return;
    }
    for ear in [EAR, mirrored(EAR)] {
        let (p, n) = head.surface(normalized(ear));
        let toward = to_view(scene.camera.view(), &n)[2];
        if (toward >= 0.2) != in_front {
            continue;
        }
        let half = head.axes[1] * scene.frame.len_m(EAR_HALF_HEIGHT_M);
        let out = n * scene.frame.len_m(0.006);
        let ear_shape = TaperedCapsule::new(
            scene.px(&(p + out + half)),
            scene.px(&(p + out - half)),
            scene.len_px(EAR_RADII_M.0).max(0.6),
            scene.len_px(EAR_RADII_M.1).max(0.5),
        );
        let tint = 0.93 * scene.tint(&p);
        fill_surface(img, &ear_shape, scene.style.skin_rgb, tint, scene.clip);
    }
}
