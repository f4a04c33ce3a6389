//! `crate::torch_cli` of the `dancebot` binary, which never links libtorch.
//!
//! In a build with the `torch` feature, the commands that need libtorch are handed to the
//! sibling binary `dancebot-torch` (same arguments, same terminal; on Unix the process is
//! replaced, so exit status and signals are the sibling's): at once when the command line
//! shows they will need it ([`forward_if_needed`]), or at the point of use otherwise. Every
//! other command runs here without paying libtorch's start-up (see `src/torch_cli/mod.rs`).
//! Without the feature these entry points explain how to get a build that has them.

use std::path::{Path, PathBuf};

use dancebot::choreography::DanceGenerator;
use dancebot::doctor::Check;
use dancebot::render::AvatarRenderer;

use crate::cli::Cli;

/// Hands the whole command to `dancebot-torch` when it will need libtorch.
pub fn forward_if_needed(cli: &Cli) -> anyhow::Result<()> {
    #[cfg(feature = "torch")]
    if needs_torch(cli) {
        return forward();
    }
    let _ = cli;
    Ok(())
}

/// Runs `dancebot train`.
pub fn train(_cmd: crate::cli::train::TrainCommand) -> anyhow::Result<()> {
    without_torch("training")
}

/// Runs `dancebot eval avatar`.
pub fn eval_avatar(_args: crate::cli::eval::avatar::Args) -> anyhow::Result<()> {
    without_torch("evaluating an avatar model")
}

/// Runs `dancebot bench avatar`.
pub fn bench_avatar(_args: crate::cli::bench::AvatarArgs) -> anyhow::Result<()> {
    without_torch("the avatar benchmark")
}

/// The neural generator from a model file.
pub fn neural_generator(
    _model: Option<PathBuf>,
    _seed: u64,
    _device: &str,
) -> anyhow::Result<Box<dyn DanceGenerator>> {
    without_torch("the neural generator")
}

/// The Pix2PixHD avatar model.
pub fn avatar_model(path: &Path, _device: &str) -> anyhow::Result<Box<dyn AvatarRenderer>> {
    if cfg!(feature = "torch") {
        return without_torch("the avatar model");
    }
    anyhow::bail!(
        "{}: the avatar model needs libtorch: rebuild with --features torch, or use --avatar character",
        path.display()
    )
}

/// What this build has of libtorch.
pub fn torch_check() -> Check {
    Check::missing(
        "libtorch",
        "not compiled in (feature `torch` off): neural generators and the avatar are unavailable",
        "scripts/setup.sh, then cargo build --release --features full",
    )
}

/// The sibling binary where one exists, else the error of a build without libtorch.
fn without_torch<T>(what: &str) -> anyhow::Result<T> {
    #[cfg(feature = "torch")]
    {
        let _ = what;
        forward()
    }
    #[cfg(not(feature = "torch"))]
    anyhow::bail!("{what} needs libtorch, which this build has not: build with --features torch")
}

/// Whether the command, as given, will call libtorch.
#[cfg(feature = "torch")]
fn needs_torch(cli: &Cli) -> bool {
    use crate::cli::avatar::AvatarKind;
    use crate::cli::bench::BenchCommand;
    use crate::cli::eval::EvalCommand;
    use crate::cli::generator::GeneratorKind;
    use crate::cli::Command;
    match &cli.command {
        Command::Train(_) | Command::Doctor(_) => true,
        Command::Eval(EvalCommand::Avatar(_)) | Command::Bench(BenchCommand::Avatar(_)) => true,
        Command::Dance(a) => {
            a.generator == GeneratorKind::Neural
                || (!a.no_video && a.avatar != AvatarKind::Character)
        }
        Command::Choreograph(a) => a.generator == GeneratorKind::Neural,
        Command::Render(a) => a.avatar != AvatarKind::Character,
        Command::Serve(a) => a.avatar != AvatarKind::Character,
        _ => false,
    }
}

/// Replaces this process by `dancebot-torch` with the same arguments; returns only on error.
#[cfg(feature = "torch")]
fn forward<T>() -> anyhow::Result<T> {
    use anyhow::Context;
    let exe = std::env::current_exe().context("locating the dancebot binary")?;
    let sibling = exe.with_file_name(format!("dancebot-torch{}", std::env::consts::EXE_SUFFIX));
    anyhow::ensure!(
        sibling.is_file(),
        "{}: missing; this command runs libtorch in that binary beside dancebot \
         (build both: cargo build --release --features torch)",
        sibling.display()
    );
    let mut cmd = std::process::Command::new(&sibling);
    cmd.args(std::env::args_os().skip(1));
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let err = cmd.exec();
        Err(err).with_context(|| format!("{}: cannot start", sibling.display()))
    }
    #[cfg(not(unix))]
    {
        let status = cmd
            .status()
            .with_context(|| format!("{}: cannot start", sibling.display()))?;
        std::process::exit(status.code().unwrap_or(1))
    }
}

#[cfg(all(test, feature = "torch"))]
mod tests {
    use clap::Parser;

    use super::needs_torch;
    use crate::cli::Cli;

    fn needs(args: &[&str]) -> bool {
        let cli = Cli::try_parse_from(std::iter::once("dancebot").chain(args.iter().copied()))
            .unwrap_or_else(|e| panic!("{args:?}: {e}"));
        needs_torch(&cli)
    }

    #[test]
    fn only_commands_that_call_libtorch_are_handed_over() {
        assert!(!needs(&["beats", "a.wav", "--out", "b.json"]));
        assert!(!needs(&["analyze", "a.wav", "--out", "f.json"]));
        assert!(!needs(&["synth", "--song", "bundled", "--out", "s.wav"]));
        assert!(!needs(&["choreograph", "a.wav", "--out", "s.json"]));
        assert!(needs(&[
            "choreograph",
            "a.wav",
            "--out",
            "s.json",
            "--generator",
            "neural"
        ]));
        assert!(needs(&["dance", "a.wav", "--out", "d"]));
        assert!(!needs(&["dance", "a.wav", "--out", "d", "--no-video"]));
        assert!(!needs(&[
            "dance",
            "a.wav",
            "--out",
            "d",
            "--avatar",
            "character"
        ]));
        assert!(needs(&[
            "dance",
            "a.wav",
            "--out",
            "d",
            "--no-video",
            "--generator",
            "neural"
        ]));
        assert!(needs(&["render", "s.json", "--out", "a.mp4"]));
        assert!(!needs(&[
            "render",
            "s.json",
            "--out",
            "a.mp4",
            "--avatar",
            "character"
        ]));
        assert!(needs(&["doctor"]));
        assert!(needs(&["train", "corpus", "--out", "c"]));
        assert!(needs(&["eval", "avatar", "--data", "p"]));
        assert!(needs(&["bench", "avatar"]));
    }
}
