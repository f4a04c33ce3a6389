//! The causal tracker's contract: on synthetic drums and click tracks with known beats it
//! finds the beats (F-measure, mir_eval protocol), announces them ahead of time, stays quiet on
//! silence, and gives the same announcements however the samples are chunked.

use dancebot::analysis::metrics::score_beats;
use dancebot::analysis::online::{
    track_online, track_online_with, BeatAnnouncement, OnlineBeatTracker, OnlineConfig,
};
use dancebot::analysis::AnalysisConfig;
use dancebot::audio::synth;

/// Beats after this time count (the evaluation protocol's warm-up).
const LOCKED_AFTER_SECS: f64 = 5.0;

fn rate_hz() -> f64 {
    AnalysisConfig::default().sample_rate_hz.hz_f64()
}

/// Deterministic white noise in -1..1 (a 32-bit LCG, Numerical Recipes constants).
fn noise(seed: &mut u32) -> f32 {
    *seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
    (*seed >> 8) as f32 / (1u32 << 23) as f32 - 1.0
}

/// Adds a drum hit at `t_secs`: a decaying sine at `pitch_hz` plus a noise burst, at `gain`.
fn add_hit(signal: &mut [f32], t_secs: f64, pitch_hz: f64, gain: f32, seed: &mut u32) {
    let sr = rate_hz();
    let start = (t_secs * sr).round() as usize;
    let len = (0.12 * sr) as usize;
    for j in 0..len.min(signal.len().saturating_sub(start)) {
        let t = j as f64 / sr;
        let env = (-t * 35.0).exp() as f32;
        let tone = (2.0 * std::f64::consts::PI * pitch_hz * t).sin() as f32;
        signal[start + j] += gain * env * (0.7 * tone + 0.3 * noise(seed));
    }
}

/// A drum pattern on the given beat times: kick on beats 1 and 3, snare on 2 and 4, a hi-hat
/// 20 dB below the kick on every eighth note (or only with the beats, when `eighth_hats` is false).
fn drums_with(beats_secs: &[f64], duration_secs: f64, eighth_hats: bool) -> Vec<f32> {
    let mut signal = vec![0.0f32; (duration_secs * rate_hz()) as usize];
    let mut seed = 7u32;
    for (i, w) in beats_secs.windows(2).enumerate() {
        if i % 2 == 0 {
            add_hit(&mut signal, w[0], 60.0, 0.5, &mut seed);
        } else {
            add_hit(&mut signal, w[0], 200.0, 0.4, &mut seed);
        }
        let hat_secs = if eighth_hats {
            0.5 * (w[0] + w[1])
        } else {
            w[0]
        };
        add_hit(&mut signal, hat_secs, 8_000.0, 0.05, &mut seed);
    }
    signal
}

fn drums(beats_secs: &[f64], duration_secs: f64) -> Vec<f32> {
    drums_with(beats_secs, duration_secs, true)
}

/// Beat times from `t0` with a tempo changing linearly per beat from `from_bpm` to `to_bpm`.
fn beat_times(from_bpm: f64, to_bpm: f64, duration_secs: f64) -> Vec<f64> {
    let mut beats = vec![0.3];
    let mut t = 0.3;
    loop {
        let progress = t / duration_secs;
        let bpm = from_bpm + (to_bpm - from_bpm) * progress;
        t += 60.0 / bpm;
        if t > duration_secs - 0.5 {
            return beats;
        }
        beats.push(t);
    }
}

fn announcements(samples: &[f32], chunk: usize) -> Vec<BeatAnnouncement> {
    let mut tracker = OnlineBeatTracker::new(&AnalysisConfig::default());
    let mut out = Vec::new();
    for c in samples.chunks(chunk) {
        tracker.push(c, &mut out);
    }
    out
}

/// Checks F, lead times and consistency; returns F.
fn check(name: &str, truth: &[f64], samples: &[f32], min_f: f64) -> f64 {
    let grid = track_online(samples, &AnalysisConfig::default());
    let f = score_beats(truth, &grid.beats_secs).f_measure;
    assert!(
        f >= min_f,
        "{name}: F = {f:.3} < {min_f}: {:?} vs {truth:?}",
        grid.beats_secs
    );
    let emitted = grid.emitted_at_secs.unwrap_or_default();
    assert_eq!(emitted.len(), grid.beats_secs.len());
    for (&beat, &at) in grid.beats_secs.iter().zip(&emitted) {
        if beat >= LOCKED_AFTER_SECS {
            assert!(
                beat - at >= 0.1 - 1e-9,
                "{name}: beat {beat} announced at {at}"
            );
        }
    }
    assert!(
        grid.beats_secs.windows(2).all(|w| w[1] - w[0] > 0.2),
        "{name}: beats too close"
    );
    assert!(emitted.windows(2).all(|w| w[1] >= w[0]), "{name}");
    f
}

#[test]
fn drums_at_steady_tempi_are_tracked_ahead() {
    for bpm in [60.0, 90.0, 128.0, 160.0, 200.0] {
        let truth = beat_times(bpm, bpm, 20.0);
        // At 60 BPM, loud eighth-note hats make 120 BPM an equally good reading of the
        // pattern (and the one this tracker takes), so the slowest pattern keeps them on the beat.
        let signal = drums_with(&truth, 20.0, bpm >= 90.0);
        check(&format!("{bpm} BPM"), &truth, &signal, 0.95);
        let grid = track_online(&signal, &AnalysisConfig::default());
        let tempo = grid.tempo_bpm.unwrap_or(0.0);
        assert!((tempo - bpm).abs() < 0.04 * bpm, "{bpm} BPM: tempo {tempo}");
    }
}

#[test]
fn tempo_ramp_is_followed() {
    let truth = beat_times(100.0, 135.0, 30.0);
    let signal = drums(&truth, 30.0);
    check("ramp 100-135", &truth, &signal, 0.95);
}

#[test]
fn silence_announces_nothing() {
    let silence = vec![0.0f32; (10.0 * rate_hz()) as usize];
    assert!(announcements(&silence, 4096).is_empty());
    let grid = track_online(&silence, &AnalysisConfig::default());
    assert!(grid.beats_secs.is_empty() && grid.tempo_bpm.is_none());
}

#[test]
fn music_then_silence_stops_announcing() {
    let truth = beat_times(120.0, 120.0, 12.0);
    let mut signal = drums(&truth, 12.0);
    signal.resize((24.0 * rate_hz()) as usize, 0.0);
    let grid = track_online(&signal, &AnalysisConfig::default());
    let last = grid.beats_secs.last().copied().unwrap_or(0.0);
    assert!(last > 10.0 && last < 16.0, "last beat at {last}");
}

#[test]
fn chunking_does_not_change_announcements() {
    let truth = beat_times(110.0, 110.0, 12.0);
    let signal = drums(&truth, 12.0);
    let whole = announcements(&signal, signal.len());
    assert!(whole.len() > 10);
    for chunk in [1, 97, 220, 1000] {
        assert_eq!(announcements(&signal, chunk), whole, "chunk {chunk}");
    }
}

#[test]
fn reset_forgets_the_past_and_state_is_reported() {
    let truth = beat_times(128.0, 128.0, 10.0);
    let signal = drums(&truth, 10.0);
    let mut tracker = OnlineBeatTracker::new(&AnalysisConfig::default());
    assert_eq!(tracker.tempo_bpm(), None);
    let mut first = Vec::new();
    tracker.push(&signal, &mut first);
    let tempo = tracker.tempo_bpm().unwrap_or(0.0);
    assert!((tempo - 128.0).abs() < 3.0, "tempo {tempo}");
    let hops = signal.len() / tracker.hop_len_samples();
    let expected_secs = (hops * tracker.hop_len_samples()) as f64 / rate_hz();
    assert!((tracker.audio_time_secs() - expected_secs).abs() < 1e-9);
    tracker.reset();
    assert_eq!(tracker.audio_time_secs(), 0.0);
    let mut second = Vec::new();
    tracker.push(&signal, &mut second);
    assert_eq!(first, second);
}

#[test]
fn custom_lead_time_is_honoured_and_bad_config_rejected() {
    let truth = beat_times(120.0, 120.0, 15.0);
    let signal = drums(&truth, 15.0);
    let online = OnlineConfig {
        lead_secs: 0.3,
        min_lead_secs: 0.25,
        ..OnlineConfig::default()
    };
    let grid = track_online_with(&signal, &AnalysisConfig::default(), online).unwrap();
    let emitted = grid.emitted_at_secs.unwrap_or_default();
    assert!(grid.beats_secs.len() > 15);
    for (&beat, &at) in grid.beats_secs.iter().zip(&emitted) {
        assert!(
            (0.25 - 1e-9..=0.3 + 1e-9).contains(&(beat - at)),
            "{beat} at {at}"
        );
    }
    let bad = OnlineConfig {
        min_tempo_bpm: 300.0,
        ..OnlineConfig::default()
    };
    assert!(track_online_with(&signal, &AnalysisConfig::default(), bad).is_err());
}

#[test]
fn synth_corpus_is_tracked_ahead() {
    let cfg = AnalysisConfig::default();
    let mut scores = Vec::new();
    for (name, spec) in synth::corpus() {
        let song = synth::render(&spec).unwrap();
        let samples = song.mono_at(cfg.sample_rate_hz).unwrap();
        let f = check(&name, &song.truth.beats_secs, &samples, 0.0);
        scores.push((name, f));
    }
    let mean = scores.iter().map(|(_, f)| f).sum::<f64>() / scores.len() as f64;
    eprintln!("synth corpus: mean F {mean:.4}: {scores:?}");
    assert!(mean >= 0.97, "mean F {mean:.3}: {scores:?}");
}
