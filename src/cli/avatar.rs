//! Choosing and building the avatar renderer from command-line options (`render`, `dance`,
//! `serve`).
//!
//! `auto` uses the Pix2PixHD model in a build with libtorch, and the procedural character
//! otherwise; `model` insists on the model (an error without libtorch or without the file);
//! `character` always draws the procedural character.

use std::path::{Path, PathBuf};

use dancebot::render::character::CharacterStyle;
use dancebot::render::{AvatarRenderer, CharacterAvatar};

/// Who draws the avatar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum AvatarKind {
    /// The Pix2PixHD model when this build has libtorch, else the procedural character.
    Auto,
    /// The Pix2PixHD model (`models/avatar.safetensors` unless a model is given).
    Model,
    /// The procedural clothed character the model was trained on (always available).
    Character,
}

/// Default size of the procedural character's frames, pixels (a model has its own size).
pub const CHARACTER_SIZE_PX: (usize, usize) = (256, 256);

/// The shipped avatar model, relative to the repository.
pub fn default_model_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("models/avatar.safetensors")
}

/// Builds the renderer `kind` asks for; `model` overrides the shipped model, `device` is
/// auto, cpu, cuda or cuda:N, `character_size` the procedural character's `(width, height)`.
pub fn renderer(
    kind: AvatarKind,
    model: Option<&Path>,
    device: &str,
    character_size: (usize, usize),
) -> anyhow::Result<Box<dyn AvatarRenderer>> {
    let model_path = model.map_or_else(default_model_path, Path::to_owned);
    match kind {
        AvatarKind::Character => character(character_size),
        AvatarKind::Model => crate::torch_cli::avatar_model(&model_path, device),
        AvatarKind::Auto if cfg!(feature = "torch") => {
            crate::torch_cli::avatar_model(&model_path, device)
        }
        AvatarKind::Auto => {
            tracing::info!("built without libtorch: drawing the procedural character");
            character(character_size)
        }
    }
}

fn character((w, h): (usize, usize)) -> anyhow::Result<Box<dyn AvatarRenderer>> {
    Ok(Box::new(CharacterAvatar::new(
        CharacterStyle::default(),
        w,
        h,
    )?))
}
