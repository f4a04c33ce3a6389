//! Audio files (WAV, FLAC, MP3, OGG/Vorbis) decoded through symphonia into mono `f32`.
//!
//! [`MonoDecoder`] reads one packet at a time and downmixes it (mean of the channels) at the
//! file's own rate, so a file of any length is decoded in bounded memory. [`load_mono`] decodes a
//! whole file and resamples it once to the analysis rate, for the offline tools.
//!
//! Every failure names the file and the problem: empty files, bytes that are not audio,
//! codecs we do not decode, absurd sample rates, truncated or corrupt streams, NaN or infinite
//! samples, and streams that hold no samples at all. Silence is valid audio.

mod errors;
mod riff;
mod samples;
mod wav;

use std::fs::File;
use std::io::{Seek, SeekFrom};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use symphonia::core::audio::SampleBuffer;
use symphonia::core::codecs::{self, CodecType, Decoder, DecoderOptions};
use symphonia::core::errors::Error as SymError;
use symphonia::core::formats::{FormatOptions, FormatReader};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;
use symphonia::core::probe::Hint;

use self::errors::{
    check_channels, corrupt, guard, is_end_of_stream, open_error, parse_rate, unsupported,
};
pub(crate) use self::samples::downmix_into;
use self::samples::{tally_non_finite, NonFiniteTally};
use super::resample::StreamResampler;
use super::{AudioBlock, AudioError};
use crate::units::SampleRate;

/// Largest channel count accepted (symphonia's own limit is 32).
pub(super) const MAX_CHANNELS: usize = 32;

/// Decodes the whole file at `path`, downmixes it to mono and resamples it to `target`.
///
/// Non-finite samples are counted over the whole file before failing, so the error says how
/// many there are and where the first one is.
///
/// ```
/// use std::path::Path;
/// use dancebot::audio::decode::load_mono;
/// use dancebot::units::SampleRate;
///
/// let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/audio/tone440_mono_8000.wav");
/// let block = load_mono(&path, SampleRate::CD_HALF)?;
/// assert_eq!(block.samples.len(), 22_050); // one second, now at 22 050 Hz
/// # Ok::<(), dancebot::audio::AudioError>(())
/// ```
pub fn load_mono(path: &Path, target: SampleRate) -> Result<AudioBlock, AudioError> {
    if let Some((mono, rate)) = wav::read_plain_wav_mono(path) {
        if rate == target {
            // What the resampler's passthrough would give, without copying every sample.
            return Ok(AudioBlock {
                samples: mono,
                sample_rate: target,
                t0_secs: 0.0,
            });
        }
        let mut resampler = StreamResampler::new(rate, target)?;
        let expected = usize::try_from(resampler.output_len_for(mono.len() as u64)).unwrap_or(0);
        let mut samples = Vec::with_capacity(expected);
        resampler.push(&mono, &mut samples)?;
        resampler.finish(&mut samples)?;
        return Ok(AudioBlock {
            samples,
            sample_rate: target,
            t0_secs: 0.0,
        });
    }
    let mut decoder = MonoDecoder::open(path)?;
    decoder.defer_non_finite = true;
    let mut resampler = StreamResampler::new(decoder.source_rate(), target)?;
    let expected = decoder
        .declared_frames()
        .map(|n| resampler.output_len_for(n))
        .and_then(|n| usize::try_from(n).ok())
        .unwrap_or(0);
    let mut samples = Vec::with_capacity(expected);
    while let Some(mono) = decoder.next_mono()? {
        resampler.push(mono, &mut samples)?;
    }
    resampler.finish(&mut samples)?;
    Ok(AudioBlock {
        samples,
        sample_rate: target,
        t0_secs: 0.0,
    })
}

/// Packet-by-packet decoder yielding mono samples at the file's own rate.
pub struct MonoDecoder {
    path: PathBuf,
    format: Box<dyn FormatReader>,
    decoder: Box<dyn Decoder>,
    track_id: u32,
    lossy: bool,
    /// Cut the decoded stream at the declared length (Vorbis: see `trim_to_declared_length`).
    trim_to_declared: bool,
    source_rate: SampleRate,
    declared_frames: Option<u64>,
    interleaved: Option<SampleBuffer<f32>>,
    mono: Vec<f32>,
    decoded_frames: u64,
    skipped_packets: usize,
    non_finite: NonFiniteTally,
    /// Keep decoding past non-finite samples and fail at the end with the total count.
    defer_non_finite: bool,
    finished: bool,
}

impl std::fmt::Debug for MonoDecoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MonoDecoder")
            .field("path", &self.path)
            .field("source_rate", &self.source_rate)
            .field("decoded_frames", &self.decoded_frames)
            .finish()
    }
}

impl MonoDecoder {
    /// Opens `path`, probes its container and prepares a decoder for its first audio track.
    pub fn open(path: &Path) -> Result<Self, AudioError> {
        let file = open_non_empty(path)?;
        let mss = MediaSourceStream::new(Box::new(file), Default::default());
        let mut hint = Hint::new();
        if let Some(ext) = path.extension().and_then(|e| e.to_str()) {
            hint.with_extension(ext);
        }
        let probed = guard(path, "probing the container", || {
            symphonia::default::get_probe()
                .format(
                    &hint,
                    mss,
                    &FormatOptions {
                        // Trims MP3 encoder delay and padding, which would otherwise shift every
                        // beat by ~25 ms.
                        enable_gapless: true,
                        ..FormatOptions::default()
                    },
                    &MetadataOptions::default(),
                )
                .map_err(|e| open_error(path, e))
        })?;
        let format = probed.format;
        let track = format
            .tracks()
            .iter()
            .find(|t| t.codec_params.codec != codecs::CODEC_TYPE_NULL)
            .ok_or_else(|| unsupported(path, "no audio track"))?;
        let params = track.codec_params.clone();
        let track_id = track.id;
        let source_rate = parse_rate(path, params.sample_rate)?;
        if let Some(channels) = params.channels {
            check_channels(path, channels.count())?;
        }
        let decoder = guard(path, "opening the codec", || {
            symphonia::default::get_codecs()
                .make(&params, &DecoderOptions::default())
                .map_err(|e| unsupported(path, format!("no decoder for this codec ({e})")))
        })?;
        Ok(Self {
            path: path.to_owned(),
            format,
            decoder,
            track_id,
            lossy: is_lossy_codec(params.codec),
            trim_to_declared: params.codec == codecs::CODEC_TYPE_VORBIS,
            source_rate,
            declared_frames: params.n_frames,
            interleaved: None,
            mono: Vec::new(),
            decoded_frames: 0,
            skipped_packets: 0,
            non_finite: NonFiniteTally::default(),
            defer_non_finite: false,
            finished: false,
        })
    }

    /// The file's own sample rate.
    pub fn source_rate(&self) -> SampleRate {
        self.source_rate
    }

    /// Frames the container declares, when it does (exact for WAV and FLAC).
    pub fn declared_frames(&self) -> Option<u64> {
        self.declared_frames
    }

    /// The path being decoded.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Mono samples of the next packet, or `None` at the end of the stream.
    ///
    /// At the end it checks the stream as a whole: no samples at all, fewer frames than a
    /// lossless container declares (truncation), or deferred non-finite samples are errors.
    pub fn next_mono(&mut self) -> Result<Option<&[f32]>, AudioError> {
        if self.finished {
            return Ok(None);
        }
        let decoded = catch_unwind(AssertUnwindSafe(|| self.decode_next_packet()));
        match decoded {
            Ok(Ok(true)) => Ok(Some(&self.mono)),
            Ok(Ok(false)) => Ok(None),
            Ok(Err(e)) => {
                self.finished = true;
                Err(e)
            }
            Err(_) => {
                self.finished = true;
                Err(corrupt(
                    &self.path,
                    "decoder crashed while decoding a packet",
                ))
            }
        }
    }

    /// Decodes the next packet of our track into `self.mono`; `false` at the end of the stream.
    fn decode_next_packet(&mut self) -> Result<bool, AudioError> {
        loop {
            let packet = match self.format.next_packet() {
                Ok(packet) => packet,
                Err(e) if is_end_of_stream(&e) => return self.end_of_stream().map(|()| false),
                Err(e) => return Err(corrupt(&self.path, format!("cannot read packet: {e}"))),
            };
            if packet.track_id() != self.track_id {
                continue;
            }
            let decoded = match self.decoder.decode(&packet) {
                Ok(decoded) => decoded,
                Err(SymError::DecodeError(reason)) if self.lossy => {
                    // Lossy streams recover at the next packet; one bad packet is a glitch.
                    tracing::debug!(path = %self.path.display(), reason, "skipping corrupt packet");
                    self.skipped_packets += 1;
                    continue;
                }
                Err(e) if is_end_of_stream(&e) => return self.end_of_stream().map(|()| false),
                Err(e) => return Err(corrupt(&self.path, format!("cannot decode packet: {e}"))),
            };
            let frames = decoded.frames();
            if frames == 0 {
                continue;
            }
            let spec = *decoded.spec();
            if spec.rate != self.source_rate.hz() {
                return Err(AudioError::BadFormat {
                    path: self.path.clone(),
                    reason: format!(
                        "sample rate changes mid-stream from {} Hz to {} Hz",
                        self.source_rate.hz(),
                        spec.rate
                    ),
                });
            }
            let channels = spec.channels.count();
            check_channels(&self.path, channels)?;
            let buf = match &mut self.interleaved {
                Some(buf) if buf.capacity() >= frames * channels => buf,
                slot => slot.insert(SampleBuffer::new(decoded.capacity() as u64, spec)),
            };
            buf.copy_interleaved_ref(decoded);
            let interleaved = buf.samples();
            tally_non_finite(
                interleaved,
                channels,
                self.decoded_frames,
                &mut self.non_finite,
            );
            downmix_into(interleaved, channels, &mut self.mono);
            self.trim_to_declared_length();
            if self.mono.is_empty() {
                continue;
            }
            self.decoded_frames += self.mono.len() as u64;
            if !self.defer_non_finite && self.non_finite.count > 0 {
                return Err(self.non_finite_error());
            }
            return Ok(true);
        }
    }

    /// Vorbis pads its last packet; the stream's length is the final granule position, which
    /// symphonia reports as the declared frame count but does not apply. We apply it. Other
    /// codecs are left alone: an MP3 header's count can be stale (concatenated files), and
    /// cutting music there would lose it.
    fn trim_to_declared_length(&mut self) {
        let Some(declared) = self.declared_frames.filter(|_| self.trim_to_declared) else {
            return;
        };
        let room = declared.saturating_sub(self.decoded_frames);
        let keep = usize::try_from(room)
            .unwrap_or(usize::MAX)
            .min(self.mono.len());
        self.mono.truncate(keep);
    }

    fn is_lossy(&self) -> bool {
        self.lossy
    }
}

/// Codecs whose length fields are estimates and whose packets can be skipped when corrupt.
fn is_lossy_codec(codec: CodecType) -> bool {
    matches!(
        codec,
        codecs::CODEC_TYPE_MP1
            | codecs::CODEC_TYPE_MP2
            | codecs::CODEC_TYPE_MP3
            | codecs::CODEC_TYPE_VORBIS
            | codecs::CODEC_TYPE_AAC
            | codecs::CODEC_TYPE_OPUS
    )
}

impl MonoDecoder {
    /// Whole-stream checks once the last packet is read.
    fn end_of_stream(&mut self) -> Result<(), AudioError> {
        self.finished = true;
        if self.skipped_packets > 0 {
            tracing::warn!(
                path = %self.path.display(),
                skipped = self.skipped_packets,
                "skipped corrupt packets while decoding"
            );
        }
        if self.non_finite.count > 0 {
            return Err(self.non_finite_error());
        }
        if self.decoded_frames == 0 {
            return Err(AudioError::NoSamples {
                path: self.path.clone(),
            });
        }
        self.check_truncation()
    }

    /// Lossless containers declare their length exactly; decoding fewer frames means the file
    /// was cut. Lossy length fields are estimates (encoder delay, padding), so only a shortfall
    /// of more than a tenth counts there.
    fn check_truncation(&self) -> Result<(), AudioError> {
        let Some(declared) = self.declared_frames else {
            return Ok(());
        };
        let missing = declared.saturating_sub(self.decoded_frames);
        let tolerance = if self.is_lossy() { declared / 10 } else { 0 };
        if missing > tolerance {
            let rate = self.source_rate.hz_f64();
            return Err(corrupt(
                &self.path,
                format!(
                    "truncated: header declares {declared} frames ({:.3} s), only {} decoded ({:.3} s)",
                    declared as f64 / rate,
                    self.decoded_frames,
                    self.decoded_frames as f64 / rate
                ),
            ));
        }
        Ok(())
    }

    fn non_finite_error(&self) -> AudioError {
        let first = self.non_finite.first_frame.unwrap_or(0);
        AudioError::NonFinite {
            path: self.path.clone(),
            count: self.non_finite.count,
            first_secs: first as f64 / self.source_rate.hz_f64(),
        }
    }
}

/// Opens the file, rejecting a zero-length one before any probing.
fn open_non_empty(path: &Path) -> Result<File, AudioError> {
    let open_err = |source| AudioError::Open {
        path: path.to_owned(),
        source,
    };
    let file = File::open(path).map_err(open_err)?;
    let len = file.metadata().map_err(open_err)?.len();
    if len == 0 {
        return Err(AudioError::Empty {
            path: path.to_owned(),
        });
    }
    let mut file = file;
    if let Some((channels, rate_hz)) = riff::wav_format(&mut file) {
        parse_rate(path, Some(rate_hz))?;
        check_channels(path, usize::from(channels))?;
    }
    file.seek(SeekFrom::Start(0)).map_err(open_err)?;
    Ok(file)
}
