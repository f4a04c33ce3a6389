//! The live beat loop: an audio source in, beats announced ahead of time out, on an injected
//! clock.
//!
//! The loop reads blocks from any [`AudioSource`] (a sound card, a file played in real time, a
//! synthetic signal), feeds the causal tracker, and turns each announcement into a clock time:
//! when the clock reads `now` and the newest sample consumed is at audio time `a`, audio time
//! `t` happens at `now + (t - a)`. With a [`crate::clock::ManualClock`] advanced by each block's
//! duration, a test runs the loop faster than real time and gets the same answer every run.

use thiserror::Error;

use crate::analysis::online::{BeatAnnouncement, OnlineBeatTracker};
use crate::analysis::AnalysisConfig;
use crate::audio::{AudioError, AudioSource};
use crate::clock::Clock;

/// The live loop stopped on an error.
#[derive(Debug, Error)]
pub enum LiveError {
    /// The source failed (device gone, decode error).
    #[error(transparent)]
    Audio(#[from] AudioError),
    /// The source delivers a rate the tracker was not planned for.
    #[error("audio source delivers {source_hz} Hz but the tracker expects {tracker_hz} Hz")]
    RateMismatch { source_hz: u32, tracker_hz: u32 },
}

/// One beat as the live loop reports it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiveBeat {
    /// The tracker's announcement (audio timeline).
    pub announcement: BeatAnnouncement,
    /// Clock time at which it was announced.
    pub announced_at_clock_secs: f64,
    /// Clock time at which the beat is predicted to sound.
    pub beat_at_clock_secs: f64,
}

/// What a live run did.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LiveStats {
    /// Seconds of audio consumed.
    pub audio_secs: f64,
    /// Beats announced.
    pub beats: usize,
}

/// Runs until the source ends or `max_audio_secs` of audio were consumed, calling `on_beat` for
/// every announcement. `on_block` runs after each block (a test advances its manual clock there).
pub fn run_live_beats(
    source: &mut dyn AudioSource,
    cfg: &AnalysisConfig,
    clock: &dyn Clock,
    max_audio_secs: Option<f64>,
    mut on_block: impl FnMut(f64),
    mut on_beat: impl FnMut(&LiveBeat),
) -> Result<LiveStats, LiveError> {
    if source.sample_rate() != cfg.sample_rate_hz {
        return Err(LiveError::RateMismatch {
            source_hz: source.sample_rate().hz(),
            tracker_hz: cfg.sample_rate_hz.hz(),
        });
    }
    let mut tracker = OnlineBeatTracker::new(cfg);
    let mut announced = Vec::new();
    let mut stats = LiveStats::default();
    while let Some(block) = source.next_block()? {
        on_block(block.duration_secs());
        stats.audio_secs += block.duration_secs();
        let audio_end_secs = block.t0_secs + block.duration_secs();
        announced.clear();
        tracker.push(&block.samples, &mut announced);
        let now = clock.now_secs();
        for a in &announced {
            let beat = LiveBeat {
                announcement: *a,
                announced_at_clock_secs: now,
                beat_at_clock_secs: now + (a.beat_secs - audio_end_secs),
            };
            on_beat(&beat);
            stats.beats += 1;
        }
        if max_audio_secs.is_some_and(|max| stats.audio_secs >= max) {
            break;
        }
    }
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::source::SignalSource;
    use crate::clock::ManualClock;

    /// A click every `period_secs`, at the analysis rate.
    fn clicks(cfg: &AnalysisConfig, period_secs: f64, secs: f64) -> Vec<f32> {
        let sr = cfg.sample_rate_hz.hz_f64();
        let mut x = vec![0.0f32; (secs * sr) as usize];
        let mut t = 0.25;
        while t < secs - 0.05 {
            let start = (t * sr) as usize;
            for j in 0..300 {
                x[start + j] = (j as f32 * 0.7).sin() * (-(j as f32) / 60.0).exp();
            }
            t += period_secs;
        }
        x
    }

    #[test]
    fn beats_land_on_the_clock_where_the_clicks_are() {
        let cfg = AnalysisConfig::default();
        let samples = clicks(&cfg, 0.5, 12.0);
        let mut source = SignalSource::new(samples, cfg.sample_rate_hz, 512).unwrap();
        let clock = ManualClock::new();
        let mut beats = Vec::new();
        let stats = run_live_beats(
            &mut source,
            &cfg,
            &clock,
            None,
            |secs| clock.advance_secs(secs),
            |b| beats.push(*b),
        )
        .unwrap();
        assert!((stats.audio_secs - 12.0).abs() < 0.01);
        let late: Vec<&LiveBeat> = beats
            .iter()
            .filter(|b| b.announcement.beat_secs > 5.0)
            .collect();
        assert!(late.len() >= 10, "only {} beats after 5 s", late.len());
        for b in late {
            // The manual clock equals audio time here, so clock and audio predictions agree,
            // every beat is announced ahead, and it sits on a click (0.25 + k/2 s).
            assert!((b.beat_at_clock_secs - b.announcement.beat_secs).abs() < 1e-6);
            assert!(b.beat_at_clock_secs - b.announced_at_clock_secs >= 0.1);
            let offset = (b.announcement.beat_secs - 0.25) / 0.5;
            assert!(
                (offset - offset.round()).abs() * 0.5 < 0.07,
                "beat at {}",
                b.announcement.beat_secs
            );
        }
    }

    #[test]
    fn a_source_at_the_wrong_rate_is_refused() {
        let cfg = AnalysisConfig::default();
        let rate = crate::units::SampleRate::new(48_000).unwrap();
        let mut source = SignalSource::new(vec![0.0; 10], rate, 4).unwrap();
        let err = run_live_beats(&mut source, &cfg, &ManualClock::new(), None, |_| {}, |_| {});
        assert!(matches!(
            err,
            Err(LiveError::RateMismatch {
                source_hz: 48_000,
                ..
            })
        ));
    }
}
