//! Arrangement: the sections' scores placed on the sample axis as voice events.
//!
//! Each section's hits go through the [`Timeline`] (tempo curve, swing, section start) to
//! whole-sample onsets; note lengths become sample counts, so equal notes in repeated
//! sections become equal voices and share one rendered buffer in the mixer.

use std::collections::HashMap;

use super::instruments::Voice;
use super::score::{Composer, Hit, Instrument};
use super::spec::{MixSpec, SectionKind, SongSpec};
use super::timeline::{SectionTime, Timeline};

/// One voice starting at one sample.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Event {
    /// Onset sample.
    pub start_sample: usize,
    pub voice: Voice,
    /// Linear gain (velocity times the instrument's mix level).
    pub gain: f32,
    /// Stereo position, -1 (left) ..= 1 (right).
    pub pan: f32,
}

/// Every event of the song, in section order.
pub(crate) fn arrange(spec: &SongSpec, timeline: &Timeline) -> Vec<Event> {
    let composer = Composer::new(spec);
    let mut scores: HashMap<(SectionKind, bool), Vec<Hit>> = HashMap::new();
    let mut events = Vec::new();
    let beats_per_bar = f64::from(timeline.beats_per_bar());
    for section in timeline.sections() {
        let drumless_bars = spec
            .drumless_intro_bars
            .saturating_sub(section.first_bar)
            .min(section.bars);
        for drumless in [true, false] {
            if drumless && drumless_bars == 0 {
                continue;
            }
            let hits = scores
                .entry((section.kind, drumless))
                .or_insert_with(|| composer.compose(section.kind, section.bars, drumless));
            for hit in hits.iter() {
                let in_drumless_bar =
                    ((hit.at_beats / beats_per_bar).floor() as u32) < drumless_bars;
                if in_drumless_bar == drumless {
                    events.extend(place(hit, section, timeline, &spec.mix));
                }
            }
        }
    }
    events
}

fn place(hit: &Hit, section: &SectionTime, timeline: &Timeline, mix: &MixSpec) -> Option<Event> {
    let gain = hit.velocity * mix_level(hit.instrument, mix) as f32;
    if gain <= 0.0 {
        return None;
    }
    let start_sample = timeline.sample_at(section, hit.at_beats);
    let end_sample = timeline.sample_at(section, hit.at_beats + hit.len_beats);
    let hold_samples = end_sample.saturating_sub(start_sample).max(1);
    let midi = hit.midi;
    let voice = match hit.instrument {
        Instrument::Kick => Voice::Kick,
        Instrument::Snare => Voice::Snare,
        Instrument::ClosedHat => Voice::ClosedHat,
        Instrument::OpenHat => Voice::OpenHat,
        Instrument::Clap => Voice::Clap,
        Instrument::Bass => Voice::Bass { midi, hold_samples },
        Instrument::Pad => Voice::Pad {
            midi,
            hold_samples,
            pulse: false,
        },
        Instrument::PadPulse => Voice::Pad {
            midi,
            hold_samples,
            pulse: true,
        },
        Instrument::Lead => Voice::Lead { midi, hold_samples },
        Instrument::Pluck => Voice::Pluck { midi },
    };
    Some(Event {
        start_sample,
        voice,
        gain,
        pan: pan(hit.instrument, midi),
    })
}

fn mix_level(instrument: Instrument, mix: &MixSpec) -> f64 {
    match instrument {
        Instrument::Kick => mix.kick,
        Instrument::Snare => mix.snare,
        Instrument::ClosedHat | Instrument::OpenHat => mix.hat,
        Instrument::Clap => mix.clap,
        Instrument::Bass => mix.bass,
        Instrument::Pad | Instrument::PadPulse => mix.pad,
        Instrument::Lead => mix.lead,
        Instrument::Pluck => mix.pluck,
    }
}

/// Stereo placement: rhythm section centred, hats and plucks right, lead and claps left,
/// pad notes spread across the field by pitch.
fn pan(instrument: Instrument, midi: u8) -> f32 {
    match instrument {
        Instrument::Kick | Instrument::Bass => 0.0,
        Instrument::Snare => 0.1,
        Instrument::ClosedHat | Instrument::OpenHat => 0.45,
        Instrument::Clap => -0.2,
        Instrument::Pad | Instrument::PadPulse => (f32::from(midi % 3) - 1.0) * 0.5,
        Instrument::Lead => -0.3,
        Instrument::Pluck => 0.35,
    }
}

/// Samples of the events of `instrument`-like voices, for tests of timing.
#[cfg(test)]
pub(crate) fn onsets_of(events: &[Event], voice: Voice) -> Vec<usize> {
    events
        .iter()
        .filter(|e| e.voice == voice)
        .map(|e| e.start_sample)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::synth::spec::SectionSpec;

    #[test]
    fn drumless_intro_has_only_pad_pulses() {
        let spec = SongSpec {
            drumless_intro_bars: 3,
            structure: vec![
                SectionSpec::new(SectionKind::Intro, 4),
                SectionSpec::new(SectionKind::Verse, 4),
            ],
            ..SongSpec::default()
        };
        let timeline = Timeline::new(&spec);
        let events = arrange(&spec, &timeline);
        let bar_samples =
            timeline.sample_at(&timeline.sections()[0], 4.0) - timeline.sections()[0].start_sample;
        let intro_end = timeline.sections()[0].start_sample + 3 * bar_samples;
        for event in events.iter().filter(|e| e.start_sample < intro_end) {
            assert!(
                matches!(event.voice, Voice::Pad { pulse: true, .. }),
                "{event:?}"
            );
        }
        assert!(events
            .iter()
            .any(|e| e.voice == Voice::Kick && e.start_sample >= intro_end));
    }

    #[test]
    fn kicks_sit_on_beat_samples() {
        let spec = SongSpec::default();
        let timeline = Timeline::new(&spec);
        let events = arrange(&spec, &timeline);
        let verse = timeline.sections()[1];
        let kicks = onsets_of(&events, Voice::Kick);
        assert!(kicks.contains(&timeline.sample_at(&verse, 0.0)));
        assert!(kicks.contains(&timeline.sample_at(&verse, 2.0)));
    }
}
