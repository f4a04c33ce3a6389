//! The target trajectory in shape space: the dance spline through the planned keyframes,
//! blended with the idle sway before the first beat and after the last.
//!
//! Every beat `j` of the timeline contributes the keys of the move its bar plays at move beat
//! `(offset + j − bar start) mod move length` (half of that window when the move is danced
//! half-time, [`Choice::move_window`](super::planner::Choice::move_window)), warped onto the
//! beat grid ([`super::timewarp`]);
//! all knots of the song form one spline ([`super::spline`]), so moves join with continuous
//! velocity. Evaluating at time `t` needs only the knots of beats `i − 1 ..= i + 2` around the
//! beat `i` holding `t`, which are gathered once per beat into a scratch buffer.
//!
//! On top of the spline, the pelvis **grooves**: one small loop per beat (sideways and down,
//! `groove_m` scaled by the bar's energy) that starts and ends at rest exactly on the beat,
//! so the key poses are untouched and the whole body's speed dips on every beat whatever the
//! move does between its keys. Its offset and velocity are zero on every beat, so it joins
//! beats of any tempo (and bars of any energy) with continuous velocity.
//!
//! The idle is the rest pose with a slow sway of the pelvis (and a counter-roll of the trunk
//! and head). The blend weight rises with a smoothstep over `blend_beats` beat periods before
//! the first beat, and falls likewise after the last, so idle and dance join with continuous
//! velocity too. With fewer than two beats there is only the idle.

use std::f64::consts::TAU;

use super::config::ProceduralConfig;
use super::library::MoveLibrary;
use super::planner::PlannedBar;
use super::shape::{Key, ShapeVec, HEAD, PELVIS, TORSO};
use super::spline::{self, Knot};
use super::timewarp::BeatTimeline;

/// Trunk roll per metre of idle sway, rad/m: the shoulders lag the hips a little.
const IDLE_ROLL_RAD_PER_M: f64 = 1.5;

/// Shape and shape velocity (per second) of the dance at any time.
#[derive(Debug)]
pub struct Trajectory<'a> {
    library: &'a MoveLibrary,
    timeline: &'a BeatTimeline,
    plan: &'a [PlannedBar],
    cfg: &'a ProceduralConfig,
    rest: ShapeVec,
    knots: Vec<Knot>,
    window: Option<usize>,
}

impl<'a> Trajectory<'a> {
    /// The trajectory of `plan` (bars covering every beat of `timeline`, in order).
    pub fn new(
        library: &'a MoveLibrary,
        timeline: &'a BeatTimeline,
        plan: &'a [PlannedBar],
        cfg: &'a ProceduralConfig,
    ) -> Trajectory<'a> {
        Trajectory {
            library,
            timeline,
            plan,
            cfg,
            rest: Key::rest().to_shape(),
            knots: Vec::with_capacity(16),
            window: None,
        }
    }

    /// Shape and velocity at `t_secs`.
    pub fn eval(&mut self, t_secs: f64) -> (ShapeVec, ShapeVec) {
        let (idle, d_idle) = self.idle(t_secs);
        let (w, dw) = self.blend(t_secs);
        if w <= 0.0 {
            return (idle, d_idle);
        }
        let (dance, d_dance) = self.dance(t_secs);
        let gap = dance - idle;
        (idle + gap * w, d_idle * (1.0 - w) + d_dance * w + gap * dw)
    }

    /// The idle sway at `t_secs`.
    fn idle(&self, t_secs: f64) -> (ShapeVec, ShapeVec) {
        let omega = TAU / self.cfg.idle_period_secs;
        let (s, ds) = ((omega * t_secs).sin(), omega * (omega * t_secs).cos());
        let mut v = self.rest;
        let mut d = ShapeVec::zeros();
        let amp = self.cfg.idle_sway_m;
        let roll = IDLE_ROLL_RAD_PER_M * amp;
        for (slot, gain) in [(PELVIS, amp), (TORSO + 2, roll), (HEAD + 2, -0.5 * roll)] {
            v[slot] += gain * s;
            d[slot] = gain * ds;
        }
        (v, d)
    }

    /// Weight of the dance against the idle, and its derivative per second.
    fn blend(&self, t_secs: f64) -> (f64, f64) {
        let beats = self.timeline.beats_secs();
        let (Some(&first), Some(&last)) = (beats.first(), beats.last()) else {
            return (0.0, 0.0);
        };
        let (Some(lead_period), Some(tail_period)) =
            (self.timeline.period_at(0), self.timeline.last_period_secs())
        else {
            return (0.0, 0.0);
        };
        if t_secs < first {
            let lead = self.cfg.blend_beats * lead_period;
            let (w, dw) = smoothstep((t_secs - first + lead) / lead);
            (w, dw / lead)
        } else if t_secs > last {
            let tail = self.cfg.blend_beats * tail_period;
            let (w, dw) = smoothstep(1.0 - (t_secs - last) / tail);
            (w, -dw / tail)
        } else {
            (1.0, 0.0)
        }
    }

    /// The dance spline at `t_secs` (the timeline has at least two beats).
    fn dance(&mut self, t_secs: f64) -> (ShapeVec, ShapeVec) {
        let n = self.timeline.len();
        let Some(u) = self.timeline.position_at(t_secs) else {
            return (self.rest, ShapeVec::zeros());
        };
        let i = (u.floor().max(0.0) as usize).min(n.saturating_sub(1));
        if self.window != Some(i) {
            self.fill_window(i);
        }
        let (mut v, mut d) = spline::evaluate(&self.knots, t_secs, self.cfg.beat_tangent_scale)
            .unwrap_or((self.rest, ShapeVec::zeros()));
        if i + 1 < n && u >= 0.0 {
            let rate = 1.0 / self.timeline.period_at(i).unwrap_or(1.0);
            let (x, y, dx, dy) = groove(u.fract(), self.groove_m(i));
            v[PELVIS] += x;
            v[PELVIS + 1] += y;
            d[PELVIS] += dx * rate;
            d[PELVIS + 1] += dy * rate;
        }
        (v, d)
    }

    /// Groove amplitude on beat `i`: `groove_m` scaled by 0.6 + 0.8 × the bar's energy.
    fn groove_m(&self, i: usize) -> f64 {
        let b = self.plan.partition_point(|p| p.bar.first_beat <= i);
        let energy = b
            .checked_sub(1)
            .and_then(|b| self.plan.get(b))
            .map_or(0.5, |p| p.energy);
        self.cfg.groove_m * (0.6 + 0.8 * energy)
    }

    /// Gathers the knots of beats `i − 1 ..= i + 2`.
    fn fill_window(&mut self, i: usize) {
        self.knots.clear();
        let last = self.timeline.len().saturating_sub(1);
        for j in i.saturating_sub(1)..=(i + 2).min(last) {
            push_beat_knots(
                self.library,
                self.timeline,
                self.plan,
                j,
                j == last,
                &mut self.knots,
            );
        }
        self.window = Some(i);
    }
}

/// Appends the knots of beat `j`: only its on-beat knot on the last beat of the timeline, and
/// on the last beat of a bar whose move does not go on into the next bar (the next move then
/// has the whole beat to take over, not the half after an up-beat key).
fn push_beat_knots(
    library: &MoveLibrary,
    timeline: &BeatTimeline,
    plan: &[PlannedBar],
    j: usize,
    last_beat: bool,
    out: &mut Vec<Knot>,
) {
    let b = plan.partition_point(|p| p.bar.first_beat <= j);
    let Some(bar) = b.checked_sub(1).and_then(|b| plan.get(b)) else {
        return;
    };
    let Some(m) = library.get(bar.choice.move_index) else {
        return;
    };
    let beat_in_bar = j - bar.bar.first_beat;
    let handover = beat_in_bar + 1 == bar.bar.n_beats
        && plan.get(b).is_some_and(|next| {
            !(next.choice.same_variant(&bar.choice)
                && next.choice.offset_beats == bar.choice.offset_beats + bar.bar.n_beats)
        });
    let (from, len) = bar.choice.move_window(beat_in_bar, m.def.beats);
    for (frac, shape) in m.keys_in_window(bar.choice.mirrored, from, len) {
        if (last_beat || handover) && frac > 0.0 {
            break;
        }
        if let Some(t_secs) = timeline.time_at(j as f64 + frac) {
            out.push(Knot {
                t_secs,
                value: *shape,
                on_beat: frac == 0.0,
            });
        }
    }
}

/// `3s² − 2s³` on `s` clamped to 0..1, and its derivative.
fn smoothstep(s: f64) -> (f64, f64) {
    let s = s.clamp(0.0, 1.0);
    (s * s * (3.0 - 2.0 * s), 6.0 * s * (1.0 - s))
}

/// The groove at beat phase `f` (0..1) and amplitude `amp_m`: pelvis offset `(x, y)`,
/// metres, and its derivative per beat. One loop per beat, out to the side and down, whose
/// angle `θ = 2πf − sin 2πf` stands still on the beat (`dθ/df = 2π(1 − cos 2πf)`).
fn groove(f: f64, amp_m: f64) -> (f64, f64, f64, f64) {
    let theta = TAU * f - (TAU * f).sin();
    let d_theta = TAU * (1.0 - (TAU * f).cos());
    let (s, c) = theta.sin_cos();
    (
        amp_m * s,
        0.5 * amp_m * (c - 1.0),
        amp_m * c * d_theta,
        -0.5 * amp_m * s * d_theta,
    )
}
