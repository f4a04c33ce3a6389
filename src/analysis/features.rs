//! Music features at the motion rate: what the dance generators read, frame by frame.
//!
//! [`extract`] computes every feature at the analysis rate (one frame per hop, about 100 fps,
//! see [`frames`]), finds the song's [`sections`](crate::analysis::sections), and resamples
//! everything to the motion rate `fps` (30 or 60): motion frame `k` describes the music at
//! `k / fps` seconds, each value the mean of the analysis-rate feature over
//! `k / fps ± 0.5 / fps` ([`FrameSeries::resample`]), so nothing aliases. There are
//! `ceil(duration_secs · fps)` frames.
//!
//! # Layout (`layout = "dancebot.features.v1"`)
//!
//! | field | per frame | units, range |
//! |---|---|---|
//! | `onset_strength` | 1 | mean positive log-mel flux of the onset front end, ≥ 0, typically 0..=2 |
//! | `rms` | 1 | RMS amplitude of the 2048 samples (93 ms) around the frame, 0..=1 for audio in −1..=1 |
//! | `log_mel_db` | `n_mels` (64) | mel power (Slaney, 0 Hz..Nyquist, 2048-point STFT) in dB re 1, floored 80 dB below the loudest value of the piece; about −100..=+60 |
//! | `mfcc` | 20 | librosa `feature.mfcc` (128 mel bands, dB, DCT-II ortho); c0 first, roughly −1100..=+900 |
//! | `chroma` | 12 | C, C♯, … B, librosa `chroma_stft` filterbank (4096-point STFT), max-normalised: 0..=1 (all 0 in silence) |
//! | `beat_phase` | 1 | 0 on a beat rising to <1 before the next, 0..1; all 0 without a beat grid |
//! | `bar_phase` | 1 | the same across a bar (downbeat to downbeat); all 0 without downbeats |
//! | `section_index` | 1 | index of the section label (`A` = 0, `B` = 1, …) of the section holding the frame |
//!
//! [`MusicFeatures::to_matrix`] flattens a frame in exactly the table's order (phases and
//! section index as `f32`), with names from [`MusicFeatures::column_names`]; the generators read
//! that matrix. The analysis rate and all framing come from [`AnalysisConfig`](crate::analysis::AnalysisConfig).

pub mod config;
pub mod frames;
pub mod phase;
pub mod series;

pub use config::FeatureConfig;
pub use series::FrameSeries;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::analysis::chroma::{N_CHROMA, PITCH_CLASS_NAMES};
use crate::analysis::mfcc::N_MFCC;
use crate::analysis::sections::{self, labels::label_index, Section};
use crate::analysis::BeatGrid;
use crate::config::{InvalidField, Validate};

/// Name and version of the layout documented in this module.
pub const FEATURE_LAYOUT: &str = "dancebot.features.v1";

/// Why features could not be extracted.
#[derive(Debug, Error, PartialEq)]
pub enum FeatureError {
    /// The settings are out of range.
    #[error("feature settings: {0}")]
    Config(#[from] InvalidField),
    /// The audio holds a NaN or an infinity.
    #[error("audio sample {index} ({time_secs:.3} s) is not finite")]
    NonFinite { index: usize, time_secs: f64 },
}

/// Frame-level music features at the motion rate (see the module docs for the layout).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MusicFeatures {
    /// Layout name and version, [`FEATURE_LAYOUT`].
    pub layout: String,
    /// Motion frames per second; frame `k` is at `k / fps` seconds.
    pub fps: f64,
    /// Length of the audio in seconds.
    pub duration_secs: f64,
    /// Number of frames (every per-frame vector has this length).
    pub n_frames: usize,
    /// Log-mel bands per frame.
    pub n_mels: usize,
    /// Onset strength per frame, ≥ 0.
    pub onset_strength: Vec<f32>,
    /// RMS amplitude per frame.
    pub rms: Vec<f32>,
    /// Log-mel power in dB, `n_mels` per frame.
    pub log_mel_db: Vec<Vec<f32>>,
    /// 20 MFCC per frame.
    pub mfcc: Vec<[f32; N_MFCC]>,
    /// 12 chroma values per frame, C first, each in 0..=1.
    pub chroma: Vec<[f32; N_CHROMA]>,
    /// Beat phase per frame, 0..1.
    pub beat_phase: Vec<f32>,
    /// Bar phase per frame, 0..1.
    pub bar_phase: Vec<f32>,
    /// Section label index per frame (`A` = 0).
    pub section_index: Vec<u32>,
    /// The sections, tiling the piece.
    pub sections: Vec<Section>,
}

/// Extracts [`MusicFeatures`] from a mono signal at `cfg.analysis.sample_rate_hz`, using
/// `grid` for beat and bar phase and section boundaries (an empty grid is fine).
///
/// ```
/// use dancebot::analysis::features::{extract, FeatureConfig};
/// use dancebot::analysis::BeatGrid;
/// let samples: Vec<f32> = (0..22_050).map(|i| (i as f32 * 0.05).sin() * 0.5).collect();
/// let grid = BeatGrid { beats_secs: vec![0.0, 0.5], ..BeatGrid::default() };
/// let features = extract(&samples, &grid, &FeatureConfig::with_fps(60.0)).unwrap();
/// assert_eq!(features.n_frames, 60);
/// assert!((features.beat_phase[15] - 0.5).abs() < 1e-6);
/// assert_eq!(features.to_matrix().len(), 60 * features.n_columns());
/// ```
pub fn extract(
    samples: &[f32],
    grid: &BeatGrid,
    cfg: &FeatureConfig,
) -> Result<MusicFeatures, FeatureError> {
    cfg.validate()?;
    let rate = cfg.analysis.sample_rate_hz;
    if let Some(index) = samples.iter().position(|x| !x.is_finite()) {
        return Err(FeatureError::NonFinite {
            index,
            time_secs: rate.samples_to_secs(index),
        });
    }
    let duration_secs = rate.samples_to_secs(samples.len());
    let analysis = frames::analysis_frames(samples, cfg);
    let sections = sections::find_sections(
        &analysis.chroma,
        &analysis.mfcc,
        grid,
        duration_secs,
        &cfg.sections,
    );
    let fps = cfg.fps;
    let n = (duration_secs * fps).ceil() as usize;
    let mut chroma = analysis.chroma.resample(fps, n);
    // Averaging values in 0..=1 can round a hair past 1.
    chroma
        .values
        .iter_mut()
        .for_each(|v| *v = v.clamp(0.0, 1.0));
    Ok(MusicFeatures {
        layout: FEATURE_LAYOUT.to_owned(),
        fps,
        duration_secs,
        n_frames: n,
        n_mels: cfg.n_log_mel_bands,
        onset_strength: analysis.onset.resample(fps, n).values,
        rms: analysis.rms.resample(fps, n).values,
        log_mel_db: analysis.log_mel_db.resample(fps, n).to_rows(),
        mfcc: fixed_rows(&analysis.mfcc.resample(fps, n)),
        chroma: fixed_rows(&chroma),
        beat_phase: phase::phases(&grid.beats_secs, fps, n),
        bar_phase: phase::phases(&grid.downbeats_secs, fps, n),
        section_index: section_indices(&sections, fps, n),
        sections,
    })
}

/// Rows of a series as fixed-size arrays (missing values are zero).
fn fixed_rows<const N: usize>(series: &FrameSeries) -> Vec<[f32; N]> {
    (0..series.n_frames())
        .map(|i| {
            let mut row = [0.0f32; N];
            for (r, &v) in row.iter_mut().zip(series.frame(i)) {
                *r = v;
            }
            row
        })
        .collect()
}

/// Label index of the section holding each motion frame (0 where none does).
fn section_indices(sections: &[Section], fps: f64, n_frames: usize) -> Vec<u32> {
    (0..n_frames)
        .map(|k| {
            let t = k as f64 / fps;
            sections
                .iter()
                .find(|s| t < s.end_secs)
                .or(sections.last())
                .and_then(|s| label_index(&s.label))
                .map_or(0, |i| i as u32)
        })
        .collect()
}

impl MusicFeatures {
    /// Names of the columns of [`to_matrix`](Self::to_matrix), in order.
    pub fn column_names(&self) -> Vec<String> {
        let mut names = vec!["onset_strength".to_owned(), "rms".to_owned()];
        names.extend((0..self.n_mels).map(|b| format!("log_mel_db_{b}")));
        names.extend((0..N_MFCC).map(|c| format!("mfcc_{c}")));
        names.extend(PITCH_CLASS_NAMES.iter().map(|p| format!("chroma_{p}")));
        names.extend(["beat_phase", "bar_phase", "section_index"].map(str::to_owned));
        names
    }

    /// Values per frame of [`to_matrix`](Self::to_matrix).
    pub fn n_columns(&self) -> usize {
        2 + self.n_mels + N_MFCC + N_CHROMA + 3
    }

    /// Every frame flattened in the documented column order, row-major
    /// (`n_frames × n_columns` values).
    pub fn to_matrix(&self) -> Vec<f32> {
        let mut out = Vec::with_capacity(self.n_frames * self.n_columns());
        for k in 0..self.n_frames {
            out.push(self.onset_strength.get(k).copied().unwrap_or(0.0));
            out.push(self.rms.get(k).copied().unwrap_or(0.0));
            let mel = self.log_mel_db.get(k).map_or(&[][..], Vec::as_slice);
            out.extend((0..self.n_mels).map(|b| mel.get(b).copied().unwrap_or(0.0)));
            out.extend(self.mfcc.get(k).copied().unwrap_or([0.0; N_MFCC]));
            out.extend(self.chroma.get(k).copied().unwrap_or([0.0; N_CHROMA]));
            out.push(self.beat_phase.get(k).copied().unwrap_or(0.0));
            out.push(self.bar_phase.get(k).copied().unwrap_or(0.0));
            out.push(self.section_index.get(k).map_or(0.0, |&i| i as f32));
        }
        out
    }
}
