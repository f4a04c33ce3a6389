//! One active motion at a time: a [`MotionPlayer`] plays a joint trajectory on the clock, and
//! a new motion preempts the running one with a cross-fade instead of a jump.
//!
//! The player sits just upstream of the [`SafetyLayer`](super::SafetyLayer): each control tick
//! samples it and commands the layer, which still limits whatever comes out. The cross-fade
//! (smoothstep over `blend_secs`) keeps the commanded pose continuous when a dance is replaced
//! mid-way, so the limiter is not asked to absorb a teleport.

use crate::retarget::JointTrajectory;

use super::SafetyError;

struct Playing {
    traj: JointTrajectory,
    start_secs: f64,
}

impl Playing {
    fn sample(&self, now_secs: f64, out: &mut Vec<f64>) {
        self.traj.sample(now_secs - self.start_secs, out);
    }

    fn end_secs(&self) -> f64 {
        self.start_secs + self.traj.times_secs.last().copied().unwrap_or(0.0)
    }
}

/// Plays one trajectory at a time; see the module docs.
pub struct MotionPlayer {
    joint_names: Vec<String>,
    blend_secs: f64,
    current: Option<Playing>,
    /// The preempted motion and when the cross-fade away from it began.
    fading: Option<(Playing, f64)>,
    scratch: Vec<f64>,
}

impl MotionPlayer {
    /// A player for these joints (every motion must name exactly these, in this order), with
    /// preemptions cross-faded over `blend_secs` (0 switches at once).
    pub fn new(joint_names: Vec<String>, blend_secs: f64) -> MotionPlayer {
        MotionPlayer {
            joint_names,
            blend_secs: if blend_secs.is_finite() {
                blend_secs.max(0.0)
            } else {
                0.0
            },
            current: None,
            fading: None,
            scratch: Vec::new(),
        }
    }

    /// Starts `traj` at clock time `start_secs` (its time 0), preempting the running motion
    /// with a cross-fade that begins at `now_secs`. The trajectory must be well formed and name
    /// the player's joints in order.
    pub fn play(
        &mut self,
        traj: JointTrajectory,
        start_secs: f64,
        now_secs: f64,
    ) -> Result<(), SafetyError> {
        traj.check().map_err(SafetyError::Motion)?;
        if traj.joint_names != self.joint_names {
            return Err(SafetyError::Motion(format!(
                "the motion drives {:?}, expected {:?}",
                traj.joint_names, self.joint_names
            )));
        }
        if let Some(old) = self.current.take() {
            self.fading = Some((old, now_secs));
        }
        self.current = Some(Playing { traj, start_secs });
        Ok(())
    }

    /// Stops at once (the safety layer's watchdog then holds and homes the robot).
    pub fn stop(&mut self) {
        self.current = None;
        self.fading = None;
    }

    /// True when a motion is loaded and has not reached its end.
    pub fn is_playing(&self, now_secs: f64) -> bool {
        self.current
            .as_ref()
            .is_some_and(|p| now_secs <= p.end_secs())
    }

    /// The pose to command at `now_secs` into `out`; `false` (and `out` untouched) when no
    /// motion is loaded. After its end a motion holds its last pose.
    pub fn sample(&mut self, now_secs: f64, out: &mut Vec<f64>) -> bool {
        let Some(current) = &self.current else {
            return false;
        };
        current.sample(now_secs, out);
        if let Some((old, since)) = &self.fading {
            let t = if self.blend_secs > 0.0 {
                ((now_secs - since) / self.blend_secs).clamp(0.0, 1.0)
            } else {
                1.0
            };
            if t >= 1.0 {
                self.fading = None;
            } else {
                let w = t * t * (3.0 - 2.0 * t);
                old.sample(now_secs, &mut self.scratch);
                for (o, a) in out.iter_mut().zip(&self.scratch) {
                    *o = a + (*o - a) * w;
                }
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn constant(value: f64, secs: f64) -> JointTrajectory {
        JointTrajectory {
            joint_names: vec!["a".into()],
            times_secs: vec![0.0, secs],
            positions_rad: vec![vec![value], vec![value]],
            velocities_rad_per_s: vec![],
            accelerations_rad_per_s2: vec![],
        }
    }

    #[test]
    fn a_preempting_motion_is_cross_faded_without_a_jump() {
        let mut p = MotionPlayer::new(vec!["a".into()], 0.5);
        let mut out = Vec::new();
        assert!(!p.sample(0.0, &mut out));
        p.play(constant(0.0, 10.0), 0.0, 0.0).unwrap();
        assert!(p.sample(0.5, &mut out) && out == vec![0.0]);
        p.play(constant(1.0, 10.0), 1.0, 1.0).unwrap();
        let mut last = 0.0;
        for k in 0..=60 {
            let t = 1.0 + k as f64 * 0.01;
            p.sample(t, &mut out);
            assert!(
                out[0] >= last - 1e-12 && out[0] - last < 0.04,
                "jump at {t}"
            );
            last = out[0];
        }
        assert!((last - 1.0).abs() < 1e-12);
        assert!(p.is_playing(5.0) && !p.is_playing(11.5));
    }

    #[test]
    fn motions_for_other_joints_or_malformed_ones_are_refused() {
        let mut p = MotionPlayer::new(vec!["b".into()], 0.5);
        let e = p
            .play(constant(0.0, 1.0), 0.0, 0.0)
            .unwrap_err()
            .to_string();
        assert!(e.contains("expected [\"b\"]"), "{e}");
        let mut bad = constant(0.0, 1.0);
        bad.joint_names = vec!["b".into()];
        bad.times_secs[1] = 0.0;
        assert!(p.play(bad, 0.0, 0.0).is_err());
    }
}
