// The companion display: the avatar from the MJPEG stream (or, with ?mode=poll, from
// repeated snapshots), the skeleton and the beat from the server-sent events of /events.
"use strict";

const avatar = document.getElementById("avatar");
const connection = document.getElementById("connection");
const beatLight = document.getElementById("beat");
const tempo = document.getElementById("tempo");
const caption = document.getElementById("frame");
const canvas = document.getElementById("skeleton");
const ctx = canvas.getContext("2d");
const mode = new URLSearchParams(location.search).get("mode") === "poll" ? "poll" : "mjpeg";

let layout = { limbs: [], colours: [] };
let lastBeatCount = null;
let beatTimer = null;

function setConnection(connected) {
  connection.textContent = connected ? "connected" : "reconnecting…";
  connection.className = "connection " + (connected ? "connected" : "reconnecting");
}

// The avatar. MJPEG: one long request the browser decodes frame by frame; on error, retry.
function startMjpeg() {
  avatar.onerror = () => {
    setConnection(false);
    setTimeout(() => { avatar.src = "/stream.mjpg?t=" + Date.now(); }, 1000);
  };
  avatar.src = "/stream.mjpg";
}

// Polling: fetch the latest snapshot whenever the previous one has arrived.
function startPolling() {
  let n = 0;
  const next = (delay) => setTimeout(() => { avatar.src = "/snapshot.jpg?n=" + (n++); }, delay);
  avatar.onload = () => next(30);
  avatar.onerror = () => next(500);
  next(0);
}

function flashBeat(downbeat) {
  beatLight.classList.add("on");
  beatLight.classList.toggle("downbeat", !!downbeat);
  clearTimeout(beatTimer);
  beatTimer = setTimeout(() => beatLight.classList.remove("on", "downbeat"), 120);
}

function drawSkeleton(state) {
  ctx.fillStyle = "#000";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const aspect = state.width / state.height;
  const h = canvas.height, w = Math.min(canvas.width, h * aspect);
  const ox = (canvas.width - w) / 2;
  const pt = (i) => {
    const p = state.keypoints[i];
    return p ? [ox + p[0] * w, p[1] * h] : null;
  };
  ctx.lineWidth = 5;
  ctx.lineCap = "round";
  layout.limbs.forEach(([a, b], i) => {
    const pa = pt(a), pb = pt(b);
    if (!pa || !pb) return;
    ctx.strokeStyle = layout.colours[i] || "#fff";
    ctx.beginPath();
    ctx.moveTo(pa[0], pa[1]);
    ctx.lineTo(pb[0], pb[1]);
    ctx.stroke();
  });
  state.keypoints.forEach((p, i) => {
    if (!p) return;
    ctx.fillStyle = layout.colours[i] || "#fff";
    ctx.beginPath();
    ctx.arc(ox + p[0] * w, p[1] * h, 4, 0, 2 * Math.PI);
    ctx.fill();
  });
}

function onFrame(state) {
  if (lastBeatCount !== null && state.beat_count !== lastBeatCount) flashBeat(state.downbeat);
  lastBeatCount = state.beat_count;
  tempo.textContent = state.tempo_bpm ? Math.round(state.tempo_bpm) + " BPM" : "";
  caption.textContent = "frame " + state.index + " · " + state.time_secs.toFixed(2) + " s";
  drawSkeleton(state);
}

function startEvents() {
  const events = new EventSource("/events");
  events.onopen = () => setConnection(true);
  events.onerror = () => setConnection(false); // EventSource reconnects by itself
  events.addEventListener("frame", (e) => {
    setConnection(true);
    onFrame(JSON.parse(e.data));
  });
}

document.getElementById("fullscreen").addEventListener("click", () => {
  const stage = document.getElementById("stage");
  if (document.fullscreenElement) document.exitFullscreen();
  else if (stage.requestFullscreen) stage.requestFullscreen();
});

fetch("/layout.json").then((r) => r.json()).then((l) => { layout = l; }).catch(() => {});
startEvents();
if (mode === "poll") startPolling();
else window.addEventListener("load", startMjpeg);
