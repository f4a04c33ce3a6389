//! A direct path for plain WAV files (8-, 16- or 32-bit integer PCM, or 32-bit float).
//!
//! Most files the tools see are WAV, and symphonia's general packet machinery costs about a
//! third of a whole beat analysis on them; reading the samples straight through `hound` costs a
//! fraction of that. This path only ever succeeds on clean input: anything unusual (a codec
//! other than PCM, a truncated or empty data chunk, NaN samples, absurd rates) returns `None`, and the
//! caller decodes with symphonia, whose errors name the file and the problem.

use std::path::Path;

use super::samples::downmix_into;
use super::MAX_CHANNELS;
use crate::units::SampleRate;

/// The file's samples, downmixed to mono at its own rate, when it is a clean plain WAV.
pub(super) fn read_plain_wav_mono(path: &Path) -> Option<(Vec<f32>, SampleRate)> {
    let is_wav = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("wav"));
    if !is_wav {
        return None;
    }
    let bytes = std::fs::read(path).ok()?;
    let reader = hound::WavReader::new(std::io::Cursor::new(bytes.as_slice())).ok()?;
    let spec = reader.spec();
    let channels = usize::from(spec.channels);
    let rate = SampleRate::new(spec.sample_rate).ok()?;
    if !(1..=MAX_CHANNELS).contains(&channels) {
        return None;
    }
    let declared = usize::try_from(reader.len()).ok()?;
    // hound leaves the cursor at the first sample of the data chunk.
    let data_start = usize::try_from(reader.into_inner().position()).ok()?;
    let interleaved = convert(bytes.get(data_start..)?, spec, declared)?;
    if declared == 0 || declared % channels != 0 {
        return None;
    }
    // Integer samples are always finite; only float data can hold NaN or infinity.
    let is_float = spec.sample_format == hound::SampleFormat::Float;
    if is_float && interleaved.iter().any(|s| !s.is_finite()) {
        return None;
    }
    if channels == 1 {
        // Already mono: no downmix copy.
        return Some((interleaved, rate));
    }
    let mut mono = Vec::with_capacity(declared / channels);
    downmix_into(&interleaved, channels, &mut mono);
    Some((mono, rate))
}

/// The first `n_samples` little-endian samples of `data` as `f32` in -1..1, or `None` when the
/// data is shorter than declared or the format is not plain PCM/float. 24-bit samples go to
/// the general path: they are often stored in 32-bit containers, which hound does not report.
fn convert(data: &[u8], spec: hound::WavSpec, n_samples: usize) -> Option<Vec<f32>> {
    let width = usize::from(spec.bits_per_sample.div_ceil(8));
    let data = data.get(..n_samples.checked_mul(width)?)?;
    // Each arm splits into arrays of its own constant width, so the conversion loop is
    // specialised (and vectorized) for it; `chunks_exact` kept the width a run-time value and
    // made a slow generic loop. `data` holds exactly `n_samples` samples: no remainder.
    let out = match (spec.sample_format, width) {
        (hound::SampleFormat::Float, 4) => data
            .as_chunks::<4>()
            .0
            .iter()
            .map(|&b| f32::from_le_bytes(b))
            .collect(),
        (hound::SampleFormat::Int, 1) => data
            .iter()
            .map(|&b| (f32::from(b) - 128.0) / 128.0)
            .collect(),
        (hound::SampleFormat::Int, 2) => data
            .as_chunks::<2>()
            .0
            .iter()
            .map(|&b| f32::from(i16::from_le_bytes(b)) / 32_768.0)
            .collect(),
        (hound::SampleFormat::Int, 4) => data
            .as_chunks::<4>()
            .0
            .iter()
            .map(|&b| i32::from_le_bytes(b) as f32 / 2_147_483_648.0)
            .collect(),
        _ => return None,
    };
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write_wav(path: &Path, spec: hound::WavSpec, frames: &[Vec<f32>]) {
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        for frame in frames {
            for &s in frame {
                match spec.sample_format {
                    hound::SampleFormat::Float => w.write_sample(s).unwrap(),
                    hound::SampleFormat::Int => w.write_sample((s * 32_767.0) as i16).unwrap(),
                }
            }
        }
        w.finalize().unwrap();
    }

    #[test]
    fn reads_and_downmixes_16_bit_stereo() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.WAV");
        let spec = hound::WavSpec {
            channels: 2,
            sample_rate: 8_000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        write_wav(&path, spec, &[vec![0.5, 0.0], vec![-0.5, -0.5]]);
        let (mono, rate) = read_plain_wav_mono(&path).unwrap();
        assert_eq!(rate.hz(), 8_000);
        assert_eq!(mono.len(), 2);
        assert!(
            (mono[0] - 0.25).abs() < 1e-4 && (mono[1] + 0.5).abs() < 1e-4,
            "{mono:?}"
        );
    }

    #[test]
    fn leaves_nan_and_non_wav_to_the_general_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("nan.wav");
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 8_000,
            bits_per_sample: 32,
            sample_format: hound::SampleFormat::Float,
        };
        write_wav(&path, spec, &[vec![0.1], vec![f32::NAN]]);
        assert!(read_plain_wav_mono(&path).is_none());
        let text = dir.path().join("x.wav");
        std::fs::write(&text, b"not audio").unwrap();
        assert!(read_plain_wav_mono(&text).is_none());
        assert!(read_plain_wav_mono(&dir.path().join("a.flac")).is_none());
    }
}
