//! The robot painter on the project's humanoid: frames (left on the image's right in the
//! front view, toes to the right in the side view), the standing height, colours where the
//! torso and feet project, painter's order, depth shading, joint dots, and an empty model.

use std::path::Path;

use nalgebra::{Isometry3, Vector3};

use super::*;
use crate::render::camera::{View, ViewBounds};

const BG: Rgb = [0, 0, 0];
const W: usize = 400;
const H: usize = 400;

#[allow(clippy::unwrap_used)]
fn humanoid() -> RobotModel {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("urdf/dancebot_humanoid.urdf");
    RobotModel::load(&path).unwrap()
}

/// The humanoid standing, with `set` applied to its dofs by name.
#[allow(clippy::unwrap_used)]
fn posed(model: &RobotModel, set: &[(&str, f64)]) -> Kinematics {
    let mut dofs = vec![0.0; model.n_dofs()];
    for (name, q) in set {
        dofs[model.dof_index(name).unwrap()] = *q;
    }
    let mut kin = Kinematics::new(model);
    kin.update(model, &standing_base(model), &dofs);
    kin
}

/// A painter fitted to the standing humanoid in `view`, and the image it drew.
#[allow(clippy::unwrap_used)]
fn draw(model: &RobotModel, kin: &Kinematics, view: View) -> (RobotPainter, RgbImage) {
    let rect = PixelRect::new(0, 0, W, H);
    let standing = posed(model, &[]);
    let bounds = robot_bounds(model, &standing, view).unwrap();
    let centred = ViewBounds {
        min_m: [-0.6, bounds.min_m[1]],
        max_m: [0.6, bounds.max_m[1] + 0.2],
    };
    let mut painter = RobotPainter::new(model, Camera::fit(view, rect, &centred, 0.05), rect);
    let mut img = RgbImage::new(W, H, BG);
    painter.draw(&mut img, model, kin);
    (painter, img)
}

/// A point given in link `link`'s frame, in the world.
#[allow(clippy::unwrap_used)]
fn at(model: &RobotModel, kin: &Kinematics, link: &str, in_link: [f64; 3]) -> Vector3<f64> {
    let i = model.link_index(link).unwrap();
    kin.point(i, &Vector3::from(in_link))
}

#[allow(clippy::unwrap_used)]
fn pixel_at(painter: &RobotPainter, img: &RgbImage, world: &Vector3<f64>) -> Rgb {
    let p = painter.project(world);
    img.pixel(p.x as usize, p.y as usize).unwrap()
}

fn is_bluish(c: Rgb) -> bool {
    i32::from(c[2]) > i32::from(c[0]) + 60
}

fn is_orangeish(c: Rgb) -> bool {
    i32::from(c[0]) > i32::from(c[2]) + 60
}

#[test]
fn the_dancer_frame_and_the_view_axes_agree_with_the_cameras() {
    for view in [View::Front, View::Side] {
        let [right, up, toward] = view_axes_world(view);
        for (axis, want) in [(right, [1.0, 0.0, 0.0]), (up, [0.0, 1.0, 0.0])] {
            let d = dancer_from_world(&axis);
            let [h, v] = view.plane_m(&d);
            assert_eq!([h, v, view.depth_m(&d)], want, "{view:?}");
        }
        assert_eq!(view.depth_m(&dancer_from_world(&toward)), 1.0);
    }
    // A proper rotation: right-handed frames stay right-handed.
    let (x, y) = (
        dancer_from_world(&Vector3::x()),
        dancer_from_world(&Vector3::y()),
    );
    assert_eq!(x.cross(&y), dancer_from_world(&Vector3::z()));
}

#[test]
fn the_humanoid_stands_with_its_soles_on_the_floor() {
    let m = humanoid();
    assert!((standing_height_m(&m) - 0.72).abs() < 1e-12);
    let (low, high) = geometry::height_range_m(&m, &posed(&m, &[])).unwrap();
    assert!(low.abs() < 1e-12, "lowest point at {low}");
    assert!((high - 1.40).abs() < 1e-9, "top at {high}");
    let sides = body_sides(&m);
    let side = |name: &str| sides[m.link_index(name).unwrap()];
    assert_eq!(side("l_foot"), BodySide::Left);
    assert_eq!(side("r_hand"), BodySide::Right);
    assert_eq!(side("head"), BodySide::Centre);
}

#[test]
fn front_view_shows_the_left_foot_on_the_right_and_the_head_above() {
    let m = humanoid();
    let kin = posed(&m, &[]);
    let (painter, img) = draw(&m, &kin, View::Front);
    let l_foot = painter.project(&at(&m, &kin, "l_foot", [0.02, 0.0, -0.03]));
    let r_foot = painter.project(&at(&m, &kin, "r_foot", [0.02, 0.0, -0.03]));
    let head = painter.project(&at(&m, &kin, "head", [0.0, 0.0, 0.1]));
    assert!(l_foot.x > (W / 2) as f32 && r_foot.x < (W / 2) as f32);
    assert!(head.y < l_foot.y);
    let l_px = img.pixel(l_foot.x as usize, l_foot.y as usize).unwrap();
    let r_px = img.pixel(r_foot.x as usize, r_foot.y as usize).unwrap();
    assert!(is_bluish(l_px) && is_orangeish(r_px), "{l_px:?} {r_px:?}");
    // Blue pixels (the robot's left) sit right of the middle, orange ones left of it.
    let mean_x = |pred: fn(Rgb) -> bool| {
        let xs: Vec<usize> = (0..W * H)
            .filter(|i| pred(img.pixel(i % W, i / W).unwrap_or(BG)))
            .map(|i| i % W)
            .collect();
        xs.iter().sum::<usize>() as f64 / xs.len().max(1) as f64
    };
    assert!(mean_x(is_bluish) > 220.0 && mean_x(is_orangeish) < 180.0);
}

#[test]
fn the_torso_shows_its_lit_front_face_colour() {
    let m = humanoid();
    let kin = posed(&m, &[]);
    let (painter, img) = draw(&m, &kin, View::Front);
    let s = painter.style;
    // The torso box's front face (normal +x, toward the viewer) is 0.1 m in front of the base.
    let light = s.ambient + s.diffuse * s.light_view[2] as f32;
    let want = shade(s.centre_rgb, light * (1.0 + s.depth_shade_per_m * 0.1));
    let got = pixel_at(&painter, &img, &at(&m, &kin, "torso", [0.1, 0.0, 0.16]));
    for c in 0..3 {
        assert!(
            (i32::from(got[c]) - i32::from(want[c])).abs() <= 1,
            "{got:?} vs {want:?}"
        );
    }
    assert!(got.iter().all(|&c| c > 180), "{got:?}");
    // The knee's joint dot is drawn over the leg.
    let knee = pixel_at(&painter, &img, &at(&m, &kin, "l_shin", [0.0; 3]));
    assert_eq!(knee, s.joint_rgb);
}

#[test]
fn side_view_points_the_toes_right_and_hides_the_far_arm() {
    let m = humanoid();
    let kin = posed(&m, &[]);
    let (painter, img) = draw(&m, &kin, View::Side);
    let ankle = painter.project(&at(&m, &kin, "r_foot", [0.0; 3]));
    let toe = painter.project(&at(&m, &kin, "r_foot", [0.11, 0.0, -0.03]));
    let behind = painter.project(&at(&m, &kin, "r_foot", [-0.11, 0.0, -0.03]));
    assert!(toe.x > ankle.x && behind.x < ankle.x);
    let px = |p: PointPx| img.pixel(p.x as usize, p.y as usize).unwrap();
    assert!(is_orangeish(px(toe)), "toe {:?}", px(toe));
    assert!(!is_orangeish(px(behind)) && !is_bluish(px(behind)));
    // Seen from the robot's right, the right upper arm covers the left one.
    let arm = pixel_at(
        &painter,
        &img,
        &at(&m, &kin, "r_upper_arm", [0.0, 0.0, -0.12]),
    );
    assert!(is_orangeish(arm), "{arm:?}");
}

#[test]
fn a_limb_behind_the_body_is_darker_than_one_in_front() {
    let m = humanoid();
    // Both arms straight forward; seen from the right the left arm is 0.34 m farther.
    let kin = posed(
        &m,
        &[("l_shoulder_pitch", -1.5), ("r_shoulder_pitch", -1.5)],
    );
    let (painter, img) = draw(&m, &kin, View::Side);
    let s = painter.style;
    let left = pixel_at(&painter, &img, &at(&m, &kin, "l_forearm", [0.0, 0.0, -0.1]));
    let right = pixel_at(&painter, &img, &at(&m, &kin, "r_forearm", [0.0, 0.0, -0.1]));
    // Arms overlap in this view; the near (right) one shows.
    assert!(is_orangeish(right), "{right:?}");
    let brightness = |c: Rgb, base: Rgb| {
        c.iter().map(|&v| f64::from(v)).sum::<f64>()
            / base.iter().map(|&v| f64::from(v)).sum::<f64>()
    };
    // The left forearm, moved down out of the right one's way, shows darker.
    let kin = posed(
        &m,
        &[("l_shoulder_pitch", -1.2), ("r_shoulder_pitch", -1.5)],
    );
    let (painter, img) = draw(&m, &kin, View::Side);
    let left_low = pixel_at(&painter, &img, &at(&m, &kin, "l_hand", [0.0, 0.0, -0.05]));
    assert!(is_bluish(left_low), "{left_low:?} (was {left:?})");
    assert!(brightness(left_low, s.left_rgb) + 0.2 < brightness(right, s.right_rgb));
}

#[test]
fn an_empty_model_draws_only_the_floor() {
    let m = RobotModel::parse(
        r#"<robot name="empty"><link name="base"/></robot>"#,
        Path::new("e.urdf"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(standing_height_m(&m), 0.0);
    let kin = Kinematics::new(&m);
    assert!(robot_bounds(&m, &kin, View::Front).is_none());
    let rect = PixelRect::new(0, 0, 64, 64);
    let bounds = ViewBounds {
        min_m: [-1.0, 0.0],
        max_m: [1.0, 2.0],
    };
    let mut painter = RobotPainter::new(&m, Camera::fit(View::Front, rect, &bounds, 0.0), rect);
    let mut img = RgbImage::new(64, 64, BG);
    painter.draw(&mut img, &m, &kin);
    let floor_y = painter.project(&Vector3::zeros()).y;
    let fill = painter.style.floor_fill_rgb;
    for (i, px) in img.as_bytes().chunks(3).enumerate() {
        let y = (i / 64) as f32 + 0.5;
        if y < floor_y - 2.0 {
            assert_eq!(px, BG, "pixel {i}");
        } else if y > floor_y + 2.0 {
            assert_eq!(px, fill, "pixel {i}");
        }
    }
    painter.draw_robot(&mut img, &m, &Kinematics::new(&humanoid()));
}

#[test]
fn drawing_moves_with_the_base() {
    let m = humanoid();
    let mut kin = posed(&m, &[]);
    let (mut painter, still) = draw(&m, &kin, View::Front);
    kin.update(
        &m,
        &Isometry3::translation(0.0, 0.2, 0.72),
        &vec![0.0; m.n_dofs()],
    );
    let mut moved = RgbImage::new(W, H, BG);
    painter.draw(&mut moved, &m, &kin);
    let shift = painter.camera.length_px(0.2).round() as usize;
    let head = painter.project(&at(&m, &posed(&m, &[]), "head", [0.0, 0.0, 0.1]));
    let (x, y) = (head.x as usize, head.y as usize);
    assert_eq!(still.pixel(x, y), moved.pixel(x + shift, y));
    assert_ne!(still.pixel(x, y), moved.pixel(x, y));
}
