//! The neural choreography generators end to end: corpus → dataset → training → model file →
//! `NeuralGenerator`, with the failure cases a user meets (bad data folders, wrong models).

#![cfg(feature = "torch")]
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use dancebot::analysis::features::{FeatureConfig, MusicFeatures};
use dancebot::analysis::BeatGrid;
use dancebot::choreography::body::BodyModel;
use dancebot::choreography::{ChoreoError, DanceGenerator, Joint, MusicContext, Pose, Vec3};
use dancebot::neural::config::{Arch, NetworkConfig, RenConfig, Seq2SeqConfig};
use dancebot::neural::corpus::write_corpus;
use dancebot::neural::data::{analyse_audio, find_pairs, load_clip, DataConfig, Dataset};
use dancebot::neural::generator::Generator;
use dancebot::neural::inputs::default_columns;
use dancebot::neural::manifest::load_weights;
use dancebot::neural::session::{self, RunPaths, RunSpec};
use dancebot::neural::train::{TrainConfig, Trainer};
use dancebot::neural::{NeuralGenerator, NeuralOptions};
use dancebot::torch_backend::DevicePreference;
use rand::SeedableRng;
use tch::{nn, Device, Kind, Tensor};

/// A dance that bounces on every beat and swings the right arm once per bar.
struct Bouncer {
    body: BodyModel,
}

impl DanceGenerator for Bouncer {
    fn name(&self) -> String {
        "bouncer".to_owned()
    }
    fn fps(&self) -> f64 {
        30.0
    }
    fn body(&self) -> &BodyModel {
        &self.body
    }
    fn extend(
        &mut self,
        music: &MusicContext<'_>,
        until_secs: f64,
        out: &mut Vec<Pose>,
    ) -> Result<usize, ChoreoError> {
        let start = out.len();
        let n = (until_secs * 30.0).ceil() as usize;
        for k in start..n {
            let t = k as f64 / 30.0;
            let beat = dancebot::analysis::features::phase::phase_at(music.beats_secs, t) as f64;
            let bar = dancebot::analysis::features::phase::phase_at(music.downbeats_secs, t) as f64;
            let mut p = self.body.rest_pose().translated(Vec3::new(
                0.0,
                -0.05 * (1.0 - (std::f64::consts::TAU * beat).cos()),
                0.0,
            ));
            let swing = (std::f64::consts::TAU * bar).sin();
            let elbow = p.get(Joint::RElbow);
            p.set(Joint::RWrist, elbow + Vec3::new(-0.2 * swing, 0.1, 0.15));
            out.push(self.body.project(&p));
        }
        Ok(n.saturating_sub(start))
    }
}

fn make_bouncer(_seed: u64) -> Result<Box<dyn DanceGenerator>, ChoreoError> {
    Ok(Box::new(Bouncer {
        body: BodyModel::default(),
    }))
}

/// libtorch's random generator is global: tests that seed it and draw from it take turns, so
/// a seeded run draws the same numbers when tests run in parallel.
fn torch_rng() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

struct Fixture {
    _dir: tempfile::TempDir,
    data: PathBuf,
    model: PathBuf,
    seq2seq_model: PathBuf,
}

fn tiny_ren(in_dim: i64) -> NetworkConfig {
    NetworkConfig::Ren(RenConfig {
        conv_channels: 16,
        gru_hidden: 16,
        decoder_hidden: 24,
        noise_dim: 4,
        ..RenConfig::new(in_dim, true)
    })
}

fn tiny_seq2seq(in_dim: i64) -> NetworkConfig {
    NetworkConfig::Seq2seq(Seq2SeqConfig {
        encoder_channels: 16,
        encoder_lstm_hidden: 8,
        prenet_dim: 16,
        decoder_lstm_hidden: 24,
        attention_dim: 8,
        location_filters: 4,
        location_kernel_frames: 7,
        autoencoder_hidden: 16,
        ..Seq2SeqConfig::new(in_dim)
    })
}

fn tiny_train() -> TrainConfig {
    TrainConfig {
        batch_size: 4,
        window_frames: 48,
        overlap_frames: 12,
        steps_per_epoch: 3,
        discriminator_hidden: 8,
        discriminator_layers: 2,
        ..TrainConfig::default()
    }
}

fn data_config() -> DataConfig {
    let features = FeatureConfig::with_fps(30.0);
    DataConfig {
        columns: default_columns(features.n_log_mel_bands),
        features,
        openpose_fps: 30.0,
    }
}

fn train_tiny(data_dir: &Path, network: NetworkConfig, out: &Path) -> dancebot::neural::Manifest {
    train_tiny_from(data_dir, network, out, 2, None)
}

fn train_tiny_from(
    data_dir: &Path,
    network: NetworkConfig,
    out: &Path,
    epochs: usize,
    resume: Option<&Path>,
) -> dancebot::neural::Manifest {
    // Reductions split over threads add in another order: a run repeats exactly only at the
    // same thread count (and `NeuralGenerator::load` sets one).
    tch::set_num_threads(1);
    let cfg = data_config();
    let clips = find_pairs(data_dir)
        .unwrap()
        .iter()
        .map(|p| load_clip(p, &cfg).unwrap())
        .collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let data = Dataset::new(clips, cfg.columns.len(), 0.34, None, &mut rng);
    let spec = RunSpec {
        network,
        train: tiny_train(),
        features: cfg.features.clone(),
        input_columns: cfg.columns.clone(),
        epochs,
        seed: 3,
        device: Device::Cpu,
        paths: RunPaths::beside(out),
        command: "cargo test --features torch --test neural".to_owned(),
        data_description: "three synthesized songs danced by a test bouncer".to_owned(),
    };
    session::run(&spec, &data, resume, &mut |_| {}).unwrap()
}

/// A corpus of three songs and a tiny model of each family trained on it, made once.
fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let _rng = torch_rng();
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("corpus");
        let songs = write_corpus(&data, 3, 5, &mut make_bouncer, &mut |_| {}).unwrap();
        assert_eq!(songs.len(), 3);
        let in_dim = data_config().columns.len() as i64;
        let model = dir.path().join("ren.safetensors");
        train_tiny(&data, tiny_ren(in_dim), &model);
        let seq2seq_model = dir.path().join("s2s.safetensors");
        train_tiny(&data, tiny_seq2seq(in_dim), &seq2seq_model);
        Fixture {
            _dir: dir,
            data,
            model,
            seq2seq_model,
        }
    })
}

fn load(path: &Path) -> NeuralGenerator {
    let opts = NeuralOptions {
        device: DevicePreference::Cpu,
        ..NeuralOptions::default()
    };
    NeuralGenerator::load(path, &opts).unwrap()
}

fn song_features(f: &Fixture) -> (MusicFeatures, BeatGrid) {
    let pair = &find_pairs(&f.data).unwrap()[0];
    analyse_audio(&pair.audio, &data_config().features).unwrap()
}

#[test]
fn corpus_pairs_are_found_and_written_files_are_complete() {
    let f = fixture();
    let pairs = find_pairs(&f.data).unwrap();
    assert_eq!(pairs.len(), 3);
    for file in [
        "ren.json",
        "ren.losses.csv",
        "ren.losses.png",
        "ren.checkpoints/epoch-0002.json",
    ] {
        assert!(f.model.with_file_name(file).exists(), "{file}");
    }
    let csv = std::fs::read_to_string(f.model.with_file_name("ren.losses.csv")).unwrap();
    assert_eq!(csv.lines().count(), 3, "{csv}");
    assert!(
        csv.starts_with("epoch,steps,elapsed_secs,g_total,g_l1"),
        "{csv}"
    );
    let png = std::fs::read(f.model.with_file_name("ren.losses.png")).unwrap();
    assert_eq!(&png[1..4], b"PNG");
}

#[test]
fn offline_dance_of_any_length_is_finite_with_the_body_bone_lengths() {
    let f = fixture();
    let (features, grid) = song_features(f);
    for path in [&f.model, &f.seq2seq_model] {
        let mut g = load(path);
        let music = MusicContext::offline(&features, &grid);
        // 1.3 windows of 48 frames.
        let until = 1.3 * 48.0 / 30.0;
        let mut out = Vec::new();
        let n = g.extend(&music, until, &mut out).unwrap();
        assert_eq!(n, 63);
        for p in &out {
            assert!(p.is_finite());
            assert!(g.body().max_length_deviation(p) < 1e-9);
        }
        assert!(g.last_report().is_some());
    }
}

#[test]
fn causal_frames_do_not_depend_on_future_music() {
    let f = fixture();
    let (features, grid) = song_features(f);
    let mut changed = features.clone();
    let cut = 60; // frame 60 = 2 s
    for row in &mut changed.log_mel_db[cut..] {
        row.iter_mut().for_each(|v| *v += 30.0);
    }
    for o in &mut changed.onset_strength[cut..] {
        *o = 5.0;
    }
    let mut dances = Vec::new();
    for feats in [&features, &changed] {
        let mut g = load(&f.model);
        let music = MusicContext {
            complete: false,
            ..MusicContext::offline(feats, &grid)
        };
        let mut out = Vec::new();
        for until in [0.5, 1.0, 2.5, 4.0] {
            g.extend(&music, until, &mut out).unwrap();
        }
        assert_eq!(out.len(), 120);
        dances.push(out);
    }
    assert_eq!(
        dances[0][..cut],
        dances[1][..cut],
        "a frame before 2 s changed with the music after it"
    );
    assert_ne!(
        dances[0][cut..],
        dances[1][cut..],
        "the changed music must change later frames"
    );
}

#[test]
fn live_bidirectional_model_extends_smoothly() {
    let f = fixture();
    let (features, grid) = song_features(f);
    let mut g = load(&f.seq2seq_model);
    let music = MusicContext {
        complete: false,
        ..MusicContext::offline(&features, &grid)
    };
    let mut out = Vec::new();
    g.extend(&music, 1.0, &mut out).unwrap();
    let before = out.clone();
    g.extend(&music, 3.0, &mut out).unwrap();
    assert_eq!(out.len(), 90);
    assert_eq!(out[..30], before[..], "frames already returned changed");
    assert!(out
        .iter()
        .all(|p| p.is_finite() && g.body().max_length_deviation(p) < 1e-9));
}

#[test]
fn save_and_load_give_identical_outputs() {
    let _rng = torch_rng();
    let cfg = tiny_ren(9);
    let trainer = Trainer::new(&cfg, &tiny_train(), Device::Cpu).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.safetensors");
    trainer.generator_store().save(&path).unwrap();
    let mut vs = nn::VarStore::new(Device::Cpu);
    let loaded = Generator::new(vs.root(), &cfg);
    load_weights(&mut vs, &path, Arch::RenCausal).unwrap();
    let audio = Tensor::randn([2, 30, 9], (Kind::Float, Device::Cpu));
    let noise = Tensor::randn([2, 4], (Kind::Float, Device::Cpu));
    let a = trainer.generator().generate(&audio, &noise);
    let b = loaded.generate(&audio, &noise);
    assert_eq!((a - b).abs().max().double_value(&[]), 0.0);
}

#[test]
fn models_of_the_wrong_architecture_or_shape_are_refused_naming_the_file() {
    let f = fixture();
    let opts = NeuralOptions {
        device: DevicePreference::Cpu,
        expected_arch: Some(Arch::RenCausal),
        ..NeuralOptions::default()
    };
    let err = NeuralGenerator::load(&f.seq2seq_model, &opts)
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("s2s.json") && err.contains("architecture is seq2seq, expected ren-causal"),
        "{err}"
    );
    // Seq2seq weights behind a ren-causal manifest.
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("fake.safetensors");
    std::fs::copy(&f.seq2seq_model, &fake).unwrap();
    std::fs::copy(f.model.with_extension("json"), fake.with_extension("json")).unwrap();
    let err = NeuralGenerator::load(&fake, &opts).unwrap_err().to_string();
    assert!(
        err.contains("fake.safetensors") && err.contains("architecture ren-causal expects tensor"),
        "{err}"
    );
    // A manifest whose sizes disagree with the weights.
    let text = std::fs::read_to_string(f.model.with_extension("json")).unwrap();
    let mut manifest: serde_json::Value = serde_json::from_str(&text).unwrap();
    manifest["network"]["gru_hidden"] = serde_json::json!(17);
    std::fs::copy(&f.model, &fake).unwrap();
    std::fs::write(fake.with_extension("json"), manifest.to_string()).unwrap();
    let err = NeuralGenerator::load(&fake, &opts).unwrap_err().to_string();
    assert!(
        err.contains("fake.json") && err.contains("has shape"),
        "{err}"
    );
    // CUDA asked for where there is none.
    if !tch::Cuda::is_available() {
        let cuda = NeuralOptions {
            device: DevicePreference::Cuda(0),
            ..NeuralOptions::default()
        };
        let err = NeuralGenerator::load(&f.model, &cuda)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("ren.safetensors") && err.contains("no CUDA device"),
            "{err}"
        );
    }
    // No manifest at all.
    std::fs::remove_file(fake.with_extension("json")).unwrap();
    let err = NeuralGenerator::load(&fake, &opts).unwrap_err().to_string();
    assert!(
        err.contains("fake.json") && err.contains("cannot read"),
        "{err}"
    );
}

fn toy_batch(in_dim: i64) -> dancebot::neural::data::Batch {
    tch::manual_seed(7);
    let audio = Tensor::randn([4, 32, in_dim], (Kind::Float, Device::Cpu));
    // Poses are a fixed function of the music: learnable.
    let weights = Tensor::randn([in_dim, 57], (Kind::Float, Device::Cpu)) * 0.3;
    let poses = audio.matmul(&weights).tanh();
    dancebot::neural::data::Batch { audio, poses }
}

fn loss_after(cfg: &NetworkConfig, train: &TrainConfig, name: &str, steps: usize) -> (f64, f64) {
    let _rng = torch_rng();
    tch::manual_seed(11);
    let mut trainer = Trainer::new(cfg, train, Device::Cpu).unwrap();
    let batch = toy_batch(cfg.in_dim());
    let value = |l: &[(&str, f64)]| l.iter().find(|(n, _)| *n == name).unwrap().1;
    let first = value(&trainer.step(&batch));
    let mut last = first;
    for _ in 0..steps {
        last = value(&trainer.step(&batch));
    }
    assert!(last.is_finite());
    (first, last)
}

#[test]
fn a_few_training_steps_reduce_the_pose_loss() {
    let ren = TrainConfig {
        lr_generator: 2e-3,
        ..tiny_train()
    };
    let (first, last) = loss_after(&tiny_ren(6), &ren, "g_l1", 40);
    assert!(last < 0.8 * first, "ren g_l1 {first} -> {last}");
    let s2s = TrainConfig {
        discriminator_every: 3,
        ..TrainConfig::for_arch(Arch::Seq2Seq)
    };
    let s2s = TrainConfig {
        batch_size: 4,
        window_frames: 32,
        overlap_frames: 8,
        discriminator_hidden: 8,
        discriminator_layers: 2,
        ..s2s
    };
    let (first, last) = loss_after(&tiny_seq2seq(6), &s2s, "g_mse", 40);
    assert!(last < 0.8 * first, "seq2seq g_mse {first} -> {last}");
}

#[test]
fn bad_data_folders_are_errors_naming_the_file() {
    let missing = find_pairs(Path::new("/nonexistent/dancebot-data"))
        .unwrap_err()
        .to_string();
    assert!(
        missing.contains("/nonexistent/dancebot-data") && missing.contains("cannot read"),
        "{missing}"
    );
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("lonely.wav"), b"RIFF").unwrap();
    let none = find_pairs(empty.path()).unwrap_err().to_string();
    assert!(none.contains("no training pairs"), "{none}");
    // A dance 2 s longer than its song is refused; 0.5 s longer is trimmed.
    let f = fixture();
    let dir = tempfile::tempdir().unwrap();
    let pair = &find_pairs(&f.data).unwrap()[0];
    let dance = dancebot::choreography::SkeletonSequence::load(pair.dance.path()).unwrap();
    let (features, _) = song_features(f);
    for (extra_frames, ok) in [(60usize, false), (15, true)] {
        let mut long = dance.clone();
        long.frames
            .extend(std::iter::repeat_n(dance.frames[0], extra_frames));
        std::fs::copy(&pair.audio, dir.path().join("a.wav")).unwrap();
        std::fs::write(
            dir.path().join("a.skeleton.json"),
            long.to_json_bytes().unwrap(),
        )
        .unwrap();
        let p = &find_pairs(dir.path()).unwrap()[0];
        match load_clip(p, &data_config()) {
            Ok(clip) => {
                assert!(ok);
                assert_eq!(clip.n_frames, features.n_frames.min(long.frames.len()));
            }
            Err(e) => {
                let e = e.to_string();
                assert!(
                    !ok && e.contains("a.skeleton.json") && e.contains("wrong pair"),
                    "{e}"
                );
            }
        }
    }
}

/// Analyses a synthesized song as `dancebot choreograph` does: offline beats, then features.
fn analyse_song(song: &dancebot::audio::synth::Song, fps: f64) -> (MusicFeatures, BeatGrid) {
    let cfg = FeatureConfig::with_fps(fps);
    let samples = song.mono_at(cfg.analysis.sample_rate_hz).unwrap();
    let grid = dancebot::analysis::offline::track_offline(&samples, &cfg.analysis);
    (
        dancebot::analysis::features::extract(&samples, &grid, &cfg).unwrap(),
        grid,
    )
}

#[test]
fn shipped_model_loads_and_dances() {
    let path = dancebot::neural::default_model_path();
    let mut g = load(&path);
    assert_eq!(g.manifest().architecture, Arch::RenCausal);
    let spec = dancebot::audio::synth::SongSpec {
        structure: vec![dancebot::audio::synth::SectionSpec::new(
            dancebot::audio::synth::SectionKind::Verse,
            3,
        )],
        ..Default::default()
    };
    let song = dancebot::audio::synth::render(&spec).unwrap();
    let (features, grid) = analyse_song(&song, g.fps());
    let seq = dancebot::choreography::generate_offline(&mut g, &features, &grid).unwrap();
    assert_eq!(seq.frames.len(), features.n_frames);
    let m = dancebot::choreography::metrics::evaluate(&seq, &song.truth.beats_secs, Some(g.body()))
        .unwrap();
    assert_eq!(m.nan_frames, 0);
    assert!(m.bone_length.max_rel < 0.02, "{:?}", m.bone_length);
    assert!(
        m.mean_joint_speed_m_per_s > 0.05,
        "the dancer must move: {m:?}"
    );
}

/// The shipped model on every song of the synthesized test corpus: Beat Align Score against
/// the true beats after the post-process, NaN frames, bone-length deviation and speed.
/// `cargo test --release --features torch --test neural -- --ignored --nocapture shipped_model_on_the_corpus`
#[test]
#[ignore = "measurement: run in release, see the doc comment"]
fn shipped_model_on_the_corpus() {
    // DANCEBOT_NEURAL_MODEL measures another model file (e.g. a run in progress).
    let path = std::env::var_os("DANCEBOT_NEURAL_MODEL")
        .map_or_else(dancebot::neural::default_model_path, PathBuf::from);
    let mut g = load(&path);
    let (mut bas, mut bas_before, mut worst_bone, mut nan) = (Vec::new(), Vec::new(), 0.0f64, 0);
    let (mut music_secs, mut generate_secs) = (0.0, 0.0);
    let mut speeds = Vec::new();
    for (name, spec) in dancebot::audio::synth::corpus() {
        let song = dancebot::audio::synth::render(&spec).unwrap();
        let (features, grid) = analyse_song(&song, g.fps());
        let started = std::time::Instant::now();
        let seq = dancebot::choreography::generate_offline(&mut g, &features, &grid).unwrap();
        generate_secs += started.elapsed().as_secs_f64();
        music_secs += features.duration_secs;
        let m =
            dancebot::choreography::metrics::evaluate(&seq, &song.truth.beats_secs, Some(g.body()))
                .unwrap();
        let report = g.last_report().unwrap();
        let mut procedural =
            dancebot::choreography::moves::ProceduralGenerator::new(Default::default()).unwrap();
        let reference =
            dancebot::choreography::generate_offline(&mut procedural, &features, &grid).unwrap();
        let r = dancebot::choreography::metrics::evaluate(&reference, &song.truth.beats_secs, None)
            .unwrap();
        speeds.push((
            m.mean_joint_speed_m_per_s,
            r.mean_joint_speed_m_per_s,
            r.beat_align_score,
        ));
        eprintln!(
            "{name:28} BAS {:.3} (before warp {:.3}), bone {:.2e}, nan {}",
            m.beat_align_score, report.bas_before, m.bone_length.max_rel, m.nan_frames
        );
        bas.push(m.beat_align_score);
        bas_before.push(report.bas_before);
        worst_bone = worst_bone.max(m.bone_length.max_rel);
        nan += m.nan_frames;
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let speed = music_secs / generate_secs;
    eprintln!(
        "mean BAS {:.3} (before warp {:.3}), worst bone deviation {:.2e}, NaN frames {nan}, {:.0}x real time ({music_secs:.0} s of music in {generate_secs:.2} s, {} threads)",
        mean(&bas), mean(&bas_before), worst_bone, speed, tch::get_num_threads()
    );
    let column = |i: usize| {
        speeds
            .iter()
            .map(|s: &(f64, f64, f64)| [s.0, s.1, s.2][i])
            .collect::<Vec<f64>>()
    };
    eprintln!(
        "mean joint speed {:.3} m/s (procedural move library on the same songs: {:.3} m/s, BAS {:.3})",
        mean(&column(0)),
        mean(&column(1)),
        mean(&column(2))
    );
    // Live: the causal network extended one frame per call over the first song.
    let song = dancebot::audio::synth::render(&dancebot::audio::synth::corpus()[0].1).unwrap();
    let (features, grid) = analyse_song(&song, g.fps());
    let live = MusicContext {
        complete: false,
        ..MusicContext::offline(&features, &grid)
    };
    let mut g = load(&path);
    let mut out = Vec::new();
    let started = std::time::Instant::now();
    for k in 1..=features.n_frames {
        g.extend(&live, k as f64 / g.fps(), &mut out).unwrap();
    }
    let per_frame_ms = started.elapsed().as_secs_f64() * 1e3 / out.len() as f64;
    eprintln!(
        "live, one frame per call: {per_frame_ms:.3} ms per frame ({} frames)",
        out.len()
    );
    assert!(mean(&bas) >= 0.40 && nan == 0 && worst_bone <= 0.02);
}

#[test]
fn runs_are_reproducible_and_resume_from_checkpoints() {
    let f = fixture();
    let in_dim = data_config().columns.len() as i64;
    let dir = tempfile::tempdir().unwrap();
    let first = dancebot::neural::Manifest::load(&f.model.with_extension("json")).unwrap();
    let _rng = torch_rng();
    let again = train_tiny(
        &f.data,
        tiny_ren(in_dim),
        &dir.path().join("again.safetensors"),
    );
    assert_eq!(
        first.training.final_losses, again.training.final_losses,
        "same seed, same run"
    );
    // Resume the fixture's run from epoch 1 up to epoch 3.
    let ckpt = f
        .model
        .with_file_name("ren.checkpoints")
        .join("epoch-0001.json");
    let out = dir.path().join("resumed.safetensors");
    let resumed = train_tiny_from(&f.data, tiny_ren(in_dim), &out, 3, Some(&ckpt));
    assert_eq!(resumed.training.epochs, 3);
    assert_eq!(resumed.training.steps, 9);
    let csv = std::fs::read_to_string(dir.path().join("resumed.losses.csv")).unwrap();
    assert_eq!(csv.lines().count(), 4, "{csv}");
    // Every checkpoint's generator is a loadable model.
    let g = load(
        &dir.path()
            .join("resumed.checkpoints/epoch-0003.generator.safetensors"),
    );
    assert_eq!(g.manifest().training.epochs, 3);
    // A checkpoint of another architecture is refused, naming its file.
    let s2s_ckpt = f
        .seq2seq_model
        .with_file_name("s2s.checkpoints")
        .join("epoch-0001.json");
    let cfg = data_config();
    let clips = find_pairs(&f.data)
        .unwrap()
        .iter()
        .take(1)
        .map(|p| load_clip(p, &cfg).unwrap())
        .collect();
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
    let data = Dataset::new(clips, cfg.columns.len(), 0.0, None, &mut rng);
    let spec = RunSpec {
        network: tiny_ren(in_dim),
        train: tiny_train(),
        features: cfg.features.clone(),
        input_columns: cfg.columns.clone(),
        epochs: 2,
        seed: 3,
        device: Device::Cpu,
        paths: RunPaths::beside(&dir.path().join("wrong.safetensors")),
        command: String::new(),
        data_description: String::new(),
    };
    let err = session::run(&spec, &data, Some(&s2s_ckpt), &mut |_| {})
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("epoch-0001.generator.safetensors") && err.contains("expects tensor"),
        "{err}"
    );
}

#[test]
fn openpose_folders_pair_with_their_audio() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/openpose/coco18");
    let folder = dir.path().join("dancer");
    std::fs::create_dir(&folder).unwrap();
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, folder.join(path.file_name().unwrap())).unwrap();
    }
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 22_050,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut wav = hound::WavWriter::create(dir.path().join("dancer.wav"), spec).unwrap();
    for i in 0..4_410 {
        wav.write_sample(((i as f32 * 0.06).sin() * 8_000.0) as i16)
            .unwrap();
    }
    wav.finalize().unwrap();
    let pairs = find_pairs(dir.path()).unwrap();
    assert_eq!(pairs.len(), 1);
    assert!(matches!(
        pairs[0].dance,
        dancebot::neural::data::DanceSource::OpenPose(_)
    ));
    let clip = load_clip(&pairs[0], &data_config()).unwrap();
    // 4 video frames against 0.2 s (6 frames) of music: trimmed to the dance.
    assert_eq!(clip.n_frames, 4);
    assert!(clip.targets.iter().all(|v| v.is_finite()));
}
