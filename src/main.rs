//! The `dancebot` command line: parses arguments, builds the concrete adapters and calls the
//! library's pipelines. Each subcommand lives in its own file under `src/cli/`.
//!
//! This binary never links libtorch; commands that need it run in `dancebot-torch`
//! (`src/torch_main.rs`), to which `src/torch_forward.rs` hands them.

mod cli;
#[path = "torch_forward.rs"]
mod torch_cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
