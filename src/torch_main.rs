//! `dancebot-torch`: the same command line as `dancebot`, with libtorch linked in, for the
//! commands that need it (training, the neural generator, the avatar model). `dancebot` hands
//! those commands here; see `src/torch_cli/mod.rs` for why there are two binaries.

mod cli;
mod torch_cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
