//! Streaming the avatar to a companion display: frames in, sinks out.
//!
//! A dance (a [`SkeletonSequence`](crate::choreography::sequence::SkeletonSequence) and its
//! beats) is played in real time by a [`DancePlayer`]: when the injected clock reaches frame
//! `k`'s time, the player draws it with an [`AvatarRenderer`](crate::render::AvatarRenderer),
//! encodes it to JPEG once, and hands the shared [`EncodedFrame`] to every [`FrameSink`]
//! through a [`FanOut`]. Sinks are the places a frame goes: the MJPEG HTTP server of
//! `stream::http` (feature `http`), a ROS `CompressedImage` publisher, a test's collector.
//!
//! Why this shape: the renderer is the expensive part and runs once per frame whatever the
//! number of viewers; sinks never slow it down (a slow sink drops frames on its side) and a
//! failing sink is dropped alone. Time comes from [`Clock`](crate::clock::Clock), so the
//! player runs faster than real time under a
//! [`ManualClock`](crate::clock::ManualClock) in tests.
//!
//! Besides the picture, each frame carries what a page needs to draw the skeleton and flash on
//! beats ([`FrameMeta`]).

pub mod encode;
pub mod fanout;
pub mod meta;
pub mod player;

#[cfg(feature = "http")]
pub mod http;

pub use encode::{encode_jpeg, EncodedFrame};
pub use fanout::{FanOut, FrameSink, SinkError};
pub use meta::{BeatClock, FrameMeta};
pub use player::{DancePlayer, PlayStats, PlayerConfig, Step};

use thiserror::Error;

use crate::render::image::RgbImage;

/// One avatar picture of a dance, with its place in time.
#[derive(Debug, Clone, PartialEq)]
pub struct AvatarFrame {
    /// Frames shown since playback started; rises by at least one per frame, across loops.
    pub index: u64,
    /// Time of the frame in the song, seconds (restarts at 0 on each loop).
    pub time_secs: f64,
    /// The picture.
    pub image: RgbImage,
    /// Beat and skeleton information for the page.
    pub meta: FrameMeta,
}

/// Streaming failed.
#[derive(Debug, Error)]
pub enum StreamError {
    /// The JPEG encoder rejected a frame.
    #[error("JPEG encoding of a {width}x{height} frame: {message}")]
    Jpeg {
        width: usize,
        height: usize,
        message: String,
    },
    /// The avatar renderer failed.
    #[error(transparent)]
    Avatar(#[from] crate::render::AvatarError),
    /// The renderer returned no picture for a pose.
    #[error("avatar renderer {renderer} returned no image for frame {frame}")]
    NoImage { renderer: String, frame: usize },
    /// The player's settings or input are unusable.
    #[error("stream player: {0}")]
    Config(String),
}
