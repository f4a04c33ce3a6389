//! Units and parsed quantities shared by every stage.
//!
//! Times are seconds (`f64`), angles radians, lengths metres. Quantities that are easy to get
//! wrong at a boundary (a sample rate of zero, a tempo of minus five) are parsed into types here
//! once, so the code behind the boundary never re-checks them.

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// A value that failed to parse into one of the unit types.
#[derive(Debug, Error, PartialEq)]
pub enum UnitError {
    /// The sample rate is outside what any real audio path produces.
    #[error("sample rate {hz} Hz is outside {min}..={max} Hz")]
    SampleRate { hz: u32, min: u32, max: u32 },
    /// The tempo is not a finite positive number in the plausible range.
    #[error("tempo {bpm} BPM is outside {min}..={max} BPM")]
    Bpm { bpm: f64, min: f64, max: f64 },
}

/// Audio sample rate in hertz, between 1 kHz and 768 kHz.
///
/// ```
/// use dancebot::units::SampleRate;
/// assert_eq!(SampleRate::new(48_000).unwrap().hz(), 48_000);
/// assert!(SampleRate::new(0).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct SampleRate(u32);

impl SampleRate {
    /// Lowest rate accepted: below this nothing musical survives.
    pub const MIN_HZ: u32 = 1_000;
    /// Highest rate accepted: the largest rate real interfaces offer.
    pub const MAX_HZ: u32 = 768_000;

    /// 22 050 Hz, the default analysis rate (half the CD rate, as librosa).
    pub const CD_HALF: SampleRate = SampleRate(22_050);

    /// Parses a rate, rejecting absurd values.
    pub fn new(hz: u32) -> Result<Self, UnitError> {
        if (Self::MIN_HZ..=Self::MAX_HZ).contains(&hz) {
            Ok(Self(hz))
        } else {
            Err(UnitError::SampleRate {
                hz,
                min: Self::MIN_HZ,
                max: Self::MAX_HZ,
            })
        }
    }

    /// The rate in hertz.
    pub fn hz(self) -> u32 {
        self.0
    }

    /// The rate as `f64`, for arithmetic.
    pub fn hz_f64(self) -> f64 {
        f64::from(self.0)
    }

    /// Converts a sample count into seconds at this rate.
    pub fn samples_to_secs(self, samples: usize) -> f64 {
        samples as f64 / self.hz_f64()
    }

    /// Converts seconds into the nearest sample index at this rate.
    pub fn secs_to_samples(self, secs: f64) -> usize {
        (secs * self.hz_f64()).round().max(0.0) as usize
    }
}

impl TryFrom<u32> for SampleRate {
    type Error = UnitError;
    fn try_from(hz: u32) -> Result<Self, Self::Error> {
        Self::new(hz)
    }
}

impl From<SampleRate> for u32 {
    fn from(rate: SampleRate) -> u32 {
        rate.0
    }
}

/// Musical tempo in beats per minute, finite and within 10..=400 BPM.
///
/// ```
/// use dancebot::units::Bpm;
/// let bpm = Bpm::new(120.0).unwrap();
/// assert_eq!(bpm.period_secs(), 0.5);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd, Serialize, Deserialize)]
#[serde(try_from = "f64", into = "f64")]
pub struct Bpm(f64);

impl Bpm {
    /// Slowest tempo accepted.
    pub const MIN: f64 = 10.0;
    /// Fastest tempo accepted.
    pub const MAX: f64 = 400.0;

    /// Parses a tempo.
    pub fn new(bpm: f64) -> Result<Self, UnitError> {
        if bpm.is_finite() && (Self::MIN..=Self::MAX).contains(&bpm) {
            Ok(Self(bpm))
        } else {
            Err(UnitError::Bpm {
                bpm,
                min: Self::MIN,
                max: Self::MAX,
            })
        }
    }

    /// Tempo from a beat period in seconds.
    pub fn from_period_secs(period_secs: f64) -> Result<Self, UnitError> {
        Self::new(60.0 / period_secs)
    }

    /// Beats per minute.
    pub fn bpm(self) -> f64 {
        self.0
    }

    /// Seconds between beats.
    pub fn period_secs(self) -> f64 {
        60.0 / self.0
    }
}

impl TryFrom<f64> for Bpm {
    type Error = UnitError;
    fn try_from(bpm: f64) -> Result<Self, Self::Error> {
        Self::new(bpm)
    }
}

impl From<Bpm> for f64 {
    fn from(bpm: Bpm) -> f64 {
        bpm.0
    }
}

/// Converts hertz to the mel scale (Slaney's formula, as librosa's default `htk=False`).
pub fn hz_to_mel(hz: f64) -> f64 {
    const F_SP: f64 = 200.0 / 3.0;
    const MIN_LOG_HZ: f64 = 1000.0;
    let min_log_mel = MIN_LOG_HZ / F_SP;
    let logstep = (6.4f64).ln() / 27.0;
    if hz >= MIN_LOG_HZ {
        min_log_mel + (hz / MIN_LOG_HZ).ln() / logstep
    } else {
        hz / F_SP
    }
}

/// Converts mel (Slaney) back to hertz; the inverse of [`hz_to_mel`].
pub fn mel_to_hz(mel: f64) -> f64 {
    const F_SP: f64 = 200.0 / 3.0;
    const MIN_LOG_HZ: f64 = 1000.0;
    let min_log_mel = MIN_LOG_HZ / F_SP;
    let logstep = (6.4f64).ln() / 27.0;
    if mel >= min_log_mel {
        MIN_LOG_HZ * (logstep * (mel - min_log_mel)).exp()
    } else {
        F_SP * mel
    }
}

/// Converts a power ratio to decibels, floored at `amin` to keep silence finite.
pub fn power_to_db(power: f32, amin: f32) -> f32 {
    10.0 * power.max(amin).log10()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_rate_bounds() {
        assert!(SampleRate::new(999).is_err());
        assert!(SampleRate::new(1_000).is_ok());
        assert!(SampleRate::new(768_000).is_ok());
        assert!(SampleRate::new(768_001).is_err());
    }

    #[test]
    fn samples_and_secs_round_trip() {
        let rate = SampleRate::new(24_000).unwrap();
        assert_eq!(rate.secs_to_samples(rate.samples_to_secs(12_345)), 12_345);
    }

    #[test]
    fn bpm_rejects_nan_and_extremes() {
        assert!(Bpm::new(f64::NAN).is_err());
        assert!(Bpm::new(f64::INFINITY).is_err());
        assert!(Bpm::new(0.0).is_err());
        assert_eq!(Bpm::from_period_secs(0.5).unwrap().bpm(), 120.0);
    }

    #[test]
    fn mel_scale_matches_librosa_reference_points() {
        // librosa.hz_to_mel(1000.0) == 15.0 and hz_to_mel(440.0) == 6.6 (Slaney).
        assert!((hz_to_mel(1000.0) - 15.0).abs() < 1e-9);
        assert!((hz_to_mel(440.0) - 6.6).abs() < 1e-9);
        for hz in [0.0, 100.0, 999.0, 1000.0, 4000.0, 11_025.0] {
            assert!((mel_to_hz(hz_to_mel(hz)) - hz).abs() < 1e-6);
        }
    }
}
