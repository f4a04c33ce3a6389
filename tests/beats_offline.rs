//! Offline beat tracking end to end, on signals with exact ground truth: click tracks, drum
//! patterns in 4/4 and 3/4, a tempo ramp, silence, the synthesized corpus, and the
//! `dancebot beats` command line (good input, silence, bad input).

// Test helpers outside #[test] functions may unwrap too.
#![allow(clippy::unwrap_used)]

use dancebot::analysis::metrics::{f_measure, score_beats};
use dancebot::analysis::offline::track_offline;
use dancebot::analysis::AnalysisConfig;
use dancebot::audio::synth;
use rand::{Rng, SeedableRng};

const SR: f64 = 22_050.0;

/// Adds `hit(t)` (t in seconds since the hit) for 0.2 s at each time in `times`.
fn add_hits(signal: &mut [f32], times: &[f64], gain: f32, hit: impl Fn(f64) -> f64) {
    for &t0 in times {
        let start = (t0 * SR).round() as usize;
        for j in 0..(0.2 * SR) as usize {
            if let Some(s) = signal.get_mut(start + j) {
                *s += gain * hit(j as f64 / SR) as f32;
            }
        }
    }
}

fn click(t: f64) -> f64 {
    (2.0 * std::f64::consts::PI * 1500.0 * t).sin() * (-t * 60.0).exp()
}

fn kick(t: f64) -> f64 {
    let freq = 50.0 + 100.0 * (-t * 30.0).exp();
    (2.0 * std::f64::consts::PI * freq * t).sin() * (-t * 12.0).exp()
}

/// Seeded white noise burst with the given decay rate.
fn noise_hit(decay: f64, seed: u64) -> impl Fn(f64) -> f64 {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    let table: Vec<f64> = (0..(0.2 * SR) as usize + 1)
        .map(|_| rng.gen_range(-1.0..1.0))
        .collect();
    move |t| table[((t * SR) as usize).min(table.len() - 1)] * (-t * decay).exp()
}

/// Beat times from `start` at `bpm` up to `end_secs`.
fn grid(start: f64, bpm: f64, end_secs: f64) -> Vec<f64> {
    let period = 60.0 / bpm;
    (0..)
        .map(|i| start + i as f64 * period)
        .take_while(|&t| t < end_secs)
        .collect()
}

/// A drum pattern: kick on bar starts (and a softer one on beat 3 in 4/4), snare on the
/// other beats, hi-hat on eighths; returns samples, beats and downbeats.
fn drum_pattern(bpm: f64, beats_per_bar: usize, secs: f64) -> (Vec<f32>, Vec<f64>, Vec<f64>) {
    let mut signal = vec![0.0f32; (secs * SR) as usize];
    let beats = grid(0.3, bpm, secs - 0.5);
    let downbeats: Vec<f64> = beats.iter().step_by(beats_per_bar).copied().collect();
    let half_beats: Vec<f64> = beats.iter().map(|t| t + 30.0 / bpm).collect();
    let others: Vec<f64> = beats
        .iter()
        .enumerate()
        .filter(|(i, _)| i % beats_per_bar != 0 && !(beats_per_bar == 4 && i % 4 == 2))
        .map(|(_, &t)| t)
        .collect();
    add_hits(&mut signal, &downbeats, 0.8, kick);
    if beats_per_bar == 4 {
        let threes: Vec<f64> = beats.iter().skip(2).step_by(4).copied().collect();
        add_hits(&mut signal, &threes, 0.35, kick);
    }
    add_hits(&mut signal, &others, 0.3, noise_hit(25.0, 1));
    add_hits(&mut signal, &beats, 0.08, noise_hit(80.0, 2));
    add_hits(&mut signal, &half_beats, 0.08, noise_hit(80.0, 3));
    (signal, beats, downbeats)
}

#[test]
fn click_track_beats_are_exact() {
    // Offset from the 5 s evaluation cut so that no beat sits exactly on it.
    let truth = grid(0.53, 120.0, 24.0);
    let mut signal = vec![0.0f32; (25.0 * SR) as usize];
    add_hits(&mut signal, &truth, 0.5, click);
    let got = track_offline(&signal, &AnalysisConfig::default());
    assert_eq!(score_beats(&truth, &got.beats_secs).f_measure, 1.0);
    assert!(
        f_measure(&truth, &got.beats_secs, 0.03) > 0.97,
        "{:?}",
        got.beats_secs
    );
    let tempo = got.tempo_bpm.unwrap();
    assert!((tempo - 120.0).abs() < 2.5, "tempo {tempo}");
}

#[test]
fn silence_has_no_beats_and_no_tempo() {
    let got = track_offline(&vec![0.0; (10.0 * SR) as usize], &AnalysisConfig::default());
    assert!(got.beats_secs.is_empty() && got.downbeats_secs.is_empty());
    assert_eq!(got.tempo_bpm, None);
}

#[test]
fn four_four_drums_give_beats_and_downbeats() {
    let (signal, beats, downbeats) = drum_pattern(100.0, 4, 25.0);
    let got = track_offline(&signal, &AnalysisConfig::default());
    assert!(score_beats(&beats, &got.beats_secs).f_measure >= 0.97);
    assert!(
        f_measure(&downbeats, &got.downbeats_secs, 0.07) >= 0.9,
        "{:?}",
        got.downbeats_secs
    );
    assert_eq!(got.beat_positions.len(), got.beats_secs.len());
    assert_eq!(got.beat_positions.iter().max(), Some(&4));
}

#[test]
fn three_four_drums_give_three_beat_bars() {
    let (signal, beats, downbeats) = drum_pattern(150.0, 3, 25.0);
    let got = track_offline(&signal, &AnalysisConfig::default());
    assert!(score_beats(&beats, &got.beats_secs).f_measure >= 0.97);
    assert_eq!(got.beat_positions.iter().max(), Some(&3));
    assert!(f_measure(&downbeats, &got.downbeats_secs, 0.07) >= 0.9);
}

#[test]
fn follows_a_tempo_ramp() {
    // Clicks accelerating linearly from 100 to 130 BPM over 30 s.
    let (mut truth, mut t) = (Vec::new(), 0.5);
    while t < 30.0 {
        truth.push(t);
        let bpm = 100.0 + 30.0 * t / 30.0;
        t += 60.0 / bpm;
    }
    let mut signal = vec![0.0f32; (31.0 * SR) as usize];
    add_hits(&mut signal, &truth, 0.5, click);
    add_hits(&mut signal, &truth, 0.5, kick);
    let got = track_offline(&signal, &AnalysisConfig::default());
    assert!(score_beats(&truth, &got.beats_secs).f_measure >= 0.97);
    let tempi = &got.tempo_per_beat_bpm;
    let (first, last) = (tempi[3], tempi[tempi.len() - 3]);
    assert!(
        (first - 102.0).abs() < 5.0 && (last - 128.0).abs() < 5.0,
        "{first} {last}"
    );
}

#[test]
fn synthesized_corpus_mean_f_is_at_least_097() {
    let cfg = AnalysisConfig::default();
    let mut scores = Vec::new();
    for (name, spec) in synth::corpus() {
        let song = synth::render(&spec).unwrap();
        let samples = song.mono_at(cfg.sample_rate_hz).unwrap();
        let got = track_offline(&samples, &cfg);
        let f = score_beats(&song.truth.beats_secs, &got.beats_secs).f_measure;
        eprintln!("{name}: F {f:.3}");
        scores.push(f);
    }
    let mean = scores.iter().sum::<f64>() / scores.len() as f64;
    assert!(mean >= 0.97, "mean F {mean:.3}");
}

mod cli {
    use std::process::Command;

    fn dancebot() -> Command {
        Command::new(env!("CARGO_BIN_EXE_dancebot"))
    }

    fn write_wav(path: &std::path::Path, samples: &[f32]) {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 22_050,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(path, spec).unwrap();
        for &s in samples {
            w.write_sample((s * 32_000.0) as i16).unwrap();
        }
        w.finalize().unwrap();
    }

    #[test]
    fn beats_command_writes_json_and_handles_silence() {
        let dir = tempfile::tempdir().unwrap();
        let mut clicks = vec![0.0f32; 22_050 * 12];
        super::add_hits(
            &mut clicks,
            &super::grid(0.5, 100.0, 11.5),
            0.5,
            super::click,
        );
        let wav = dir.path().join("clicks.wav");
        write_wav(&wav, &clicks);
        let out = dir.path().join("beats.json");
        let status = dancebot()
            .arg("beats")
            .arg(&wav)
            .arg("--out")
            .arg(&out)
            .status()
            .unwrap();
        assert!(status.success());
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        assert!((json["tempo_bpm"].as_f64().unwrap() - 100.0).abs() < 3.0);
        assert!(json["beats_secs"].as_array().unwrap().len() >= 15);
        assert!(json["downbeats_secs"].is_array());

        let silent = dir.path().join("silent.wav");
        write_wav(&silent, &vec![0.0; 22_050 * 3]);
        let out = dir.path().join("silent.json");
        let run = dancebot()
            .arg("beats")
            .arg(&silent)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(run.status.success());
        assert!(String::from_utf8_lossy(&run.stderr).contains("no beats"));
        let json: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
        assert!(json["tempo_bpm"].is_null());
        assert_eq!(json["beats_secs"].as_array().unwrap().len(), 0);
    }

    #[test]
    fn bad_input_fails_naming_the_file_and_writes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("not_audio.wav");
        std::fs::write(&bad, b"this is not a wav file at all").unwrap();
        let out = dir.path().join("beats.json");
        let run = dancebot()
            .arg("beats")
            .arg(&bad)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap();
        assert!(!run.status.success());
        assert!(String::from_utf8_lossy(&run.stderr).contains("not_audio.wav"));
        assert!(!out.exists());
    }
}
