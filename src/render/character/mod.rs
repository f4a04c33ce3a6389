//! The synthetic avatar character: a stylized, shaded, clothed person drawn procedurally for
//! any coco18 skeleton, and the (label map, image) training pairs for the pose-to-image
//! avatar model ([`pairs`]).
//!
//! The character wears a short-sleeved shirt, trousers and shoes, has skin on face, neck,
//! forearms and hands, hair, and a face (eyes, brows, nose, mouth) when it faces the viewer;
//! a soft shadow lies on the floor under its feet. Its proportions come from the keypoints:
//! every width is a reference length times the body's size estimated from the bones
//! ([`frame`]), so the figure fits the skeleton at any resolution.
//!
//! **Frames and units.** Poses are in the dancer frame (metres; x to the audience's right,
//! y up, z toward the audience; the floor is `y = 0`). A [`Camera`] maps them to image pixels
//! (x right, y down), front or side view; [`CharacterRenderer::portrait_camera`] frames a
//! standing body with the feet near the bottom.
//!
//! **Drawing.** [`CharacterRenderer::render`] paints the backdrop (wall above the floor line,
//! floor below), the floor shadow, then the body parts in painter's order by depth in the
//! view, farthest first: the far arm and leg, the trousers' seat, the shirt, the neck, the
//! head, the near limbs. Arms are ranked by their own depth, legs and the torso a little
//! behind theirs, so an arm hanging beside the body overlaps the shirt's edge, an arm reaching
//! toward the viewer crosses in front of the chest and one behind the back is hidden by it.
//! Edges are anti-aliased; lighting and depth cues are in [`shading`]. The output depends on
//! the pose, style, size and camera only.
//!
//! **Missing keypoints** (NaN or infinite coordinates) are skipped, never guessed: a limb
//! segment with a missing end is not drawn (a missing wrist drops the forearm and hand), the
//! shirt and seat need the neck and both hips, a shoe its ankle. The head needs at least one
//! of the face keypoints or the neck; its orientation falls back to the body's when fewer than
//! three face keypoints are known. The body's size and axes fall back to the reference ones.
//! Callers that want held poses instead hold them first
//! ([`crate::render::smooth::hold_missing`]).
//!
//! ```
//! use dancebot::choreography::{BodyModel, Joint};
//! use dancebot::render::camera::View;
//! use dancebot::render::character::{CharacterRenderer, CharacterStyle};
//! use dancebot::render::RgbImage;
//!
//! let camera = CharacterRenderer::portrait_camera(View::Front, 256, 256, 1.7);
//! let style = CharacterStyle::from_seed(42);
//! let renderer = CharacterRenderer::new(style.clone(), 256, 256, camera).unwrap();
//! let mut img = RgbImage::new(256, 256, [0, 0, 0]);
//! let pose = BodyModel::default().rest_pose();
//! renderer.render(&pose, &mut img);
//! // The wall shows in the corner; the chest is the shirt's colour, lit.
//! assert_eq!(img.pixel(2, 2), Some(style.background_rgb));
//! let chest = camera.project(&((pose.get(Joint::Neck) + pose.pelvis()) * 0.5));
//! let px = img.pixel(chest.x as usize, chest.y as usize).unwrap();
//! let close = px.iter().zip(style.shirt_rgb).all(|(&p, s)| (p as f32 - 0.94 * s as f32).abs() < 20.0);
//! assert!(close, "{px:?} vs {:?}", style.shirt_rgb);
//! ```

pub mod body;
pub mod dataset;
pub mod face;
pub mod frame;
pub mod head;
pub mod pairs;
pub mod shading;
pub mod shapes;
pub mod style;

pub use dataset::{write_pairs_dataset, DatasetError, DatasetReport};
pub use pairs::{render_pair, PairRenderer};
pub use style::{CharacterStyle, HairStyle};

use thiserror::Error;

use crate::choreography::skeleton::{Joint, Pose, Vec3};
use crate::config::{InvalidField, Validate};
use crate::render::camera::{Camera, View, ViewBounds};
use crate::render::image::{PixelRect, RgbImage};

use body::{Scene, Side};
use frame::{finite, point, BodyFrame, ReferenceLengths};
use head::HeadGeom;
use shading::{fill_backdrop, FloorShadow};

/// Smallest and largest image side the renderer accepts, pixels.
pub const SIZE_RANGE_PX: (usize, usize) = (16, 8192);

/// The character renderer could not be set up.
#[derive(Debug, Error)]
pub enum CharacterError {
    /// The style is out of range.
    #[error("character style: {0}")]
    Style(#[from] InvalidField),
    /// The image size is unusable.
    #[error("character image {width}x{height}: each side must be 16..=8192 pixels")]
    Size {
        /// Requested width, pixels.
        width: usize,
        /// Requested height, pixels.
        height: usize,
    },
}

/// Draws the character for one camera and image size; holds no per-frame state, so one
/// renderer serves any number of frames (and threads).
#[derive(Debug, Clone, PartialEq)]
pub struct CharacterRenderer {
    style: CharacterStyle,
    width: usize,
    height: usize,
    camera: Camera,
    reference: ReferenceLengths,
}

/// Bias of the torso's depth rank, reference metres: behind its centre, so limbs level with
/// the body's middle are drawn over its edges.
const TORSO_RANK_M: f64 = -0.05;
/// Rank of the trousers' seat and of the legs relative to the shirt's, reference metres: the
/// hem covers the tops of the legs, and the seat lies between a profile's far and near legs.
const SEAT_RANK_M: f64 = -0.052;
const LEG_RANK_M: f64 = -0.05;
/// Weight of a hip's own depth in its leg's rank.
const HIP_SPREAD: f64 = 0.1;
/// Where along hip → knee a thigh's depth is taken for its rank.
const THIGH_RANK_AT: f64 = 0.25;
/// The head is drawn over the torso and neck.
const HEAD_RANK_M: f64 = 0.02;
/// Head-bottom offset of the neck's top end along the head's up axis, reference metres.
const NECK_TOP_M: f64 = -0.07;

/// One drawable part of the character.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Part {
    Seat,
    Shirt,
    Neck,
    Head,
    BackHair,
    UpperArm(Side),
    Forearm(Side),
    Thigh(Side),
    Shin(Side),
}

const MAX_PARTS: usize = 13;

impl CharacterRenderer {
    /// A renderer of `width × height` images through `camera` in `style`.
    pub fn new(
        style: CharacterStyle,
        width: usize,
        height: usize,
        camera: Camera,
    ) -> Result<CharacterRenderer, CharacterError> {
        let ok = |v: usize| (SIZE_RANGE_PX.0..=SIZE_RANGE_PX.1).contains(&v);
        if !(ok(width) && ok(height)) {
            return Err(CharacterError::Size { width, height });
        }
        style.validate()?;
        Ok(CharacterRenderer {
            style,
            width,
            height,
            camera,
            reference: ReferenceLengths::default(),
        })
    }

    /// The camera that frames a body `body_height_m` tall standing at the origin in a
    /// `width × height` image: the floor near the bottom, room above the head for raised
    /// arms, a 5 % margin ([`ViewBounds::body`]).
    pub fn portrait_camera(view: View, width: usize, height: usize, body_height_m: f64) -> Camera {
        let rect = PixelRect::new(0, 0, width, height);
        Camera::fit(view, rect, &ViewBounds::body(view, body_height_m), 0.05)
    }

    /// The style.
    pub fn style(&self) -> &CharacterStyle {
        &self.style
    }

    /// The camera.
    pub fn camera(&self) -> &Camera {
        &self.camera
    }

    /// Image size, pixels: `(width, height)`.
    pub fn size(&self) -> (usize, usize) {
        (self.width, self.height)
    }

    /// Overwrites `img` with the backdrop and the character in `pose` (`img` is reallocated
    /// only when its size differs from the renderer's).
    pub fn render(&self, pose: &Pose, img: &mut RgbImage) {
        if (img.width(), img.height()) != (self.width, self.height) {
            *img = RgbImage::new(self.width, self.height, self.style.background_rgb);
        }
        let clip = self.clip();
        fill_backdrop(
            img,
            &self.camera,
            clip,
            self.style.background_rgb,
            self.style.floor_rgb,
        );
        self.draw(pose, img);
    }

    /// Draws the floor shadow and the character over what `img` holds, clipped to the
    /// renderer's `width × height`.
    pub fn draw(&self, pose: &Pose, img: &mut RgbImage) {
        let frame = BodyFrame::estimate(pose, &self.reference);
        let view = self.camera.view();
        let torso = body::torso_ends(pose);
        let torso_depth_m = torso.map_or(0.0, |(p, n)| view.depth_m(&((p + n) * 0.5)));
        let scene = Scene {
            camera: &self.camera,
            clip: self.clip(),
            style: &self.style,
            frame,
            torso_depth_m,
        };
        self.draw_shadow(&scene, pose, img);
        let head = HeadGeom::estimate(pose, &frame);
        let list = plan(&scene, pose, head.as_ref());
        for &(_, part) in &list.parts[..list.n] {
            draw_part(&scene, img, pose, head.as_ref(), part);
        }
    }

    fn clip(&self) -> PixelRect {
        PixelRect::new(0, 0, self.width, self.height)
    }

    fn draw_shadow(&self, scene: &Scene<'_>, pose: &Pose, img: &mut RgbImage) {
        let mut feet = [Vec3::zeros(); 2];
        let mut n = 0;
        for j in [Joint::RAnkle, Joint::LAnkle] {
            if let Some(p) = point(pose, j) {
                feet[n] = p;
                n += 1;
            }
        }
        let strength = self.style.shadow_strength;
        if let Some(shadow) =
            FloorShadow::new(&self.camera, &feet[..n], scene.frame.scale, strength)
        {
            shadow.draw(img, scene.clip);
        }
    }
}

/// Parts and their depth ranks, at most [`MAX_PARTS`], without allocation.
struct PartList {
    parts: [(f64, Part); MAX_PARTS],
    n: usize,
}

impl PartList {
    fn push(&mut self, rank: f64, part: Part) {
        if rank.is_finite() && self.n < MAX_PARTS {
            self.parts[self.n] = (rank, part);
            self.n += 1;
        }
    }
}

/// The parts to draw and their depth ranks, sorted far to near.
fn plan(scene: &Scene<'_>, pose: &Pose, head: Option<&HeadGeom>) -> PartList {
    let mut list = PartList {
        parts: [(0.0, Part::Seat); MAX_PARTS],
        n: 0,
    };
    let shirt_rank = scene.torso_depth_m + scene.frame.len_m(TORSO_RANK_M);
    if body::torso_ends(pose).is_some() {
        list.push(shirt_rank + scene.frame.len_m(SEAT_RANK_M), Part::Seat);
        list.push(shirt_rank, Part::Shirt);
    }
    if let Some(h) = head {
        plan_head(&mut list, scene, pose, h, shirt_rank);
    }
    for side in [Side::Right, Side::Left] {
        plan_limbs(&mut list, scene, pose, side, shirt_rank);
    }
    list.parts[..list.n].sort_by(|a, b| a.0.total_cmp(&b.0));
    list
}

/// Neck (just over the shirt), head (over the neck), and hair outside the skull: behind the
/// shirt when it hangs behind the head, over the head when the head is turned away.
fn plan_head(list: &mut PartList, scene: &Scene<'_>, pose: &Pose, h: &HeadGeom, shirt_rank: f64) {
    let depth = |p: &Vec3| scene.depth_m(p);
    let head_rank = depth(&h.centre) + scene.frame.len_m(HEAD_RANK_M);
    if finite(&pose.get(Joint::Neck)) {
        list.push(shirt_rank + 1e-3, Part::Neck);
    }
    list.push(head_rank, Part::Head);
    if let Some((a, b, _)) = head::back_hair(h, scene.style.hair_style, scene.frame.scale) {
        let hair_depth = depth(&((a + b) * 0.5));
        let behind = hair_depth < depth(&h.centre) - scene.frame.len_m(0.01);
        let rank = if behind {
            hair_depth.min(shirt_rank - 1e-3)
        } else {
            head_rank + 1e-3
        };
        list.push(rank, Part::BackHair);
    }
}

/// Arms rank by their middles' depth. Legs rank with the shirt, a little behind it, plus how
/// far they reach toward the viewer from their hip (so a thigh hangs under the shirt's hem
/// unless it is raised toward the viewer), plus a tenth of the hip's own depth (so the near
/// leg of a profile is drawn over the far one).
fn plan_limbs(list: &mut PartList, scene: &Scene<'_>, pose: &Pose, side: Side, shirt_rank: f64) {
    let depth = |p: &Vec3| scene.depth_m(p);
    let at = |a: Joint, b: Joint, t: f64| {
        let pa = point(pose, a)?;
        Some(pa + (point(pose, b)? - pa) * t)
    };
    let [shoulder, elbow, wrist, hip, knee, ankle] = side.joints();
    if let Some(c) = at(shoulder, elbow, 0.5) {
        list.push(depth(&c), Part::UpperArm(side));
    }
    if let Some(c) = at(elbow, wrist, 0.5) {
        list.push(depth(&c), Part::Forearm(side));
    }
    let hip_depth = point(pose, hip).map_or(scene.torso_depth_m, |h| depth(&h));
    let leg_rank = |p: Vec3| {
        shirt_rank
            + scene.frame.len_m(LEG_RANK_M)
            + (depth(&p) - hip_depth)
            + HIP_SPREAD * (hip_depth - scene.torso_depth_m)
    };
    if let Some(c) = at(hip, knee, THIGH_RANK_AT) {
        list.push(leg_rank(c), Part::Thigh(side));
    }
    if let Some(c) = at(knee, ankle, 0.5).or(point(pose, ankle)) {
        list.push(leg_rank(c), Part::Shin(side));
    }
}

fn draw_part(
    scene: &Scene<'_>,
    img: &mut RgbImage,
    pose: &Pose,
    head: Option<&HeadGeom>,
    part: Part,
) {
    match (part, head) {
        (Part::Seat, _) => body::draw_seat(scene, img, pose),
        (Part::Shirt, _) => body::draw_shirt(scene, img, pose),
        (Part::UpperArm(side), _) => body::draw_upper_arm(scene, img, pose, side),
        (Part::Forearm(side), _) => body::draw_forearm(scene, img, pose, side),
        (Part::Thigh(side), _) => body::draw_thigh(scene, img, pose, side),
        (Part::Shin(side), _) => body::draw_shin(scene, img, pose, side),
        (Part::Neck, Some(h)) => {
            let base = h.centre + h.axes[1] * scene.frame.len_m(NECK_TOP_M);
            body::draw_neck(scene, img, pose, &base);
        }
        (Part::Head, Some(h)) => {
            face::draw_ears(scene, img, h, false);
            head::draw_skull(scene, img, h);
            face::draw_ears(scene, img, h, true);
            face::draw_face(scene, img, h);
        }
        (Part::BackHair, Some(h)) => head::draw_back_hair(scene, img, h),
        (Part::Neck | Part::Head | Part::BackHair, None) => {}
    }
}

#[cfg(test)]
mod tests;
