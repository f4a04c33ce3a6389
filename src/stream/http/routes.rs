//! The routes of the companion display and the per-client frame streams behind them.

use std::convert::Infallible;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::StatusCode;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use tokio::sync::watch;

use super::{ClientGuard, Published, Shared, BOUNDARY};
use crate::render::stick::{OPENPOSE_COLOURS, OPENPOSE_LIMBS};

const INDEX_HTML: &str = include_str!("page/index.html");
const PAGE_JS: &str = include_str!("page/page.js");
const PAGE_CSS: &str = include_str!("page/page.css");

/// What a client is told before the first frame exists.
const NO_FRAME_YET: &str = "no frame yet: the dance has not started; retry in a moment\n";

const NO_STORE: &str = "no-cache, no-store, must-revalidate";

pub(super) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/", get(|| async { Html(INDEX_HTML) }))
        .route(
            "/page.js",
            get(|| async { text("text/javascript", PAGE_JS) }),
        )
        .route("/page.css", get(|| async { text("text/css", PAGE_CSS) }))
        .route("/layout.json", get(|| async { layout_json() }))
        .route("/stream.mjpg", get(stream_mjpg))
        .route("/snapshot.jpg", get(snapshot))
        .route("/events", get(events))
        .route("/state.json", get(state_json))
        .with_state(shared)
}

fn text(mime: &'static str, body: &'static str) -> Response {
    ([(CONTENT_TYPE, mime)], body).into_response()
}

/// The skeleton's limbs (keypoint index pairs) and OpenPose colours, for the page.
fn layout_json() -> Response {
    let limbs: Vec<[usize; 2]> = OPENPOSE_LIMBS
        .iter()
        .map(|(a, b)| [a.index(), b.index()])
        .collect();
    let colours: Vec<String> = OPENPOSE_COLOURS
        .iter()
        .map(|[r, g, b]| format!("#{r:02x}{g:02x}{b:02x}"))
        .collect();
    let body = serde_json::json!({ "limbs": limbs, "colours": colours }).to_string();
    ([(CONTENT_TYPE, "application/json")], body).into_response()
}

fn not_yet() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (CONTENT_TYPE, "text/plain; charset=utf-8"),
            (CACHE_CONTROL, NO_STORE),
        ],
        NO_FRAME_YET,
    )
        .into_response()
}

async fn snapshot(State(shared): State<Arc<Shared>>) -> Response {
    let latest = shared.latest.borrow().clone();
    match latest {
        Some(p) => (
            [(CONTENT_TYPE, "image/jpeg"), (CACHE_CONTROL, NO_STORE)],
            p.jpeg.clone(),
        )
            .into_response(),
        None => not_yet(),
    }
}

async fn state_json(State(shared): State<Arc<Shared>>) -> Response {
    let latest = shared.latest.borrow().clone();
    match latest {
        Some(p) => (
            [
                (CONTENT_TYPE, "application/json"),
                (CACHE_CONTROL, NO_STORE),
            ],
            p.state.clone(),
        )
            .into_response(),
        None => not_yet(),
    }
}

/// One client following the latest frame.
struct Follow {
    frames: watch::Receiver<Option<Arc<Published>>>,
    stop: watch::Receiver<bool>,
    first: bool,
    _guard: ClientGuard,
}

impl Follow {
    fn new(shared: &Arc<Shared>) -> Follow {
        Follow {
            frames: shared.latest.subscribe(),
            stop: shared.stop.subscribe(),
            first: true,
            _guard: ClientGuard::new(shared),
        }
    }

    /// The newest frame this client has not sent yet (frames published while it was busy
    /// are skipped); `None` when the server stops.
    async fn next(mut self) -> Option<(Arc<Published>, Follow)> {
        loop {
            if *self.stop.borrow() {
                return None;
            }
            if !std::mem::take(&mut self.first) {
                tokio::select! {
                    changed = self.frames.changed() => changed.ok()?,
                    _ = self.stop.wait_for(|s| *s) => return None,
                }
            }
            let latest = self.frames.borrow_and_update().clone();
            if let Some(p) = latest {
                return Some((p, self));
            }
        }
    }
}

async fn stream_mjpg(State(shared): State<Arc<Shared>>) -> Response {
    let parts = futures_util::stream::unfold(Follow::new(&shared), |follow| async move {
        let (p, follow) = follow.next().await?;
        Some((Ok::<Bytes, Infallible>(p.part.clone()), follow))
    });
    (
        [
            (
                CONTENT_TYPE,
                format!("multipart/x-mixed-replace; boundary={BOUNDARY}"),
            ),
            (CACHE_CONTROL, NO_STORE.to_owned()),
        ],
        Body::from_stream(parts),
    )
        .into_response()
}

async fn events(State(shared): State<Arc<Shared>>) -> Response {
    let events = futures_util::stream::unfold(Follow::new(&shared), |follow| async move {
        let (p, follow) = follow.next().await?;
        let event = Event::default().event("frame").data(p.state.as_str());
        Some((Ok::<Event, Infallible>(event), follow))
    });
    Sse::new(events)
        .keep_alive(KeepAlive::default())
        .into_response()
}
