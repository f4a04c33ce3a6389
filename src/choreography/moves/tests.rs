//! Generator tests on hand-made music features with known beats, bars and sections.

use super::{ProceduralConfig, ProceduralGenerator};
use crate::analysis::features::{MusicFeatures, FEATURE_LAYOUT};
use crate::analysis::sections::Section;
use crate::choreography::moves::rig::Rig;
use crate::choreography::{BodyModel, DanceGenerator, Joint, MusicContext, Pose};

/// Features of `duration_secs` whose loudness and onset strength follow `level(t)`.
fn features(
    duration_secs: f64,
    level: impl Fn(f64) -> f32,
    sections: &[(&str, f64)],
) -> MusicFeatures {
    let fps = 30.0;
    let n = (duration_secs * fps).ceil() as usize;
    let levels: Vec<f32> = (0..n).map(|k| level(k as f64 / fps)).collect();
    let sections: Vec<Section> = sections
        .iter()
        .enumerate()
        .map(|(i, (label, start))| Section {
            label: (*label).to_owned(),
            start_secs: *start,
            end_secs: sections.get(i + 1).map_or(duration_secs, |s| s.1),
        })
        .collect();
    MusicFeatures {
        layout: FEATURE_LAYOUT.to_owned(),
        fps,
        duration_secs,
        n_frames: n,
        n_mels: 0,
        onset_strength: levels.clone(),
        rms: levels,
        log_mel_db: vec![Vec::new(); n],
        mfcc: vec![[0.0; 20]; n],
        chroma: vec![[0.0; 12]; n],
        beat_phase: vec![0.0; n],
        bar_phase: vec![0.0; n],
        section_index: vec![0; n],
        sections,
    }
}

/// Beats every `period` from `first` to `last` (inclusive), and every fourth a downbeat.
fn grid(first: f64, last: f64, period: f64) -> (Vec<f64>, Vec<f64>) {
    let n = ((last - first) / period).round() as usize;
    let beats: Vec<f64> = (0..=n).map(|i| first + i as f64 * period).collect();
    let downbeats = beats.iter().step_by(4).copied().collect();
    (beats, downbeats)
}

/// A bar-by-bar changing level, so the plan visits every energy.
fn busy(t: f64) -> f32 {
    0.1 + 0.9 * ((t / 2.0).floor() * 0.37).fract() as f32
}

fn offline(
    seed: u64,
    f: &MusicFeatures,
    beats: &[f64],
    downbeats: &[f64],
) -> (ProceduralGenerator, Vec<Pose>) {
    let mut g = ProceduralGenerator::new(ProceduralConfig {
        seed,
        ..ProceduralConfig::default()
    })
    .unwrap();
    let music = MusicContext {
        features: f,
        beats_secs: beats,
        downbeats_secs: downbeats,
        complete: true,
    };
    let mut out = Vec::new();
    g.extend(&music, f.duration_secs, &mut out).unwrap();
    (g, out)
}

fn max_joint_distance(a: &Pose, b: &Pose) -> f64 {
    Joint::ALL
        .iter()
        .map(|&j| (a.get(j) - b.get(j)).norm())
        .fold(0.0, f64::max)
}

#[test]
fn silence_without_beats_is_a_calm_idle() {
    let f = features(6.0, |_| 0.0, &[]);
    let (g, frames) = offline(0, &f, &[], &[]);
    assert_eq!(frames.len(), 180);
    let rest = BodyModel::default().rest_pose();
    let mut sway = 0.0f64;
    for p in &frames {
        assert!(p.is_finite() && g.body().max_length_deviation(p) < 1e-9);
        assert!(max_joint_distance(p, &rest) < 0.03);
        sway = sway.max((p.pelvis() - rest.pelvis()).norm());
    }
    assert!(sway > 0.005, "the idle sways ({sway} m)");
}

#[test]
fn key_poses_land_on_the_beats_through_a_tempo_change() {
    // 0.5 s beats, then 0.4 s beats: every beat falls on a frame at 30 fps.
    let mut beats: Vec<f64> = (0..8).map(|i| 1.0 + 0.5 * f64::from(i)).collect();
    beats.extend((1..=10).map(|i| 4.5 + 0.4 * f64::from(i)));
    let downbeats: Vec<f64> = beats.iter().step_by(4).copied().collect();
    let f = features(10.0, busy, &[]);
    let (g, frames) = offline(3, &f, &beats, &downbeats);
    let rig = Rig::new(g.body());
    for (j, &b) in beats.iter().enumerate() {
        let bar = g
            .plan()
            .iter()
            .rev()
            .find(|p| p.bar.first_beat <= j)
            .unwrap();
        let m = g.library().get(bar.choice.move_index).unwrap();
        let (from, len) = bar.choice.move_window(j - bar.bar.first_beat, m.def.beats);
        let (frac, key) = m
            .keys_in_window(bar.choice.mirrored, from, len)
            .next()
            .unwrap();
        assert_eq!(frac, 0.0);
        let frame = &frames[(b * 30.0).round() as usize];
        let err = max_joint_distance(frame, &rig.pose(key));
        assert!(err < 1e-6, "beat {j} at {b} s: {err} m from its key pose");
    }
}

/// Mean joint displacement from frame k to k + 1.
fn speeds(frames: &[Pose]) -> Vec<f64> {
    frames
        .windows(2)
        .map(|w| {
            Joint::ALL
                .iter()
                .map(|&j| (w[1].get(j) - w[0].get(j)).norm())
                .sum::<f64>()
                / 18.0
        })
        .collect()
}

#[test]
fn the_speed_has_its_minima_on_the_beats() {
    let (beats, downbeats) = grid(1.0, 21.0, 0.5);
    let f = features(22.0, busy, &[]);
    let (_, frames) = offline(5, &f, &beats, &downbeats);
    let v = speeds(&frames);
    // Sample k sits at (k + 0.5) / fps.
    let minima: Vec<f64> = (1..v.len() - 1)
        .filter(|&k| v[k] < v[k - 1] && v[k] <= v[k + 1])
        .map(|k| (k as f64 + 0.5) / 30.0)
        .collect();
    let interior = &beats[1..beats.len() - 1];
    let hits = interior
        .iter()
        .filter(|&&b| minima.iter().any(|&m| (m - b).abs() <= 0.5 / 30.0 + 1e-9))
        .count();
    assert_eq!(hits, interior.len(), "{hits} of {} beats", interior.len());
}

#[test]
fn many_small_calls_give_the_frames_of_one_call() {
    let (beats, downbeats) = grid(0.8, 12.8, 0.5);
    let f = features(14.0, busy, &[("A", 0.0), ("B", 6.8)]);
    let (_, whole) = offline(9, &f, &beats, &downbeats);
    let mut g = ProceduralGenerator::new(ProceduralConfig {
        seed: 9,
        ..ProceduralConfig::default()
    })
    .unwrap();
    let music = MusicContext {
        features: &f,
        beats_secs: &beats,
        downbeats_secs: &downbeats,
        complete: true,
    };
    let mut pieces = Vec::new();
    let mut until = 0.0;
    while until < f.duration_secs {
        until += 0.137;
        g.extend(&music, until.min(f.duration_secs), &mut pieces)
            .unwrap();
    }
    assert_eq!(pieces, whole);
}

#[test]
fn live_calls_with_growing_predicted_beats_stay_smooth() {
    let (beats, downbeats) = grid(1.0, 19.0, 0.5);
    let full = features(20.0, busy, &[]);
    let mut g = ProceduralGenerator::new(ProceduralConfig::default()).unwrap();
    let mut out = Vec::new();
    let mut playhead = 0.0;
    while playhead < 20.0 {
        // Heard beats, plus predictions up to 1.5 s ahead that are off by up to 20 ms.
        let known: Vec<f64> = beats
            .iter()
            .enumerate()
            .filter(|(_, &b)| b <= playhead + 1.5)
            .map(|(i, &b)| {
                if b > playhead {
                    b + 0.02 * (i as f64 * 1.7).sin()
                } else {
                    b
                }
            })
            .collect();
        let down: Vec<f64> = downbeats
            .iter()
            .copied()
            .filter(|&d| d <= playhead + 1.5)
            .collect();
        let mut heard = full.clone();
        heard.n_frames = ((playhead * 30.0) as usize).min(full.n_frames);
        let music = MusicContext {
            features: &heard,
            beats_secs: &known,
            downbeats_secs: &down,
            complete: false,
        };
        g.extend(&music, playhead + 0.5, &mut out).unwrap();
        playhead += 0.1;
    }
    let (_, reference) = offline(0, &full, &beats, &downbeats);
    let accel = |frames: &[Pose]| {
        frames
            .windows(3)
            .map(|w| {
                Joint::ALL
                    .iter()
                    .map(|&j| (w[2].get(j) - 2.0 * w[1].get(j) + w[0].get(j)).norm())
                    .fold(0.0, f64::max)
            })
            .fold(0.0, f64::max)
    };
    assert!(out.len() >= 600);
    for p in &out {
        assert!(p.is_finite() && g.body().max_length_deviation(p) < 1e-9);
    }
    let (live, offline) = (accel(&out), accel(&reference));
    assert!(
        live < 2.0 * offline,
        "live {live} m/frame² vs offline {offline}"
    );
    let mean_speed = speeds(&out).iter().sum::<f64>() / out.len() as f64;
    assert!(
        mean_speed * 30.0 > 0.1,
        "the live dancer dances ({mean_speed})"
    );
}

#[test]
fn beats_that_stop_are_danced_a_little_further_then_idled() {
    let (beats, downbeats) = grid(1.0, 6.0, 0.5);
    let f = features(6.0, busy, &[]);
    let mut g = ProceduralGenerator::new(ProceduralConfig::default()).unwrap();
    let music = MusicContext {
        features: &f,
        beats_secs: &beats,
        downbeats_secs: &downbeats,
        complete: false,
    };
    let mut out = Vec::new();
    g.extend(&music, 14.0, &mut out).unwrap();
    assert_eq!(out.len(), 420);
    let rest = BodyModel::default().rest_pose();
    // 8 extrapolated beats to 10 s, then two beats of blending: idle from 11 s.
    let v = speeds(&out);
    assert!(
        v[270..290].iter().sum::<f64>() > 0.05,
        "still dancing at 9 s"
    );
    for p in &out[340..] {
        assert!(p.is_finite() && max_joint_distance(p, &rest) < 0.03);
    }
}

#[test]
fn repeated_sections_replay_bar_for_bar() {
    // A B A B, 8 s each: 4 bars of 4 beats of 0.5 s; beats from 0 s.
    let (beats, downbeats) = grid(0.0, 31.5, 0.5);
    let sections = [("A", 0.0), ("B", 8.0), ("A", 16.0), ("B", 24.0)];
    let f = features(32.0, busy, &sections);
    let (g, frames) = offline(11, &f, &beats, &downbeats);
    let plan = g.plan();
    assert_eq!(plan.len(), 16);
    for b in 0..8 {
        assert_eq!(plan[b + 8].choice, plan[b].choice, "bar {b}");
        assert!(plan[b + 8].replayed && !plan[b].replayed);
    }
    // Frames too, but for the first and last beat of a section (their neighbours differ).
    for k in 15..225 {
        let err = max_joint_distance(&frames[k + 480], &frames[k]);
        assert!(err < 1e-9, "frame {k}: {err}");
    }
}

#[test]
fn consecutive_bars_differ_and_the_seed_decides_the_dance() {
    let (beats, downbeats) = grid(0.5, 60.5, 0.5);
    let f = features(62.0, busy, &[]);
    let (a, frames_a) = offline(1, &f, &beats, &downbeats);
    let (_, again) = offline(1, &f, &beats, &downbeats);
    let (b, frames_b) = offline(2, &f, &beats, &downbeats);
    assert_eq!(frames_a, again);
    assert_ne!(frames_a, frames_b);
    assert_ne!(a.moves_used(), b.moves_used());
    for w in a.plan().windows(2) {
        let continued = w[1].choice.offset_beats > 0;
        assert!(
            continued || !w[1].choice.same_variant(&w[0].choice),
            "{:?}",
            w
        );
    }
    // Bars start on the downbeats.
    for (p, d) in a.plan().iter().zip(&downbeats) {
        assert_eq!(p.start_secs, *d);
    }
}

#[test]
fn louder_bars_get_more_energetic_moves() {
    let (beats, downbeats) = grid(0.5, 60.5, 0.5);
    let f = features(62.0, |t| if t < 30.5 { 0.05 } else { 0.9 }, &[]);
    let (g, _) = offline(4, &f, &beats, &downbeats);
    let mean_level = |quiet: bool| {
        let bars: Vec<u8> = g
            .plan()
            .iter()
            .filter(|p| (p.start_secs < 30.0) == quiet)
            .map(|p| g.library().get(p.choice.move_index).unwrap().def.energy)
            .collect();
        bars.iter().map(|&e| f64::from(e)).sum::<f64>() / bars.len() as f64
    };
    let (quiet, loud) = (mean_level(true), mean_level(false));
    assert!(quiet < 1.5 && loud > 2.5, "quiet {quiet}, loud {loud}");
}
