//! The safety layer's state machine: enable with a soft start, watchdog hold then home,
//! e-stop, soft stop to home, all through the [`limiter`](super::limiter) on every tick.

use serde::{Deserialize, Serialize};

use super::limiter::{self, clamp, JointState};
use super::SafetyError;
use crate::config::{InvalidField, Validate};
use crate::robot::limits::LimitSet;

/// Safety settings. The defaults suit a 100 Hz joint trajectory controller on a humanoid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SafetyConfig {
    /// Rate the layer is ticked at, Hz. Every tick moves by at most one nominal period's worth
    /// of motion, however late it comes.
    pub control_rate_hz: f64,
    /// No fresh command for this long → hold (brake to a stop). Raise it for slow senders.
    pub watchdog_timeout_secs: f64,
    /// Holding for this long → move to the home pose.
    pub hold_before_home_secs: f64,
    /// After enabling, speed ramps from 10 % to 100 % over this time.
    pub soft_start_secs: f64,
    /// Fraction of each joint's velocity limit used to go home (watchdog and soft stop).
    pub home_speed_scale: f64,
    /// A measured position this far outside a limit is clamped at enable; farther is refused.
    pub enable_tolerance_rad: f64,
}

impl Default for SafetyConfig {
    fn default() -> Self {
        Self {
            control_rate_hz: 100.0,
            watchdog_timeout_secs: 0.25,
            hold_before_home_secs: 1.0,
            soft_start_secs: 2.0,
            home_speed_scale: 0.3,
            enable_tolerance_rad: 0.05,
        }
    }
}

impl Validate for SafetyConfig {
    fn validate(&self) -> Result<(), InvalidField> {
        let positive = |v: f64| v.is_finite() && v > 0.0;
        if !positive(self.control_rate_hz) || self.control_rate_hz > 10_000.0 {
            return Err(InvalidField::new(
                "safety.control_rate_hz",
                "must be in (0, 10000]",
            ));
        }
        if !positive(self.watchdog_timeout_secs) {
            return Err(InvalidField::new(
                "safety.watchdog_timeout_secs",
                "must be > 0",
            ));
        }
        if !(self.hold_before_home_secs.is_finite() && self.hold_before_home_secs >= 0.0) {
            return Err(InvalidField::new(
                "safety.hold_before_home_secs",
                "must be >= 0",
            ));
        }
        if !(self.soft_start_secs.is_finite() && self.soft_start_secs >= 0.0) {
            return Err(InvalidField::new("safety.soft_start_secs", "must be >= 0"));
        }
        if !(positive(self.home_speed_scale) && self.home_speed_scale <= 1.0) {
            return Err(InvalidField::new(
                "safety.home_speed_scale",
                "must be in (0, 1]",
            ));
        }
        if !(self.enable_tolerance_rad.is_finite() && self.enable_tolerance_rad >= 0.0) {
            return Err(InvalidField::new(
                "safety.enable_tolerance_rad",
                "must be >= 0",
            ));
        }
        Ok(())
    }
}

/// What the layer is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SafetyState {
    /// Sends nothing.
    Disabled,
    /// Enabled, following commands with a speed ramp.
    Starting,
    /// Following commands.
    Active,
    /// Watchdog fired: braking to a stop and holding.
    Holding,
    /// Held too long: moving to the home pose (a fresh command resumes).
    Homing,
    /// Disabled by request: moving home, then `Disabled`.
    Stopping,
    /// Frozen; only `enable` leaves this state.
    EStopped,
}

/// One tick's output: positions and velocities to send.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SafeCommand<'a> {
    /// Positions, rad, command order.
    pub positions_rad: &'a [f64],
    /// Velocities, rad/s.
    pub velocities_rad_per_s: &'a [f64],
    /// State after this tick.
    pub state: SafetyState,
}

/// The last stage before any actuator. See the module docs of [`crate::safety`].
#[derive(Debug, Clone)]
pub struct SafetyLayer {
    limits: LimitSet,
    cfg: SafetyConfig,
    state: SafetyState,
    joints: Vec<JointState>,
    desired: Vec<f64>,
    desired_velocity: Vec<f64>,
    home: Vec<f64>,
    positions: Vec<f64>,
    velocities: Vec<f64>,
    last_command_secs: f64,
    state_since_secs: f64,
}

impl SafetyLayer {
    /// A disabled layer for these limits; `home_rad` must lie within them.
    pub fn new(
        limits: LimitSet,
        cfg: SafetyConfig,
        home_rad: Vec<f64>,
    ) -> Result<SafetyLayer, SafetyError> {
        cfg.validate()?;
        check_len(&limits, home_rad.len())?;
        for ((name, l), &h) in limits.names().iter().zip(limits.limits()).zip(&home_rad) {
            if !(h.is_finite() && (l.lower_rad..=l.upper_rad).contains(&h)) {
                return Err(SafetyError::HomeOutsideLimits {
                    joint: name.clone(),
                    value_rad: h,
                    lower_rad: l.lower_rad,
                    upper_rad: l.upper_rad,
                });
            }
        }
        let n = limits.len();
        Ok(SafetyLayer {
            limits,
            cfg,
            state: SafetyState::Disabled,
            joints: vec![JointState::default(); n],
            desired: home_rad.clone(),
            desired_velocity: vec![0.0; n],
            home: home_rad,
            positions: vec![0.0; n],
            velocities: vec![0.0; n],
            last_command_secs: 0.0,
            state_since_secs: 0.0,
        })
    }

    /// Current state.
    pub fn state(&self) -> SafetyState {
        self.state
    }

    /// The limits enforced.
    pub fn limits(&self) -> &LimitSet {
        &self.limits
    }

    /// Starts from the robot's measured positions with zero velocity and a speed ramp.
    /// Allowed from `Disabled` and `EStopped` (this is how an e-stop is released).
    pub fn enable(&mut self, measured_rad: &[f64], now_secs: f64) -> Result<(), SafetyError> {
        check_len(&self.limits, measured_rad.len())?;
        let tol = self.cfg.enable_tolerance_rad;
        for ((name, l), &m) in self
            .limits
            .names()
            .iter()
            .zip(self.limits.limits())
            .zip(measured_rad)
        {
            if !(m.is_finite() && m >= l.lower_rad - tol && m <= l.upper_rad + tol) {
                return Err(SafetyError::MeasuredOutsideLimits {
                    joint: name.clone(),
                    value_rad: m,
                    lower_rad: l.lower_rad,
                    upper_rad: l.upper_rad,
                });
            }
        }
        for ((j, l), &m) in self
            .joints
            .iter_mut()
            .zip(self.limits.limits())
            .zip(measured_rad)
        {
            *j = JointState {
                position_rad: clamp(m, l.lower_rad, l.upper_rad),
                velocity_rad_per_s: 0.0,
            };
        }
        self.desired = self.joints.iter().map(|j| j.position_rad).collect();
        self.desired_velocity.fill(0.0);
        self.set_state(SafetyState::Starting, now_secs);
        self.last_command_secs = now_secs;
        Ok(())
    }

    /// Soft stop: move home at reduced speed, then disable.
    pub fn disable(&mut self, now_secs: f64) {
        if !matches!(self.state, SafetyState::Disabled | SafetyState::EStopped) {
            self.set_state(SafetyState::Stopping, now_secs);
        }
    }

    /// Emergency stop: from the next tick on, positions are frozen and velocities are zero.
    pub fn estop(&mut self, now_secs: f64) {
        for j in &mut self.joints {
            j.velocity_rad_per_s = 0.0;
        }
        self.set_state(SafetyState::EStopped, now_secs);
    }

    /// A fresh desired pose (command order), a fixed target. NaN entries keep that joint's
    /// previous target; infinite or out-of-range ones are limited on the next ticks. Returns
    /// whether the layer accepted it (commands are ignored while disabled, stopping or
    /// e-stopped).
    pub fn command(&mut self, desired_rad: &[f64], now_secs: f64) -> Result<bool, SafetyError> {
        self.command_moving(desired_rad, None, now_secs)
    }

    /// A fresh desired pose with the reference's velocity (from a trajectory), so a moving
    /// reference is tracked without lag. Velocities are capped like positions; NaN counts as 0.
    pub fn command_moving(
        &mut self,
        desired_rad: &[f64],
        velocities_rad_per_s: Option<&[f64]>,
        now_secs: f64,
    ) -> Result<bool, SafetyError> {
        check_len(&self.limits, desired_rad.len())?;
        if let Some(v) = velocities_rad_per_s {
            check_len(&self.limits, v.len())?;
        }
        match self.state {
            SafetyState::Disabled | SafetyState::Stopping | SafetyState::EStopped => {
                return Ok(false)
            }
            SafetyState::Holding | SafetyState::Homing => {
                self.set_state(SafetyState::Active, now_secs)
            }
            SafetyState::Starting | SafetyState::Active => {}
        }
        for (i, &x) in desired_rad.iter().enumerate() {
            if !x.is_nan() {
                self.desired[i] = x;
                self.desired_velocity[i] = velocities_rad_per_s.map_or(0.0, |v| v[i]);
            }
        }
        self.last_command_secs = now_secs;
        Ok(true)
    }

    /// One control tick: the limited command to send, or `None` while disabled.
    pub fn tick(&mut self, now_secs: f64) -> Option<SafeCommand<'_>> {
        // The limiter always steps by the nominal period: a late or early tick never allows a
        // larger step, so the limits hold per tick whatever the scheduling jitter.
        let dt = 1.0 / self.cfg.control_rate_hz;
        self.advance_state(now_secs);
        if self.state == SafetyState::Disabled {
            return None;
        }
        if self.state != SafetyState::EStopped {
            self.step_joints(now_secs, dt);
        }
        if self.state == SafetyState::Stopping && self.at_home() {
            self.set_state(SafetyState::Disabled, now_secs);
        }
        for (i, j) in self.joints.iter().enumerate() {
            self.positions[i] = j.position_rad;
            self.velocities[i] = j.velocity_rad_per_s;
        }
        Some(SafeCommand {
            positions_rad: &self.positions,
            velocities_rad_per_s: &self.velocities,
            state: self.state,
        })
    }

    fn advance_state(&mut self, now_secs: f64) {
        let in_state = now_secs - self.state_since_secs;
        match self.state {
            SafetyState::Starting | SafetyState::Active
                if now_secs - self.last_command_secs > self.cfg.watchdog_timeout_secs =>
            {
                self.set_state(SafetyState::Holding, now_secs)
            }
            SafetyState::Starting if in_state >= self.cfg.soft_start_secs => {
                self.set_state(SafetyState::Active, now_secs)
            }
            SafetyState::Holding if in_state >= self.cfg.hold_before_home_secs => {
                self.set_state(SafetyState::Homing, now_secs)
            }
            _ => {}
        }
    }

    fn step_joints(&mut self, now_secs: f64, dt: f64) {
        let moving = matches!(self.state, SafetyState::Starting | SafetyState::Active);
        let (scale, target): (f64, &[f64]) = match self.state {
            SafetyState::Starting => {
                let ramp = if self.cfg.soft_start_secs > 0.0 {
                    (now_secs - self.state_since_secs) / self.cfg.soft_start_secs
                } else {
                    1.0
                };
                (0.1 + 0.9 * clamp(ramp, 0.0, 1.0), &self.desired)
            }
            SafetyState::Active => (1.0, &self.desired),
            SafetyState::Homing | SafetyState::Stopping => (self.cfg.home_speed_scale, &self.home),
            _ => (1.0, &[]),
        };
        for (i, (j, l)) in self.joints.iter_mut().zip(self.limits.limits()).enumerate() {
            let want = target.get(i).copied().unwrap_or(f64::NAN);
            let v_ref = if moving {
                self.desired_velocity[i]
            } else {
                0.0
            };
            *j = limiter::step(*j, want, v_ref, l, scale, dt);
        }
    }

    fn at_home(&self) -> bool {
        self.joints
            .iter()
            .zip(&self.home)
            .all(|(j, h)| (j.position_rad - h).abs() < 1e-4 && j.velocity_rad_per_s.abs() < 1e-3)
    }

    fn set_state(&mut self, state: SafetyState, now_secs: f64) {
        if state != self.state {
            tracing::info!(from = ?self.state, to = ?state, "safety state");
        }
        self.state = state;
        self.state_since_secs = now_secs;
    }
}

fn check_len(limits: &LimitSet, got: usize) -> Result<(), SafetyError> {
    if got == limits.len() {
        Ok(())
    } else {
        Err(SafetyError::WrongLength {
            expected: limits.len(),
            found: got,
        })
    }
}
