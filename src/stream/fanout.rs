//! [`FrameSink`]: where frames go; [`FanOut`]: every sink gets every frame, and a failing
//! sink is dropped alone.
//!
//! A sink must not block the player: one that cannot keep up drops frames on its own side
//! (the HTTP server keeps only the latest frame per client). A sink that returns an error is
//! removed after one warning, so a vanished ROS peer or a full disk never stops the display
//! or floods the log.

use std::sync::Arc;

use thiserror::Error;

use super::EncodedFrame;

/// A sink could not take a frame.
#[derive(Debug, Error)]
pub enum SinkError {
    /// The sink is shut down and takes no more frames.
    #[error("closed")]
    Closed,
    /// Anything else; the message says what.
    #[error("{0}")]
    Failed(String),
}

/// A place frames go.
pub trait FrameSink: Send {
    /// For logs: what the sink is (e.g. `http 127.0.0.1:8090`).
    fn name(&self) -> &str;

    /// Takes one frame; must return quickly (drop frames rather than wait).
    fn push(&mut self, frame: &Arc<EncodedFrame>) -> Result<(), SinkError>;
}

/// Pushes each frame to every sink still working.
#[derive(Default)]
pub struct FanOut {
    sinks: Vec<Box<dyn FrameSink>>,
    dropped: Vec<String>,
}

impl std::fmt::Debug for FanOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.sinks.iter().map(|s| s.name()).collect();
        f.debug_struct("FanOut")
            .field("sinks", &names)
            .field("dropped", &self.dropped)
            .finish()
    }
}

impl FanOut {
    /// No sinks.
    pub fn new() -> FanOut {
        FanOut::default()
    }

    /// Adds a sink.
    pub fn add(&mut self, sink: Box<dyn FrameSink>) {
        self.sinks.push(sink);
    }

    /// Sinks still receiving frames.
    pub fn len(&self) -> usize {
        self.sinks.len()
    }

    /// True when no sink is left.
    pub fn is_empty(&self) -> bool {
        self.sinks.is_empty()
    }

    /// Names of the sinks removed after an error, in the order they failed.
    pub fn dropped(&self) -> &[String] {
        &self.dropped
    }

    /// Gives `frame` to every sink; a sink that fails is logged once and removed. Returns how
    /// many sinks took the frame.
    pub fn push(&mut self, frame: &Arc<EncodedFrame>) -> usize {
        let dropped = &mut self.dropped;
        self.sinks.retain_mut(|sink| match sink.push(frame) {
            Ok(()) => true,
            Err(err) => {
                tracing::warn!(
                    sink = sink.name(),
                    frame = frame.frame.index,
                    "frame sink failed and is dropped; the others go on: {err}"
                );
                dropped.push(sink.name().to_owned());
                false
            }
        });
        self.sinks.len()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::render::image::RgbImage;
    use crate::stream::{AvatarFrame, FrameMeta};

    struct Recorder {
        name: String,
        seen: Arc<Mutex<Vec<u64>>>,
        fail_at: Option<u64>,
    }

    impl FrameSink for Recorder {
        fn name(&self) -> &str {
            &self.name
        }

        fn push(&mut self, frame: &Arc<EncodedFrame>) -> Result<(), SinkError> {
            if Some(frame.frame.index) == self.fail_at {
                return Err(SinkError::Failed("disk full".to_owned()));
            }
            self.seen.lock().unwrap().push(frame.frame.index);
            Ok(())
        }
    }

    fn frame(index: u64) -> Arc<EncodedFrame> {
        Arc::new(EncodedFrame {
            frame: AvatarFrame {
                index,
                time_secs: index as f64 / 30.0,
                image: RgbImage::new(2, 2, [0, 0, 0]),
                meta: FrameMeta::default(),
            },
            jpeg: vec![0xFF, 0xD8, 0xFF, 0xD9],
        })
    }

    #[test]
    fn a_failing_sink_is_dropped_alone_and_the_others_get_every_frame() {
        let good = Arc::new(Mutex::new(Vec::new()));
        let bad = Arc::new(Mutex::new(Vec::new()));
        let mut fan = FanOut::new();
        fan.add(Box::new(Recorder {
            name: "bad".into(),
            seen: bad.clone(),
            fail_at: Some(2),
        }));
        fan.add(Box::new(Recorder {
            name: "good".into(),
            seen: good.clone(),
            fail_at: None,
        }));
        let taken: Vec<usize> = (0..5).map(|i| fan.push(&frame(i))).collect();
        assert_eq!(taken, vec![2, 2, 1, 1, 1]);
        assert_eq!(*good.lock().unwrap(), vec![0, 1, 2, 3, 4]);
        assert_eq!(*bad.lock().unwrap(), vec![0, 1]);
        assert_eq!(fan.dropped(), ["bad".to_owned()]);
        assert_eq!(fan.len(), 1);
    }
}
