//! The synthesizer's contract: exact, consistent ground truth; deterministic, bounded audio;
//! drumless intros without drums; sample-identical repeated sections; kicks on beat samples.

use dancebot::audio::synth::{
    self, GroundTruth, MixSpec, SectionKind, SectionSpec, Song, SongSpec,
};
use dancebot::units::SampleRate;

fn corpus_song(name: &str) -> SongSpec {
    synth::corpus_song(name).unwrap_or_else(|| panic!("no corpus song {name}"))
}

fn short(spec: SongSpec) -> SongSpec {
    SongSpec {
        structure: vec![
            SectionSpec::new(SectionKind::Verse, 2),
            SectionSpec::new(SectionKind::Chorus, 2),
        ],
        ..spec
    }
}

fn sample_of(song: &Song, secs: f64) -> usize {
    song.sample_rate.secs_to_samples(secs)
}

fn check_truth(name: &str, spec: &SongSpec, truth: &GroundTruth) {
    let n = truth.beats_secs.len();
    assert_eq!(n as u32, spec.total_beats(), "{name}");
    assert_eq!(truth.beat_positions.len(), n, "{name}");
    assert_eq!(truth.tempo_per_beat_bpm.len(), n, "{name}");
    assert!(
        truth.beats_secs.windows(2).all(|w| w[1] > w[0]),
        "{name}: beats not increasing"
    );
    for (i, &position) in truth.beat_positions.iter().enumerate() {
        assert_eq!(
            position,
            i as u32 % spec.beats_per_bar + 1,
            "{name}: beat {i}"
        );
    }
    let downbeats: Vec<f64> = truth
        .beats_secs
        .iter()
        .zip(&truth.beat_positions)
        .filter(|(_, &p)| p == 1)
        .map(|(&t, _)| t)
        .collect();
    assert_eq!(truth.downbeats_secs, downbeats, "{name}");
    assert!(
        (truth.beats_secs[0] - spec.lead_in_secs).abs() < 1e-3,
        "{name}"
    );
    // Sections tile the song and start on downbeats.
    assert_eq!(truth.sections.len(), spec.structure.len(), "{name}");
    for (span, section) in truth.sections.iter().zip(&spec.structure) {
        assert_eq!(span.label, section.kind.label(), "{name}");
        assert!(
            truth.downbeats_secs.contains(&span.start_secs),
            "{name}: {span:?}"
        );
    }
    assert!(
        truth
            .sections
            .windows(2)
            .all(|w| w[0].end_secs == w[1].start_secs),
        "{name}"
    );
    // Beat intervals follow the tempo: constant within a sample, or changing monotonically.
    let intervals: Vec<f64> = truth.beats_secs.windows(2).map(|w| w[1] - w[0]).collect();
    // Each beat is within one sample of the curve (section start and offset both round).
    let two_samples = 2.01 / spec.sample_rate_hz.hz_f64();
    match spec.ramp_to_bpm {
        Some(end) if end > spec.tempo_bpm => {
            assert!(
                intervals.windows(2).all(|w| w[1] < w[0]),
                "{name}: accelerando"
            );
        }
        Some(_) => assert!(
            intervals.windows(2).all(|w| w[1] > w[0]),
            "{name}: ritardando"
        ),
        None => {
            let period = 60.0 / spec.tempo_bpm;
            assert!(
                intervals.iter().all(|d| (d - period).abs() <= two_samples),
                "{name}"
            );
        }
    }
    for (beat, (&secs, &bpm)) in truth
        .beats_secs
        .iter()
        .zip(&truth.tempo_per_beat_bpm)
        .enumerate()
    {
        assert!(bpm.is_finite() && bpm > 0.0, "{name}: beat {beat}");
        assert!(secs.is_finite());
    }
}

fn check_audio(name: &str, spec: &SongSpec, song: &Song) {
    assert_eq!(song.sample_rate, spec.sample_rate_hz, "{name}");
    assert_eq!(
        song.channels.len(),
        if spec.stereo { 2 } else { 1 },
        "{name}"
    );
    let two_samples = 2.0 / spec.sample_rate_hz.hz_f64();
    assert!(
        (song.duration_secs() - spec.duration_secs()).abs() < two_samples,
        "{name}"
    );
    let end_secs = song.truth.sections.last().map_or(0.0, |s| s.end_secs);
    let expected_len = sample_of(song, end_secs + synth::TAIL_SECS);
    for channel in &song.channels {
        assert!(
            channel.len().abs_diff(expected_len) <= 1,
            "{name}: {} samples",
            channel.len()
        );
        assert!(
            channel.iter().all(|x| x.is_finite() && x.abs() < 1.0),
            "{name}: out of range"
        );
    }
    let rms = (song.mono().iter().map(|x| x * x).sum::<f32>() / song.mono().len() as f32).sqrt();
    assert!((0.05..0.4).contains(&rms), "{name}: rms {rms}");
}

#[test]
fn every_corpus_song_renders_with_consistent_truth() {
    for (name, spec) in synth::corpus() {
        let song = synth::render(&spec).unwrap_or_else(|e| panic!("{name}: {e}"));
        check_truth(&name, &spec, &song.truth);
        check_audio(&name, &spec, &song);
    }
}

#[test]
fn bundled_song_has_a_repeated_chorus_and_sane_audio() {
    let spec = synth::bundled_song();
    let song = synth::render(&spec).unwrap();
    check_truth("bundled", &spec, &song.truth);
    check_audio("bundled", &spec, &song);
    let choruses = song
        .truth
        .sections
        .iter()
        .filter(|s| s.label == "chorus")
        .count();
    assert_eq!(choruses, 3);
    assert!((60.0..=95.0).contains(&song.duration_secs()));
}

#[test]
fn same_seed_same_samples_other_seed_other_samples() {
    let spec = short(SongSpec {
        noise_snr_db: Some(20.0),
        ..SongSpec::default()
    });
    let a = synth::render(&spec).unwrap();
    let b = synth::render(&spec).unwrap();
    assert_eq!(a, b);
    let c = synth::render(&SongSpec {
        seed: spec.seed + 1,
        ..spec
    })
    .unwrap();
    assert_eq!(a.truth, c.truth);
    assert_ne!(a.channels, c.channels);
}

/// Energy of the first difference (a crude high-pass: hats, snares, clicks) over a span.
fn hf_energy(samples: &[f32]) -> f32 {
    samples
        .windows(2)
        .map(|w| (w[1] - w[0]).powi(2))
        .sum::<f32>()
        / samples.len() as f32
}

#[test]
fn drumless_intro_has_no_drum_transients() {
    let spec = corpus_song("drumless_intro_118");
    let song = synth::render(&spec).unwrap();
    let mono = song.mono();
    let downbeats = &song.truth.downbeats_secs;
    let bars = spec.drumless_intro_bars as usize;
    let intro = &mono[sample_of(&song, downbeats[0])..sample_of(&song, downbeats[bars])];
    let after = &mono[sample_of(&song, downbeats[bars])..sample_of(&song, downbeats[2 * bars])];
    let (intro_hf, after_hf) = (hf_energy(intro), hf_energy(after));
    assert!(
        intro_hf < 0.1 * after_hf,
        "intro {intro_hf} vs later {after_hf}"
    );
    // And with only the drums audible, the intro is digital silence.
    let drums_only = SongSpec {
        mix: MixSpec {
            bass: 0.0,
            pad: 0.0,
            lead: 0.0,
            pluck: 0.0,
            ..MixSpec::default()
        },
        ..spec
    };
    let drums = synth::render(&drums_only).unwrap().mono();
    let intro_end = sample_of(&song, downbeats[bars]);
    assert!(drums[..intro_end].iter().all(|&x| x == 0.0));
    assert!(drums[intro_end..intro_end + 100].iter().any(|&x| x != 0.0));
}

#[test]
fn repeated_sections_are_sample_identical_before_noise() {
    // 110 BPM at 22 050 Hz: a beat is 12 027.27 samples, so bars fall between samples; swing
    // moves the off-beats. Repeats must still match sample for sample.
    let spec = corpus_song("swing_110");
    let song = synth::render(&spec).unwrap();
    let mono = song.mono();
    let spans: Vec<(usize, usize)> = song
        .truth
        .sections
        .iter()
        .filter(|s| s.label == "chorus")
        .map(|s| (sample_of(&song, s.start_secs), sample_of(&song, s.end_secs)))
        .collect();
    assert_eq!(spans.len(), 2);
    let len = spans[0].1 - spans[0].0;
    assert_eq!(spans[1].1 - spans[1].0, len);
    assert!(mono[spans[0].0..spans[0].1] == mono[spans[1].0..spans[1].1]);
    // Verses follow different sections; once the previous section's tails have died out
    // they match too.
    let verses: Vec<usize> = song
        .truth
        .sections
        .iter()
        .filter(|s| s.label == "verse")
        .map(|s| sample_of(&song, s.start_secs))
        .collect();
    let skip = sample_of(&song, synth::TAIL_SECS);
    assert!(mono[verses[0] + skip..verses[0] + len] == mono[verses[1] + skip..verses[1] + len]);
    assert!(mono[verses[0]..verses[0] + len] != mono[spans[0].0..spans[0].0 + len]);
}

#[test]
fn kick_onsets_land_exactly_on_beat_samples() {
    for tempo_bpm in [97.0, 120.0] {
        let spec = short(SongSpec {
            tempo_bpm,
            sample_rate_hz: SampleRate::new(44_100).unwrap(),
            mix: MixSpec::kick_only(),
            ..SongSpec::default()
        });
        let song = synth::render(&spec).unwrap();
        let mono = song.mono();
        for &secs in &song.truth.downbeats_secs {
            let at = sample_of(&song, secs);
            assert!(
                mono[at - 1].abs() < 0.01,
                "{tempo_bpm}: sound before the kick at {secs}"
            );
            assert!(
                mono[at].abs() > 0.3,
                "{tempo_bpm}: no attack at {secs}: {}",
                mono[at]
            );
        }
    }
}

#[test]
fn stereo_channels_differ_and_downmix_is_their_mean() {
    let song = synth::render(&short(SongSpec {
        stereo: true,
        ..SongSpec::default()
    }))
    .unwrap();
    let [left, right] = [&song.channels[0], &song.channels[1]];
    assert_ne!(left, right);
    let mono = song.mono();
    for i in (0..mono.len()).step_by(97) {
        assert!((mono[i] - 0.5 * (left[i] + right[i])).abs() < 1e-6);
    }
    let dot: f32 = left.iter().zip(right.iter()).map(|(l, r)| l * r).sum();
    let norm =
        (left.iter().map(|x| x * x).sum::<f32>() * right.iter().map(|x| x * x).sum::<f32>()).sqrt();
    let correlation = dot / norm;
    assert!(
        (0.5..0.999).contains(&correlation),
        "correlation {correlation}"
    );
}

#[test]
fn swing_moves_notes_but_not_beats() {
    let straight = synth::render(&short(SongSpec::default())).unwrap();
    let swung = synth::render(&short(SongSpec {
        swing: 2.0 / 3.0,
        ..SongSpec::default()
    }))
    .unwrap();
    assert_eq!(straight.truth, swung.truth);
    assert_ne!(straight.channels, swung.channels);
}

#[test]
fn odd_sample_rates_are_honoured() {
    for hz in [11_025, 37_800, 96_000] {
        let spec = short(SongSpec {
            sample_rate_hz: SampleRate::new(hz).unwrap(),
            ..SongSpec::default()
        });
        let song = synth::render(&spec).unwrap();
        check_audio(&format!("{hz} Hz"), &spec, &song);
        let secs = song.truth.sections[1].end_secs + synth::TAIL_SECS;
        assert!((song.duration_secs() - secs).abs() < 2.0 / f64::from(hz));
    }
}

#[test]
fn invalid_specs_are_rejected_with_the_field() {
    let err = synth::render(&SongSpec {
        tempo_bpm: 1_000.0,
        ..SongSpec::default()
    })
    .unwrap_err();
    assert!(err.to_string().contains("tempo_bpm"), "{err}");
}

#[test]
fn files_round_trip() {
    let dir = tempfile::tempdir().unwrap();
    let spec = short(SongSpec {
        stereo: true,
        ..SongSpec::default()
    });
    let song = synth::render(&spec).unwrap();
    let files = synth::write_song(&dir.path().join("song.wav"), &song).unwrap();
    let reader = hound::WavReader::open(&files.wav).unwrap();
    assert_eq!(reader.spec().channels, 2);
    assert_eq!(reader.spec().sample_rate, spec.sample_rate_hz.hz());
    assert_eq!(reader.len() as usize, 2 * song.channels[0].len());
    let beats = synth::parse_beats(&std::fs::read_to_string(&files.beats).unwrap()).unwrap();
    assert_eq!(beats.len(), song.truth.beats_secs.len());
    let sections: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&files.sections).unwrap()).unwrap();
    assert_eq!(sections["sections"][1]["label"], "chorus");
}

#[test]
fn cli_writes_a_named_song_and_names_bad_spec_fields() {
    let exe = env!("CARGO_BIN_EXE_dancebot");
    let dir = tempfile::tempdir().unwrap();
    let wav = dir.path().join("pop.wav");
    let out = std::process::Command::new(exe)
        .args(["synth", "--song", "pop_120", "--out"])
        .arg(&wav)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(wav.exists() && dir.path().join("pop.beats").exists());
    assert!(dir.path().join("pop.sections.json").exists());

    let spec = dir.path().join("bad.yaml");
    std::fs::write(&spec, "tempo_bpm: 120\nswing: 0.9\n").unwrap();
    let out = std::process::Command::new(exe)
        .args(["synth", "--spec"])
        .arg(&spec)
        .args(["--out"])
        .arg(dir.path().join("x.wav"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("bad.yaml") && stderr.contains("swing"),
        "{stderr}"
    );

    let out = std::process::Command::new(exe)
        .args(["synth", "--list"])
        .output()
        .unwrap();
    let listing = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        listing.lines().count(),
        synth::corpus().len() + 1,
        "{listing}"
    );
}
