//! Audio in: files, sound cards and synthetic signals, as mono `f32` blocks at one rate.
//!
//! Decoding, downmixing and resampling happen once, here at the edge; everything downstream
//! sees [`AudioBlock`]s at the analysis rate. Sources implement [`AudioSource`], so the
//! analysis does not care whether samples come from a WAV file, a microphone or a test signal.

pub mod decode;
#[cfg(feature = "audio-device")]
pub mod device;
pub mod resample;
pub mod source;
pub mod synth;

use std::path::PathBuf;

use thiserror::Error;

use crate::units::SampleRate;

/// A run of mono samples starting at `t0_secs` on the source's own timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct AudioBlock {
    /// Mono samples, nominally in -1..=1, always finite.
    pub samples: Vec<f32>,
    /// Rate of `samples`.
    pub sample_rate: SampleRate,
    /// Source time of the first sample, seconds.
    pub t0_secs: f64,
}

impl AudioBlock {
    /// Duration of the block in seconds.
    pub fn duration_secs(&self) -> f64 {
        self.sample_rate.samples_to_secs(self.samples.len())
    }
}

/// Anything that yields audio blocks in time order.
pub trait AudioSource {
    /// Rate of every block this source yields.
    fn sample_rate(&self) -> SampleRate;
    /// The next block, or `None` at the end of the stream.
    fn next_block(&mut self) -> Result<Option<AudioBlock>, AudioError>;
}

/// Why audio could not be read.
#[derive(Debug, Error)]
pub enum AudioError {
    /// The file could not be opened.
    #[error("{path}: cannot open audio file")]
    Open {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file is empty.
    #[error("{path}: audio file is empty (0 bytes)")]
    Empty { path: PathBuf },
    /// The container or codec is not one we decode, or the bytes are not audio at all.
    #[error("{path}: not a supported audio file: {reason}")]
    Unsupported { path: PathBuf, reason: String },
    /// Decoding failed part way (truncated or corrupt data).
    #[error("{path}: corrupt or truncated audio: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    /// The stream declares a rate or channel count no real audio has.
    #[error("{path}: {reason}")]
    BadFormat { path: PathBuf, reason: String },
    /// Samples contain NaN or infinities.
    #[error("{path}: {count} non-finite samples (NaN or infinite), first at {first_secs:.3} s")]
    NonFinite {
        path: PathBuf,
        count: usize,
        first_secs: f64,
    },
    /// The decoded stream holds no samples.
    #[error("{path}: audio file holds no samples")]
    NoSamples { path: PathBuf },
    /// Resampling failed.
    #[error("resampling {from_hz} Hz -> {to_hz} Hz failed: {reason}")]
    Resample {
        from_hz: u32,
        to_hz: u32,
        reason: String,
    },
    /// A capture device is missing, refused its configuration or went away.
    #[error("audio device: {0}")]
    Device(String),
}
