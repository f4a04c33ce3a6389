//! The project's own training corpus: synthesized songs ([`crate::audio::synth`]) danced by
//! any [`DanceGenerator`] (the procedural move library in `dancebot train corpus`).
//!
//! Song `i` of a corpus with seed `s` is drawn from a generator seeded with `s` and `i`:
//! tempo 80–150 BPM, mostly 4/4 with some 3/4, some swing and syncopation, any key and mode,
//! percussion from light to full, about 30 s long. The dance is made from the song's exact
//! ground-truth beats, so the pairs show beat-aligned dancing; training later reads the songs
//! through the beat tracker, as inference does. Files per song: `NAME.wav`,
//! `NAME.skeleton.json` (with `audio` naming the WAV) and `NAME.beats` (ground truth).

use std::path::{Path, PathBuf};

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::NeuralError;
use crate::analysis::features::{extract, FeatureConfig};
use crate::audio::synth::{self, Mode, SectionKind, SectionSpec, SongSpec, Syncopation};
use crate::choreography::{generate_offline, ChoreoError, DanceGenerator};
use crate::error::write_atomic;

/// Length each corpus song aims at, seconds.
pub const TARGET_SONG_SECS: f64 = 30.0;

/// The spec of song `index` of a corpus seeded with `seed`, and its file stem.
pub fn song_spec(seed: u64, index: usize) -> (String, SongSpec) {
    let mut rng =
        ChaCha8Rng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ index as u64);
    let tempo_bpm = rng.gen_range(80.0..150.0f64).round();
    let beats_per_bar = if rng.gen_bool(0.1) { 3 } else { 4 };
    let bar_secs = 60.0 / tempo_bpm * f64::from(beats_per_bar);
    // Intro and outro of 2 bars; verse and chorus share the rest.
    let long_bars = (((TARGET_SONG_SECS / bar_secs) - 4.0) / 2.0)
        .round()
        .max(2.0) as u32;
    let structure = vec![
        SectionSpec::new(SectionKind::Intro, 2),
        SectionSpec::new(SectionKind::Verse, long_bars),
        SectionSpec::new(SectionKind::Chorus, long_bars),
        SectionSpec::new(SectionKind::Outro, 2),
    ];
    let spec = SongSpec {
        tempo_bpm,
        beats_per_bar,
        swing: if rng.gen_bool(0.2) { 2.0 / 3.0 } else { 0.5 },
        syncopation: if rng.gen_bool(0.3) {
            Syncopation::Light
        } else {
            Syncopation::None
        },
        percussion_level: rng.gen_range(0.5..1.0),
        seed: rng.gen(),
        key_root_midi: rng.gen_range(48..=72),
        mode: if rng.gen_bool(0.3) {
            Mode::Minor
        } else {
            Mode::Major
        },
        structure,
        ..SongSpec::default()
    };
    (format!("song{index:04}_{}bpm", tempo_bpm as u32), spec)
}

/// What was written.
#[derive(Debug, Clone, PartialEq)]
pub struct CorpusSong {
    /// File stem.
    pub name: String,
    /// The WAV file.
    pub wav: PathBuf,
    /// The dance.
    pub skeleton: PathBuf,
    /// Length, seconds.
    pub duration_secs: f64,
    /// Tempo, BPM.
    pub tempo_bpm: f64,
}

fn output_error(e: impl ToString, path: &Path) -> NeuralError {
    NeuralError::data(path, e.to_string())
}

/// Renders song `index`, dances it with the generator `make` returns for the song's seed, and
/// writes the pair into `dir`.
pub fn write_song(
    dir: &Path,
    seed: u64,
    index: usize,
    make: &mut dyn FnMut(u64) -> Result<Box<dyn DanceGenerator>, ChoreoError>,
) -> Result<CorpusSong, NeuralError> {
    let (name, spec) = song_spec(seed, index);
    let wav = dir.join(format!("{name}.wav"));
    let song = synth::render(&spec).map_err(|e| output_error(e, &wav))?;
    synth::write_wav(&wav, &song).map_err(|e| output_error(e, &wav))?;
    synth::write_beats(&dir.join(format!("{name}.beats")), &song.truth)
        .map_err(|e| output_error(e, &wav))?;
    let mut generator = make(spec.seed).map_err(|e| output_error(e, &wav))?;
    let cfg = FeatureConfig::with_fps(generator.fps());
    let samples = song
        .mono_at(cfg.analysis.sample_rate_hz)
        .map_err(|e| output_error(e, &wav))?;
    let grid = song.truth.beat_grid();
    let features = extract(&samples, &grid, &cfg).map_err(|e| output_error(e, &wav))?;
    let mut dance = generate_offline(generator.as_mut(), &features, &grid)
        .map_err(|e| output_error(e, &wav))?;
    dance.audio = Some(PathBuf::from(format!("{name}.wav")));
    let skeleton = dir.join(format!("{name}{}", super::data::SKELETON_SUFFIX));
    let bytes = dance
        .to_json_bytes()
        .map_err(|e| output_error(e, &skeleton))?;
    write_atomic(&skeleton, &bytes)?;
    Ok(CorpusSong {
        name,
        wav,
        skeleton,
        duration_secs: song.duration_secs(),
        tempo_bpm: spec.tempo_bpm,
    })
}

/// Writes `count` songs and dances into `dir` (created if missing), reporting each.
pub fn write_corpus(
    dir: &Path,
    count: usize,
    seed: u64,
    make: &mut dyn FnMut(u64) -> Result<Box<dyn DanceGenerator>, ChoreoError>,
    on_song: &mut dyn FnMut(&CorpusSong),
) -> Result<Vec<CorpusSong>, NeuralError> {
    std::fs::create_dir_all(dir)
        .map_err(|e| NeuralError::data(dir, format!("cannot create the corpus folder: {e}")))?;
    (0..count)
        .map(|i| {
            let song = write_song(dir, seed, i, make)?;
            on_song(&song);
            Ok(song)
        })
        .collect()
}
