//! Known-answer tests of the character: colours where the label map says a body part is,
//! hair and face on the head, mirror symmetry, the floor shadow, painter's order, missing
//! keypoints.

use super::pairs::{class_indices, PairRenderer};
use super::*;
use crate::choreography::body::BodyModel;
use crate::choreography::skeleton::{Joint, Pose, Vec3};
use crate::render::camera::View;
use crate::render::image::Rgb;

/// Colours far apart in hue, so a pixel's garment can be told whatever its shading.
fn test_style() -> CharacterStyle {
    CharacterStyle {
        skin_rgb: [224, 172, 138],
        hair_rgb: [30, 140, 40],
        shirt_rgb: [200, 40, 40],
        trousers_rgb: [40, 60, 200],
        shoes_rgb: [220, 200, 40],
        eyes_rgb: [20, 20, 20],
        ..CharacterStyle::default()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stuff {
    Skin,
    Hair,
    Shirt,
    Trousers,
    Shoes,
    Backdrop,
}

/// The style colour a pixel is nearest to once its brightness is matched (shading scales
/// colours; the backdrop is matched without scaling).
fn classify(style: &CharacterStyle, px: Rgb) -> Stuff {
    let p = px.map(f64::from);
    let dist = |c: Rgb, scaled: bool| {
        let c = c.map(f64::from);
        let cc: f64 = c.iter().map(|v| v * v).sum();
        let k = if scaled {
            (p.iter().zip(&c).map(|(a, b)| a * b).sum::<f64>() / cc).clamp(0.4, 1.3)
        } else {
            1.0
        };
        p.iter()
            .zip(&c)
            .map(|(a, b)| (a - k * b).powi(2))
            .sum::<f64>()
    };
    let candidates = [
        (Stuff::Skin, dist(style.skin_rgb, true)),
        (Stuff::Hair, dist(style.hair_rgb, true)),
        (Stuff::Shirt, dist(style.shirt_rgb, true)),
        (Stuff::Trousers, dist(style.trousers_rgb, true)),
        (Stuff::Shoes, dist(style.shoes_rgb, true)),
        (Stuff::Backdrop, dist(style.background_rgb, false)),
        (Stuff::Backdrop, dist(style.floor_rgb, false)),
    ];
    candidates
        .iter()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(Stuff::Backdrop, |c| c.0)
}

#[allow(clippy::unwrap_used)]
fn renderer(style: CharacterStyle, width: usize, height: usize, view: View) -> CharacterRenderer {
    let camera = CharacterRenderer::portrait_camera(view, width, height, 1.7);
    CharacterRenderer::new(style, width, height, camera).unwrap()
}

fn rendered(r: &CharacterRenderer, pose: &Pose) -> RgbImage {
    let mut img = RgbImage::new(1, 1, [0, 0, 0]);
    r.render(pose, &mut img);
    img
}

fn rest() -> Pose {
    BodyModel::default().rest_pose()
}

/// Share of the pixels of label class `class` that show `stuff`.
fn share_in_class(classes: &[u8], img: &RgbImage, class: u8, stuff: Stuff) -> f64 {
    let w = img.width();
    let (mut hit, mut n) = (0, 0);
    for (i, _) in classes.iter().enumerate().filter(|(_, &c)| c == class) {
        n += 1;
        if img.pixel(i % w, i / w).map(|p| classify(&test_style(), p)) == Some(stuff) {
            hit += 1;
        }
    }
    assert!(n > 20, "class {class} has only {n} pixels");
    f64::from(hit) / f64::from(n)
}

#[test]
fn label_classes_land_on_the_matching_garment() {
    for (w, h) in [(256, 256), (512, 256)] {
        let camera = CharacterRenderer::portrait_camera(View::Front, w, h, 1.7);
        let mut pairs = PairRenderer::new(test_style(), w, h, camera).unwrap();
        let (map, img) = pairs.render_pair(&rest());
        let mut classes = Vec::new();
        class_indices(&map, &mut classes);
        // Classes are limb index + 1 (OPENPOSE_LIMBS): 7, 10 neck–hips; 4, 6 forearms;
        // 8, 11 thighs; 9, 12 shins.
        for class in [7, 10] {
            let s = share_in_class(&classes, &img, class, Stuff::Shirt);
            assert!(s > 0.8, "{w}x{h} torso class {class}: {s:.2} shirt");
        }
        for class in [4, 6] {
            let s = share_in_class(&classes, &img, class, Stuff::Skin);
            assert!(s > 0.7, "{w}x{h} forearm class {class}: {s:.2} skin");
        }
        for class in [8, 9, 11, 12] {
            let s = share_in_class(&classes, &img, class, Stuff::Trousers);
            assert!(s > 0.8, "{w}x{h} leg class {class}: {s:.2} trousers");
        }
    }
}

/// Counts of each kind of stuff in a square of `half_px` around the head centre.
fn head_census(
    img: &RgbImage,
    r: &CharacterRenderer,
    pose: &Pose,
    half_px: usize,
) -> Vec<(usize, Stuff, Rgb)> {
    let frame = BodyFrame::estimate(pose, &ReferenceLengths::default());
    let head = HeadGeom::estimate(pose, &frame).unwrap();
    let c = r.camera().project(&head.centre);
    let (cx, cy) = (c.x as usize, c.y as usize);
    let mut out = Vec::new();
    for y in cy - half_px..=cy + half_px {
        for x in cx - half_px..=cx + half_px {
            let px = img.pixel(x, y).unwrap();
            out.push((x, classify(&test_style(), px), px));
        }
    }
    out
}

#[test]
fn the_head_has_hair_skin_and_two_eyes_only_when_facing_the_viewer() {
    let r = renderer(test_style(), 512, 512, View::Front);
    let centre_x = 256;
    let census = head_census(&rendered(&r, &rest()), &r, &rest(), 22);
    let count = |s: Stuff| census.iter().filter(|c| c.1 == s).count();
    assert!(count(Stuff::Hair) > 120, "{} hair", count(Stuff::Hair));
    assert!(count(Stuff::Skin) > 400, "{} skin", count(Stuff::Skin));
    let eye = |c: &&(usize, Stuff, Rgb)| c.2.iter().all(|&v| v < 60);
    let left = census.iter().filter(eye).filter(|c| c.0 < centre_x).count();
    let right = census.iter().filter(eye).filter(|c| c.0 > centre_x).count();
    assert!(left >= 3 && right >= 3, "eye pixels {left} / {right}");
    // Turned around: the back of the head is hair and shows no eyes.
    let back = turned_around(&rest());
    let census = head_census(&rendered(&r, &back), &r, &back, 22);
    let hair = census.iter().filter(|c| c.1 == Stuff::Hair).count();
    let skin = census.iter().filter(|c| c.1 == Stuff::Skin).count();
    assert!(
        hair > 2 * skin,
        "back of the head: {hair} hair, {skin} skin"
    );
    assert_eq!(census.iter().filter(eye).count(), 0);
}

/// The pose turned 180° about the vertical axis (its back to the viewer).
fn turned_around(pose: &Pose) -> Pose {
    let mut out = *pose;
    for p in &mut out.points {
        *p = Vec3::new(-p.x, p.y, -p.z);
    }
    out
}

#[test]
fn the_side_view_shows_a_profile_facing_right() {
    let r = renderer(test_style(), 512, 512, View::Side);
    let census = head_census(&rendered(&r, &rest()), &r, &rest(), 22);
    let mean_x = |s: Stuff| {
        let xs: Vec<f64> = census
            .iter()
            .filter(|c| c.1 == s)
            .map(|c| c.0 as f64)
            .collect();
        xs.iter().sum::<f64>() / xs.len().max(1) as f64
    };
    assert!(
        mean_x(Stuff::Skin) > mean_x(Stuff::Hair) + 4.0,
        "face toward +z, hair behind"
    );
}

fn wave() -> Pose {
    let mut p = rest();
    p.set(
        Joint::RElbow,
        p.get(Joint::RShoulder) + Vec3::new(-0.28, 0.02, 0.0),
    );
    p.set(
        Joint::RWrist,
        p.get(Joint::RElbow) + Vec3::new(-0.03, 0.25, 0.05),
    );
    p.set(
        Joint::LKnee,
        p.get(Joint::LHip) + Vec3::new(0.12, -0.4, 0.1),
    );
    BodyModel::default().project(&p)
}

#[test]
fn a_mirrored_pose_renders_a_mirrored_image() {
    let r = renderer(test_style(), 256, 256, View::Front);
    let (a, b) = (rendered(&r, &wave()), rendered(&r, &wave().mirrored()));
    let (mut union, mut agree) = (0, 0);
    for y in 0..256 {
        for x in 0..256 {
            let sa = classify(&test_style(), a.pixel(x, y).unwrap());
            let sb = classify(&test_style(), b.pixel(255 - x, y).unwrap());
            if sa != Stuff::Backdrop || sb != Stuff::Backdrop {
                union += 1;
                agree += usize::from(sa == sb);
            }
        }
    }
    let share = agree as f64 / union as f64;
    assert!(union > 2000 && share > 0.95, "{agree} of {union} agree");
}

#[test]
fn the_floor_shadow_lies_under_the_feet() {
    let style = test_style();
    let r = renderer(style.clone(), 256, 256, View::Front);
    let img = rendered(&r, &rest());
    let floor = r.camera().project(&Vec3::zeros());
    let y = (floor.y + 1.0) as usize;
    let under = img.pixel(floor.x as usize, y).unwrap();
    assert!(
        under
            .iter()
            .zip(style.floor_rgb)
            .all(|(&u, f)| f32::from(u) < 0.8 * f32::from(f)),
        "{under:?}"
    );
    assert_eq!(img.pixel(5, y), Some(style.floor_rgb));
    assert_eq!(img.pixel(5, 5), Some(style.background_rgb));
}

#[test]
fn nearer_limbs_cover_the_torso_and_farther_ones_hide_behind_it() {
    let r = renderer(test_style(), 256, 256, View::Front);
    for (z, want) in [(0.3, Stuff::Skin), (-0.3, Stuff::Shirt)] {
        let mut p = rest();
        p.set(Joint::RElbow, Vec3::new(-0.2, 1.2, z));
        p.set(Joint::RWrist, Vec3::new(0.2, 1.2, z));
        let img = rendered(&r, &p);
        let cross = r.camera().project(&Vec3::new(-0.02, 1.2, z));
        let px = img.pixel(cross.x as usize, cross.y as usize).unwrap();
        assert_eq!(classify(&test_style(), px), want, "forearm at z = {z}");
    }
}

#[test]
fn missing_keypoints_drop_only_their_parts() {
    let r = renderer(test_style(), 256, 256, View::Front);
    let full = rendered(&r, &rest());
    let mut p = rest();
    p.points[Joint::LWrist.index()] = Vec3::new(f64::NAN, 0.9, 0.0);
    let partial = rendered(&r, &p);
    let (elbow, wrist) = (
        r.camera().project(&rest().get(Joint::LElbow)),
        r.camera().project(&rest().get(Joint::LWrist)),
    );
    let mut changed = 0;
    for y in 0..256 {
        for x in 0..256 {
            if full.pixel(x, y) != partial.pixel(x, y) {
                changed += 1;
                let near = (x as f32 - elbow.x).abs() < 12.0
                    && y as f32 > elbow.y - 6.0
                    && (y as f32) < wrist.y + 14.0;
                assert!(near, "pixel ({x}, {y}) changed away from the left forearm");
            }
        }
    }
    assert!(changed > 30, "{changed} pixels changed");
    let mut nan = rest();
    nan.points.iter_mut().for_each(|q| q.y = f64::NAN);
    let huge = rest().translated(Vec3::new(1e12, 0.0, 0.0));
    for pose in [nan, huge] {
        let img = rendered(&r, &pose);
        let style = test_style();
        assert!(img
            .as_bytes()
            .chunks(3)
            .all(|c| c == style.background_rgb || c == style.floor_rgb));
    }
}

#[test]
fn render_is_deterministic_and_sized_by_the_renderer() {
    let r = renderer(CharacterStyle::from_seed(7), 96, 128, View::Front);
    let mut img = RgbImage::new(3, 3, [0, 0, 0]);
    r.render(&wave(), &mut img);
    assert_eq!((img.width(), img.height()), (96, 128));
    assert_eq!(img, rendered(&r, &wave()));
    let other = renderer(CharacterStyle::from_seed(8), 96, 128, View::Front);
    assert_ne!(img, rendered(&other, &wave()));
}

#[test]
fn limb_thickness_follows_the_body_size() {
    let r = renderer(test_style(), 512, 512, View::Front);
    let width_at = |pose: &Pose| {
        let img = rendered(&r, pose);
        let knee = (pose.get(Joint::RHip) + pose.get(Joint::RKnee)) * 0.5;
        let c = r.camera().project(&knee);
        (0..512)
            .filter(|&x| {
                classify(&test_style(), img.pixel(x, c.y as usize).unwrap()) == Stuff::Trousers
            })
            .filter(|&x| x < 256)
            .count() as f64
    };
    let tall = width_at(&rest());
    let short = width_at(&BodyModel::with_height(1.2).rest_pose());
    let ratio = short / tall;
    assert!(
        (ratio - 1.2 / 1.7).abs() < 0.08,
        "thigh widths {short} / {tall}"
    );
}

#[test]
fn bad_sizes_and_styles_are_refused() {
    let camera = CharacterRenderer::portrait_camera(View::Front, 64, 64, 1.7);
    let err = CharacterRenderer::new(CharacterStyle::default(), 8, 64, camera).unwrap_err();
    assert!(
        matches!(err, CharacterError::Size { width: 8, .. }),
        "{err}"
    );
    let bad = CharacterStyle {
        sleeve_share: 2.0,
        ..CharacterStyle::default()
    };
    let err = CharacterRenderer::new(bad, 64, 64, camera).unwrap_err();
    assert!(err.to_string().contains("sleeve_share"), "{err}");
}
