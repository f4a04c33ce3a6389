//! The project's own music: a seeded synthesizer that writes songs with exact beat, downbeat
//! and section ground truth.
//!
//! Beat trackers, section detectors and the dance pipeline need music whose beats are known
//! exactly, in every style they must cope with: 60–200 BPM, swing, tempo ramps, drumless
//! intros, syncopation, weak percussion, noise, odd sample rates, 3/4 and 4/4. [`render`]
//! turns a [`SongSpec`] into a [`Song`]: samples plus the [`GroundTruth`] they were placed
//! with. [`corpus`] is the fixed test corpus, [`bundled_song`] the demo song.
//!
//! The pipeline: [`spec`] → score (what each section plays, in beats) → timeline (tempo curve
//! and swing to whole samples) → arrangement (voice events) → mix (cached one-shot buffers
//! summed, panned) → master (level, noise, soft limiter). The same spec and seed always give
//! the same samples; repeated sections at a constant tempo are sample-identical before noise.
//!
//! [`write_song`] writes `song.wav` (16-bit PCM), `song.beats` (`time_secs<TAB>position` per
//! line, as common beat datasets) and `song.sections.json`; `dancebot synth` is its front end.
//!
//! ```
//! use dancebot::audio::synth::{self, SectionKind, SectionSpec, SongSpec};
//! let spec = SongSpec {
//!     tempo_bpm: 100.0,
//!     structure: vec![SectionSpec::new(SectionKind::Verse, 2)],
//!     ..SongSpec::default()
//! };
//! let song = synth::render(&spec).unwrap();
//! assert_eq!(song.truth.beats_secs.len(), 8);
//! assert!(song.mono().iter().all(|x| x.abs() < 1.0));
//! ```

mod arrange;
mod corpus;
mod dsp;
mod files;
mod instruments;
mod melody;
mod mix;
mod score;
pub mod spec;
mod theory;
mod timeline;
pub mod truth;

use std::path::PathBuf;

use thiserror::Error;

pub use corpus::{bundled_song, corpus, corpus_song};
pub use files::{write_beats, write_sections, write_song, write_wav, SongFiles};
pub use spec::{MixSpec, Mode, SectionKind, SectionSpec, SongSpec, Syncopation};
pub use truth::{parse_beats, BeatsParseError, GroundTruth, SectionSpan};

use crate::audio::AudioBlock;
use crate::config::{InvalidField, Validate};
use crate::error::OutputError;
use crate::units::SampleRate;

/// Silence after the last bar, so the last notes ring out.
pub const TAIL_SECS: f64 = 1.5;

/// Why a song could not be rendered or written.
#[derive(Debug, Error)]
pub enum SynthError {
    /// The spec has a value the synthesizer cannot honour.
    #[error("invalid song spec: {0}")]
    InvalidSpec(#[from] InvalidField),
    /// The WAV encoder failed.
    #[error("{path}: cannot encode WAV: {message}")]
    Wav { path: PathBuf, message: String },
    /// An output file could not be written.
    #[error(transparent)]
    Output(#[from] OutputError),
}

/// A rendered song: samples per channel and the truth they were placed with.
#[derive(Debug, Clone, PartialEq)]
pub struct Song {
    /// One (mono) or two (left, right) channels of equal length, each sample in (-1, 1).
    pub channels: Vec<Vec<f32>>,
    /// Rate of every channel.
    pub sample_rate: SampleRate,
    /// Beats, downbeats, tempo and sections.
    pub truth: GroundTruth,
}

impl Song {
    /// The channels averaged into one.
    pub fn mono(&self) -> Vec<f32> {
        match self.channels.as_slice() {
            [only] => only.clone(),
            channels => mix::downmix(channels),
        }
    }

    /// The mono downmix resampled to `rate` (unchanged when the song is already at `rate`),
    /// e.g. the analysis rate.
    pub fn mono_at(&self, rate: SampleRate) -> Result<Vec<f32>, crate::audio::AudioError> {
        crate::audio::resample::resample_mono(&self.mono(), self.sample_rate, rate)
    }

    /// The mono downmix as one audio block starting at 0 s, ready for analysis.
    pub fn mono_block(&self) -> AudioBlock {
        AudioBlock {
            samples: self.mono(),
            sample_rate: self.sample_rate,
            t0_secs: 0.0,
        }
    }

    /// Length in seconds.
    pub fn duration_secs(&self) -> f64 {
        let len = self.channels.first().map_or(0, Vec::len);
        self.sample_rate.samples_to_secs(len)
    }
}

/// Renders `spec` (validated first) into samples and ground truth.
pub fn render(spec: &SongSpec) -> Result<Song, SynthError> {
    spec.validate()?;
    let timeline = timeline::Timeline::new(spec);
    let events = arrange::arrange(spec, &timeline);
    let rate_hz = spec.sample_rate_hz.hz_f64();
    let len_samples = timeline.end_sample() + (TAIL_SECS * rate_hz).round() as usize;
    let [left, right] = mix::mix_events(&events, rate_hz, spec.seed, len_samples);
    let mut channels = if spec.stereo {
        vec![left, right]
    } else {
        vec![mix::downmix(&[left, right])]
    };
    mix::master(&mut channels, spec.noise_snr_db, spec.seed);
    tracing::debug!(
        events = events.len(),
        secs = len_samples as f64 / rate_hz,
        "rendered song"
    );
    Ok(Song {
        channels,
        sample_rate: spec.sample_rate_hz,
        truth: truth::GroundTruth::from_timeline(&timeline),
    })
}
