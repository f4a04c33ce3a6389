//! Both ends of the capture ring, free of cpal so they can be tested alone.
//!
//! [`RingWriter`] runs inside the sound card's callback: it converts the callback's samples to
//! `f32` into a buffer made beforehand and copies whole interleaved frames into a lock-free
//! single-producer single-consumer ring (ringbuf). When the ring is full the rest of the
//! callback's frames are dropped and counted; it never blocks, locks or allocates.
//!
//! [`RingReader`] is the consumer: it takes whole frames out of the ring, downmixes them to mono,
//! resamples them to the analysis rate and cuts blocks. It waits for data by polling with a
//! timeout, so a stalled device becomes an error instead of a hang, and it reports a stream
//! error (device unplugged) on the next read.
//!
//! Timeline: `t0_secs` counts delivered samples. Dropped frames are not replaced, so after an
//! overrun the timeline runs behind the device by [`CaptureShared::dropped_frames`] frames.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use ringbuf::traits::{Consumer, Observer, Producer};
use ringbuf::{HeapCons, HeapProd};

use crate::audio::decode::downmix_into;
use crate::audio::resample::StreamResampler;
use crate::audio::source::take_block;
use crate::audio::{AudioBlock, AudioError};
use crate::units::SampleRate;

/// Samples converted per step inside the callback (the conversion buffer's length).
const CONVERT_CHUNK_SAMPLES: usize = 4096;
/// How long the reader sleeps between looks at an empty ring.
const POLL_INTERVAL: Duration = Duration::from_millis(2);

/// Counters and the last stream error, shared by the callback side and the reader.
#[derive(Debug, Default)]
pub struct CaptureShared {
    dropped_frames: AtomicU64,
    overruns: AtomicU64,
    stream_error: Mutex<Option<String>>,
}

impl CaptureShared {
    /// Frames dropped because the ring was full.
    pub fn dropped_frames(&self) -> u64 {
        self.dropped_frames.load(Ordering::Relaxed)
    }

    /// Callbacks that found the ring full (xruns).
    pub fn overruns(&self) -> u64 {
        self.overruns.load(Ordering::Relaxed)
    }

    /// Records a stream error for the reader (called from cpal's error callback, not the
    /// audio callback, so taking a lock is fine there).
    pub fn set_stream_error(&self, message: String) {
        if let Ok(mut slot) = self.stream_error.lock() {
            slot.get_or_insert(message);
        }
    }

    fn stream_error(&self) -> Option<String> {
        self.stream_error.lock().ok().and_then(|slot| slot.clone())
    }
}

/// The producer end, owned by the audio callback.
pub struct RingWriter {
    producer: HeapProd<f32>,
    channels: usize,
    converted: Vec<f32>,
    shared: Arc<CaptureShared>,
}

impl RingWriter {
    /// Wraps the producer of a ring carrying `channels` interleaved channels.
    pub fn new(producer: HeapProd<f32>, channels: usize, shared: Arc<CaptureShared>) -> Self {
        Self {
            producer,
            channels: channels.max(1),
            converted: vec![0.0; CONVERT_CHUNK_SAMPLES],
            shared,
        }
    }

    /// Copies as many whole frames of `data` as fit, converting each sample with `to_f32`;
    /// counts the frames that do not fit.
    pub fn write<T: Copy>(&mut self, data: &[T], to_f32: impl Fn(T) -> f32) {
        let frames_in = data.len() / self.channels;
        let frames_room = self.producer.vacant_len() / self.channels;
        let frames = frames_in.min(frames_room);
        for chunk in data[..frames * self.channels].chunks(self.converted.len()) {
            let converted = &mut self.converted[..chunk.len()];
            for (dst, &src) in converted.iter_mut().zip(chunk) {
                *dst = to_f32(src);
            }
            self.producer.push_slice(converted);
        }
        if frames < frames_in {
            let dropped = (frames_in - frames) as u64;
            self.shared
                .dropped_frames
                .fetch_add(dropped, Ordering::Relaxed);
            self.shared.overruns.fetch_add(1, Ordering::Relaxed);
        }
    }
}

/// What the reader needs to know besides the ring.
#[derive(Debug, Clone)]
pub struct ReaderSettings {
    /// Interleaved channels per frame in the ring.
    pub channels: usize,
    /// Rate of the frames in the ring.
    pub device_rate: SampleRate,
    /// Rate of the blocks handed out.
    pub target: SampleRate,
    /// Device name, for error messages.
    pub device_name: String,
    /// Longest wait for a frame before the device counts as stalled.
    pub read_timeout: Duration,
    /// Samples per block at `target`.
    pub block_len: usize,
}

/// The consumer end: whole frames out of the ring, mono blocks at the analysis rate out.
pub struct RingReader {
    consumer: HeapCons<f32>,
    channels: usize,
    shared: Arc<CaptureShared>,
    resampler: StreamResampler,
    device_name: String,
    read_timeout: Duration,
    block_len: usize,
    interleaved: Vec<f32>,
    mono: Vec<f32>,
    resampled: Vec<f32>,
    pending: VecDeque<f32>,
    emitted_samples: u64,
}

impl RingReader {
    /// Reads frames from `consumer` as `settings` describe them.
    pub fn new(
        consumer: HeapCons<f32>,
        shared: Arc<CaptureShared>,
        settings: ReaderSettings,
    ) -> Result<Self, AudioError> {
        let channels = settings.channels.max(1);
        let chunk_frames = (consumer.capacity().get() / channels).clamp(1, 8192);
        Ok(Self {
            consumer,
            channels,
            shared,
            resampler: StreamResampler::new(settings.device_rate, settings.target)?,
            device_name: settings.device_name,
            read_timeout: settings.read_timeout,
            block_len: settings.block_len.max(1),
            interleaved: vec![0.0; chunk_frames * channels],
            mono: Vec::with_capacity(chunk_frames),
            resampled: Vec::new(),
            pending: VecDeque::new(),
            emitted_samples: 0,
        })
    }

    /// Rate of the blocks.
    pub fn sample_rate(&self) -> SampleRate {
        self.resampler.to_rate()
    }

    /// The next block; waits up to the read timeout for each piece of it.
    pub fn next_block(&mut self) -> Result<AudioBlock, AudioError> {
        let mut deadline = Instant::now() + self.read_timeout;
        while self.pending.len() < self.block_len {
            if let Some(message) = self.shared.stream_error() {
                return Err(AudioError::Device(format!(
                    "'{}': stream failed: {message}",
                    self.device_name
                )));
            }
            if self.drain_ring()? {
                deadline = Instant::now() + self.read_timeout;
                continue;
            }
            if Instant::now() >= deadline {
                return Err(AudioError::Device(format!(
                    "'{}': no audio for {:.1} s (device stalled or disconnected)",
                    self.device_name,
                    self.read_timeout.as_secs_f64()
                )));
            }
            std::thread::sleep(POLL_INTERVAL);
        }
        let rate = self.resampler.to_rate();
        let block = take_block(
            &mut self.pending,
            self.block_len,
            rate,
            &mut self.emitted_samples,
        );
        block.ok_or_else(|| AudioError::Device(format!("'{}': no block", self.device_name)))
    }

    /// Moves the whole frames now in the ring into `pending`; `false` when there were none.
    fn drain_ring(&mut self) -> Result<bool, AudioError> {
        let frames = (self.consumer.occupied_len() / self.channels)
            .min(self.interleaved.len() / self.channels);
        if frames == 0 {
            return Ok(false);
        }
        let samples = frames * self.channels;
        let popped = self.consumer.pop_slice(&mut self.interleaved[..samples]);
        downmix_into(&self.interleaved[..popped], self.channels, &mut self.mono);
        self.resampled.clear();
        self.resampler.push(&self.mono, &mut self.resampled)?;
        self.pending.extend(self.resampled.iter().copied());
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ringbuf::traits::Split;
    use ringbuf::HeapRb;

    fn rate(hz: u32) -> SampleRate {
        SampleRate::new(hz).unwrap()
    }

    fn pair(capacity: usize, channels: usize, timeout_ms: u64) -> (RingWriter, RingReader) {
        let (producer, consumer) = HeapRb::<f32>::new(capacity).split();
        let shared = Arc::new(CaptureShared::default());
        let writer = RingWriter::new(producer, channels, shared.clone());
        let settings = ReaderSettings {
            channels,
            device_rate: rate(22_050),
            target: rate(22_050),
            device_name: "test".into(),
            read_timeout: Duration::from_millis(timeout_ms),
            block_len: 4,
        };
        let reader = RingReader::new(consumer, shared, settings).unwrap();
        (writer, reader)
    }

    #[test]
    fn frames_are_downmixed_and_cut_into_blocks() {
        let (mut writer, mut reader) = pair(64, 2, 100);
        let data: Vec<i16> = (0..8).flat_map(|i| [i * 100, -i * 100 + 50]).collect();
        writer.write(&data, |s| f32::from(s) / 32_768.0);
        let first = reader.next_block().unwrap();
        assert_eq!(first.samples, vec![25.0 / 32_768.0; 4]);
        let second = reader.next_block().unwrap();
        assert!((second.t0_secs - 4.0 / 22_050.0).abs() < 1e-12);
    }

    #[test]
    fn full_ring_drops_whole_frames_and_counts_them() {
        let (mut writer, reader) = pair(7, 2, 100);
        writer.write(&[1.0f32; 10], |s| s);
        // Three stereo frames fit in seven slots; two frames are dropped in one overrun.
        assert_eq!(reader.consumer.occupied_len(), 6);
        assert_eq!(reader.shared.dropped_frames(), 2);
        assert_eq!(reader.shared.overruns(), 1);
    }

    #[test]
    fn silent_ring_times_out_with_a_device_error() {
        let (_writer, mut reader) = pair(64, 1, 30);
        let err = reader.next_block().unwrap_err();
        assert!(err.to_string().contains("no audio for"), "{err}");
    }

    #[test]
    fn stream_error_is_reported_on_next_read() {
        let (mut writer, mut reader) = pair(64, 1, 100);
        writer.write(&[0.5f32; 32], |s| s);
        reader
            .shared
            .set_stream_error("device unplugged".to_string());
        let err = reader.next_block().unwrap_err();
        assert!(err.to_string().contains("device unplugged"), "{err}");
    }
}
