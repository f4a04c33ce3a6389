//! Live capture through the real cpal → ALSA path, with no sound card: an `.asoundrc` in a
//! temporary HOME makes ALSA's `default` capture device read a raw file (the `file` plugin over
//! the `null` PCM). The file plugin hands the file's bytes over as whatever format the stream
//! uses, so the test asks for 2 channels at 16 kHz and writes the file as the `f32` our
//! configuration choice prefers. (Putting `plug` in front to convert does not work: the file
//! plugin then skips parts of its input.)
//!
//! ALSA reads `~/.asoundrc` once per process, so the test re-runs its own binary as a child
//! with HOME pointing at the temporary folder; the child does the capturing. Run with
//! `cargo test --features audio-device --test audio_device`.
//!
//! The file is `f32` stereo at 16 kHz: on the left 1 s of 440 Hz, 1 s of 660 Hz, 1 s of
//! 440 Hz, all at amplitude 0.5; the right is silent, so the mono downmix has amplitude 0.25.

#![cfg(feature = "audio-device")]
// Test helpers outside `#[test]` functions panic on purpose: a failed step fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use dancebot::audio::device::{list_input_devices, DeviceOptions, DeviceSource};
use dancebot::audio::{AudioError, AudioSource};
use dancebot::units::SampleRate;

mod common;
use common::{peak_hz, rms};

const CHILD_MARKER: &str = "DANCEBOT_ALSA_FILE_CAPTURE_CHILD";
const TEST_NAME: &str = "alsa_file_device_captures_the_file";
const FILE_RATE_HZ: u32 = 16_000;
const ANALYSIS_HZ: u32 = 22_050;

#[test]
fn alsa_file_device_captures_the_file() {
    if std::env::var_os(CHILD_MARKER).is_some() {
        capture_in_child();
    } else {
        run_child_with_asoundrc();
    }
}

/// Writes the raw file and `.asoundrc` into a temporary HOME and re-runs this test there.
fn run_child_with_asoundrc() {
    let home = tempfile::tempdir().unwrap();
    let raw = home.path().join("capture.raw");
    write_raw_f32_left(&raw, &test_signal());
    std::fs::write(home.path().join(".asoundrc"), asoundrc(&raw)).unwrap();
    let output = Command::new(std::env::current_exe().unwrap())
        .args(["--exact", TEST_NAME, "--nocapture", "--test-threads=1"])
        .env("HOME", home.path())
        .env(CHILD_MARKER, "1")
        .output()
        .expect("cannot re-run the test binary");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // The child's own report (visible with --nocapture).
    for line in stderr.lines().filter(|l| l.starts_with("dancebot-test:")) {
        eprintln!("{line}");
    }
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "capture through ALSA failed (is libasound2 installed?)\n--- stdout\n{stdout}\n--- stderr\n{stderr}"
    );
}

/// `default` is a `file` PCM whose capture side reads `raw` instead of its `null` slave.
fn asoundrc(raw: &Path) -> String {
    format!(
        r#"pcm.!default {{
    type file
    slave.pcm "null"
    file "/dev/null"
    infile "{}"
    format "raw"
}}
"#,
        raw.display()
    )
}

fn test_signal() -> Vec<f32> {
    let n = FILE_RATE_HZ as usize;
    (0..3 * n)
        .map(|i| {
            let freq_hz = if (n..2 * n).contains(&i) {
                660.0
            } else {
                440.0
            };
            let t = i as f64 / f64::from(FILE_RATE_HZ);
            (0.5 * (2.0 * std::f64::consts::PI * freq_hz * t).sin()) as f32
        })
        .collect()
}

/// Interleaved little-endian `f32` stereo: `samples` on the left, silence on the right.
fn write_raw_f32_left(path: &Path, samples: &[f32]) {
    let bytes: Vec<u8> = samples
        .iter()
        .flat_map(|&s| [s, 0.0])
        .flat_map(f32::to_le_bytes)
        .collect();
    std::fs::write(path, bytes).unwrap();
}

/// Runs in the child, where ALSA sees the `.asoundrc` above.
fn capture_in_child() {
    let names = list_input_devices().expect("cannot list ALSA capture devices");
    assert!(names.iter().any(|n| n == "default"), "devices: {names:?}");
    let analysis = SampleRate::new(ANALYSIS_HZ).unwrap();

    check_content(analysis);
    check_overruns_are_counted(analysis);

    let err = DeviceSource::open(Some("no-such-device"), analysis).unwrap_err();
    assert!(matches!(err, AudioError::Device(_)), "{err:?}");
    assert!(err.to_string().contains("no-such-device"), "{err}");
}

/// The first two seconds come back in order: 440 Hz, then 660 Hz, at the analysis rate.
fn check_content(analysis: SampleRate) {
    let options = DeviceOptions {
        device_name: Some("default".into()),
        // Longer than the file, so nothing of it is dropped even if the device runs ahead.
        ring_secs: 4.0,
        read_timeout_secs: 5.0,
        block_len_samples: 1000,
        rate_hz: Some(FILE_RATE_HZ),
        channels: Some(2),
    };
    let mut source = DeviceSource::open_with(&options, analysis).expect("cannot open 'default'");
    eprintln!(
        "dancebot-test: opened {source:?}: {} Hz, {} channels",
        source.device_rate().hz(),
        source.device_channels()
    );
    assert_eq!(source.sample_rate(), analysis);
    assert_eq!(source.device_rate().hz(), FILE_RATE_HZ);
    assert_eq!(source.device_channels(), 2);
    let mut captured = Vec::new();
    let mut expected_t0 = 0.0;
    while captured.len() < 2 * ANALYSIS_HZ as usize {
        let block = source
            .next_block()
            .unwrap()
            .expect("a live device never ends");
        assert_eq!(block.sample_rate, analysis);
        assert!((block.t0_secs - expected_t0).abs() < 1e-9);
        expected_t0 += block.duration_secs();
        captured.extend(block.samples);
    }
    let second = ANALYSIS_HZ as usize;
    let margin = second / 10;
    let first_hz = peak_hz(&captured[margin..second - margin], ANALYSIS_HZ);
    let second_hz = peak_hz(&captured[second + margin..2 * second - margin], ANALYSIS_HZ);
    eprintln!("dancebot-test: captured peaks {first_hz:.1} Hz then {second_hz:.1} Hz");
    assert!(
        (first_hz - 440.0).abs() < 3.0,
        "first second at {first_hz} Hz"
    );
    assert!(
        (second_hz - 660.0).abs() < 3.0,
        "second second at {second_hz} Hz"
    );
    let level = rms(&captured[margin..second - margin]) * std::f64::consts::SQRT_2;
    eprintln!("dancebot-test: downmixed amplitude {level:.4}");
    assert!((level - 0.25).abs() < 0.01, "downmixed amplitude {level}");
}

/// A ring far shorter than the time nobody reads it must overflow, be counted, and recover.
fn check_overruns_are_counted(analysis: SampleRate) {
    let options = DeviceOptions {
        device_name: Some("default".into()),
        ring_secs: 0.05,
        read_timeout_secs: 5.0,
        block_len_samples: 256,
        rate_hz: Some(FILE_RATE_HZ),
        channels: Some(2),
    };
    let mut source = DeviceSource::open_with(&options, analysis).unwrap();
    std::thread::sleep(Duration::from_millis(500));
    eprintln!(
        "dancebot-test: small ring: {} xruns, {} frames dropped",
        source.xruns(),
        source.dropped_frames()
    );
    assert!(source.xruns() > 0, "no overrun counted");
    assert!(source.dropped_frames() > 0, "no dropped frames counted");
    let block = source.next_block().unwrap().unwrap();
    assert_eq!(block.samples.len(), 256);
}
