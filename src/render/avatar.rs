//! Avatar frames: poses in, person-like RGB pictures out, whatever draws them.
//!
//! [`AvatarRenderer`] is the seam between the skeleton and the companion display. Two
//! renderers implement it: [`CharacterAvatar`] here (the procedural clothed character, pure
//! Rust, always available) and the Pix2PixHD model of `neural::avatar` (feature `torch`).
//! The video writer (`dancebot render`, `dancebot dance`) and the MJPEG server
//! (`dancebot serve`) only see the trait.
//!
//! Poses arrive in order. A renderer may keep state between calls (the temporal Pix2PixHD
//! model conditions on its previous output); [`AvatarRenderer::reset`] forgets it (a new song,
//! a seek). A pose with a missing (NaN) keypoint is never drawn as garbage: the renderer
//! holds the last complete pose, or the rest pose before the first one.

use thiserror::Error;

use crate::choreography::body::{BodyModel, REFERENCE_HEIGHT_M};
use crate::choreography::skeleton::Pose;
use crate::render::camera::View;
use crate::render::character::{CharacterError, CharacterRenderer, CharacterStyle};
use crate::render::image::RgbImage;

/// An avatar renderer failed.
#[derive(Debug, Error)]
pub enum AvatarError {
    /// The procedural character rejected its settings.
    #[error("avatar character: {0}")]
    Character(#[from] CharacterError),
    /// A backend (a neural model) failed; `renderer` names it.
    #[error("{renderer}: {message}")]
    Backend { renderer: String, message: String },
}

/// Turns poses (dancer frame, metres) into avatar pictures of one fixed size.
pub trait AvatarRenderer: Send {
    /// What draws the frames, for logs and `summary.json` (e.g. `character`, `pix2pixhd`).
    fn name(&self) -> String;

    /// Image size, pixels: `(width, height)`.
    fn size(&self) -> (usize, usize);

    /// Renders `poses` in order, appending one image per pose to `out`.
    fn render(&mut self, poses: &[Pose], out: &mut Vec<RgbImage>) -> Result<(), AvatarError>;

    /// Forgets any state carried from earlier frames.
    fn reset(&mut self) {}
}

/// Keeps the last complete pose, so missing keypoints hold instead of drawing garbage.
#[derive(Debug, Clone)]
pub struct PoseHold {
    last: Pose,
}

impl Default for PoseHold {
    fn default() -> Self {
        PoseHold {
            last: BodyModel::default().rest_pose(),
        }
    }
}

impl PoseHold {
    /// `pose` when every keypoint is finite (and remembered), else the last complete pose.
    pub fn apply(&mut self, pose: &Pose) -> Pose {
        if pose.is_finite() {
            self.last = *pose;
        }
        self.last
    }

    /// Back to the rest pose.
    pub fn reset(&mut self) {
        *self = PoseHold::default();
    }
}

/// The procedural character as an [`AvatarRenderer`]: front view, portrait camera.
#[derive(Debug, Clone)]
pub struct CharacterAvatar {
    renderer: CharacterRenderer,
    hold: PoseHold,
}

impl CharacterAvatar {
    /// A `width × height` character in `style`, framed for a body of the reference height.
    pub fn new(
        style: CharacterStyle,
        width: usize,
        height: usize,
    ) -> Result<CharacterAvatar, AvatarError> {
        let camera =
            CharacterRenderer::portrait_camera(View::Front, width, height, REFERENCE_HEIGHT_M);
        Ok(CharacterAvatar {
            renderer: CharacterRenderer::new(style, width, height, camera)?,
            hold: PoseHold::default(),
        })
    }
}

impl AvatarRenderer for CharacterAvatar {
    fn name(&self) -> String {
        "character".to_owned()
    }

    fn size(&self) -> (usize, usize) {
        self.renderer.size()
    }

    fn render(&mut self, poses: &[Pose], out: &mut Vec<RgbImage>) -> Result<(), AvatarError> {
        let (w, h) = self.renderer.size();
        for pose in poses {
            let pose = self.hold.apply(pose);
            let mut img = RgbImage::new(w, h, [0, 0, 0]);
            self.renderer.render(&pose, &mut img);
            out.push(img);
        }
        Ok(())
    }

    fn reset(&mut self) {
        self.hold.reset();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_pose_holds_the_last_complete_one() {
        let mut avatar = CharacterAvatar::new(CharacterStyle::default(), 128, 128).unwrap();
        let mut pose = BodyModel::default().rest_pose();
        pose.points[4].x += 0.3;
        let mut broken = pose;
        broken.points[4].x = f64::NAN;
        let mut out = Vec::new();
        avatar.render(&[pose, broken], &mut out).unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[0], out[1]);
        avatar.reset();
        avatar.render(&[broken], &mut out).unwrap();
        assert_ne!(out[2], out[0], "after reset the rest pose is drawn");
    }
}
