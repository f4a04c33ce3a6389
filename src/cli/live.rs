//! `dancebot beats --live`: beats of the sound card input, printed as they are announced.

#[cfg(feature = "audio-device")]
use dancebot::{
    analysis::AnalysisConfig,
    app::live::{run_live_beats, LiveBeat},
    clock::SystemClock,
};

/// Samples per block read from the device: about 12 ms at 22 050 Hz, so an announcement waits
/// at most that long to be printed.
#[cfg(feature = "audio-device")]
const LIVE_BLOCK_LEN_SAMPLES: usize = 256;

/// Captures from `device` (the default device when `None`) and prints every beat as the causal
/// tracker announces it, until the device stops or `max_secs` of audio have been heard.
#[cfg(feature = "audio-device")]
pub fn run(device: Option<&str>, max_secs: Option<f64>) -> anyhow::Result<()> {
    use dancebot::audio::device::{DeviceOptions, DeviceSource};

    let cfg = AnalysisConfig::default();
    let options = DeviceOptions {
        device_name: device.map(str::to_owned),
        block_len_samples: LIVE_BLOCK_LEN_SAMPLES,
        ..DeviceOptions::default()
    };
    let mut source = DeviceSource::open_with(&options, cfg.sample_rate_hz)?;
    eprintln!(
        "listening on {} ({} Hz, {} ch); beats are printed when announced, before they sound",
        source.device_name(),
        source.device_rate().hz(),
        source.device_channels()
    );
    println!(
        "{:>10}  {:>9}  {:>8}  {:>3}",
        "beat_s", "lead_ms", "bpm", "pos"
    );
    let clock = SystemClock::new();
    let stats = run_live_beats(&mut source, &cfg, &clock, max_secs, |_| {}, print_beat)?;
    eprintln!(
        "{:.1} s heard, {} beats announced, {} overruns ({} frames dropped)",
        stats.audio_secs,
        stats.beats,
        source.xruns(),
        source.dropped_frames()
    );
    Ok(())
}

/// Without the `audio-device` feature there is no sound card to listen to.
#[cfg(not(feature = "audio-device"))]
pub fn run(_device: Option<&str>, _max_secs: Option<f64>) -> anyhow::Result<()> {
    anyhow::bail!("live input needs the `audio-device` feature: build with --features full")
}

#[cfg(feature = "audio-device")]
fn print_beat(beat: &LiveBeat) {
    let a = &beat.announcement;
    let lead_ms = 1000.0 * (beat.beat_at_clock_secs - beat.announced_at_clock_secs);
    let pos = a.position_in_bar.map_or("-".to_owned(), |p| p.to_string());
    println!(
        "{:>10.3}  {:>9.0}  {:>8.1}  {:>3}",
        a.beat_secs, lead_ms, a.tempo_bpm, pos
    );
}
