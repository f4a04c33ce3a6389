//! Live capture from a sound card through cpal (ALSA on Linux); feature `audio-device`.
//!
//! [`DeviceSource`] opens a capture device by name (or the default), picks a configuration the
//! device supports (see [`select`]: its default when that is `f32` or `i16`, else the first
//! `f32`, `i16`, `i32`, `u16` or `u8` one, any rate and channel count) and starts a stream whose
//! callback only converts and copies samples into a lock-free ring (see [`capture`]). The
//! reading side downmixes, resamples to the analysis rate and implements [`AudioSource`].
//!
//! cpal's `Stream` is not `Send` on every platform, so it never leaves the thread that built it:
//! a small capture thread builds it, reports the chosen configuration back, and keeps it alive
//! until the [`DeviceSource`] is dropped. The `DeviceSource` itself holds only the ring's
//! consumer and shared counters, and can move between threads.
//!
//! Waiting uses the wall clock (a read timeout); this is an edge adapter, not the core.

pub mod capture;
pub mod select;

use std::sync::mpsc;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SampleFormat, SizedSample, SupportedStreamConfig};
use ringbuf::traits::Split;
use ringbuf::HeapRb;

use self::capture::{CaptureShared, ReaderSettings, RingReader, RingWriter};
use self::select::{choose_config, find_device, Wanted};
use super::{AudioBlock, AudioError, AudioSource};
use crate::units::SampleRate;

/// Names of the capture devices the default host offers.
pub fn list_input_devices() -> Result<Vec<String>, AudioError> {
    let host = cpal::default_host();
    let devices = host
        .input_devices()
        .map_err(|e| AudioError::Device(format!("cannot list capture devices: {e}")))?;
    Ok(devices.filter_map(|d| d.name().ok()).collect())
}

/// How to open a capture device. The defaults suit live beat tracking.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceOptions {
    /// Device name as [`list_input_devices`] reports it; `None` for the host's default.
    pub device_name: Option<String>,
    /// Ring length in seconds of device audio; longer survives longer reader stalls.
    pub ring_secs: f64,
    /// How long a read waits for samples before reporting the device as stalled.
    pub read_timeout_secs: f64,
    /// Samples per block at the analysis rate.
    pub block_len_samples: usize,
    /// Device rate to insist on (e.g. the analysis rate, to skip resampling); `None` takes the
    /// device's default.
    pub rate_hz: Option<u32>,
    /// Channel count to insist on; `None` takes the device's default.
    pub channels: Option<u16>,
}

impl Default for DeviceOptions {
    fn default() -> Self {
        Self {
            device_name: None,
            ring_secs: 2.0,
            read_timeout_secs: 2.0,
            block_len_samples: 1024,
            rate_hz: None,
            channels: None,
        }
    }
}

/// What the capture thread opened.
#[derive(Debug, Clone)]
struct Opened {
    name: String,
    rate: SampleRate,
    channels: usize,
    format: SampleFormat,
}

/// A live capture stream yielding mono blocks at the analysis rate.
pub struct DeviceSource {
    reader: RingReader,
    shared: Arc<CaptureShared>,
    opened: Opened,
    stop: Option<mpsc::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for DeviceSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceSource")
            .field("device", &self.opened.name)
            .field("device_rate_hz", &self.opened.rate.hz())
            .field("channels", &self.opened.channels)
            .field("format", &self.opened.format)
            .finish()
    }
}

impl DeviceSource {
    /// Opens `device_name` (or the default device) with default options, resampling to `target`.
    ///
    /// ```no_run
    /// use dancebot::audio::{device::DeviceSource, AudioSource};
    /// use dancebot::units::SampleRate;
    ///
    /// let mut mic = DeviceSource::open(None, SampleRate::CD_HALF)?;
    /// while let Some(block) = mic.next_block()? {
    ///     // ... feed block.samples to the online tracker ...
    ///     if mic.xruns() > 0 {
    ///         eprintln!("{} frames lost so far", mic.dropped_frames());
    ///     }
    /// }
    /// # Ok::<(), dancebot::audio::AudioError>(())
    /// ```
    pub fn open(device_name: Option<&str>, target: SampleRate) -> Result<Self, AudioError> {
        let options = DeviceOptions {
            device_name: device_name.map(str::to_owned),
            ..DeviceOptions::default()
        };
        Self::open_with(&options, target)
    }

    /// Opens a device as `options` say and starts capturing.
    pub fn open_with(options: &DeviceOptions, target: SampleRate) -> Result<Self, AudioError> {
        let timeout = positive_secs(options.read_timeout_secs, "read_timeout_secs")?;
        positive_secs(options.ring_secs, "ring_secs")?;
        let (ready_tx, ready_rx) = mpsc::channel();
        let (stop_tx, stop_rx) = mpsc::channel::<()>();
        let shared = Arc::new(CaptureShared::default());
        let thread_shared = shared.clone();
        let thread_options = options.clone();
        let thread = std::thread::Builder::new()
            .name("dancebot-capture".into())
            .spawn(move || capture_thread(&thread_options, thread_shared, ready_tx, stop_rx))
            .map_err(|e| AudioError::Device(format!("cannot start capture thread: {e}")))?;
        let (opened, consumer) = ready_rx
            .recv()
            .map_err(|_| AudioError::Device("capture thread ended before opening".into()))??;
        tracing::info!(
            device = %opened.name,
            rate_hz = opened.rate.hz(),
            channels = opened.channels,
            format = ?opened.format,
            "capturing"
        );
        let settings = ReaderSettings {
            channels: opened.channels,
            device_rate: opened.rate,
            target,
            device_name: opened.name.clone(),
            read_timeout: timeout,
            block_len: options.block_len_samples,
        };
        let reader = RingReader::new(consumer, shared.clone(), settings)?;
        Ok(Self {
            reader,
            shared,
            opened,
            stop: Some(stop_tx),
            thread: Some(thread),
        })
    }

    /// Name of the open device.
    pub fn device_name(&self) -> &str {
        &self.opened.name
    }

    /// The device's own rate, before resampling.
    pub fn device_rate(&self) -> SampleRate {
        self.opened.rate
    }

    /// Channels the device delivers (downmixed to mono here).
    pub fn device_channels(&self) -> usize {
        self.opened.channels
    }

    /// Overruns so far: callbacks that found the ring full and dropped frames.
    pub fn xruns(&self) -> u64 {
        self.shared.overruns()
    }

    /// Device frames dropped so far because the ring was full.
    pub fn dropped_frames(&self) -> u64 {
        self.shared.dropped_frames()
    }
}

impl AudioSource for DeviceSource {
    fn sample_rate(&self) -> SampleRate {
        self.reader.sample_rate()
    }

    /// The next block; a live device never ends, so this is `Some` or an error.
    fn next_block(&mut self) -> Result<Option<AudioBlock>, AudioError> {
        self.reader.next_block().map(Some)
    }
}

impl Drop for DeviceSource {
    fn drop(&mut self) {
        // Dropping the sender wakes the capture thread, which drops the stream and exits.
        self.stop.take();
        if let Some(thread) = self.thread.take() {
            if thread.join().is_err() {
                tracing::warn!(device = %self.opened.name, "capture thread panicked");
            }
        }
    }
}

type Ready = Result<(Opened, ringbuf::HeapCons<f32>), AudioError>;

/// Owns the cpal stream for its whole life: opens it, reports back, waits for the stop signal.
fn capture_thread(
    options: &DeviceOptions,
    shared: Arc<CaptureShared>,
    ready: mpsc::Sender<Ready>,
    stop: mpsc::Receiver<()>,
) {
    let stream = match start_stream(options, shared) {
        Ok((stream, opened, consumer)) => {
            if ready.send(Ok((opened, consumer))).is_err() {
                return;
            }
            stream
        }
        Err(e) => {
            // The opener is waiting on this channel; if it is gone there is nobody to tell.
            let _ = ready.send(Err(e));
            return;
        }
    };
    // Returns when the DeviceSource drops its sender.
    let _ = stop.recv();
    drop(stream);
}

fn start_stream(
    options: &DeviceOptions,
    shared: Arc<CaptureShared>,
) -> Result<(cpal::Stream, Opened, ringbuf::HeapCons<f32>), AudioError> {
    let device = find_device(options.device_name.as_deref())?;
    let name = device.name().unwrap_or_else(|_| "<unnamed>".into());
    let wanted = Wanted {
        rate_hz: options.rate_hz,
        channels: options.channels,
    };
    let config = choose_config(&device, &name, wanted)?;
    let rate = SampleRate::new(config.sample_rate().0)
        .map_err(|e| AudioError::Device(format!("'{name}': {e}")))?;
    let channels = usize::from(config.channels()).max(1);
    let ring_len = ((options.ring_secs * rate.hz_f64()) as usize).max(1024) * channels;
    let (producer, consumer) = HeapRb::<f32>::new(ring_len).split();
    let writer = RingWriter::new(producer, channels, shared.clone());
    let stream = build_stream(&device, &config, writer, shared, &name)?;
    stream
        .play()
        .map_err(|e| AudioError::Device(format!("'{name}': cannot start stream: {e}")))?;
    let opened = Opened {
        name,
        rate,
        channels,
        format: config.sample_format(),
    };
    Ok((stream, opened, consumer))
}

fn build_stream(
    device: &cpal::Device,
    config: &SupportedStreamConfig,
    writer: RingWriter,
    shared: Arc<CaptureShared>,
    name: &str,
) -> Result<cpal::Stream, AudioError> {
    let stream_config = config.config();
    let result = match config.sample_format() {
        SampleFormat::F32 => build_typed::<f32>(device, &stream_config, writer, shared),
        SampleFormat::I16 => build_typed::<i16>(device, &stream_config, writer, shared),
        SampleFormat::I32 => build_typed::<i32>(device, &stream_config, writer, shared),
        SampleFormat::U16 => build_typed::<u16>(device, &stream_config, writer, shared),
        SampleFormat::U8 => build_typed::<u8>(device, &stream_config, writer, shared),
        other => {
            return Err(AudioError::Device(format!(
                "'{name}': unsupported sample format {other}"
            )))
        }
    };
    result.map_err(|e| AudioError::Device(format!("'{name}': cannot open stream: {e}")))
}

/// Builds the stream: the data callback only converts and copies into the ring; the error
/// callback records the error for the reader.
fn build_typed<T>(
    device: &cpal::Device,
    config: &cpal::StreamConfig,
    mut writer: RingWriter,
    shared: Arc<CaptureShared>,
) -> Result<cpal::Stream, cpal::BuildStreamError>
where
    T: SizedSample + Send + 'static,
    f32: FromSample<T>,
{
    device.build_input_stream(
        config,
        move |data: &[T], _: &cpal::InputCallbackInfo| writer.write(data, f32::from_sample_),
        move |err| shared.set_stream_error(err.to_string()),
        None,
    )
}

fn positive_secs(secs: f64, field: &str) -> Result<Duration, AudioError> {
    if secs.is_finite() && secs > 0.0 {
        return Ok(Duration::from_secs_f64(secs));
    }
    Err(AudioError::Device(format!(
        "{field} must be a positive number of seconds, got {secs}"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_source_can_move_to_another_thread() {
        fn assert_send<T: Send>() {}
        assert_send::<DeviceSource>();
    }

    #[test]
    fn options_reject_non_positive_durations() {
        assert!(positive_secs(0.0, "read_timeout_secs").is_err());
        assert!(positive_secs(f64::NAN, "ring_secs").is_err());
        assert_eq!(
            positive_secs(0.5, "ring_secs").unwrap(),
            Duration::from_millis(500)
        );
    }
}
