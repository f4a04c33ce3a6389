//! Writing songs to disk: 16-bit WAV, `.beats` and `.sections.json`, each all-or-nothing.

use std::io::Cursor;
use std::path::{Path, PathBuf};

use super::{GroundTruth, Song, SynthError};
use crate::error::{write_atomic, write_json_atomic};

/// Paths of the files [`write_song`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SongFiles {
    /// The audio.
    pub wav: PathBuf,
    /// Beat times and positions.
    pub beats: PathBuf,
    /// Section spans and labels.
    pub sections: PathBuf,
}

impl SongFiles {
    /// The files that go with `wav`: `song.wav` → `song.beats`, `song.sections.json`.
    pub fn beside(wav: &Path) -> Self {
        Self {
            wav: wav.to_owned(),
            beats: wav.with_extension("beats"),
            sections: wav.with_extension("sections.json"),
        }
    }
}

/// Writes the song's WAV at `wav` and its truth beside it (see [`SongFiles::beside`]).
pub fn write_song(wav: &Path, song: &Song) -> Result<SongFiles, SynthError> {
    let files = SongFiles::beside(wav);
    write_wav(&files.wav, song)?;
    write_beats(&files.beats, &song.truth)?;
    write_sections(&files.sections, &song.truth)?;
    Ok(files)
}

/// Writes the song as 16-bit PCM WAV, channels interleaved.
pub fn write_wav(path: &Path, song: &Song) -> Result<(), SynthError> {
    let wav_err = |e: hound::Error| SynthError::Wav {
        path: path.to_owned(),
        message: e.to_string(),
    };
    let spec = hound::WavSpec {
        channels: song.channels.len() as u16,
        sample_rate: song.sample_rate.hz(),
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut bytes = Cursor::new(Vec::new());
    let mut writer = hound::WavWriter::new(&mut bytes, spec).map_err(wav_err)?;
    let len = song.channels.iter().map(Vec::len).min().unwrap_or(0);
    for i in 0..len {
        for channel in &song.channels {
            let value = (channel[i].clamp(-1.0, 1.0) * 32_767.0).round() as i16;
            writer.write_sample(value).map_err(wav_err)?;
        }
    }
    writer.finalize().map_err(wav_err)?;
    write_atomic(path, bytes.get_ref())?;
    Ok(())
}

/// Writes the beats as `.beats` text (`time_secs<TAB>position` per line).
pub fn write_beats(path: &Path, truth: &GroundTruth) -> Result<(), SynthError> {
    write_atomic(path, truth.beats_text().as_bytes())?;
    Ok(())
}

/// Writes the section spans as JSON: `{"sections": [{"label", "start_secs", "end_secs"}]}`.
pub fn write_sections(path: &Path, truth: &GroundTruth) -> Result<(), SynthError> {
    write_json_atomic(path, &serde_json::json!({ "sections": truth.sections }))?;
    Ok(())
}
