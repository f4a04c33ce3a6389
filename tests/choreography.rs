//! The procedural dance generator end to end: synthesized songs (exact beats and sections)
//! through beat tracking, features and the generator, and the `choreograph` command.

// Helpers outside `#[test]` functions fail loudly on a broken synthesizer or analysis.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::process::Command;

use dancebot::analysis::features::{extract, FeatureConfig, MusicFeatures};
use dancebot::analysis::offline::track_offline;
use dancebot::analysis::{AnalysisConfig, BeatGrid};
use dancebot::audio::synth::{self, SectionKind, SectionSpec, SongSpec};
use dancebot::choreography::moves::{ProceduralConfig, ProceduralGenerator};
use dancebot::choreography::{
    generate_offline, metrics, BodyModel, DanceGenerator, Joint, Pose, SkeletonSequence,
};
use dancebot::units::SampleRate;

/// A 120 BPM song, 20 bars: intro 2, verse 4, chorus 4, verse 4, chorus 4, outro 2.
fn pop_spec() -> SongSpec {
    use SectionKind::{Chorus, Intro, Outro, Verse};
    SongSpec {
        tempo_bpm: 120.0,
        seed: 5,
        sample_rate_hz: SampleRate::CD_HALF,
        structure: [
            (Intro, 2),
            (Verse, 4),
            (Chorus, 4),
            (Verse, 4),
            (Chorus, 4),
            (Outro, 2),
        ]
        .into_iter()
        .map(|(kind, bars)| SectionSpec::new(kind, bars))
        .collect(),
        ..SongSpec::default()
    }
}

/// Mono samples at the analysis rate and the exact beat grid.
fn render(spec: &SongSpec) -> (Vec<f32>, BeatGrid) {
    let song = synth::render(spec).unwrap();
    let samples = song
        .mono_at(AnalysisConfig::default().sample_rate_hz)
        .unwrap();
    (samples, song.truth.beat_grid())
}

fn features(samples: &[f32], grid: &BeatGrid) -> MusicFeatures {
    extract(samples, grid, &FeatureConfig::with_fps(30.0)).unwrap()
}

fn dance(
    seed: u64,
    features: &MusicFeatures,
    grid: &BeatGrid,
) -> (ProceduralGenerator, SkeletonSequence) {
    let cfg = ProceduralConfig {
        seed,
        ..ProceduralConfig::default()
    };
    let mut g = ProceduralGenerator::new(cfg).unwrap();
    let seq = generate_offline(&mut g, features, grid).unwrap();
    (g, seq)
}

/// Beat Align Score of a dance against music beats: the project's metric (Bailando's
/// protocol in seconds, `choreography::metrics`).
fn beat_align_score(seq: &SkeletonSequence, music_beats: &[f64]) -> f64 {
    metrics::evaluate(seq, music_beats, None)
        .unwrap()
        .beat_align_score
}

/// Checks every frame: finite, exact bones, no foot below the rest ankle height.
fn assert_valid(seq: &SkeletonSequence, body: &BodyModel) {
    let floor = body.rest_pose().get(Joint::RAnkle).y;
    for (k, p) in seq.frames.iter().enumerate() {
        assert!(p.is_finite(), "frame {k} not finite");
        let dev = body.max_length_deviation(p);
        assert!(dev < 1e-9, "frame {k}: bones off by {dev}");
        for ankle in [Joint::RAnkle, Joint::LAnkle] {
            assert!(p.get(ankle).y >= floor - 1e-9, "frame {k}: {ankle:?} sinks");
        }
    }
}

#[test]
fn a_synthesized_song_is_danced_on_its_tracked_beats() {
    let spec = pop_spec();
    let (samples, truth) = render(&spec);
    let grid = track_offline(&samples, &AnalysisConfig::default());
    let f = features(&samples, &grid);
    let (g, seq) = dance(0, &f, &grid);
    assert_eq!(seq.frames.len(), f.n_frames);
    assert_valid(&seq, g.body());
    let bas_tracked = beat_align_score(&seq, &grid.beats_secs);
    let bas_truth = beat_align_score(&seq, &truth.beats_secs);
    let used = g.moves_used();
    eprintln!(
        "BAS {bas_tracked:.3} on tracked beats, {bas_truth:.3} on true beats; {} bars, {} moves: {used:?}",
        g.plan().len(),
        used.len()
    );
    assert!(bas_tracked >= 0.6 && bas_truth >= 0.6);
    assert!(used.len() >= 5);
}

/// Frames of the dance over the bars of each later section that repeats an earlier one's
/// label, against the same bars of the first, but for the first beat and the last two (the
/// moves around a section differ, and with them the spline's tangents there). The beats of the
/// synthesizer are rounded to samples, so repeats match to 0.1 mm, not to rounding.
#[test]
fn repeated_sections_get_the_same_dance() {
    let (samples, grid) = render(&pop_spec());
    let f = features(&samples, &grid);
    let (g, seq) = dance(0, &f, &grid);
    let labels: Vec<&str> = f.sections.iter().map(|s| s.label.as_str()).collect();
    eprintln!("sections: {labels:?}");
    let beat_frames = 15; // 0.5 s at 30 fps
    let first_downbeat_after = |t: f64| {
        grid.downbeats_secs
            .iter()
            .copied()
            .find(|&d| d >= t - 0.1)
            .unwrap()
    };
    let mut compared = 0;
    for (i, later) in f.sections.iter().enumerate() {
        let Some(first) = f.sections[..i].iter().find(|s| s.label == later.label) else {
            continue;
        };
        let bars = ((first.end_secs - first.start_secs).min(later.end_secs - later.start_secs)
            / 2.0)
            .round() as usize;
        let (a, b) = (
            first_downbeat_after(first.start_secs),
            first_downbeat_after(later.start_secs),
        );
        let (ka, kb) = ((a * 30.0).floor() as usize, (b * 30.0).floor() as usize);
        for k in beat_frames..bars * 60 - 2 * beat_frames {
            let (pa, pb) = (&seq.frames[ka + k], &seq.frames[kb + k]);
            for j in Joint::ALL {
                let err = (pa.get(j) - pb.get(j)).norm();
                assert!(
                    err < 1e-4,
                    "{} at +{k} frames: {j:?} off by {err}",
                    later.label
                );
            }
        }
        compared += 1;
    }
    assert!(compared >= 2, "the verse and chorus repeat: {labels:?}");
    assert!(g.plan().iter().any(|b| b.replayed));
}

#[test]
fn seeds_decide_the_dance_and_consecutive_bars_differ() {
    let (samples, grid) = render(&pop_spec());
    let f = features(&samples, &grid);
    let (g1, a) = dance(1, &f, &grid);
    let (_, again) = dance(1, &f, &grid);
    let (_, other) = dance(2, &f, &grid);
    assert_eq!(a.frames, again.frames);
    assert_ne!(a.frames, other.frames);
    // Bars are 60 frames at 120 BPM and 30 fps: compare each bar with the one before.
    let plan = g1.plan();
    for w in plan.windows(2) {
        if w[1].replayed || w[0].bar.n_beats != 4 {
            continue;
        }
        let (k0, k1) = (
            (w[0].start_secs * 30.0).floor() as usize,
            (w[1].start_secs * 30.0).floor() as usize,
        );
        let n = 60.min(a.frames.len().saturating_sub(k1));
        let mean: f64 = (0..n)
            .map(|k| {
                Joint::ALL
                    .iter()
                    .map(|&j| (a.frames[k0 + k].get(j) - a.frames[k1 + k].get(j)).norm())
                    .sum::<f64>()
                    / 18.0
            })
            .sum::<f64>()
            / n.max(1) as f64;
        assert!(
            mean > 0.01,
            "bars at {} s and {} s look the same ({mean} m)",
            w[0].start_secs,
            w[1].start_secs
        );
    }
}

#[test]
fn choreograph_writes_a_skeleton_file() {
    let dir = tempfile::tempdir().unwrap();
    let spec = SongSpec {
        structure: vec![SectionSpec::new(SectionKind::Verse, 4)],
        ..SongSpec::default()
    };
    let wav = dir.path().join("song.wav");
    synth::write_wav(&wav, &synth::render(&spec).unwrap()).unwrap();
    let out = dir.path().join("skeleton.json");
    let run = Command::new(env!("CARGO_BIN_EXE_dancebot"))
        .args([
            "choreograph",
            wav.to_str().unwrap(),
            "--seed",
            "7",
            "--fps",
            "25",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(
        stdout.contains("frames") && stdout.contains("moves used"),
        "{stdout}"
    );
    let seq = SkeletonSequence::load(&out).unwrap();
    assert_eq!(seq.fps, 25.0);
    assert_eq!(seq.audio.as_deref(), Some(wav.as_path()));
    assert!(seq.frames.len() >= 25 * 9 && seq.beats_secs.len() >= 14);
    let described = seq.generator.unwrap();
    assert_eq!(described["seed"], 7);
    assert!(described["bars"].as_array().unwrap().len() >= 4);
    let body = BodyModel::default();
    // The file rounds to micrometres.
    assert!(seq
        .frames
        .iter()
        .all(|p| body.max_length_deviation(p) < 1e-4));
}

#[test]
fn choreograph_fails_clearly() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("skeleton.json");
    let missing = dir.path().join("no_such_song.wav");
    let run = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_dancebot"))
            .arg("choreograph")
            .arg(&missing)
            .args(extra)
            .arg("--out")
            .arg(&out)
            .output()
            .unwrap()
    };
    let r = run(&[]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(!r.status.success());
    assert!(stderr.contains("no_such_song.wav"), "{stderr}");
    let r = run(&["--generator", "neural"]);
    let stderr = String::from_utf8_lossy(&r.stderr);
    assert!(!r.status.success());
    // Without libtorch the build says so; with it, the shipped model loads and the missing
    // audio is what fails.
    #[cfg(not(feature = "torch"))]
    assert!(stderr.contains("neural"), "{stderr}");
    #[cfg(feature = "torch")]
    assert!(stderr.contains("no_such_song.wav"), "{stderr}");
    assert!(!out.exists());
}

/// The first 24 songs of the synthesized corpus (60–200 BPM, swing, tempo ramps, 3/4, noise):
/// every dance on its tracked beats scores BAS ≥ 0.6, and together they use ≥ 20 moves.
#[test]
fn corpus_songs_are_danced_on_the_beat_with_many_moves() {
    let mut used: Vec<&str> = Vec::new();
    let (mut sum_tracked, mut sum_truth) = (0.0, 0.0);
    let songs: Vec<(String, SongSpec)> = synth::corpus().into_iter().take(24).collect();
    for (name, spec) in &songs {
        let (samples, truth) = render(spec);
        let grid = track_offline(&samples, &AnalysisConfig::default());
        let f = features(&samples, &grid);
        let (g, seq) = dance(0, &f, &grid);
        assert_valid(&seq, g.body());
        let tracked = beat_align_score(&seq, &grid.beats_secs);
        let on_truth = beat_align_score(&seq, &truth.beats_secs);
        eprintln!(
            "{name:24} BAS {tracked:.3} (tracked beats) {on_truth:.3} (true beats), {} moves",
            g.moves_used().len()
        );
        assert!(tracked >= 0.6, "{name}: BAS {tracked}");
        sum_tracked += tracked;
        sum_truth += on_truth;
        for m in g.moves_used() {
            if !used.contains(&m) {
                used.push(m);
            }
        }
    }
    let n = songs.len() as f64;
    eprintln!(
        "mean BAS {:.3} (tracked beats), {:.3} (true beats); {} distinct moves",
        sum_tracked / n,
        sum_truth / n,
        used.len()
    );
    assert!(used.len() >= 20, "{used:?}");
}

/// Live: the causal tracker's announcements arrive as the song plays (each beat once it is
/// announced, often ahead of the playhead) and the generator is asked for 0.5 s ahead every
/// 0.1 s, knowing the features only up to the playhead. The dance stays valid and smooth, and
/// lands on the announced beats.
#[test]
fn a_live_dance_follows_the_causal_trackers_announcements() {
    let (samples, _) = render(&pop_spec());
    let online = dancebot::analysis::online::track_online(&samples, &AnalysisConfig::default());
    let emitted = online.emitted_at_secs.clone().unwrap();
    let f = features(&samples, &online);
    let mut g = ProceduralGenerator::new(ProceduralConfig::default()).unwrap();
    let mut frames: Vec<Pose> = Vec::new();
    let mut playhead = 0.0;
    while playhead < f.duration_secs {
        let known = emitted.partition_point(|&e| e <= playhead);
        let mut heard = f.clone();
        heard.n_frames = ((playhead * 30.0) as usize).min(f.n_frames);
        let music = dancebot::choreography::MusicContext {
            features: &heard,
            beats_secs: &online.beats_secs[..known],
            downbeats_secs: &[],
            complete: false,
        };
        let before = frames.len();
        g.extend(&music, (playhead + 0.5).min(f.duration_secs), &mut frames)
            .unwrap();
        assert!(frames.len() >= before);
        playhead += 0.1;
    }
    let seq = SkeletonSequence::new(30.0, frames);
    assert_eq!(seq.frames.len(), f.n_frames);
    assert_valid(&seq, g.body());
    let (_, reference) = dance(0, &f, &online);
    let jerkiest = |frames: &[Pose]| {
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
    let (live, offline) = (jerkiest(&seq.frames), jerkiest(&reference.frames));
    let bas = beat_align_score(&seq, &online.beats_secs);
    eprintln!("live: BAS {bas:.3} on the announced beats; largest second difference {live:.4} m (offline {offline:.4} m)");
    assert!(live < 2.0 * offline);
    assert!(bas >= 0.6);
}
