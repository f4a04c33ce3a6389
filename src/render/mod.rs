//! Rendering: skeleton frames in, pictures out — the stick figure, its one-hot limb label maps
//! (the input of a pose-to-image network) and the composed preview frames.
//!
//! Everything here is pure, deterministic and allocation-free per pixel: buffers are planned
//! once and reused frame after frame. The pieces, bottom up:
//!
//! - [`image`]: [`RgbImage`], RGB8 row-major (the byte layout of ffmpeg's `rgb24`), PPM I/O.
//! - [`raster`]: anti-aliased capsules, circles and rotated ellipses by signed distance, in
//!   image pixels (x right, y down), cost proportional to the covered area.
//! - [`camera`]: orthographic front and side views of the dancer frame (metres; x to the
//!   audience's right, y up, z toward the audience) fitted into a viewport.
//! - [`smooth`]: missing keypoints held, Gaussian smoothing over time.
//! - [`stick`]: the OpenPose COCO stick figure (17 limbs, 18-colour palette red → magenta).
//! - [`labels`]: [`labels::LabelMap`], 18 one-hot channels (background + 17 limbs), `C × H × W`.
//! - [`avatar`]: [`AvatarRenderer`], poses → person-like frames (the procedural character
//!   here; Pix2PixHD in `neural::avatar`).
//! - [`preview`]: a preview frame — front view, side view, beat flash, progress bar, counter.
//!
//! ```
//! use dancebot::choreography::BodyModel;
//! use dancebot::render::{Camera, PixelRect, RgbImage, StickFigure, View, ViewBounds};
//!
//! let rect = PixelRect::new(0, 0, 256, 256);
//! let bounds = ViewBounds::body(View::Front, 1.7);
//! let camera = Camera::fit(View::Front, rect, &bounds, 0.05);
//! let mut img = RgbImage::new(256, 256, [0, 0, 0]);
//! StickFigure::new(camera, rect).draw(&mut img, &BodyModel::default().rest_pose());
//! // The neck's dot is drawn in OpenPose's second colour.
//! let neck = camera.project(&BodyModel::default().rest_pose().points[1]);
//! assert_eq!(img.pixel(neck.x as usize, neck.y as usize), Some([255, 85, 0]));
//! ```
//!
//! Encoding frames into a video file is the job of [`crate::video`], the edge adapter that
//! runs `ffmpeg`.

pub mod avatar;
pub mod camera;
pub mod character;
pub mod glyphs;
pub mod image;
pub mod labels;
pub mod preview;
pub mod raster;
pub mod robot;
pub mod robot_preview;
pub mod smooth;
pub mod stick;

pub use avatar::{AvatarError, AvatarRenderer, CharacterAvatar};
pub use camera::{Camera, View, ViewBounds};
pub use image::{PixelRect, Rgb, RgbImage};
pub use labels::{LabelMap, LabelPainter};
pub use preview::{PreviewConfig, PreviewRenderer};
pub use smooth::smooth_sequence;
pub use stick::{StickFigure, StickStyle, OPENPOSE_COLOURS, OPENPOSE_LIMBS};

use thiserror::Error;

/// A renderer could not be set up.
#[derive(Debug, Error)]
pub enum RenderError {
    /// A setting is out of range.
    #[error("render settings: {0}")]
    Config(#[from] crate::config::InvalidField),
    /// The sequence has no frames to draw.
    #[error("the skeleton sequence has no frames")]
    EmptySequence,
    /// The sequence's frame rate is unusable.
    #[error("the skeleton sequence's fps is {fps}, expected a positive number")]
    InvalidFps {
        /// The frame rate found, frames per second.
        fps: f64,
    },
}
