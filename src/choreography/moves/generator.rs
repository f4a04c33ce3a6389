//! [`ProceduralGenerator`]: the move library as a [`DanceGenerator`].
//!
//! Each call to [`extend`](DanceGenerator::extend) builds the beat timeline from what is known
//! (offline: the song's beats; live: heard and predicted beats, extrapolated at the last
//! period up to `max_extrapolated_beats` past them), plans the bars (offline once per song,
//! with repeats; live bar by bar, committed), and samples the [`Trajectory`] at each new
//! frame time `k / fps`. Poses come from the [`Rig`], then [`BodyModel::project`] as a guard.
//!
//! **Seams.** Frames already returned never change. The generator keeps the shape and
//! velocity of the last frame it returned; when a later call's target differs there (new beat
//! predictions, a changed plan), the difference is eased out over `seam_secs` with a cubic
//! Hermite blend that starts with the old position and velocity, so the motion stays C¹
//! across calls. When nothing changed the difference is exactly zero, and a song generated in
//! many small calls equals the song generated in one.

use super::config::ProceduralConfig;
use super::library::MoveLibrary;
use super::live::LivePlan;
use super::planner::{plan_offline, PlannedBar, Selector};
use super::rig::Rig;
use super::shape::ShapeVec;
use super::timewarp::BeatTimeline;
use super::trajectory::Trajectory;
use crate::choreography::{BodyModel, ChoreoError, DanceGenerator, MusicContext, Pose};
use crate::config::Validate;

/// Shape and velocity of the last frame returned.
#[derive(Debug, Clone, Copy)]
struct Seam {
    t_secs: f64,
    shape: ShapeVec,
    velocity: ShapeVec,
}

/// What an offline plan was made from, to reuse it across calls on the same song.
#[derive(Debug, Clone, PartialEq)]
struct PlanKey {
    beats: Vec<u64>,
    downbeats: Vec<u64>,
    n_frames: usize,
    n_sections: usize,
    /// Sums of the energy features (bits), so other music with the same beats replans.
    loudness: [u64; 2],
}

impl PlanKey {
    fn of(music: &MusicContext<'_>) -> PlanKey {
        PlanKey {
            beats: music.beats_secs.iter().map(|b| b.to_bits()).collect(),
            downbeats: music.downbeats_secs.iter().map(|b| b.to_bits()).collect(),
            n_frames: music.features.n_frames,
            n_sections: music.features.sections.len(),
            loudness: [&music.features.rms, &music.features.onset_strength]
                .map(|v| v.iter().map(|&x| f64::from(x)).sum::<f64>().to_bits()),
        }
    }
}

/// The procedural dance generator (see the module docs of [`super`]).
#[derive(Debug, Clone)]
pub struct ProceduralGenerator {
    cfg: ProceduralConfig,
    body: BodyModel,
    rig: Rig,
    library: MoveLibrary,
    seam: Option<Seam>,
    emitted: usize,
    offline: Option<(PlanKey, BeatTimeline, Vec<PlannedBar>)>,
    live: LivePlan,
    plan: Vec<PlannedBar>,
}

impl ProceduralGenerator {
    /// A generator with validated settings and the standard move library.
    pub fn new(cfg: ProceduralConfig) -> Result<ProceduralGenerator, ChoreoError> {
        cfg.validate()?;
        let body = BodyModel::with_height(cfg.body_height_m);
        Ok(ProceduralGenerator {
            rig: Rig::new(&body),
            body,
            library: MoveLibrary::standard(),
            cfg,
            seam: None,
            emitted: 0,
            offline: None,
            live: LivePlan::default(),
            plan: Vec::new(),
        })
    }

    /// The settings.
    pub fn config(&self) -> &ProceduralConfig {
        &self.cfg
    }

    /// The move library.
    pub fn library(&self) -> &MoveLibrary {
        &self.library
    }

    /// The bars planned by the last call (offline: the whole song).
    pub fn plan(&self) -> &[PlannedBar] {
        &self.plan
    }

    /// Name of the move variant a bar dances (`name` or `name/mirrored`).
    pub fn variant_name(&self, bar: &PlannedBar) -> String {
        let name = self
            .library
            .get(bar.choice.move_index)
            .map_or("?", |m| m.def.name);
        if bar.choice.mirrored {
            format!("{name}/mirrored")
        } else {
            name.to_owned()
        }
    }

    /// Names of the distinct moves the last plan uses (mirrored variants counted once), in
    /// order of first use.
    pub fn moves_used(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = Vec::new();
        for bar in &self.plan {
            if let Some(m) = self.library.get(bar.choice.move_index) {
                if !names.contains(&m.def.name) {
                    names.push(m.def.name);
                }
            }
        }
        names
    }

    /// Timeline and plan for a call.
    fn prepare(&mut self, music: &MusicContext<'_>, until_secs: f64) -> BeatTimeline {
        let selector = Selector {
            library: &self.library,
            cfg: &self.cfg,
        };
        if music.complete {
            let key = PlanKey::of(music);
            if let Some((k, timeline, plan)) = &self.offline {
                if *k == key {
                    self.plan.clone_from(plan);
                    return timeline.clone();
                }
            }
            let timeline = BeatTimeline::new(music.beats_secs);
            let bars = timeline.bars(music.downbeats_secs);
            let plan = plan_offline(&selector, &timeline, &bars, music.features);
            self.plan.clone_from(&plan);
            self.offline = Some((key, timeline.clone(), plan));
            return timeline;
        }
        let mut timeline = BeatTimeline::new(music.beats_secs);
        let period = timeline.last_period_secs().unwrap_or(0.0);
        timeline.extend_to(until_secs + 3.0 * period, self.cfg.max_extrapolated_beats);
        let bars = timeline.bars(music.downbeats_secs);
        self.plan = self.live.plan(&selector, &timeline, &bars, music.features);
        timeline
    }

    /// The pose of a shape, bones laid out again from the neck as a guard against rounding.
    fn pose_of(&self, shape: &ShapeVec, t_secs: f64) -> Result<Pose, ChoreoError> {
        let pose = self.body.project(&self.rig.pose(shape));
        if pose.is_finite() {
            Ok(pose)
        } else {
            Err(ChoreoError::Backend(format!(
                "procedural pose at {t_secs:.3} s is not finite"
            )))
        }
    }
}

/// Eases the difference between the last returned frame and a new target out over `secs`.
#[derive(Debug, Clone, Copy)]
struct Correction {
    t0_secs: f64,
    secs: f64,
    offset: ShapeVec,
    velocity: ShapeVec,
}

impl Correction {
    /// `None` when the target passes exactly through the seam.
    fn new(seam: &Seam, target: (ShapeVec, ShapeVec), secs: f64) -> Option<Correction> {
        let offset = seam.shape - target.0;
        let velocity = seam.velocity - target.1;
        (offset.amax() > 0.0 || velocity.amax() > 0.0).then_some(Correction {
            t0_secs: seam.t_secs,
            secs,
            offset,
            velocity,
        })
    }

    /// The corrected shape and velocity at `t_secs` (Hermite basis h00, h10 in time).
    fn apply(&self, t_secs: f64, target: (ShapeVec, ShapeVec)) -> (ShapeVec, ShapeVec) {
        let s = (t_secs - self.t0_secs) / self.secs;
        if !(0.0..1.0).contains(&s) {
            return target;
        }
        let (s2, s3) = (s * s, s * s * s);
        let h00 = 2.0 * s3 - 3.0 * s2 + 1.0;
        let h10 = s3 - 2.0 * s2 + s;
        let d00 = (6.0 * s2 - 6.0 * s) / self.secs;
        let d10 = 3.0 * s2 - 4.0 * s + 1.0;
        (
            target.0 + self.offset * h00 + self.velocity * (h10 * self.secs),
            target.1 + self.offset * d00 + self.velocity * d10,
        )
    }
}

impl DanceGenerator for ProceduralGenerator {
    fn name(&self) -> String {
        "procedural".to_owned()
    }

    fn fps(&self) -> f64 {
        self.cfg.fps
    }

    fn body(&self) -> &BodyModel {
        &self.body
    }

    fn extend(
        &mut self,
        music: &MusicContext<'_>,
        until_secs: f64,
        out: &mut Vec<Pose>,
    ) -> Result<usize, ChoreoError> {
        if !until_secs.is_finite() {
            return Err(ChoreoError::Input(format!(
                "frames asked up to {until_secs} s"
            )));
        }
        if out.len() != self.emitted {
            // Someone else's frames: start afresh from them, without a seam to match.
            self.seam = None;
            self.live.clear();
        }
        let first = out.len();
        let end = (until_secs * self.cfg.fps).ceil().max(0.0) as usize;
        if end <= first {
            self.emitted = first;
            return Ok(0);
        }
        let timeline = self.prepare(music, until_secs);
        let mut target = Trajectory::new(&self.library, &timeline, &self.plan, &self.cfg);
        let correction = self
            .seam
            .and_then(|s| Correction::new(&s, target.eval(s.t_secs), self.cfg.seam_secs));
        let mut seam = self.seam;
        out.reserve(end - first);
        for k in first..end {
            let t_secs = k as f64 / self.cfg.fps;
            let q = target.eval(t_secs);
            let (shape, velocity) = correction.map_or(q, |c| c.apply(t_secs, q));
            out.push(self.pose_of(&shape, t_secs)?);
            seam = Some(Seam {
                t_secs,
                shape,
                velocity,
            });
        }
        self.seam = seam;
        self.emitted = out.len();
        Ok(end - first)
    }

    fn describe(&self) -> serde_json::Value {
        let bars: Vec<serde_json::Value> = self
            .plan
            .iter()
            .map(|b| {
                serde_json::json!({
                    "start_secs": b.start_secs,
                    "beats": b.bar.n_beats,
                    "move": self.variant_name(b),
                    "offset_beats": b.choice.offset_beats,
                    "half_time": b.choice.time_scale == 2,
                    "energy": b.energy,
                    "replayed": b.replayed,
                })
            })
            .collect();
        serde_json::json!({
            "name": self.name(),
            "fps": self.cfg.fps,
            "seed": self.cfg.seed,
            "body_height_m": self.cfg.body_height_m,
            "settings": self.cfg,
            "moves_used": self.moves_used(),
            "bars": bars,
        })
    }
}
