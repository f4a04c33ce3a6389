//! Frame-level features and sections against known answers: librosa-generated references for
//! MFCC and chroma, and synthesized songs whose sections are known exactly.

// Helpers outside `#[test]` functions fail loudly on a broken fixture or synthesizer.
#![allow(clippy::unwrap_used)]

use dancebot::analysis::features::frames::analysis_frames;
use dancebot::analysis::features::{extract, FeatureConfig, FrameSeries};
use dancebot::analysis::sections::score::{boundary_prf, pairwise_prf};
use dancebot::analysis::sections::Section;
use dancebot::analysis::BeatGrid;
use dancebot::audio::synth::{self, SongSpec};
use dancebot::units::SampleRate;

/// The librosa reference fixture (see `scripts/make_feature_reference.py`).
#[derive(serde::Deserialize)]
struct Reference {
    sample_rate_hz: u32,
    duration_secs: f64,
    partials: Vec<[f64; 3]>,
    mfcc_mean: Vec<f32>,
    chroma_mean: Vec<f32>,
}

fn reference() -> (Reference, Vec<f32>) {
    let text = include_str!("fixtures/feature_reference.json");
    let r: Reference = serde_json::from_str(text).unwrap();
    let sr = f64::from(r.sample_rate_hz);
    let n = (r.duration_secs * sr) as usize;
    let y = (0..n)
        .map(|i| {
            let t = i as f64 / sr;
            r.partials
                .iter()
                .map(|[f, a, p]| a * (2.0 * std::f64::consts::PI * f * t + p).sin())
                .sum::<f64>() as f32
        })
        .collect();
    (r, y)
}

/// Mean of the middle half of a series' frames.
fn middle_mean(series: &FrameSeries) -> Vec<f32> {
    let n = series.n_frames();
    let mut out = vec![0.0f32; series.dim];
    for i in n / 4..3 * n / 4 {
        for (o, v) in out.iter_mut().zip(series.frame(i)) {
            *o += v / (3 * n / 4 - n / 4) as f32;
        }
    }
    out
}

#[test]
fn mfcc_and_chroma_match_librosa_on_a_stationary_chord() {
    let (r, y) = reference();
    let frames = analysis_frames(&y, &FeatureConfig::default());
    let mfcc = middle_mean(&frames.mfcc);
    let mut worst = 0.0f32;
    for (c, (ours, theirs)) in mfcc.iter().zip(&r.mfcc_mean).enumerate() {
        let err = (ours - theirs).abs();
        worst = worst.max(err);
        assert!(err < 0.25, "mfcc {c}: {ours} vs librosa {theirs}");
    }
    eprintln!("mfcc worst abs error vs librosa: {worst:.4}");
    let chroma = middle_mean(&frames.chroma);
    let mut worst = 0.0f32;
    for (c, (ours, theirs)) in chroma.iter().zip(&r.chroma_mean).enumerate() {
        let err = (ours - theirs).abs();
        worst = worst.max(err);
        assert!(err < 0.02, "chroma {c}: {ours} vs librosa {theirs}");
    }
    eprintln!("chroma worst abs error vs librosa: {worst:.4}");
}

#[test]
fn features_have_the_documented_shape_at_30_and_60_fps() {
    let spec = SongSpec {
        tempo_bpm: 120.0,
        structure: vec![synth::SectionSpec::new(synth::SectionKind::Verse, 3)],
        ..SongSpec::default()
    };
    let (samples, truth) = render_mono(spec);
    let grid = truth.beat_grid();
    let duration = samples.len() as f64 / 22_050.0;
    for fps in [30.0, 60.0] {
        let f = extract(&samples, &grid, &FeatureConfig::with_fps(fps)).unwrap();
        let n = (duration * fps).ceil() as usize;
        assert_eq!(f.n_frames, n);
        assert_eq!(f.layout, "dancebot.features.v1");
        for len in [
            f.onset_strength.len(),
            f.rms.len(),
            f.log_mel_db.len(),
            f.mfcc.len(),
        ] {
            assert_eq!(len, n);
        }
        assert_eq!(
            (f.chroma.len(), f.beat_phase.len(), f.section_index.len()),
            (n, n, n)
        );
        assert!(f.log_mel_db.iter().all(|row| row.len() == f.n_mels));
        assert!(f.chroma.iter().flatten().all(|v| (0.0..=1.0).contains(v)));
        assert!(f.onset_strength.iter().all(|v| v.is_finite() && *v >= 0.0));
        assert!(f.rms.iter().all(|v| (0.0..1.0).contains(v)));
        let m = f.to_matrix();
        assert_eq!(m.len(), n * f.n_columns());
        assert_eq!(f.column_names().len(), f.n_columns());
        // Beat phase is ~0 at each beat and ~0.5 half way (one motion frame of slack).
        let period = 0.5;
        for &b in grid.beats_secs.iter().skip(1).take(8) {
            let k = (b * fps).round() as usize;
            let frac = (k as f64 / fps - b) / period;
            let phase = f64::from(f.beat_phase[k]);
            let err = (phase - frac.rem_euclid(1.0)).abs();
            assert!(err.min(1.0 - err) < 1e-3, "beat {b}: phase {phase}");
        }
        // Sections tile the piece.
        assert_eq!(f.sections.first().unwrap().start_secs, 0.0);
        assert!((f.sections.last().unwrap().end_secs - duration).abs() < 1e-9);
        // The JSON round-trips.
        let json = serde_json::to_string(&f).unwrap();
        let back: dancebot::analysis::features::MusicFeatures =
            serde_json::from_str(&json).unwrap();
        assert_eq!(back.n_frames, f.n_frames);
    }
}

#[test]
fn an_empty_beat_grid_and_odd_inputs_are_handled() {
    let (_, samples) = reference();
    let f = extract(&samples, &BeatGrid::default(), &FeatureConfig::default()).unwrap();
    assert_eq!(f.n_frames, 60);
    assert!(f.beat_phase.iter().chain(&f.bar_phase).all(|&p| p == 0.0));
    assert_eq!(f.sections.len(), 1);
    assert!(f.section_index.iter().all(|&i| i == 0));

    let empty = extract(&[], &BeatGrid::default(), &FeatureConfig::default()).unwrap();
    assert_eq!(empty.n_frames, 0);
    assert!(empty.sections.is_empty());

    let mut bad = samples.clone();
    bad[100] = f32::NAN;
    let err = extract(&bad, &BeatGrid::default(), &FeatureConfig::default()).unwrap_err();
    assert!(err.to_string().contains("not finite"), "{err}");
    let err = extract(
        &samples,
        &BeatGrid::default(),
        &FeatureConfig::with_fps(0.0),
    )
    .unwrap_err();
    assert!(err.to_string().contains("fps"), "{err}");
}

/// A synthesized song at the analysis rate (mono, 22 050 Hz).
fn render_mono(spec: SongSpec) -> (Vec<f32>, synth::GroundTruth) {
    let spec = SongSpec {
        sample_rate_hz: SampleRate::CD_HALF,
        stereo: false,
        ..spec
    };
    let song = synth::render(&spec).unwrap();
    (song.mono(), song.truth)
}

fn truth_sections(truth: &synth::GroundTruth) -> Vec<Section> {
    truth
        .sections
        .iter()
        .map(|s| Section {
            label: s.label.clone(),
            start_secs: s.start_secs,
            end_secs: s.end_secs,
        })
        .collect()
}

/// Bar length of the truth grid in seconds (median downbeat spacing).
fn bar_secs(grid: &BeatGrid) -> f64 {
    let mut d: Vec<f64> = grid
        .downbeats_secs
        .windows(2)
        .map(|w| w[1] - w[0])
        .collect();
    d.sort_by(f64::total_cmp);
    d[d.len() / 2]
}

/// Sections found on synthesized pop songs (intro, verse, chorus, verse, chorus, bridge,
/// chorus, outro; verse and chorus share their chords in rotated order) with the truth grid:
/// boundary F within one bar and pairwise label F.
#[test]
fn sections_of_synthesized_songs_match_their_structure() {
    use dancebot::audio::synth::SectionSpec;
    let pop = |tempo_bpm: f64, seed: u64| SongSpec {
        tempo_bpm,
        seed,
        structure: SectionSpec::pop_structure(4, 8),
        ..SongSpec::default()
    };
    let songs: Vec<(&str, SongSpec)> = vec![
        ("bundled", synth::bundled_song()),
        ("pop_100", pop(100.0, 1)),
        ("pop_128", pop(128.0, 2)),
        ("pop_84", pop(84.0, 3)),
    ];
    let (mut sum_boundary_f, mut sum_pairwise_f) = (0.0, 0.0);
    for (name, spec) in &songs {
        let (samples, truth) = render_mono(spec.clone());
        let grid = truth.beat_grid();
        let features = extract(&samples, &grid, &FeatureConfig::default()).unwrap();
        let reference = truth_sections(&truth);
        let b = boundary_prf(&features.sections, &reference, bar_secs(&grid));
        let p = pairwise_prf(&features.sections, &reference, 0.25);
        let labels: Vec<String> = features
            .sections
            .iter()
            .map(|s| format!("{}@{:.1}", s.label, s.start_secs))
            .collect();
        eprintln!(
            "{name}: boundary F {:.2}, pairwise F {:.2}: {labels:?}",
            b.f_measure, p.f_measure
        );
        assert!(b.f_measure >= 0.8, "{name}: boundary {b:?}");
        assert!(p.f_measure >= 0.85, "{name}: pairwise {p:?}");
        sum_boundary_f += b.f_measure;
        sum_pairwise_f += p.f_measure;
    }
    let n = songs.len() as f64;
    eprintln!(
        "mean boundary F {:.3}, mean pairwise F {:.3}",
        sum_boundary_f / n,
        sum_pairwise_f / n
    );
    assert!(sum_boundary_f / n >= 0.9 && sum_pairwise_f / n >= 0.9);
}
