//! The companion display over HTTP (feature `http`): an MJPEG stream, a snapshot, a live
//! state feed and a web page, served by axum on tokio.
//!
//! | route | what |
//! |---|---|
//! | `GET /` | the companion page (avatar, skeleton view, beat indicator, fullscreen) |
//! | `GET /stream.mjpg` | `multipart/x-mixed-replace` JPEG parts, one per frame |
//! | `GET /snapshot.jpg` | the latest frame; 503 before the first one |
//! | `GET /events` | server-sent events, one `frame` event (JSON state) per frame |
//! | `GET /state.json` | the latest state; 503 before the first frame |
//! | `GET /layout.json` | the skeleton's limbs and their OpenPose colours |
//!
//! [`StreamServer`] hands out an [`HttpSink`], the [`FrameSink`] the player pushes to. A
//! pushed frame is prepared once (the multipart part, the JPEG, the JSON state) and published
//! on a `tokio::sync::watch` channel: publishing never waits, and each client sends the latest
//! frame whenever its connection can take one, so a slow or vanished client only drops frames
//! of its own. A client's stream ends when its connection closes or the server shuts down.

mod routes;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use thiserror::Error;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::{EncodedFrame, FrameSink, SinkError};

/// The multipart boundary of `/stream.mjpg`.
pub const BOUNDARY: &str = "dancebotframe";

/// The default address: loopback only, port 8090.
pub const DEFAULT_BIND: &str = "127.0.0.1:8090";

/// How long [`StreamServer::shutdown`] waits for connections to close.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// The HTTP server failed.
#[derive(Debug, Error)]
pub enum HttpError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    /// The server stopped with an I/O error.
    #[error("HTTP server: {0}")]
    Serve(#[from] std::io::Error),
    /// Connections were still open after the grace period.
    #[error("HTTP server did not shut down within {0:?}")]
    ShutdownTimeout(Duration),
    /// The server task panicked or was cancelled.
    #[error("HTTP server task: {0}")]
    Task(String),
}

/// One frame, ready to send in every form the routes need.
#[derive(Debug)]
struct Published {
    /// `--BOUNDARY`, part headers, the JPEG and a trailing CRLF.
    part: Bytes,
    /// The JPEG alone.
    jpeg: Bytes,
    /// The frame's state as JSON.
    state: String,
}

/// State shared by the routes, the sinks and the server handle.
#[derive(Debug)]
struct Shared {
    latest: watch::Sender<Option<Arc<Published>>>,
    stop: watch::Sender<bool>,
    clients: AtomicUsize,
}

/// Counts a streaming client while it is connected.
#[derive(Debug)]
struct ClientGuard(Arc<Shared>);

impl ClientGuard {
    fn new(shared: &Arc<Shared>) -> ClientGuard {
        shared.clients.fetch_add(1, Ordering::SeqCst);
        ClientGuard(shared.clone())
    }
}

impl Drop for ClientGuard {
    fn drop(&mut self) {
        self.0.clients.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A running server; dropping it without [`StreamServer::shutdown`] aborts it.
#[derive(Debug)]
pub struct StreamServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    task: Option<JoinHandle<std::io::Result<()>>>,
}

impl StreamServer {
    /// Listens on `addr` (port 0 picks a free one) and serves in the current tokio runtime.
    pub async fn start(addr: SocketAddr) -> Result<StreamServer, HttpError> {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|source| HttpError::Bind { addr, source })?;
        let local = listener
            .local_addr()
            .map_err(|source| HttpError::Bind { addr, source })?;
        let shared = Arc::new(Shared {
            latest: watch::Sender::new(None),
            stop: watch::Sender::new(false),
            clients: AtomicUsize::new(0),
        });
        let app = routes::router(shared.clone());
        let mut stop = shared.stop.subscribe();
        let task = tokio::spawn(async move {
            axum::serve(listener, app)
                .with_graceful_shutdown(async move {
                    // An error means the sender is gone: stop as well.
                    let _ = stop.wait_for(|s| *s).await;
                })
                .await
        });
        tracing::info!(addr = %local, "companion display listening");
        Ok(StreamServer {
            addr: local,
            shared,
            task: Some(task),
        })
    }

    /// The address actually bound.
    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    /// A sink that publishes frames to this server's clients.
    pub fn sink(&self) -> HttpSink {
        HttpSink {
            name: format!("http {}", self.addr),
            shared: self.shared.clone(),
        }
    }

    /// Clients connected to `/stream.mjpg` or `/events` right now.
    pub fn clients(&self) -> usize {
        self.shared.clients.load(Ordering::SeqCst)
    }

    /// Ends every stream, stops accepting connections and waits for the server to finish.
    pub async fn shutdown(mut self) -> Result<(), HttpError> {
        self.shared.stop.send_replace(true);
        let Some(task) = self.task.take() else {
            return Ok(());
        };
        match tokio::time::timeout(SHUTDOWN_GRACE, task).await {
            Err(_) => Err(HttpError::ShutdownTimeout(SHUTDOWN_GRACE)),
            Ok(Err(join)) => Err(HttpError::Task(join.to_string())),
            Ok(Ok(result)) => Ok(result?),
        }
    }
}

impl Drop for StreamServer {
    fn drop(&mut self) {
        self.shared.stop.send_replace(true);
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

/// The [`FrameSink`] of a [`StreamServer`]: publishes each frame to every client.
#[derive(Debug, Clone)]
pub struct HttpSink {
    name: String,
    shared: Arc<Shared>,
}

impl FrameSink for HttpSink {
    fn name(&self) -> &str {
        &self.name
    }

    fn push(&mut self, frame: &Arc<EncodedFrame>) -> Result<(), SinkError> {
        if *self.shared.stop.borrow() {
            return Err(SinkError::Closed);
        }
        let published = publish(frame).map_err(|e| SinkError::Failed(e.to_string()))?;
        self.shared.latest.send_replace(Some(Arc::new(published)));
        Ok(())
    }
}

/// The JSON state of a frame, as `/events` and `/state.json` send it.
#[derive(serde::Serialize)]
struct State<'a> {
    index: u64,
    time_secs: f64,
    width: usize,
    height: usize,
    #[serde(flatten)]
    meta: &'a crate::stream::FrameMeta,
}

fn publish(frame: &EncodedFrame) -> Result<Published, serde_json::Error> {
    let f = &frame.frame;
    let state = serde_json::to_string(&State {
        index: f.index,
        time_secs: f.time_secs,
        width: f.image.width(),
        height: f.image.height(),
        meta: &f.meta,
    })?;
    let header = format!(
        "--{BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: {}\r\nX-Frame-Index: {}\r\n\r\n",
        frame.jpeg.len(),
        f.index
    );
    let mut part = Vec::with_capacity(header.len() + frame.jpeg.len() + 2);
    part.extend_from_slice(header.as_bytes());
    part.extend_from_slice(&frame.jpeg);
    part.extend_from_slice(b"\r\n");
    Ok(Published {
        part: Bytes::from(part),
        jpeg: Bytes::copy_from_slice(&frame.jpeg),
        state,
    })
}
