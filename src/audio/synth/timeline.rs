//! Musical time (bars and beats) to sample positions.
//!
//! The tempo changes linearly per beat, `T(b) = T₀ + k·b` BPM, so the time of beat `b` is the
//! closed-form integral `t(b) = 60/k · ln(T(b)/T₀)` seconds (`60·b/T₀` when `k = 0`): beats
//! follow the tempo curve exactly, with no accumulated rounding. Swing bends only the inside
//! of a beat: the first eighth takes `swing` of the beat, the second the rest.
//!
//! Each section starts on a whole sample and every event in it is placed by its offset from
//! that sample, computed from its position inside the section alone. Repeated sections at a
//! constant tempo are therefore sample-identical, whatever the fractional sample phase of the
//! bar length.

use super::spec::{SectionKind, SongSpec};

/// Where one section sits on the beat and sample axes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct SectionTime {
    /// The section's role and label.
    pub kind: SectionKind,
    /// Index of its first beat in the song.
    pub first_beat: u32,
    /// Index of its first bar in the song.
    pub first_bar: u32,
    /// Length in bars.
    pub bars: u32,
    /// Sample where its first beat falls.
    pub start_sample: usize,
}

/// The song's tempo curve, swing and section layout.
#[derive(Debug, Clone)]
pub(crate) struct Timeline {
    rate_hz: f64,
    lead_in_secs: f64,
    start_bpm: f64,
    slope_bpm_per_beat: f64,
    swing: f64,
    beats_per_bar: u32,
    total_beats: u32,
    sections: Vec<SectionTime>,
}

impl Timeline {
    /// Lays out `spec` (which must be valid).
    pub fn new(spec: &SongSpec) -> Self {
        let total_beats = spec.total_beats();
        let slope_bpm_per_beat = if total_beats == 0 {
            0.0
        } else {
            (spec.end_tempo_bpm() - spec.tempo_bpm) / f64::from(total_beats)
        };
        let mut timeline = Self {
            rate_hz: spec.sample_rate_hz.hz_f64(),
            lead_in_secs: spec.lead_in_secs,
            start_bpm: spec.tempo_bpm,
            slope_bpm_per_beat,
            swing: spec.swing,
            beats_per_bar: spec.beats_per_bar,
            total_beats,
            sections: Vec::with_capacity(spec.structure.len()),
        };
        let mut first_bar = 0;
        for section in &spec.structure {
            let first_beat = first_bar * spec.beats_per_bar;
            timeline.sections.push(SectionTime {
                kind: section.kind,
                first_beat,
                first_bar,
                bars: section.bars,
                start_sample: timeline.song_sample(f64::from(first_beat)),
            });
            first_bar += section.bars;
        }
        timeline
    }

    /// Sections in playing order.
    pub fn sections(&self) -> &[SectionTime] {
        &self.sections
    }

    /// Beats per bar.
    pub fn beats_per_bar(&self) -> u32 {
        self.beats_per_bar
    }

    /// Sample rate in hertz.
    pub fn rate_hz(&self) -> f64 {
        self.rate_hz
    }

    /// Instantaneous tempo at (fractional) song beat `beat`.
    pub fn tempo_at_beat_bpm(&self, beat: f64) -> f64 {
        self.start_bpm + self.slope_bpm_per_beat * beat
    }

    /// Seconds from song beat `from_beat` to `from_beat + len_beats` along the tempo curve.
    pub fn secs_between(&self, from_beat: f64, len_beats: f64) -> f64 {
        let k = self.slope_bpm_per_beat;
        if k == 0.0 {
            60.0 * len_beats / self.start_bpm
        } else {
            let from_bpm = self.tempo_at_beat_bpm(from_beat);
            60.0 / k * (k * len_beats / from_bpm).ln_1p()
        }
    }

    /// Maps a straight position in beats to its swung position (whole beats stay put).
    pub fn swung(&self, beats: f64) -> f64 {
        let whole = beats.floor();
        let frac = beats - whole;
        let bent = if frac < 0.5 {
            frac * 2.0 * self.swing
        } else {
            self.swing + (frac - 0.5) * 2.0 * (1.0 - self.swing)
        };
        whole + bent
    }

    /// Sample of a (straight, unswung) position `local_beats` inside section `section`.
    pub fn sample_at(&self, section: &SectionTime, local_beats: f64) -> usize {
        let secs = self.secs_between(f64::from(section.first_beat), self.swung(local_beats));
        section.start_sample + (secs * self.rate_hz).round().max(0.0) as usize
    }

    /// Sample just after the last bar: where the last section ends.
    pub fn end_sample(&self) -> usize {
        self.song_sample(f64::from(self.total_beats))
    }

    fn song_sample(&self, beat: f64) -> usize {
        let secs = self.lead_in_secs + self.secs_between(0.0, beat);
        (secs * self.rate_hz).round().max(0.0) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::synth::spec::SectionSpec;

    fn spec(tempo_bpm: f64, ramp_to_bpm: Option<f64>) -> SongSpec {
        SongSpec {
            tempo_bpm,
            ramp_to_bpm,
            lead_in_secs: 0.0,
            structure: vec![SectionSpec::new(SectionKind::Verse, 8)],
            ..SongSpec::default()
        }
    }

    #[test]
    fn constant_tempo_beats_are_evenly_spaced() {
        let timeline = Timeline::new(&spec(120.0, None));
        assert_eq!(timeline.secs_between(3.0, 2.0), 1.0);
        assert_eq!(timeline.end_sample(), 32 * 11_025);
    }

    #[test]
    fn ramp_integral_matches_numeric_integration() {
        let timeline = Timeline::new(&spec(100.0, Some(130.0)));
        let steps = 100_000;
        let numeric: f64 = (0..steps)
            .map(|i| {
                let beat = 32.0 * (i as f64 + 0.5) / steps as f64;
                60.0 / timeline.tempo_at_beat_bpm(beat) * 32.0 / steps as f64
            })
            .sum();
        assert!((timeline.secs_between(0.0, 32.0) - numeric).abs() < 1e-6);
        assert!((timeline.tempo_at_beat_bpm(32.0) - 130.0).abs() < 1e-9);
    }

    #[test]
    fn swing_moves_only_off_beats() {
        let timeline = Timeline::new(&SongSpec {
            swing: 2.0 / 3.0,
            ..spec(120.0, None)
        });
        assert_eq!(timeline.swung(3.0), 3.0);
        assert!((timeline.swung(3.5) - (3.0 + 2.0 / 3.0)).abs() < 1e-12);
        assert!((timeline.swung(3.25) - (3.0 + 1.0 / 3.0)).abs() < 1e-12);
    }
}
