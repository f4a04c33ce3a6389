//! Preview frames: the dance as a stick figure, with the music's beats made visible.
//!
//! Layout of a `width × height` frame (pixels):
//!
//! ```text
//! ┌──────────────── border (flashes on beats) ───────────────┐
//! │  front view (70 % of the width)         ● │  side view    │
//! │                                 beat lamp │  (30 %)       │
//! │  ───────── floor ─────────                │  ── floor ──  │
//! │  [progress bar with beat ticks ▮▮▮▮▯▯▯▯]        12/64     │
//! └──────────────────────────────────────────────────────────┘
//! ```
//!
//! Both views are orthographic ([`crate::render::camera`]) and fitted once, to the body at
//! rest and every keypoint of the sequence, so the camera never moves. The poses drawn are the
//! sequence's frames with missing keypoints held and a Gaussian of
//! [`PreviewConfig::smooth_sigma_frames`] applied ([`crate::render::smooth`]).
//!
//! On each beat the border and the beat lamp flash: intensity `(1 − Δt / flash_secs)²` for
//! the time `Δt` (seconds) since the last beat, 0 after `flash_secs`. The counter shows the
//! beats passed and the total. Output frame `k` is at `k / fps` seconds; with an output rate
//! different from the sequence's, it shows the nearest sequence frame.

use serde::{Deserialize, Serialize};

use crate::choreography::body::REFERENCE_HEIGHT_M;
use crate::choreography::sequence::SkeletonSequence;
use crate::choreography::skeleton::{Pose, Vec3};
use crate::config::{InvalidField, Validate};
use crate::render::camera::{Camera, View, ViewBounds};
use crate::render::glyphs::{draw_text, text_width_px, GLYPH_ROWS};
use crate::render::image::{PixelRect, Rgb, RgbImage};
use crate::render::raster::{Capsule, Circle, PointPx};
use crate::render::smooth::prepare_frames;
use crate::render::stick::StickFigure;
use crate::render::RenderError;

/// How preview videos look.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PreviewConfig {
    /// Frame width, pixels; even (the H.264 encoder's 4:2:0 chroma needs it). Raise for
    /// sharper videos.
    pub width_px: usize,
    /// Frame height, pixels; even.
    pub height_px: usize,
    /// Output frame rate; `None` uses the sequence's own rate (one video frame per pose).
    pub fps: Option<f64>,
    /// Adds the small side view (seen from the dancer's right) on the right of the frame.
    pub side_view: bool,
    /// Temporal smoothing of the keypoints, frames (Gaussian sigma); 0 draws them as they are.
    pub smooth_sigma_frames: f64,
    /// How long a beat's flash lasts, seconds.
    pub flash_secs: f64,
    /// Background colour, RGB.
    pub background_rgb: Rgb,
}

impl Default for PreviewConfig {
    fn default() -> Self {
        PreviewConfig {
            width_px: 640,
            height_px: 480,
            fps: None,
            side_view: true,
            smooth_sigma_frames: 1.0,
            flash_secs: 0.12,
            background_rgb: [18, 20, 28],
        }
    }
}

impl Validate for PreviewConfig {
    fn validate(&self) -> Result<(), InvalidField> {
        for (field, v) in [("width_px", self.width_px), ("height_px", self.height_px)] {
            if !(64..=7680).contains(&v) || v % 2 != 0 {
                return Err(InvalidField::new(
                    field,
                    format!("{v}: need an even 64..=7680"),
                ));
            }
        }
        if let Some(fps) = self.fps {
            if !(fps.is_finite() && fps > 0.0 && fps <= 240.0) {
                return Err(InvalidField::new(
                    "fps",
                    format!("{fps}: need 0 < fps <= 240"),
                ));
            }
        }
        if !(0.0..=30.0).contains(&self.smooth_sigma_frames) {
            let v = self.smooth_sigma_frames;
            return Err(InvalidField::new(
                "smooth_sigma_frames",
                format!("{v}: need 0..=30"),
            ));
        }
        if !(0.0..=2.0).contains(&self.flash_secs) {
            let v = self.flash_secs;
            return Err(InvalidField::new("flash_secs", format!("{v}: need 0..=2")));
        }
        Ok(())
    }
}

pub(crate) const SIDE_PANEL_RGB: Rgb = [28, 31, 42];
const BORDER_RGB: Rgb = [46, 50, 64];
const FLASH_RGB: Rgb = [255, 244, 214];
const LAMP_RGB: Rgb = [64, 40, 44];
const LAMP_FLASH_RGB: Rgb = [255, 70, 70];
const FLOOR_RGB: Rgb = [72, 76, 92];
const TRACK_RGB: Rgb = [44, 48, 62];
const PROGRESS_RGB: Rgb = [110, 160, 250];
const TICK_RGB: Rgb = [170, 174, 190];
const TEXT_RGB: Rgb = [222, 224, 232];

/// Where everything goes, pixels; worked out once per video.
#[derive(Debug, Clone, PartialEq)]
struct Layout {
    border_px: usize,
    side_panel: Option<PixelRect>,
    bar: PixelRect,
    counter_cell_px: usize,
    lamp: Circle,
}

impl Layout {
    fn new(width: usize, height: usize, side_view: bool) -> (Layout, PixelRect, Option<PixelRect>) {
        let border_px = (height / 60).max(2);
        let band_px = (height / 12).max(16);
        let inner_w = width - 2 * border_px;
        let inner_h = height - 2 * border_px - band_px;
        let front_w = if side_view { inner_w * 7 / 10 } else { inner_w };
        let front = PixelRect::new(border_px, border_px, front_w, inner_h);
        let side = side_view
            .then(|| PixelRect::new(border_px + front_w, border_px, inner_w - front_w, inner_h));
        let counter_cell_px = (band_px / 16).max(1);
        let counter_w = text_width_px("000/000", counter_cell_px);
        let bar_h = (band_px / 4).max(2);
        let pad = band_px / 2;
        let bar = PixelRect::new(
            border_px + pad,
            height - border_px - (band_px + bar_h) / 2,
            inner_w.saturating_sub(3 * pad + counter_w),
            bar_h,
        );
        let lamp_r = (height as f32 / 40.0).max(3.0);
        let lamp = Circle {
            centre: PointPx::new(
                (border_px + front_w) as f32 - 2.0 * lamp_r,
                border_px as f32 + 2.0 * lamp_r,
            ),
            radius_px: lamp_r,
        };
        let layout = Layout {
            border_px,
            side_panel: side,
            bar,
            counter_cell_px,
            lamp,
        };
        (layout, front, side)
    }
}

/// Renders the preview frames of one sequence.
#[derive(Debug, Clone)]
pub struct PreviewRenderer {
    cfg: PreviewConfig,
    poses: Vec<Pose>,
    source_fps: f64,
    fps: f64,
    frame_count: usize,
    beats_secs: Vec<f64>,
    front: StickFigure,
    side: Option<StickFigure>,
    layout: Layout,
}

/// Share of a view's smaller side left free around the figure.
const VIEW_MARGIN: f64 = 0.04;

pub(crate) fn fitted_figure(view: View, rect: PixelRect, poses: &[Pose]) -> StickFigure {
    let body = ViewBounds::body(view, REFERENCE_HEIGHT_M);
    let bounds = ViewBounds::of_poses(view, poses).map_or(body, |b| b.union(&body));
    StickFigure::new(Camera::fit(view, rect, &bounds, VIEW_MARGIN), rect)
}

impl PreviewRenderer {
    /// Plans the preview of `seq`: validates `cfg`, prepares the poses, fits the cameras.
    pub fn new(
        seq: &SkeletonSequence,
        cfg: &PreviewConfig,
    ) -> Result<PreviewRenderer, RenderError> {
        cfg.validate()?;
        if seq.frames.is_empty() {
            return Err(RenderError::EmptySequence);
        }
        if !(seq.fps.is_finite() && seq.fps > 0.0) {
            return Err(RenderError::InvalidFps { fps: seq.fps });
        }
        let fps = cfg.fps.unwrap_or(seq.fps);
        let frame_count = ((seq.frames.len() as f64 * fps / seq.fps).round() as usize).max(1);
        let poses = prepare_frames(&seq.frames, cfg.smooth_sigma_frames);
        let mut beats_secs: Vec<f64> = seq
            .beats_secs
            .iter()
            .copied()
            .filter(|b| b.is_finite())
            .collect();
        beats_secs.sort_by(f64::total_cmp);
        let (layout, front_rect, side_rect) =
            Layout::new(cfg.width_px, cfg.height_px, cfg.side_view);
        Ok(PreviewRenderer {
            cfg: cfg.clone(),
            front: fitted_figure(View::Front, front_rect, &poses),
            side: side_rect.map(|r| fitted_figure(View::Side, r, &poses)),
            poses,
            source_fps: seq.fps,
            fps,
            frame_count,
            beats_secs,
            layout,
        })
    }

    /// Number of output frames.
    pub fn frame_count(&self) -> usize {
        self.frame_count
    }

    /// Output frame rate, frames per second.
    pub fn fps(&self) -> f64 {
        self.fps
    }

    /// Frame size, pixels: `(width, height)`.
    pub fn size_px(&self) -> (usize, usize) {
        (self.cfg.width_px, self.cfg.height_px)
    }

    /// The large front-view figure (its camera maps the dancer frame to frame pixels).
    pub fn front_figure(&self) -> &StickFigure {
        &self.front
    }

    /// The pose drawn on output frame `k` (held, smoothed; the last one past the end).
    pub fn pose_at(&self, k: usize) -> &Pose {
        let t = k as f64 / self.fps;
        let i = ((t * self.source_fps).round() as usize).min(self.poses.len() - 1);
        &self.poses[i]
    }

    /// Flash intensity at `t_secs`: 1 on a beat, decaying to 0 over `flash_secs`.
    pub fn flash_at(&self, t_secs: f64) -> f32 {
        let passed = self.beats_passed(t_secs);
        let Some(last) = passed.checked_sub(1).map(|i| self.beats_secs[i]) else {
            return 0.0;
        };
        let dt = t_secs - last;
        if self.cfg.flash_secs <= 0.0 || dt >= self.cfg.flash_secs {
            return 0.0;
        }
        (1.0 - dt / self.cfg.flash_secs).powi(2) as f32
    }

    /// Beats at or before `t_secs`.
    pub fn beats_passed(&self, t_secs: f64) -> usize {
        self.beats_secs.partition_point(|&b| b <= t_secs)
    }

    /// Draws output frame `k` into `img` (resized to the frame size if needed).
    pub fn render(&self, k: usize, img: &mut RgbImage) {
        let (w, h) = self.size_px();
        if img.width() != w || img.height() != h {
            *img = RgbImage::new(w, h, self.cfg.background_rgb);
        }
        img.fill(self.cfg.background_rgb);
        if let Some(panel) = self.layout.side_panel {
            img.fill_rect(panel, SIDE_PANEL_RGB);
        }
        let pose = self.pose_at(k);
        for figure in std::iter::once(&self.front).chain(&self.side) {
            draw_floor(img, figure);
            figure.draw(img, pose);
        }
        let t_secs = k as f64 / self.fps;
        let flash = self.flash_at(t_secs);
        self.draw_border(img, flash);
        img.fill_shape(
            &self.layout.lamp,
            mix(LAMP_RGB, LAMP_FLASH_RGB, flash),
            img.rect(),
        );
        self.draw_progress(img, k);
        self.draw_counter(img, t_secs);
    }

    pub(crate) fn draw_border(&self, img: &mut RgbImage, flash: f32) {
        let (w, h) = self.size_px();
        let b = self.layout.border_px;
        let colour = mix(BORDER_RGB, FLASH_RGB, flash);
        for rect in [
            PixelRect::new(0, 0, w, b),
            PixelRect::new(0, h - b, w, b),
            PixelRect::new(0, 0, b, h),
            PixelRect::new(w - b, 0, b, h),
        ] {
            img.fill_rect(rect, colour);
        }
    }

    pub(crate) fn draw_progress(&self, img: &mut RgbImage, k: usize) {
        let bar = self.layout.bar;
        img.fill_rect(bar, TRACK_RGB);
        let done = (k + 1).min(self.frame_count) as f64 / self.frame_count as f64;
        let filled = (done * bar.width() as f64).round() as usize;
        img.fill_rect(
            PixelRect::new(bar.x0, bar.y0, filled, bar.height()),
            PROGRESS_RGB,
        );
        let duration_secs = self.frame_count as f64 / self.fps;
        for &b in &self.beats_secs {
            let x =
                bar.x0 + ((b / duration_secs).clamp(0.0, 1.0) * (bar.width() - 1) as f64) as usize;
            let tick_h = bar.height() / 2;
            img.fill_rect(PixelRect::new(x, bar.y1 - tick_h, 1, tick_h), TICK_RGB);
        }
    }

    pub(crate) fn draw_counter(&self, img: &mut RgbImage, t_secs: f64) {
        if self.beats_secs.is_empty() {
            return;
        }
        let text = format!("{}/{}", self.beats_passed(t_secs), self.beats_secs.len());
        let cell = self.layout.counter_cell_px;
        let (w, h) = self.size_px();
        let b = self.layout.border_px;
        let x = (w - b - cell * 4).saturating_sub(text_width_px(&text, cell));
        let y = self.layout.bar.y0 + self.layout.bar.height() / 2;
        draw_text(
            img,
            &text,
            x,
            y.saturating_sub(GLYPH_ROWS * cell / 2).min(h),
            cell,
            TEXT_RGB,
        );
    }
}

/// A thin line along the floor (y = 0) across the figure's viewport.
pub(crate) fn draw_floor(img: &mut RgbImage, figure: &StickFigure) {
    let y = figure.camera.project(&Vec3::zeros()).y;
    let clip = figure.clip;
    let line = Capsule {
        a: PointPx::new(clip.x0 as f32 + 4.0, y),
        b: PointPx::new(clip.x1 as f32 - 4.0, y),
        radius_px: 0.75,
    };
    img.fill_shape(&line, FLOOR_RGB, clip);
}

/// `a` moved toward `b` by `t` (0–1).
fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    let t = t.clamp(0.0, 1.0);
    std::array::from_fn(|i| {
        (f32::from(a[i]) + (f32::from(b[i]) - f32::from(a[i])) * t).round() as u8
    })
}

#[cfg(test)]
mod tests;
