//! Causal beat tracking that announces each beat before it happens, so a robot can land on it.
//!
//! The tracker sees only the samples pushed so far. Per hop the causal onset front end
//! ([`OnsetDetector`]) yields one frame; its strength, normalised into a beat activation
//! ([`activation`]), updates a forward filter over the bar-pointer state space of Krebs, Böck
//! & Widmer (2015) ([`state_space`]), the approach of madmom's online beat tracker. The most
//! probable (tempo, phase) state says how many frames remain until the next beat:
//! `(1 - phase) · period`. When that beat is about [`OnlineConfig::lead_secs`] ahead of the
//! current audio time (the end of the last pushed sample), it is announced and committed.
//!
//! Latency budget: frame `i` is centred half a window (`n_fft / 2` samples, ≈ 46 ms at the
//! defaults) before the newest sample, so a beat announced 200 ms ahead is extrapolated about
//! 250 ms past the newest frame. The default lead is 200 ms rather than the 100 ms a robot
//! needs because predictions are up to the ±70 ms tolerance late: 200 ms keeps a matched
//! beat at least 100 ms ahead of the *true* beat, at no measured cost in accuracy.
//!
//! Consistency: announcements are never retracted; a prediction within
//! [`OnlineConfig::min_gap_fraction`] of a period of the last announced beat is taken to be
//! that beat again. Nothing is announced during the warm-up, nor once no onset has been heard
//! for [`OnlineConfig::hold_periods`] beat periods (silence, or the music stopped).
//!
//! Units: `*_secs` seconds on the audio timeline (sample 0 at 0 s), `*_bpm` beats per minute.
//! Per hop the tracker allocates nothing and costs O(r·(states + tempi²)) for `r`
//! [`OnlineConfig::positions_per_frame`], about 100 000 multiply-adds at the defaults.

pub mod activation;
pub mod config;
pub mod state_space;

use thiserror::Error;

use self::activation::ActivationNormalizer;
pub use self::config::OnlineConfig;
use self::state_space::BarPointerFilter;
use super::onset::OnsetDetector;
use super::{AnalysisConfig, BeatGrid};
use crate::config::{InvalidField, Validate};

/// Why a tracker could not be built.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum OnlineError {
    /// The online or front-end settings are out of range.
    #[error("online beat tracker: {0}")]
    Config(#[from] InvalidField),
}

/// One beat, announced before it happens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BeatAnnouncement {
    /// Predicted time of the beat, seconds on the audio timeline.
    pub beat_secs: f64,
    /// Audio time at which the announcement was made (the end of the last sample seen).
    pub emitted_at_secs: f64,
    /// Tempo the tracker believed in when it announced.
    pub tempo_bpm: f64,
    /// Position in the bar (1 = downbeat), if the tracker knows it.
    pub position_in_bar: Option<u32>,
}

/// Streaming causal tracker: push samples as they arrive, collect announcements.
///
/// ```
/// use dancebot::analysis::online::OnlineBeatTracker;
/// use dancebot::analysis::AnalysisConfig;
///
/// let mut tracker = OnlineBeatTracker::new(&AnalysisConfig::default());
/// let mut beats = Vec::new();
/// for block in vec![0.0f32; 22_050].chunks(512) {
///     tracker.push(block, &mut beats);
/// }
/// assert!(beats.is_empty()); // one second of silence: nothing to dance to
/// assert!((tracker.audio_time_secs() - 1.0).abs() < 0.01);
/// ```
#[derive(Debug)]
pub struct OnlineBeatTracker {
    hop_len_samples: usize,
    detector: OnsetDetector,
    predictor: Predictor,
}

/// Everything but the onset front end: the belief and the announcement logic.
#[derive(Debug)]
struct Predictor {
    analysis: AnalysisConfig,
    online: OnlineConfig,
    frame_rate_hz: f64,
    normalizer: ActivationNormalizer,
    filter: BarPointerFilter,
    frames_seen: usize,
    last_beat_secs: f64,
    /// Beat interval of the most probable state after the last frame.
    interval_frames: Option<f64>,
}

impl OnlineBeatTracker {
    /// Plans a tracker for audio at `cfg.sample_rate_hz` with the default [`OnlineConfig`];
    /// `cfg` must have been validated.
    pub fn new(cfg: &AnalysisConfig) -> Self {
        Self::build(cfg, OnlineConfig::default())
    }

    /// Plans a tracker with explicit online settings, checking both configs.
    pub fn with_config(cfg: &AnalysisConfig, online: OnlineConfig) -> Result<Self, OnlineError> {
        cfg.validate()?;
        online.validate()?;
        Ok(Self::build(cfg, online))
    }

    fn build(cfg: &AnalysisConfig, online: OnlineConfig) -> Self {
        let frame_rate_hz = cfg.frame_rate_hz();
        let per_frame = online.positions_per_frame;
        let interval = |bpm: f64| {
            (60.0 * frame_rate_hz * per_frame as f64 / bpm)
                .round()
                .max(1.0) as usize
        };
        let filter = BarPointerFilter::new(
            interval(online.max_tempo_bpm),
            interval(online.min_tempo_bpm),
            per_frame,
            online.tempo_change_lambda,
            online.observation_lambda,
        );
        let normalizer = ActivationNormalizer::new(
            frame_rate_hz,
            online.norm_window_secs,
            online.norm_scale,
            online.activation_floor,
            online.silence_floor,
        );
        Self {
            hop_len_samples: cfg.hop_len_samples,
            detector: OnsetDetector::new(cfg),
            predictor: Predictor {
                analysis: cfg.clone(),
                online,
                frame_rate_hz,
                normalizer,
                filter,
                frames_seen: 0,
                last_beat_secs: f64::NEG_INFINITY,
                interval_frames: None,
            },
        }
    }

    /// Samples per analysis hop (push this many at a time to time one hop).
    pub fn hop_len_samples(&self) -> usize {
        self.hop_len_samples
    }

    /// The online settings in use.
    pub fn config(&self) -> &OnlineConfig {
        &self.predictor.online
    }

    /// Audio time at the end of the last completed hop, seconds.
    pub fn audio_time_secs(&self) -> f64 {
        let p = &self.predictor;
        p.analysis
            .sample_rate_hz
            .samples_to_secs(p.frames_seen * p.analysis.hop_len_samples)
    }

    /// Tempo of the most probable state after the last hop; `None` before the first hop.
    pub fn tempo_bpm(&self) -> Option<f64> {
        let p = &self.predictor;
        p.interval_frames
            .map(|frames| 60.0 * p.frame_rate_hz / frames)
    }

    /// Forgets everything heard so far (a new song): same as a freshly built tracker.
    pub fn reset(&mut self) {
        *self = Self::build(&self.predictor.analysis, self.predictor.online.clone());
    }

    /// Feeds samples; appends every beat announced while processing them to `out`.
    pub fn push(&mut self, samples: &[f32], out: &mut Vec<BeatAnnouncement>) {
        let Self {
            detector,
            predictor,
            ..
        } = self;
        detector.push(samples, |frame| {
            if let Some(beat) = predictor.on_frame(frame.strength) {
                out.push(beat);
            }
        });
    }
}

impl Predictor {
    /// Updates the belief with one onset frame; returns the beat to announce now, if any.
    fn on_frame(&mut self, strength: f32) -> Option<BeatAnnouncement> {
        let i = self.frames_seen;
        self.frames_seen += 1;
        let activation = self.normalizer.next(strength);
        let state = self.filter.step(activation);
        self.interval_frames = Some(state.interval_frames);
        let now_secs = self
            .analysis
            .sample_rate_hz
            .samples_to_secs((i + 1) * self.analysis.hop_len_samples);
        let silent_frames = self.online.hold_periods * state.interval_frames;
        if now_secs < self.online.warmup_secs
            || self.normalizer.frames_since_onset() as f64 > silent_frames
        {
            return None;
        }
        let period_secs = state.interval_frames / self.frame_rate_hz;
        let beat_secs = self.analysis.frame_time_secs(i)
            + state.frames_to_beat / self.frame_rate_hz
            + self.online.phase_offset_secs;
        if beat_secs - self.last_beat_secs < self.online.min_gap_fraction * period_secs {
            return None;
        }
        let lead_secs = beat_secs - now_secs;
        if lead_secs > self.online.lead_secs || lead_secs < self.online.min_lead_secs {
            return None;
        }
        self.last_beat_secs = beat_secs;
        Some(BeatAnnouncement {
            beat_secs,
            emitted_at_secs: now_secs,
            tempo_bpm: 60.0 / period_secs,
            position_in_bar: None,
        })
    }
}

/// Replays a whole signal through the causal tracker; `emitted_at_secs` is filled.
pub fn track_online(samples: &[f32], cfg: &AnalysisConfig) -> BeatGrid {
    let mut tracker = OnlineBeatTracker::new(cfg);
    replay(&mut tracker, samples)
}

/// [`track_online`] with explicit online settings.
pub fn track_online_with(
    samples: &[f32],
    cfg: &AnalysisConfig,
    online: OnlineConfig,
) -> Result<BeatGrid, OnlineError> {
    let mut tracker = OnlineBeatTracker::with_config(cfg, online)?;
    Ok(replay(&mut tracker, samples))
}

fn replay(tracker: &mut OnlineBeatTracker, samples: &[f32]) -> BeatGrid {
    let mut out = Vec::new();
    tracker.push(samples, &mut out);
    grid_from_announcements(&out)
}

/// The beat grid of a causal run: announced beats, the announcement times, the tempo at each
/// announcement and their median as the global tempo.
pub fn grid_from_announcements(out: &[BeatAnnouncement]) -> BeatGrid {
    let tempo_per_beat_bpm: Vec<f64> = out.iter().map(|a| a.tempo_bpm).collect();
    BeatGrid {
        tempo_bpm: median(&tempo_per_beat_bpm),
        beats_secs: out.iter().map(|a| a.beat_secs).collect(),
        downbeats_secs: Vec::new(),
        beat_positions: Vec::new(),
        tempo_per_beat_bpm,
        emitted_at_secs: Some(out.iter().map(|a| a.emitted_at_secs).collect()),
    }
}

/// Median of `values`, `None` when empty.
fn median(values: &[f64]) -> Option<f64> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    sorted.get(sorted.len() / 2).copied()
}
