//! `dancebot train` with libtorch: the choreography networks and their synthesized corpus
//! (arguments in `crate::cli::train`), and the avatar model (`super::train_avatar`).

use crate::cli::train::{DeviceArg, TrainCommand};

/// Runs `dancebot train`.
pub fn run(cmd: TrainCommand) -> anyhow::Result<()> {
    match cmd {
        TrainCommand::Choreo(args) => choreo::choreo(args),
        TrainCommand::Corpus(args) => choreo::corpus(args),
        TrainCommand::Avatar(args) => super::train_avatar::avatar(args),
        TrainCommand::AvatarData(args) => super::train_avatar::avatar_data(args),
    }
}

/// The device `--device` asks for; an error when CUDA is asked for and absent.
pub(crate) fn device(d: DeviceArg) -> anyhow::Result<tch::Device> {
    use dancebot::torch_backend::{select_device, DevicePreference};
    Ok(select_device(match d {
        DeviceArg::Auto => DevicePreference::Auto,
        DeviceArg::Cpu => DevicePreference::Cpu,
        DeviceArg::Cuda => {
            anyhow::ensure!(
                tch::Cuda::is_available(),
                "--device cuda: libtorch sees no CUDA device (see `dancebot doctor`)"
            );
            DevicePreference::Cuda(0)
        }
    }))
}

/// The command line as typed, with the program called `dancebot`, for manifests.
pub(crate) fn command_line() -> String {
    let mut args: Vec<String> = std::env::args().collect();
    if let Some(first) = args.first_mut() {
        *first = "dancebot".to_owned();
    }
    args.join(" ")
}

/// Readies the progress bar for an epoch of `steps` steps.
pub(crate) fn start_epoch(bar: &indicatif::ProgressBar, epoch: usize, steps: usize) {
    bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
    bar.reset();
    bar.set_length(steps as u64);
    bar.set_prefix(epoch.to_string());
}

/// Advances the progress bar by one step, showing `shown` (a few losses).
pub(crate) fn step_done(bar: &indicatif::ProgressBar, shown: &[String]) {
    bar.set_message(shown.join(" "));
    bar.inc(1);
}

/// `name value, name value, …` of an epoch's mean losses.
pub(crate) fn losses_line<N: std::fmt::Display>(
    losses: impl IntoIterator<Item = (N, f64)>,
) -> String {
    let parts: Vec<String> = losses
        .into_iter()
        .map(|(n, v)| format!("{n} {v:.4}"))
        .collect();
    parts.join(", ")
}

mod choreo {
    use std::path::Path;

    use anyhow::Context;
    use dancebot::choreography::moves::{ProceduralConfig, ProceduralGenerator};
    use dancebot::choreography::DanceGenerator;
    use dancebot::neural::config::{Arch, NetworkConfig};
    use dancebot::neural::corpus::{write_corpus, CorpusSong};
    use dancebot::neural::data::{find_pairs, load_clip, DataConfig, Dataset};
    use dancebot::neural::inputs::default_columns;
    use dancebot::neural::session::{self, CheckpointState, Progress, RunPaths, RunSpec};
    use dancebot::neural::train::{Preset, TrainConfig};
    use rand::SeedableRng;

    use super::{command_line, device, losses_line, start_epoch, step_done};
    use crate::cli::train::{ArchArg, ChoreoArgs, CorpusArgs, PresetArg};

    fn arch(a: ArchArg) -> Arch {
        match a {
            ArchArg::Ren => Arch::Ren,
            ArchArg::RenCausal => Arch::RenCausal,
            ArchArg::Seq2seq => Arch::Seq2Seq,
        }
    }

    /// Settings of a fresh run: config file (or the paper's settings) and the preset's sizes.
    fn fresh(args: &ChoreoArgs, in_dim: usize) -> anyhow::Result<(NetworkConfig, TrainConfig)> {
        let arch = arch(args.arch);
        let train = match &args.config {
            Some(path) => dancebot::config::load::<TrainConfig>(path)?,
            None => TrainConfig::for_arch(arch),
        };
        let preset = match args.preset {
            PresetArg::Paper => Preset::Paper,
            PresetArg::Small => Preset::Small,
        };
        Ok((preset.network(arch, in_dim as i64), train))
    }

    fn resumed(path: &Path, args: &ChoreoArgs) -> anyhow::Result<CheckpointState> {
        let state = CheckpointState::load(path)?;
        let found = state.network.arch();
        anyhow::ensure!(
            found == arch(args.arch),
            "{}: the checkpoint is of architecture {found}, but --arch is {}",
            path.display(),
            arch(args.arch)
        );
        Ok(state)
    }

    /// Runs `dancebot train choreo`.
    pub fn choreo(args: ChoreoArgs) -> anyhow::Result<()> {
        anyhow::ensure!(
            args.out.extension().is_some_and(|e| e == "safetensors"),
            "--out {}: the model file must end in .safetensors",
            args.out.display()
        );
        let device = device(args.device)?;
        if device == tch::Device::Cpu {
            tch::set_num_threads(args.threads.max(1));
        }
        let state = args
            .resume
            .as_deref()
            .map(|p| resumed(p, &args))
            .transpose()?;
        let mut features = dancebot::analysis::features::FeatureConfig::with_fps(args.fps);
        let mut columns = default_columns(features.n_log_mel_bands);
        if let Some(s) = &state {
            features = s.features.clone();
            columns = s.input_columns.clone();
        }
        let data_cfg = DataConfig {
            features: features.clone(),
            columns: columns.clone(),
            openpose_fps: args.openpose_fps,
        };
        let clips = load_clips(&args.data, &data_cfg)?;
        let seed = state.as_ref().map_or(args.seed, |s| s.seed);
        let stats = state
            .as_ref()
            .map(|s| (s.normalisation.input.clone(), s.normalisation.pose.clone()));
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
        let n_pairs = clips.len();
        let dataset = Dataset::new(clips, columns.len(), args.val_fraction, stats, &mut rng);
        anyhow::ensure!(
            !dataset.train.is_empty(),
            "{}: no songs left for training after the validation split",
            args.data.display()
        );
        let (network, train) = match &state {
            Some(s) => (s.network.clone(), s.train.clone()),
            None => fresh(&args, columns.len())?,
        };
        let description = describe_data(&args.data, n_pairs, &dataset, features.fps);
        println!("{description}; {} on {device:?}", network.arch());
        let spec = RunSpec {
            network,
            train,
            features,
            input_columns: columns,
            epochs: args.epochs,
            seed,
            device,
            paths: RunPaths::beside(&args.out),
            command: command_line(),
            data_description: description,
        };
        let bar = indicatif::ProgressBar::hidden();
        bar.set_style(
            indicatif::ProgressStyle::with_template(
                "epoch {prefix} {bar:30} {pos}/{len} {per_sec} {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        let mut on_progress = |p: Progress<'_>| report(&bar, p);
        let manifest = session::run(&spec, &dataset, args.resume.as_deref(), &mut on_progress)?;
        println!(
            "wrote {} ({} epochs, {} steps, {:.0} s), {}, {} and {}",
            spec.paths.weights.display(),
            manifest.training.epochs,
            manifest.training.steps,
            manifest.training.duration_secs,
            spec.paths.manifest.display(),
            spec.paths.losses_csv.display(),
            spec.paths.losses_png.display()
        );
        Ok(())
    }

    fn report(bar: &indicatif::ProgressBar, p: Progress<'_>) {
        match p {
            Progress::EpochStart { epoch, steps } => start_epoch(bar, epoch, steps),
            Progress::Step { losses } => {
                let shown: Vec<String> = losses
                    .iter()
                    .take(2)
                    .map(|(n, v)| format!("{n} {v:.4}"))
                    .collect();
                step_done(bar, &shown);
            }
            Progress::EpochEnd { row } => {
                bar.finish_and_clear();
                let val = row
                    .val_l1
                    .map_or(String::new(), |v| format!(", val_l1 {v:.4}"));
                println!(
                    "epoch {} ({} steps, {:.0} s): {}{val}",
                    row.epoch,
                    row.steps,
                    row.elapsed_secs,
                    losses_line(row.losses.iter().map(|(n, v)| (n, *v)))
                );
            }
        }
    }

    fn load_clips(
        dir: &Path,
        cfg: &DataConfig,
    ) -> anyhow::Result<Vec<dancebot::neural::data::Clip>> {
        let pairs = find_pairs(dir)?;
        let bar = indicatif::ProgressBar::new(pairs.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("analysing {bar:30} {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        let mut clips = Vec::with_capacity(pairs.len());
        for pair in &pairs {
            bar.set_message(pair.name.clone());
            clips.push(load_clip(pair, cfg)?);
            bar.inc(1);
        }
        bar.finish_and_clear();
        Ok(clips)
    }

    fn describe_data(dir: &Path, n_pairs: usize, data: &Dataset, fps: f64) -> String {
        let origin = std::fs::read_to_string(dir.join("corpus.json"))
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v["description"].as_str().map(str::to_owned))
            .map_or(String::new(), |d| format!(" ({d})"));
        let minutes = |frames: usize| frames as f64 / fps / 60.0;
        let val_frames: usize = data.val.iter().map(|c| c.n_frames).sum();
        format!(
            "{n_pairs} pairs from {}{origin}: {} training songs ({:.1} min), {} validation songs ({:.1} min), at {fps} fps",
            dir.display(),
            data.train.len(),
            minutes(data.train_frames()),
            data.val.len(),
            minutes(val_frames)
        )
    }

    /// Runs `dancebot train corpus`.
    pub fn corpus(args: CorpusArgs) -> anyhow::Result<()> {
        anyhow::ensure!(args.count > 0, "--count must be at least 1");
        let fps = args.fps;
        let mut make =
            |seed: u64| -> Result<Box<dyn DanceGenerator>, dancebot::choreography::ChoreoError> {
                let cfg = ProceduralConfig {
                    seed,
                    fps,
                    ..ProceduralConfig::default()
                };
                Ok(Box::new(ProceduralGenerator::new(cfg)?))
            };
        let bar = indicatif::ProgressBar::new(args.count as u64);
        let mut on_song = |s: &CorpusSong| {
            bar.set_message(format!("{} ({:.0} s)", s.name, s.duration_secs));
            bar.inc(1);
        };
        let songs = write_corpus(&args.out, args.count, args.seed, &mut make, &mut on_song)?;
        bar.finish_and_clear();
        let minutes = songs.iter().map(|s| s.duration_secs).sum::<f64>() / 60.0;
        let description = format!(
            "{} synthesized songs (seed {}, 80-150 BPM) danced by the procedural move library at {fps} fps, {minutes:.1} min",
            songs.len(),
            args.seed
        );
        let index = serde_json::json!({
            "description": description,
            "command": command_line(),
            "songs": songs.iter().map(|s| serde_json::json!({"name": s.name, "tempo_bpm": s.tempo_bpm, "duration_secs": s.duration_secs})).collect::<Vec<_>>(),
        });
        dancebot::error::write_json_atomic(&args.out.join("corpus.json"), &index)
            .with_context(|| format!("writing {}", args.out.display()))?;
        println!("wrote {description} into {}", args.out.display());
        Ok(())
    }
}
