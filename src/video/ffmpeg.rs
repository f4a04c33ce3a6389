//! [`VideoWriter`]: raw RGB frames piped into an `ffmpeg` child process, H.264 in MP4.
//!
//! The command (audio part only with an audio file):
//!
//! ```text
//! ffmpeg -hide_banner -loglevel error -y -f rawvideo -pix_fmt rgb24 -s WxH -r FPS -i -
//!        [-i AUDIO -map 0:v -map 1:a -c:a aac -shortest]
//!        -c:v libx264 -pix_fmt yuv420p -preset veryfast -crf 23 -movflags +faststart
//!        -f mp4 .OUT.XXXX.tmp.mp4
//! ```
//!
//! ffmpeg writes a temporary file beside the output; [`VideoWriter::finish`] waits for it,
//! checks its exit status and renames the file over the output (atomic on one file system).
//! On any failure, and when a writer is dropped unfinished, ffmpeg is stopped and the
//! temporary file removed: a failed run leaves no partial video. ffmpeg's stderr is drained by
//! a thread (a full pipe would stall it) keeping the last lines for error messages.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::thread::JoinHandle;

use tempfile::TempPath;

use crate::render::image::RgbImage;
use crate::video::VideoError;

/// Lines of ffmpeg's stderr kept for error messages.
const STDERR_TAIL_LINES: usize = 12;

/// Size and rate of the frames written.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct VideoSpec {
    /// Frame width, pixels (even, for 4:2:0 chroma).
    pub width_px: usize,
    /// Frame height, pixels (even).
    pub height_px: usize,
    /// Frames per second.
    pub fps: f64,
}

/// Encoder settings.
#[derive(Debug, Clone, PartialEq)]
pub struct EncodeSettings {
    /// The ffmpeg program (a name looked up on `PATH`, or a path).
    pub ffmpeg: PathBuf,
    /// x264 constant rate factor: 0 lossless … 51 worst; 23 is x264's default.
    pub crf: u8,
    /// x264 preset: speed against size (`ultrafast` … `veryslow`).
    pub preset: String,
}

impl Default for EncodeSettings {
    fn default() -> Self {
        EncodeSettings {
            ffmpeg: PathBuf::from("ffmpeg"),
            crf: 23,
            preset: "veryfast".to_owned(),
        }
    }
}

/// What an encode produced.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct EncodeReport {
    /// The video file.
    pub path: PathBuf,
    /// Frames written.
    pub frames: usize,
    /// True when an audio track was muxed in.
    pub has_audio: bool,
}

/// An MP4 being written by ffmpeg.
#[derive(Debug)]
pub struct VideoWriter {
    out: PathBuf,
    spec: VideoSpec,
    has_audio: bool,
    frames: usize,
    child: Option<Child>,
    stdin: Option<ChildStdin>,
    stderr: Option<JoinHandle<VecDeque<String>>>,
    temp: Option<TempPath>,
}

impl VideoWriter {
    /// Starts ffmpeg writing `out`, muxing `audio` when given.
    pub fn create(
        out: &Path,
        spec: VideoSpec,
        audio: Option<&Path>,
        settings: &EncodeSettings,
    ) -> Result<VideoWriter, VideoError> {
        check_spec(&spec)?;
        if let Some(a) = audio.filter(|a| !a.is_file()) {
            return Err(VideoError::AudioMissing { path: a.to_owned() });
        }
        let temp = temp_beside(out)?;
        let mut cmd = Command::new(&settings.ffmpeg);
        cmd.args(ffmpeg_args(&spec, audio, settings, &temp))
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped());
        tracing::debug!(?cmd, "starting the video encoder");
        let mut child = cmd.spawn().map_err(|source| match source.kind() {
            std::io::ErrorKind::NotFound => VideoError::FfmpegNotFound {
                program: settings.ffmpeg.clone(),
            },
            _ => VideoError::Spawn {
                program: settings.ffmpeg.clone(),
                source,
            },
        })?;
        let stdin = child.stdin.take();
        let stderr = child
            .stderr
            .take()
            .map(|s| std::thread::spawn(|| tail_lines(s)));
        Ok(VideoWriter {
            out: out.to_owned(),
            spec,
            has_audio: audio.is_some(),
            frames: 0,
            child: Some(child),
            stdin,
            stderr,
            temp: Some(temp),
        })
    }

    /// Frames written so far.
    pub fn frames_written(&self) -> usize {
        self.frames
    }

    /// Sends one frame to the encoder; it must have the size given at creation.
    pub fn write_frame(&mut self, frame: &RgbImage) -> Result<(), VideoError> {
        let expected = (self.spec.width_px, self.spec.height_px);
        let got = (frame.width(), frame.height());
        if got != expected {
            return Err(VideoError::FrameSize { expected, got });
        }
        let written = match self.stdin.as_mut() {
            Some(stdin) => stdin.write_all(frame.as_bytes()),
            None => Err(std::io::ErrorKind::BrokenPipe.into()),
        };
        if let Err(source) = written {
            // ffmpeg closed its input: it has failed; its stderr says why.
            return Err(match self.wait() {
                Ok(status) if status.success() => VideoError::Io {
                    path: self.out.clone(),
                    source,
                },
                Ok(status) => self.encoder_failed(status),
                Err(e) => e,
            });
        }
        self.frames += 1;
        Ok(())
    }

    /// Ends the input, waits for ffmpeg and moves the finished file into place.
    pub fn finish(mut self) -> Result<EncodeReport, VideoError> {
        if self.frames == 0 {
            return Err(VideoError::NoFrames {
                path: self.out.clone(),
            });
        }
        let status = self.wait()?;
        if !status.success() {
            return Err(self.encoder_failed(status));
        }
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| VideoError::Io { path, source }
        };
        let temp = self.temp.take().ok_or_else(|| VideoError::NoFrames {
            path: self.out.clone(),
        })?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let perms = std::fs::Permissions::from_mode(0o644);
            std::fs::set_permissions(&temp, perms).map_err(io(&self.out))?;
        }
        temp.persist(&self.out)
            .map_err(|e| io(&self.out)(e.error))?;
        tracing::info!(path = %self.out.display(), frames = self.frames, "video written");
        Ok(EncodeReport {
            path: self.out.clone(),
            frames: self.frames,
            has_audio: self.has_audio,
        })
    }

    /// Closes ffmpeg's input and waits for it to exit.
    fn wait(&mut self) -> Result<ExitStatus, VideoError> {
        drop(self.stdin.take());
        let Some(mut child) = self.child.take() else {
            return Err(VideoError::Io {
                path: self.out.clone(),
                source: std::io::ErrorKind::BrokenPipe.into(),
            });
        };
        child.wait().map_err(|source| VideoError::Io {
            path: self.out.clone(),
            source,
        })
    }

    fn encoder_failed(&mut self, status: ExitStatus) -> VideoError {
        let tail = self
            .stderr
            .take()
            .and_then(|h| h.join().ok())
            .unwrap_or_default();
        VideoError::Encoder {
            path: self.out.clone(),
            status: status.to_string(),
            stderr_tail: Vec::from(tail).join("\n"),
        }
    }
}

impl Drop for VideoWriter {
    /// Stops an unfinished encode; the temporary file goes with `temp`.
    fn drop(&mut self) {
        drop(self.stdin.take());
        if let Some(mut child) = self.child.take() {
            // Killing an exited process fails harmlessly; waiting reaps it either way.
            let _ = child.kill();
            let _ = child.wait();
        }
        if let Some(h) = self.stderr.take() {
            let _ = h.join();
        }
    }
}

fn check_spec(spec: &VideoSpec) -> Result<(), VideoError> {
    let (w, h) = (spec.width_px, spec.height_px);
    if w == 0 || h == 0 || w % 2 != 0 || h % 2 != 0 {
        return Err(VideoError::InvalidSpec(format!(
            "frame size {w}x{h}: need a positive, even width and height"
        )));
    }
    if !(spec.fps.is_finite() && spec.fps > 0.0) {
        let fps = spec.fps;
        return Err(VideoError::InvalidSpec(format!(
            "fps {fps}: need a positive rate"
        )));
    }
    Ok(())
}

/// An empty temporary file in the output's folder (created if missing), removed on drop.
fn temp_beside(out: &Path) -> Result<TempPath, VideoError> {
    let dir = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_owned(),
        _ => PathBuf::from("."),
    };
    let not_writable = |source| VideoError::OutputDir {
        path: dir.clone(),
        source,
    };
    std::fs::create_dir_all(&dir).map_err(not_writable)?;
    let stem = out.file_name().map(|n| n.to_string_lossy().into_owned());
    let prefix = format!(".{}.", stem.unwrap_or_else(|| "video".to_owned()));
    let file = tempfile::Builder::new()
        .prefix(&prefix)
        .suffix(".tmp.mp4")
        .tempfile_in(&dir)
        .map_err(not_writable)?;
    Ok(file.into_temp_path())
}

fn os(items: &[&str]) -> Vec<OsString> {
    items.iter().map(|s| OsString::from(*s)).collect()
}

/// The ffmpeg command line after the program name.
fn ffmpeg_args(
    spec: &VideoSpec,
    audio: Option<&Path>,
    settings: &EncodeSettings,
    temp: &Path,
) -> Vec<OsString> {
    let size = format!("{}x{}", spec.width_px, spec.height_px);
    let fps = format!("{}", spec.fps);
    let mut args = os(&["-hide_banner", "-loglevel", "error", "-y"]);
    args.extend(os(&[
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", &size, "-r", &fps, "-i", "-",
    ]));
    if let Some(a) = audio {
        args.extend([OsString::from("-i"), a.into()]);
        args.extend(os(&[
            "-map",
            "0:v",
            "-map",
            "1:a",
            "-c:a",
            "aac",
            "-shortest",
        ]));
    }
    let crf = settings.crf.to_string();
    args.extend(os(&[
        "-c:v",
        "libx264",
        "-pix_fmt",
        "yuv420p",
        "-preset",
        &settings.preset,
    ]));
    args.extend(os(&["-crf", &crf, "-movflags", "+faststart", "-f", "mp4"]));
    args.push(temp.into());
    args
}

/// Reads a stream to its end, keeping its last [`STDERR_TAIL_LINES`] lines.
fn tail_lines(stream: impl std::io::Read) -> VecDeque<String> {
    let mut tail = VecDeque::with_capacity(STDERR_TAIL_LINES);
    let mut reader = BufReader::new(stream);
    let mut line = Vec::new();
    while matches!(reader.read_until(b'\n', &mut line), Ok(n) if n > 0) {
        if tail.len() == STDERR_TAIL_LINES {
            tail.pop_front();
        }
        tail.push_back(String::from_utf8_lossy(&line).trim_end().to_owned());
        line.clear();
    }
    tail
}

#[cfg(test)]
mod tests;
