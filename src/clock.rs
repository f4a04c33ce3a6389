//! Time, injected.
//!
//! The core never reads the wall clock: every pipeline takes a [`Clock`]. Production uses
//! [`SystemClock`]; tests use [`ManualClock`] and advance it by hand, so a live loop runs in a
//! test faster than real time and gives the same answer every run.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// A monotonic source of time in seconds since the clock's own epoch.
pub trait Clock: Send + Sync {
    /// Seconds since this clock's epoch; never decreases.
    fn now_secs(&self) -> f64;
}

/// The wall clock (monotonic), counting from its creation.
#[derive(Debug, Clone)]
pub struct SystemClock {
    epoch: Instant,
}

impl SystemClock {
    /// A clock whose epoch is now.
    pub fn new() -> Self {
        Self {
            epoch: Instant::now(),
        }
    }
}

impl Default for SystemClock {
    fn default() -> Self {
        Self::new()
    }
}

impl Clock for SystemClock {
    fn now_secs(&self) -> f64 {
        self.epoch.elapsed().as_secs_f64()
    }
}

/// A clock that moves only when told to; clones share the same time.
///
/// ```
/// use dancebot::clock::{Clock, ManualClock};
/// let clock = ManualClock::new();
/// clock.advance_secs(0.25);
/// assert_eq!(clock.now_secs(), 0.25);
/// ```
#[derive(Debug, Clone, Default)]
pub struct ManualClock {
    nanos: Arc<AtomicU64>,
}

impl ManualClock {
    /// A clock at time zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves time forward; negative or non-finite steps are ignored (time never runs back).
    pub fn advance_secs(&self, secs: f64) {
        if secs.is_finite() && secs > 0.0 {
            self.nanos
                .fetch_add((secs * 1e9).round() as u64, Ordering::SeqCst);
        }
    }

    /// Sets the time, if that is not earlier than now.
    pub fn set_secs(&self, secs: f64) {
        if secs.is_finite() && secs >= 0.0 {
            self.nanos
                .fetch_max((secs * 1e9).round() as u64, Ordering::SeqCst);
        }
    }
}

impl Clock for ManualClock {
    fn now_secs(&self) -> f64 {
        self.nanos.load(Ordering::SeqCst) as f64 * 1e-9
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_never_runs_back() {
        let clock = ManualClock::new();
        clock.advance_secs(1.0);
        clock.set_secs(0.5);
        clock.advance_secs(-3.0);
        clock.advance_secs(f64::NAN);
        assert_eq!(clock.now_secs(), 1.0);
        let shared = clock.clone();
        shared.advance_secs(0.5);
        assert_eq!(clock.now_secs(), 1.5);
    }

    #[test]
    fn system_clock_is_monotonic() {
        let clock = SystemClock::new();
        let a = clock.now_secs();
        let b = clock.now_secs();
        assert!(b >= a);
    }
}
