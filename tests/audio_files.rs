//! Audio files in, mono blocks at the analysis rate out: fixtures in all four formats with known
//! content, and every kind of bad input made on the spot in a temporary folder.

// Test helpers outside `#[test]` functions panic on purpose: a failed step fails the test.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use dancebot::audio::decode::load_mono;
use dancebot::audio::source::{read_to_end, FileSource};
use dancebot::audio::{AudioError, AudioSource};
use dancebot::units::SampleRate;

mod common;
use common::{peak_hz, rms};

const ANALYSIS_HZ: u32 = 22_050;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/audio")
        .join(name)
}

fn analysis_rate() -> SampleRate {
    SampleRate::new(ANALYSIS_HZ).unwrap()
}

/// Lead of the 440 Hz tone in `samples` over an ideal `sin(2π·440·t)` starting at t = 0, in
/// samples: zero when decoding and resampling kept the timeline.
fn tone_lead_samples(samples: &[f32], rate_hz: u32) -> f64 {
    let w = 2.0 * std::f64::consts::PI * 440.0 / f64::from(rate_hz);
    let n = samples.len();
    let (mut s, mut c) = (0.0, 0.0);
    for (j, &x) in samples.iter().enumerate().take(n * 4 / 5).skip(n / 5) {
        s += f64::from(x) * (w * j as f64).sin();
        c += f64::from(x) * (w * j as f64).cos();
    }
    c.atan2(s) / w
}

/// Loads a fixture and checks rate, length range (seconds), 440 Hz peak, tone amplitude within
/// `amplitude_tol` and timing (the tone starts at phase zero at t = 0).
fn check_tone(name: &str, secs: (f64, f64), amplitude: f64, amplitude_tol: f64) {
    let block = load_mono(&fixture(name), analysis_rate()).unwrap();
    assert_eq!(block.sample_rate.hz(), ANALYSIS_HZ, "{name}");
    assert_eq!(block.t0_secs, 0.0);
    let duration = block.duration_secs();
    assert!(
        (secs.0..=secs.1).contains(&duration),
        "{name}: {duration} s not in {secs:?}"
    );
    let hz = peak_hz(&block.samples, ANALYSIS_HZ);
    assert!((hz - 440.0).abs() < 1.0, "{name}: peak at {hz} Hz");
    let n = block.samples.len();
    let middle = &block.samples[n / 5..n * 4 / 5];
    let measured = rms(middle) * std::f64::consts::SQRT_2;
    assert!(
        (measured - amplitude).abs() < amplitude_tol,
        "{name}: amplitude {measured}, expected {amplitude}"
    );
    let lead = tone_lead_samples(&block.samples, ANALYSIS_HZ);
    assert!(lead.abs() < 0.1, "{name}: tone leads by {lead} samples");
}

#[test]
fn wav_44100_mono_is_halved_in_rate_and_keeps_440_hz() {
    check_tone("tone440_mono_44100.wav", (0.5, 0.5), 0.5, 0.01);
    let block = load_mono(&fixture("tone440_mono_44100.wav"), analysis_rate()).unwrap();
    assert_eq!(block.samples.len(), 11_025);
}

#[test]
fn wav_8000_mono_is_upsampled() {
    check_tone("tone440_mono_8000.wav", (1.0, 1.0), 0.5, 0.01);
}

#[test]
fn flac_48000_stereo_is_downmixed_by_averaging() {
    // Left carries a 0.5 sine, right is silent: the mean of the channels is a 0.25 sine.
    check_tone("tone440_left_stereo_48000.flac", (0.6, 0.6), 0.25, 0.01);
}

#[test]
fn mp3_44100_mono_decodes() {
    // Gapless decoding trims the encoder delay and padding: exactly one second, on time.
    // The encoder itself loses about 5% of the level (librosa reads 0.475 too).
    check_tone("tone440_mono_44100.mp3", (1.0, 1.0), 0.5, 0.04);
}

#[test]
fn ogg_vorbis_48000_stereo_decodes() {
    // The padded last Vorbis packet is cut at the final granule position: exactly 1 s.
    check_tone("tone440_stereo_48000.ogg", (1.0, 1.0), 0.5, 0.01);
}

#[test]
fn clicks_at_the_analysis_rate_pass_through_unchanged() {
    let block = load_mono(&fixture("clicks_mono_22050.wav"), analysis_rate()).unwrap();
    assert_eq!(block.samples.len(), 22_050);
    let onsets: Vec<usize> = (0..block.samples.len())
        .filter(|&i| block.samples[i] > 0.5 && (i == 0 || block.samples[i - 1] < 0.5))
        .collect();
    assert_eq!(onsets, vec![2205, 6615, 11_025, 15_435, 19_845]);
}

#[test]
fn streaming_source_matches_whole_file_decode() {
    for name in [
        "tone440_left_stereo_48000.flac",
        "tone440_mono_44100.mp3",
        "tone440_stereo_48000.ogg",
    ] {
        let whole = load_mono(&fixture(name), analysis_rate()).unwrap();
        let mut source = FileSource::open(&fixture(name), analysis_rate())
            .unwrap()
            .with_block_len(1000);
        assert_eq!(source.sample_rate().hz(), ANALYSIS_HZ);
        let mut expected_t0 = 0.0;
        let mut joined = Vec::new();
        while let Some(block) = source.next_block().unwrap() {
            assert!((block.t0_secs - expected_t0).abs() < 1e-9, "{name}");
            assert!(block.samples.len() <= 1000);
            expected_t0 += block.duration_secs();
            joined.extend(block.samples);
        }
        assert_eq!(joined, whole.samples, "{name}");
        assert!(source.next_block().unwrap().is_none());
    }
}

#[test]
fn file_source_reports_source_rate_and_declared_duration() {
    let source = FileSource::open(&fixture("tone440_mono_8000.wav"), analysis_rate()).unwrap();
    assert_eq!(source.source_rate().hz(), 8000);
    assert_eq!(source.declared_duration_secs(), Some(1.0));
    let mut source = source;
    assert_eq!(read_to_end(&mut source).unwrap().samples.len(), 22_050);
}

// ---- bad input -------------------------------------------------------------------------------

/// A RIFF/WAVE file with a `fmt ` chunk as given and a `data` chunk declaring `data_len` bytes
/// but holding `data`.
fn wav_bytes(
    tag: u16,
    channels: u16,
    rate_hz: u32,
    bits: u16,
    data: &[u8],
    data_len: u32,
) -> Vec<u8> {
    let block_align = channels * bits.div_ceil(8);
    let mut out = Vec::new();
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&tag.to_le_bytes());
    out.extend_from_slice(&channels.to_le_bytes());
    out.extend_from_slice(&rate_hz.to_le_bytes());
    out.extend_from_slice(&(rate_hz * u32::from(block_align)).to_le_bytes());
    out.extend_from_slice(&block_align.to_le_bytes());
    out.extend_from_slice(&bits.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    out.extend_from_slice(data);
    out
}

/// 16-bit PCM mono WAV of `n` samples of a ramp.
fn pcm16_wav(rate_hz: u32, n: usize) -> Vec<u8> {
    let data: Vec<u8> = (0..n)
        .flat_map(|i| ((i % 1000) as i16 * 20).to_le_bytes())
        .collect();
    wav_bytes(1, 1, rate_hz, 16, &data, data.len() as u32)
}

fn write_temp(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Loads `path` expecting an error whose message names the file; returns it.
fn load_err(path: &Path) -> AudioError {
    let err = load_mono(path, analysis_rate()).unwrap_err();
    let name = path.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        err.to_string().contains(&name),
        "message lacks file name: {err}"
    );
    err
}

#[test]
fn missing_file_is_an_open_error() {
    let dir = tempfile::tempdir().unwrap();
    let err = load_err(&dir.path().join("absent.wav"));
    assert!(matches!(err, AudioError::Open { .. }), "{err:?}");
}

#[test]
fn zero_length_file_is_empty() {
    let dir = tempfile::tempdir().unwrap();
    let err = load_err(&write_temp(&dir, "zero.wav", b""));
    assert!(matches!(err, AudioError::Empty { .. }), "{err:?}");
}

#[test]
fn text_renamed_wav_is_unsupported() {
    let dir = tempfile::tempdir().unwrap();
    let text = "These are not the samples you are looking for.\n".repeat(50);
    for name in ["notes.wav", "notes.mp3", "notes.flac", "notes.ogg"] {
        let err = load_err(&write_temp(&dir, name, text.as_bytes()));
        assert!(
            matches!(err, AudioError::Unsupported { .. }),
            "{name}: {err:?}"
        );
    }
}

#[test]
fn truncated_wav_is_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let full = pcm16_wav(44_100, 44_100);
    let err = load_err(&write_temp(&dir, "cut.wav", &full[..full.len() / 2]));
    assert!(matches!(err, AudioError::Corrupt { .. }), "{err:?}");
    assert!(err.to_string().contains("truncated"), "{err}");
}

#[test]
fn wav_cut_inside_its_header_is_rejected() {
    let dir = tempfile::tempdir().unwrap();
    let full = pcm16_wav(44_100, 100);
    let err = load_err(&write_temp(&dir, "header.wav", &full[..30]));
    assert!(
        matches!(
            err,
            AudioError::Corrupt { .. } | AudioError::Unsupported { .. }
        ),
        "{err:?}"
    );
}

#[test]
fn truncated_flac_is_corrupt() {
    let dir = tempfile::tempdir().unwrap();
    let full = std::fs::read(fixture("tone440_left_stereo_48000.flac")).unwrap();
    let err = load_err(&write_temp(&dir, "cut.flac", &full[..full.len() / 2]));
    assert!(matches!(err, AudioError::Corrupt { .. }), "{err:?}");
}

#[test]
fn truncated_mp3_is_corrupt() {
    // The LAME info header declares the frame count, so a file cut in half is detected.
    let dir = tempfile::tempdir().unwrap();
    let full = std::fs::read(fixture("tone440_mono_44100.mp3")).unwrap();
    let err = load_err(&write_temp(&dir, "cut.mp3", &full[..full.len() / 2]));
    assert!(matches!(err, AudioError::Corrupt { .. }), "{err:?}");
}

#[test]
fn streaming_source_is_spent_after_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let full = pcm16_wav(44_100, 44_100);
    let path = write_temp(&dir, "cut_stream.wav", &full[..full.len() / 2]);
    let mut source = FileSource::open(&path, analysis_rate()).unwrap();
    let mut result = source.next_block();
    while let Ok(Some(_)) = result {
        result = source.next_block();
    }
    assert!(
        matches!(result, Err(AudioError::Corrupt { .. })),
        "{result:?}"
    );
    assert!(source.next_block().unwrap().is_none());
}

#[test]
fn unsupported_codec_is_named() {
    // Format tag 0x0031 is GSM 6.10, which symphonia does not decode.
    let dir = tempfile::tempdir().unwrap();
    let bytes = wav_bytes(0x0031, 1, 8000, 0, &[0; 650], 650);
    let err = load_err(&write_temp(&dir, "gsm.wav", &bytes));
    assert!(matches!(err, AudioError::Unsupported { .. }), "{err:?}");
}

#[test]
fn nan_samples_are_counted_and_located() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nan.wav");
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 1000,
        bits_per_sample: 32,
        sample_format: hound::SampleFormat::Float,
    };
    let mut writer = hound::WavWriter::create(&path, spec).unwrap();
    for i in 0..2000 {
        let s = match i {
            601 => f32::NAN,
            1500 | 1999 => f32::INFINITY,
            _ => 0.1,
        };
        writer.write_sample(s).unwrap();
    }
    writer.finalize().unwrap();
    match load_err(&path) {
        AudioError::NonFinite {
            count, first_secs, ..
        } => {
            assert_eq!(count, 3);
            // Interleaved sample 601 is frame 300, at 0.3 s.
            assert!((first_secs - 0.3).abs() < 1e-9, "{first_secs}");
        }
        other => panic!("expected NonFinite, got {other:?}"),
    }
    // Streaming fails at the packet holding the first bad sample instead of the end.
    let mut source = FileSource::open(&path, analysis_rate()).unwrap();
    let err = read_to_end(&mut source).unwrap_err();
    assert!(matches!(err, AudioError::NonFinite { .. }), "{err:?}");
}

#[test]
fn absurd_sample_rates_are_rejected() {
    let dir = tempfile::tempdir().unwrap();
    for (name, rate_hz) in [("zero_hz.wav", 0), ("five_mhz.wav", 5_000_000)] {
        let data = vec![0u8; 2000];
        let bytes = wav_bytes(1, 1, rate_hz, 16, &data, 2000);
        let err = load_err(&write_temp(&dir, name, &bytes));
        assert!(
            matches!(err, AudioError::BadFormat { .. }),
            "{name}: {err:?}"
        );
        assert!(err.to_string().contains("sample rate"), "{err}");
    }
}

#[test]
fn header_without_samples_is_no_samples() {
    let dir = tempfile::tempdir().unwrap();
    let err = load_err(&write_temp(&dir, "nothing.wav", &pcm16_wav(44_100, 0)));
    assert!(matches!(err, AudioError::NoSamples { .. }), "{err:?}");
}

#[test]
fn silence_is_valid_audio() {
    let dir = tempfile::tempdir().unwrap();
    let data = vec![0u8; 2 * 2 * 48_000];
    let bytes = wav_bytes(1, 2, 48_000, 16, &data, data.len() as u32);
    let block = load_mono(&write_temp(&dir, "quiet.wav", &bytes), analysis_rate()).unwrap();
    assert_eq!(block.samples.len(), 22_050);
    assert!(block.samples.iter().all(|&s| s == 0.0));
}
