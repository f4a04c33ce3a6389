//! [`DancePlayer`]: plays a dance in real time on an injected clock, pushing each frame it
//! shows to a [`FanOut`].
//!
//! Frame `k` of the sequence is due at `k / fps` seconds after playback starts (the first
//! [`DancePlayer::tick`]). Each tick asks the clock which frame slot is due *now* and draws
//! that one: when rendering falls behind, the slots in between are skipped instead of queued,
//! so the picture never drifts behind the music. With looping the slots continue past the end
//! (slot `s` is frame `s mod n`, at `s / fps`), the renderer is reset at each restart, and
//! frame indices keep rising.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use super::meta::{BeatClock, FrameMeta, KeypointProjector};
use super::{AvatarFrame, EncodedFrame, FanOut, StreamError};
use crate::analysis::BeatGrid;
use crate::choreography::sequence::SkeletonSequence;
use crate::choreography::skeleton::Pose;
use crate::clock::Clock;
use crate::render::image::RgbImage;
use crate::render::AvatarRenderer;

/// Playback settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlayerConfig {
    /// JPEG quality, 1–100.
    pub jpeg_quality: u8,
    /// Start again after the last frame instead of finishing.
    pub looping: bool,
}

impl Default for PlayerConfig {
    fn default() -> Self {
        PlayerConfig {
            jpeg_quality: 80,
            looping: false,
        }
    }
}

/// What one [`DancePlayer::tick`] did.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Step {
    /// A frame was drawn and pushed.
    Pushed {
        /// Its index (the frame slot since playback started).
        index: u64,
        /// Due slots skipped before it because rendering fell behind.
        skipped: u64,
    },
    /// The next frame is not due yet; it is due in this many seconds.
    Waiting { in_secs: f64 },
    /// Past the last frame, not looping.
    Finished,
}

/// Counts of a playback so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlayStats {
    /// Frames drawn and pushed.
    pub pushed: u64,
    /// Frame slots skipped because rendering fell behind.
    pub skipped: u64,
}

/// Plays a dance through an avatar renderer into sinks, on a clock.
pub struct DancePlayer {
    frames: Vec<Pose>,
    fps: f64,
    beats: BeatClock,
    beats_per_loop: u64,
    renderer: Box<dyn AvatarRenderer>,
    projector: KeypointProjector,
    clock: Arc<dyn Clock>,
    config: PlayerConfig,
    start_secs: Option<f64>,
    last_slot: Option<u64>,
    stats: PlayStats,
    images: Vec<RgbImage>,
}

impl std::fmt::Debug for DancePlayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DancePlayer")
            .field("frames", &self.frames.len())
            .field("fps", &self.fps)
            .field("renderer", &self.renderer.name())
            .field("config", &self.config)
            .field("stats", &self.stats)
            .finish()
    }
}

/// Tolerance, in frames, for a clock reading just below a frame's time: clocks count whole
/// nanoseconds and `k / fps` is rarely one, so `k / fps` read back may land under frame `k`.
const SLOT_EPS: f64 = 1e-5;

impl DancePlayer {
    /// A player for `sequence` with `beats`, drawing with `renderer`, timed by `clock`.
    pub fn new(
        sequence: &SkeletonSequence,
        beats: &BeatGrid,
        renderer: Box<dyn AvatarRenderer>,
        clock: Arc<dyn Clock>,
        config: PlayerConfig,
    ) -> Result<DancePlayer, StreamError> {
        if sequence.frames.is_empty() {
            return Err(StreamError::Config("the dance has no frames".to_owned()));
        }
        if !(sequence.fps.is_finite() && sequence.fps > 0.0) {
            return Err(StreamError::Config(format!(
                "the dance's fps is {}, expected a positive number",
                sequence.fps
            )));
        }
        let (w, h) = renderer.size();
        let beats = BeatClock::new(beats);
        let last_frame_secs = (sequence.frames.len() - 1) as f64 / sequence.fps;
        Ok(DancePlayer {
            frames: sequence.frames.clone(),
            fps: sequence.fps,
            beats_per_loop: beats.beats_upto(last_frame_secs) as u64,
            beats,
            renderer,
            projector: KeypointProjector::new(w, h),
            clock,
            config,
            start_secs: None,
            last_slot: None,
            stats: PlayStats::default(),
            images: Vec::with_capacity(1),
        })
    }

    /// Counts so far.
    pub fn stats(&self) -> PlayStats {
        self.stats
    }

    /// The renderer's name.
    pub fn renderer_name(&self) -> String {
        self.renderer.name()
    }

    /// Shows the frame due now, if it has not been shown yet.
    pub fn tick(&mut self, sinks: &mut FanOut) -> Result<Step, StreamError> {
        let now = self.clock.now_secs();
        let start = *self.start_secs.get_or_insert(now);
        let slot = ((now - start).max(0.0) * self.fps + SLOT_EPS).floor() as u64;
        let n = self.frames.len() as u64;
        if !self.config.looping && slot >= n {
            return Ok(Step::Finished);
        }
        if let Some(last) = self.last_slot {
            if slot <= last {
                let next_secs = start + ((last + 1) as f64 - SLOT_EPS / 2.0) / self.fps;
                return Ok(Step::Waiting {
                    in_secs: (next_secs - now).max(0.0),
                });
            }
        }
        let skipped = match self.last_slot {
            Some(last) => slot - last - 1,
            None => slot,
        };
        let frame = self.draw(slot)?;
        let frame = Arc::new(EncodedFrame::new(frame, self.config.jpeg_quality)?);
        sinks.push(&frame);
        self.last_slot = Some(slot);
        self.stats.pushed += 1;
        self.stats.skipped += skipped;
        Ok(Step::Pushed {
            index: slot,
            skipped,
        })
    }

    /// Plays until the end (never, when looping) or until `stop` is set. `wait` is called
    /// with the seconds until the next frame is due (a sleep in production, a clock advance
    /// in tests).
    pub fn run(
        &mut self,
        sinks: &mut FanOut,
        stop: &AtomicBool,
        wait: &mut dyn FnMut(f64),
    ) -> Result<PlayStats, StreamError> {
        while !stop.load(Ordering::Relaxed) {
            match self.tick(sinks)? {
                Step::Pushed { .. } => {}
                Step::Waiting { in_secs } => wait(in_secs),
                Step::Finished => break,
            }
        }
        Ok(self.stats)
    }

    /// Beats passed by slot `slot`, across loops.
    fn beats_by(&self, slot: u64) -> u64 {
        let n = self.frames.len() as u64;
        let t = (slot % n) as f64 / self.fps;
        (slot / n) * self.beats_per_loop + self.beats.beats_upto(t) as u64
    }

    /// Renders slot `slot` and its metadata.
    fn draw(&mut self, slot: u64) -> Result<AvatarFrame, StreamError> {
        let n = self.frames.len() as u64;
        let k = (slot % n) as usize;
        let time_secs = k as f64 / self.fps;
        let same_loop = self.last_slot.filter(|last| last / n == slot / n);
        if self.last_slot.is_some() && same_loop.is_none() {
            self.renderer.reset();
        }
        let pose = self.frames[k];
        self.images.clear();
        self.renderer
            .render(std::slice::from_ref(&pose), &mut self.images)?;
        let image = self.images.pop().ok_or_else(|| StreamError::NoImage {
            renderer: self.renderer.name(),
            frame: k,
        })?;
        let beat_count = self.beats_by(slot);
        let previous_count = self.last_slot.map_or(0, |last| self.beats_by(last));
        let downbeat_from =
            same_loop.map_or(f64::NEG_INFINITY, |last| (last % n) as f64 / self.fps);
        let meta = FrameMeta {
            beat: beat_count > previous_count,
            downbeat: self.beats.downbeat_between(downbeat_from, time_secs),
            beat_count,
            beat_phase: self.beats.phase(time_secs),
            tempo_bpm: self.beats.tempo_bpm(),
            keypoints: self.projector.project(&pose),
        };
        Ok(AvatarFrame {
            index: slot,
            time_secs,
            image,
            meta,
        })
    }
}

#[cfg(test)]
#[path = "player_tests.rs"]
mod tests;
