//! `dancebot train avatar` and `dancebot train avatar-data` with libtorch (arguments in
//! `crate::cli::train_avatar`).

use anyhow::Context;
use dancebot::choreography::moves::{ProceduralConfig, ProceduralGenerator};
use dancebot::choreography::sequence::SkeletonSequence;
use dancebot::choreography::DanceGenerator;
use dancebot::neural::avatar::data::load_pairs;
use dancebot::neural::avatar::session::{self, AvatarCheckpoint, AvatarProgress, AvatarRunSpec};
use dancebot::neural::avatar::sources::{load_frame_folder, load_video};
use dancebot::neural::avatar::{generator_flops, AvatarConfig};
use dancebot::neural::corpus::{write_corpus, CorpusSong};
use dancebot::render::character::dataset::write_pairs_dataset;
use dancebot::render::character::CharacterStyle;

use super::train::{command_line, device, losses_line, start_epoch, step_done};
use crate::cli::train::PresetArg;
use crate::cli::train_avatar::{AvatarArgs, AvatarDataArgs};

fn parse_size(s: &str) -> anyhow::Result<(usize, usize)> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .with_context(|| format!("--size {s}: expected WIDTHxHEIGHT"))?;
    Ok((
        w.trim().parse().with_context(|| format!("--size {s}"))?,
        h.trim().parse().with_context(|| format!("--size {s}"))?,
    ))
}

/// Runs `dancebot train avatar`.
pub fn avatar(args: AvatarArgs) -> anyhow::Result<()> {
    anyhow::ensure!(
        args.out.extension().is_some_and(|e| e == "safetensors"),
        "--out {}: the model file must end in .safetensors",
        args.out.display()
    );
    let device = device(args.device)?;
    if device == tch::Device::Cpu {
        tch::set_num_threads(args.threads.max(1));
    }
    let mut config = match (&args.resume, &args.config) {
        (Some(ckpt), _) => {
            let bytes =
                std::fs::read(ckpt).with_context(|| format!("reading {}", ckpt.display()))?;
            serde_json::from_slice::<AvatarCheckpoint>(&bytes)
                .with_context(|| format!("{}: not an avatar checkpoint", ckpt.display()))?
                .config
        }
        (None, Some(path)) => dancebot::config::load::<AvatarConfig>(path)?,
        (None, None) => match args.preset {
            PresetArg::Small => AvatarConfig::small(),
            PresetArg::Paper => AvatarConfig::paper(),
        },
    };
    if let Some(f) = args.val_fraction {
        config.train.val_fraction = f;
    }
    let size = config.train.image_size;
    let data = if args.data.join("index.json").is_file() {
        load_pairs(&args.data)?
    } else if args.data.is_dir() {
        load_frame_folder(&args.data, size, args.fps)?
    } else {
        let kp = args
            .keypoints
            .as_deref()
            .context("a video as --data needs --keypoints DIR (its OpenPose folder)")?;
        load_video(&args.data, kp, size, args.fps)?
    };
    config.network.width = data.width as i64;
    config.network.height = data.height as i64;
    config.network.label_channels = data.label_channels as i64;
    dancebot::config::Validate::validate(&config)
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.data.display()))?;
    println!(
        "{} frames of {}×{} from {} ({} skipped as unreadable); {:.2} GFLOP per generated frame, on {device:?}",
        data.frames.len(),
        data.width,
        data.height,
        args.data.display(),
        data.skipped,
        generator_flops(&config.network) / 1e9
    );
    let spec = AvatarRunSpec {
        config,
        epochs: args.epochs,
        max_steps: args.steps,
        seed: args.seed,
        device,
        out: args.out.clone(),
        command: command_line(),
        vgg: args.vgg.clone(),
        resume: args.resume.clone(),
    };
    let bar = indicatif::ProgressBar::hidden();
    bar.set_style(
        indicatif::ProgressStyle::with_template(
            "epoch {prefix} {bar:30} {pos}/{len} {per_sec} eta {eta} {msg}",
        )
        .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut on_progress = |p: AvatarProgress<'_>| report(&bar, p);
    let manifest = session::run(&spec, &data, &mut on_progress)?;
    let t = &manifest.training;
    let size_mb = std::fs::metadata(&args.out).map_or(0.0, |m| m.len() as f64 / 1e6);
    println!(
        "wrote {} ({size_mb:.1} MB; {} epochs, {} steps, {:.0} s; validation PSNR {} dB, SSIM {})",
        args.out.display(),
        t.epochs,
        t.steps,
        t.duration_secs,
        t.val_psnr_db.map_or("-".into(), |v| format!("{v:.2}")),
        t.val_ssim.map_or("-".into(), |v| format!("{v:.4}")),
    );
    Ok(())
}

fn report(bar: &indicatif::ProgressBar, p: AvatarProgress<'_>) {
    match p {
        AvatarProgress::EpochStart { epoch, steps } => start_epoch(bar, epoch, steps),
        AvatarProgress::Step { losses } => {
            let shown: Vec<String> = losses
                .iter()
                .filter(|(n, _)| n == "g_l1" || n == "g_gan")
                .map(|(n, v)| format!("{n} {v:.3}"))
                .collect();
            step_done(bar, &shown);
        }
        AvatarProgress::EpochEnd { row } => {
            bar.finish_and_clear();
            let psnr = row
                .val_psnr_db
                .map_or(String::new(), |v| format!(", val PSNR {v:.2} dB"));
            let ssim = row
                .val_ssim
                .map_or(String::new(), |v| format!(", val SSIM {v:.4}"));
            println!(
                "epoch {} ({} steps, {:.0} s): {}{psnr}{ssim}",
                row.epoch,
                row.steps,
                row.elapsed_secs,
                losses_line(row.losses.iter().map(|(n, v)| (n, *v)))
            );
        }
    }
}

/// Runs `dancebot train avatar-data`.
pub fn avatar_data(args: AvatarDataArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.count > 0, "--count must be at least 1");
    let size = parse_size(&args.size)?;
    let songs_dir = tempfile::tempdir().context("no temporary folder")?;
    let mut make =
        |seed: u64| -> Result<Box<dyn DanceGenerator>, dancebot::choreography::ChoreoError> {
            let cfg = ProceduralConfig {
                seed,
                ..ProceduralConfig::default()
            };
            Ok(Box::new(ProceduralGenerator::new(cfg)?))
        };
    let bar = indicatif::ProgressBar::new(args.count as u64);
    bar.set_style(
        indicatif::ProgressStyle::with_template("dancing {bar:30} {pos}/{len} {msg}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
    );
    let mut on_song = |s: &CorpusSong| {
        bar.set_message(format!("{} ({:.0} s)", s.name, s.duration_secs));
        bar.inc(1);
    };
    let songs = write_corpus(
        songs_dir.path(),
        args.count,
        args.seed,
        &mut make,
        &mut on_song,
    )?;
    bar.finish_and_clear();
    let sequences = songs
        .iter()
        .map(|s| {
            SkeletonSequence::load(&s.skeleton)
                .with_context(|| format!("reading {}", s.skeleton.display()))
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    let style = args
        .style_seed
        .map_or_else(CharacterStyle::default, CharacterStyle::from_seed);
    let spinner = indicatif::ProgressBar::new_spinner();
    spinner.set_message("drawing pairs");
    spinner.enable_steady_tick(std::time::Duration::from_millis(200));
    let report = write_pairs_dataset(&args.out, &sequences, args.every_nth, &style, size)?;
    spinner.finish_and_clear();
    println!(
        "wrote {} (label, picture) pairs of {}×{} from {} procedural dances into {} ({} frames skipped)",
        report.pairs_written,
        size.0,
        size.1,
        sequences.len(),
        report.out_dir.display(),
        report.frames_skipped
    );
    Ok(())
}
