//! Streaming sources: a file decoded packet by packet, and an in-memory signal.
//!
//! Both implement [`AudioSource`] and yield mono blocks of a fixed length (the last block may be
//! shorter) at their output rate, with `t0_secs` counting output samples from zero. A
//! [`FileSource`] holds one packet and one resampler chunk at a time, so an hour-long file
//! streams through the analysis in bounded memory.

use std::collections::VecDeque;
use std::path::{Path, PathBuf};

use super::decode::MonoDecoder;
use super::resample::StreamResampler;
use super::{AudioBlock, AudioError, AudioSource};
use crate::units::SampleRate;

/// Block length used when none is given: 2048 samples, about 93 ms at 22 050 Hz.
pub const DEFAULT_BLOCK_LEN_SAMPLES: usize = 2048;

/// Drains up to `block_len` samples from the front of `pending` into a block.
pub(crate) fn take_block(
    pending: &mut VecDeque<f32>,
    block_len: usize,
    rate: SampleRate,
    emitted_samples: &mut u64,
) -> Option<AudioBlock> {
    if pending.is_empty() {
        return None;
    }
    let n = block_len.min(pending.len());
    let samples: Vec<f32> = pending.drain(..n).collect();
    let t0_secs = *emitted_samples as f64 / rate.hz_f64();
    *emitted_samples += n as u64;
    Some(AudioBlock {
        samples,
        sample_rate: rate,
        t0_secs,
    })
}

/// An audio file decoded packet by packet and resampled chunk by chunk to a target rate.
#[derive(Debug)]
pub struct FileSource {
    decoder: MonoDecoder,
    resampler: StreamResampler,
    block_len: usize,
    /// Resampled samples not yet handed out (at most one block plus one packet's worth).
    pending: VecDeque<f32>,
    /// Scratch for one resampler push, reused.
    resampled: Vec<f32>,
    emitted_samples: u64,
    finished: bool,
}

impl FileSource {
    /// Opens `path` for streaming at `target`, in blocks of [`DEFAULT_BLOCK_LEN_SAMPLES`].
    ///
    /// ```
    /// use std::path::Path;
    /// use dancebot::audio::{source::FileSource, AudioSource};
    /// use dancebot::units::SampleRate;
    ///
    /// let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio/tone440_mono_44100.mp3");
    /// let mut source = FileSource::open(&path, SampleRate::CD_HALF)?.with_block_len(4096);
    /// let mut total = 0;
    /// while let Some(block) = source.next_block()? {
    ///     total += block.samples.len();
    /// }
    /// assert_eq!(total, 22_050);
    /// # Ok::<(), dancebot::audio::AudioError>(())
    /// ```
    pub fn open(path: &Path, target: SampleRate) -> Result<Self, AudioError> {
        let decoder = MonoDecoder::open(path)?;
        let resampler = StreamResampler::new(decoder.source_rate(), target)?;
        Ok(Self {
            decoder,
            resampler,
            block_len: DEFAULT_BLOCK_LEN_SAMPLES,
            pending: VecDeque::new(),
            resampled: Vec::new(),
            emitted_samples: 0,
            finished: false,
        })
    }

    /// Sets the block length in samples (at least 1).
    pub fn with_block_len(mut self, block_len_samples: usize) -> Self {
        self.block_len = block_len_samples.max(1);
        self
    }

    /// The file's own sample rate, before resampling.
    pub fn source_rate(&self) -> SampleRate {
        self.decoder.source_rate()
    }

    /// Duration the container declares, in seconds, when it does.
    pub fn declared_duration_secs(&self) -> Option<f64> {
        let frames = self.decoder.declared_frames()?;
        Some(frames as f64 / self.decoder.source_rate().hz_f64())
    }

    /// The file being read.
    pub fn path(&self) -> &Path {
        self.decoder.path()
    }

    /// Decodes packets until a full block is pending or the stream ends.
    fn fill(&mut self) -> Result<(), AudioError> {
        while self.pending.len() < self.block_len && !self.finished {
            self.resampled.clear();
            match self.decoder.next_mono()? {
                Some(mono) => self.resampler.push(mono, &mut self.resampled)?,
                None => {
                    self.resampler.finish(&mut self.resampled)?;
                    self.finished = true;
                }
            }
            self.pending.extend(self.resampled.iter().copied());
        }
        Ok(())
    }
}

impl AudioSource for FileSource {
    fn sample_rate(&self) -> SampleRate {
        self.resampler.to_rate()
    }

    /// The next block; after an error the source is spent and yields `None`.
    fn next_block(&mut self) -> Result<Option<AudioBlock>, AudioError> {
        if let Err(e) = self.fill() {
            self.finished = true;
            self.pending.clear();
            return Err(e);
        }
        let rate = self.resampler.to_rate();
        Ok(take_block(
            &mut self.pending,
            self.block_len,
            rate,
            &mut self.emitted_samples,
        ))
    }
}

/// An in-memory mono signal handed out in fixed-size blocks (synthetic signals, tests).
#[derive(Debug, Clone)]
pub struct SignalSource {
    pending: VecDeque<f32>,
    rate: SampleRate,
    block_len: usize,
    emitted_samples: u64,
}

impl SignalSource {
    /// Wraps `samples` at `rate`, yielding blocks of `block_len_samples` (at least 1).
    ///
    /// Fails on NaN or infinite samples, as a file would.
    ///
    /// ```
    /// use dancebot::audio::{source::SignalSource, AudioSource};
    /// use dancebot::units::SampleRate;
    /// let mut src = SignalSource::new(vec![0.0; 5], SampleRate::CD_HALF, 2).unwrap();
    /// let lens: Vec<usize> = std::iter::from_fn(|| src.next_block().unwrap())
    ///     .map(|b| b.samples.len())
    ///     .collect();
    /// assert_eq!(lens, vec![2, 2, 1]);
    /// ```
    pub fn new(
        samples: Vec<f32>,
        rate: SampleRate,
        block_len_samples: usize,
    ) -> Result<Self, AudioError> {
        check_finite(&samples, rate)?;
        Ok(Self {
            pending: samples.into(),
            rate,
            block_len: block_len_samples.max(1),
            emitted_samples: 0,
        })
    }

    /// Wraps `samples` recorded at `from`, resampled once to `to` (e.g. a synthesized song at
    /// 44.1 kHz for analysis at 22.05 kHz).
    pub fn resampled(
        samples: &[f32],
        from: SampleRate,
        to: SampleRate,
        block_len_samples: usize,
    ) -> Result<Self, AudioError> {
        check_finite(samples, from)?;
        let resampled = super::resample::resample_mono(samples, from, to)?;
        Self::new(resampled, to, block_len_samples)
    }
}

impl AudioSource for SignalSource {
    fn sample_rate(&self) -> SampleRate {
        self.rate
    }

    fn next_block(&mut self) -> Result<Option<AudioBlock>, AudioError> {
        Ok(take_block(
            &mut self.pending,
            self.block_len,
            self.rate,
            &mut self.emitted_samples,
        ))
    }
}

fn check_finite(samples: &[f32], rate: SampleRate) -> Result<(), AudioError> {
    let mut bad = samples.iter().enumerate().filter(|(_, s)| !s.is_finite());
    let Some((first, _)) = bad.next() else {
        return Ok(());
    };
    Err(AudioError::NonFinite {
        path: PathBuf::from("<in-memory signal>"),
        count: 1 + bad.count(),
        first_secs: rate.samples_to_secs(first),
    })
}

/// Reads a whole source into one block (for tests and small signals).
pub fn read_to_end(source: &mut dyn AudioSource) -> Result<AudioBlock, AudioError> {
    let rate = source.sample_rate();
    let mut samples = Vec::new();
    let mut t0_secs = None;
    while let Some(block) = source.next_block()? {
        t0_secs.get_or_insert(block.t0_secs);
        samples.extend_from_slice(&block.samples);
    }
    Ok(AudioBlock {
        samples,
        sample_rate: rate,
        t0_secs: t0_secs.unwrap_or(0.0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(hz: u32) -> SampleRate {
        SampleRate::new(hz).unwrap()
    }

    #[test]
    fn signal_blocks_are_contiguous_in_time() {
        let samples: Vec<f32> = (0..1000).map(|i| i as f32 / 1000.0).collect();
        let mut src = SignalSource::new(samples.clone(), rate(1000), 300).unwrap();
        let mut joined = Vec::new();
        let mut t0s = Vec::new();
        while let Some(block) = src.next_block().unwrap() {
            t0s.push(block.t0_secs);
            joined.extend(block.samples);
        }
        assert_eq!(t0s, vec![0.0, 0.3, 0.6, 0.9]);
        assert_eq!(joined, samples);
        assert!(src.next_block().unwrap().is_none());
    }

    #[test]
    fn signal_rejects_nan_with_position() {
        let mut samples = vec![0.0; 100];
        samples[50] = f32::NAN;
        samples[70] = f32::NEG_INFINITY;
        match SignalSource::new(samples, rate(1000), 10) {
            Err(AudioError::NonFinite {
                count, first_secs, ..
            }) => {
                assert_eq!(count, 2);
                assert!((first_secs - 0.05).abs() < 1e-12);
            }
            other => panic!("expected NonFinite, got {other:?}"),
        }
    }

    #[test]
    fn resampled_signal_has_target_rate_and_length() {
        let samples = vec![0.25; 44_100];
        let mut src = SignalSource::resampled(&samples, rate(44_100), rate(22_050), 512).unwrap();
        assert_eq!(src.sample_rate(), rate(22_050));
        let all = read_to_end(&mut src).unwrap();
        assert_eq!(all.samples.len(), 22_050);
        // A constant stays constant away from the edges.
        assert!(all.samples[1000..21_000]
            .iter()
            .all(|s| (s - 0.25).abs() < 1e-3));
    }
}
