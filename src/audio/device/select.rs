//! Choosing a capture device and a stream configuration it supports.
//!
//! Without a requested rate or channel count we take the device's default configuration when it
//! is `f32` or `i16` (no conversion loss, and what the device is set up for). Otherwise, or when
//! the default is another format, we walk the supported ranges in the order of
//! [`PREFERRED_FORMATS`] and take the first that fits the request, at the requested rate, else
//! the default rate, else the range's highest rate we accept.

use cpal::traits::{DeviceTrait, HostTrait};
use cpal::{SampleFormat, SupportedStreamConfig, SupportedStreamConfigRange};

use crate::audio::AudioError;
use crate::units::SampleRate;

/// Sample formats we capture, best first.
pub const PREFERRED_FORMATS: [SampleFormat; 5] = [
    SampleFormat::F32,
    SampleFormat::I16,
    SampleFormat::I32,
    SampleFormat::U16,
    SampleFormat::U8,
];

/// A caller's requirements on the stream configuration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Wanted {
    /// Required device rate, if any.
    pub rate_hz: Option<u32>,
    /// Required channel count, if any.
    pub channels: Option<u16>,
}

/// The device called `name` on the default host, or the host's default capture device.
pub fn find_device(name: Option<&str>) -> Result<cpal::Device, AudioError> {
    let host = cpal::default_host();
    let Some(wanted) = name else {
        return host
            .default_input_device()
            .ok_or_else(|| AudioError::Device("no default capture device".into()));
    };
    let devices = host
        .input_devices()
        .map_err(|e| AudioError::Device(format!("cannot list capture devices: {e}")))?;
    let mut seen = Vec::new();
    for device in devices {
        let Ok(device_name) = device.name() else {
            continue;
        };
        if device_name == wanted {
            return Ok(device);
        }
        seen.push(device_name);
    }
    Err(AudioError::Device(format!(
        "no capture device named '{wanted}' (available: {})",
        seen.join(", ")
    )))
}

/// Queries the device and picks a configuration (see the module docs).
pub fn choose_config(
    device: &cpal::Device,
    name: &str,
    wanted: Wanted,
) -> Result<SupportedStreamConfig, AudioError> {
    let default = device.default_input_config().ok();
    let ranges: Vec<_> = device
        .supported_input_configs()
        .map_err(|e| AudioError::Device(format!("'{name}': cannot query configurations: {e}")))?
        .collect();
    pick_config(default, &ranges, wanted).ok_or_else(|| {
        AudioError::Device(format!(
            "'{name}': no f32, i16, i32, u16 or u8 capture configuration{}",
            describe(wanted)
        ))
    })
}

/// The pure part of [`choose_config`].
pub fn pick_config(
    default: Option<SupportedStreamConfig>,
    ranges: &[SupportedStreamConfigRange],
    wanted: Wanted,
) -> Option<SupportedStreamConfig> {
    if let Some(config) = &default {
        let good_format = matches!(
            config.sample_format(),
            SampleFormat::F32 | SampleFormat::I16
        );
        if good_format && wanted == Wanted::default() {
            return Some(config.clone());
        }
    }
    let fallback_rate = default.map_or(cpal::SampleRate(48_000), |c| c.sample_rate());
    let rate = wanted.rate_hz.map_or(fallback_rate, cpal::SampleRate);
    for format in PREFERRED_FORMATS {
        let fitting = ranges.iter().filter(|r| {
            r.sample_format() == format && wanted.channels.is_none_or(|c| r.channels() == c)
        });
        for range in fitting {
            let max_rate = cpal::SampleRate(range.max_sample_rate().0.min(SampleRate::MAX_HZ));
            let config = match wanted.rate_hz {
                Some(_) => range.try_with_sample_rate(rate),
                None => range
                    .try_with_sample_rate(rate)
                    .or_else(|| range.try_with_sample_rate(max_rate)),
            };
            if config.is_some() {
                return config;
            }
        }
    }
    None
}

fn describe(wanted: Wanted) -> String {
    let mut parts = Vec::new();
    if let Some(channels) = wanted.channels {
        parts.push(format!("{channels} channels"));
    }
    if let Some(rate_hz) = wanted.rate_hz {
        parts.push(format!("{rate_hz} Hz"));
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" with {}", parts.join(" at "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use cpal::SupportedBufferSize;

    fn range(
        channels: u16,
        min_hz: u32,
        max_hz: u32,
        format: SampleFormat,
    ) -> SupportedStreamConfigRange {
        SupportedStreamConfigRange::new(
            channels,
            cpal::SampleRate(min_hz),
            cpal::SampleRate(max_hz),
            SupportedBufferSize::Unknown,
            format,
        )
    }

    fn default_config(format: SampleFormat) -> SupportedStreamConfig {
        SupportedStreamConfig::new(
            2,
            cpal::SampleRate(44_100),
            SupportedBufferSize::Unknown,
            format,
        )
    }

    #[test]
    fn f32_or_i16_default_wins_when_nothing_is_requested() {
        let ranges = [range(2, 8_000, 96_000, SampleFormat::F32)];
        let picked = pick_config(
            Some(default_config(SampleFormat::I16)),
            &ranges,
            Wanted::default(),
        );
        assert_eq!(picked, Some(default_config(SampleFormat::I16)));
    }

    #[test]
    fn other_default_formats_fall_back_to_preferred_ranges_at_the_default_rate() {
        let ranges = [
            range(2, 8_000, 96_000, SampleFormat::I32),
            range(2, 8_000, 96_000, SampleFormat::I16),
        ];
        let picked = pick_config(
            Some(default_config(SampleFormat::U32)),
            &ranges,
            Wanted::default(),
        )
        .unwrap();
        assert_eq!(picked.sample_format(), SampleFormat::I16);
        assert_eq!(picked.sample_rate().0, 44_100);
    }

    #[test]
    fn requested_rate_and_channels_are_required() {
        let ranges = [
            range(2, 8_000, 48_000, SampleFormat::F32),
            range(1, 8_000, 48_000, SampleFormat::F32),
        ];
        let wanted = Wanted {
            rate_hz: Some(16_000),
            channels: Some(1),
        };
        let picked = pick_config(None, &ranges, wanted).unwrap();
        assert_eq!((picked.channels(), picked.sample_rate().0), (1, 16_000));
        let impossible = Wanted {
            rate_hz: Some(96_000),
            channels: Some(1),
        };
        assert_eq!(pick_config(None, &ranges, impossible), None);
    }

    #[test]
    fn absurd_maximum_rates_are_capped() {
        let ranges = [range(1, 4_000, 4_000_000, SampleFormat::F32)];
        let picked = pick_config(
            None,
            &ranges,
            Wanted {
                rate_hz: None,
                channels: None,
            },
        )
        .unwrap();
        assert_eq!(picked.sample_rate().0, 48_000);
        let ranges = [range(1, 100_000, 4_000_000, SampleFormat::F32)];
        let picked = pick_config(None, &ranges, Wanted::default()).unwrap();
        assert_eq!(picked.sample_rate().0, SampleRate::MAX_HZ);
    }
}
