//! [`SongSpec`]: everything that decides how a synthesized song sounds and where its beats fall.
//!
//! Every field has a default, so a spec file only names what differs from a plain 4/4 pop song
//! at 120 BPM. [`Validate`] rejects values the renderer cannot honour, naming the field.

use serde::{Deserialize, Serialize};

pub use super::mix::MixSpec;
use crate::config::{InvalidField, Validate};
use crate::units::SampleRate;

/// Slowest tempo a spec may ask for, at any point of a ramp.
pub const MIN_TEMPO_BPM: f64 = 30.0;
/// Fastest tempo a spec may ask for, at any point of a ramp.
pub const MAX_TEMPO_BPM: f64 = 300.0;
/// Longest song a spec may ask for.
pub const MAX_DURATION_SECS: f64 = 900.0;
/// Most samples per channel a spec may ask for (about 11 minutes at 96 kHz); rendering holds a
/// few buffers of this size, so this bounds memory to a few hundred megabytes.
pub const MAX_SAMPLES: f64 = 64.0 * 1024.0 * 1024.0;

/// A song to synthesize: tempo, meter, feel, arrangement, mix and output format.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SongSpec {
    /// Tempo at the first beat. Change it to test trackers across the 60–200 BPM range.
    pub tempo_bpm: f64,
    /// Tempo at the end of the last bar; the tempo changes linearly per beat in between
    /// (accelerando or ritardando). `None` keeps the tempo constant.
    pub ramp_to_bpm: Option<f64>,
    /// Beats per bar: 4 for common time, 3 for a waltz (2..=7 accepted).
    pub beats_per_bar: u32,
    /// Share of each beat taken by its first eighth note: 0.5 is straight, 2/3 is a 2:1
    /// (triplet) swing. Only off-beat notes move; the beats themselves never do.
    pub swing: f64,
    /// Bars at the start with pads only (no drums, bass, lead or plucks).
    pub drumless_intro_bars: u32,
    /// How far the kick, snare and bass move off the beat.
    pub syncopation: Syncopation,
    /// Level of all drums, 0..=1. Below [`SongSpec::KICKLESS_BELOW`] the kick is left out
    /// and the chords pulse on the beats instead, so bass and chords carry the rhythm.
    pub percussion_level: f64,
    /// White noise added at this signal-to-noise ratio in dB; `None` adds none.
    pub noise_snr_db: Option<f64>,
    /// Output sample rate. Odd rates (11025, 37800 Hz) test resampling paths.
    pub sample_rate_hz: SampleRate,
    /// Two channels with panned instruments instead of one.
    pub stereo: bool,
    /// Seed of every random choice (melodies, drum noise, added noise).
    pub seed: u64,
    /// Tonic of the key as a MIDI note (60 = middle C), 48..=72.
    pub key_root_midi: u8,
    /// Major or (natural) minor scale.
    pub mode: Mode,
    /// Silence before the first beat, seconds.
    pub lead_in_secs: f64,
    /// Sections in playing order. Sections of the same kind are played identically and must
    /// have the same length.
    pub structure: Vec<SectionSpec>,
    /// Per-instrument levels; set one to zero to mute it.
    pub mix: MixSpec,
}

impl SongSpec {
    /// Percussion levels below this leave the kick out entirely.
    pub const KICKLESS_BELOW: f64 = 0.35;

    /// Total number of bars over all sections.
    pub fn total_bars(&self) -> u32 {
        self.structure.iter().map(|s| s.bars).sum()
    }

    /// Total number of beats over all sections.
    pub fn total_beats(&self) -> u32 {
        self.total_bars() * self.beats_per_bar
    }

    /// Seconds from the first beat to the end of the last bar, along the tempo curve.
    pub fn music_secs(&self) -> f64 {
        let beats = f64::from(self.total_beats());
        let (from_bpm, to_bpm) = (self.tempo_bpm, self.end_tempo_bpm());
        if from_bpm == to_bpm {
            60.0 * beats / from_bpm
        } else {
            60.0 * beats / (to_bpm - from_bpm) * (to_bpm / from_bpm).ln()
        }
    }

    /// Length of the rendered song: lead-in, music and the ring-out tail.
    pub fn duration_secs(&self) -> f64 {
        self.lead_in_secs + self.music_secs() + super::TAIL_SECS
    }

    /// Tempo at the end of the song (equal to `tempo_bpm` without a ramp).
    pub fn end_tempo_bpm(&self) -> f64 {
        self.ramp_to_bpm.unwrap_or(self.tempo_bpm)
    }
}

impl Default for SongSpec {
    fn default() -> Self {
        Self {
            tempo_bpm: 120.0,
            ramp_to_bpm: None,
            beats_per_bar: 4,
            swing: 0.5,
            drumless_intro_bars: 0,
            syncopation: Syncopation::None,
            percussion_level: 1.0,
            noise_snr_db: None,
            sample_rate_hz: SampleRate::CD_HALF,
            stereo: false,
            seed: 1,
            key_root_midi: 60,
            mode: Mode::Major,
            lead_in_secs: 0.25,
            structure: SectionSpec::pop_structure(2, 4),
            mix: MixSpec::default(),
        }
    }
}

/// One section of the song.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionSpec {
    /// What the section is; also its label in the ground truth.
    pub kind: SectionKind,
    /// Length in bars, 1..=64.
    pub bars: u32,
}

impl SectionSpec {
    /// Builds a section.
    pub fn new(kind: SectionKind, bars: u32) -> Self {
        Self { kind, bars }
    }

    /// intro, verse, chorus, verse, chorus, bridge, chorus, outro; intro, bridge and outro get
    /// `short_bars`, verses and choruses `long_bars`.
    pub fn pop_structure(short_bars: u32, long_bars: u32) -> Vec<SectionSpec> {
        use SectionKind::{Bridge, Chorus, Intro, Outro, Verse};
        [Intro, Verse, Chorus, Verse, Chorus, Bridge, Chorus, Outro]
            .into_iter()
            .map(|kind| match kind {
                Intro | Bridge | Outro => Self::new(kind, short_bars),
                Verse | Chorus => Self::new(kind, long_bars),
            })
            .collect()
    }
}

/// The role of a section, which decides its chords, melody and instrumentation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SectionKind {
    /// Opening: pads and plucks, light drums.
    Intro,
    /// Verse: groove, bass and plucked arpeggios.
    Verse,
    /// Chorus: full drums with claps, the lead melody (the hook).
    Chorus,
    /// Bridge: different chords, half-time drums.
    Bridge,
    /// Closing: pads, bass and a light groove.
    Outro,
}

impl SectionKind {
    /// The label used in ground truth files.
    pub fn label(self) -> &'static str {
        match self {
            Self::Intro => "intro",
            Self::Verse => "verse",
            Self::Chorus => "chorus",
            Self::Bridge => "bridge",
            Self::Outro => "outro",
        }
    }
}

/// How far the groove moves off the beat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Syncopation {
    /// Kicks and snares on the beats.
    #[default]
    None,
    /// An extra kick on the "and" of beat 2; the bass anticipates the next bar.
    Light,
    /// Kicks on off-beat sixteenths, ghost snares, and downbeat kicks anticipated by an eighth.
    Heavy,
}

/// Scale of the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Major (Ionian).
    #[default]
    Major,
    /// Natural minor (Aeolian).
    Minor,
}

impl Validate for SongSpec {
    fn validate(&self) -> Result<(), InvalidField> {
        check_tempo("tempo_bpm", self.tempo_bpm)?;
        if let Some(bpm) = self.ramp_to_bpm {
            check_tempo("ramp_to_bpm", bpm)?;
        }
        check_range("beats_per_bar", f64::from(self.beats_per_bar), 2.0, 7.0)?;
        check_range("swing", self.swing, 0.5, 0.75)?;
        check_range("percussion_level", self.percussion_level, 0.0, 1.0)?;
        if let Some(snr) = self.noise_snr_db {
            check_range("noise_snr_db", snr, -20.0, 100.0)?;
        }
        check_range("key_root_midi", f64::from(self.key_root_midi), 48.0, 72.0)?;
        check_range("lead_in_secs", self.lead_in_secs, 0.0, 10.0)?;
        for (name, gain) in self.mix.fields() {
            check_range(&format!("mix.{name}"), gain, 0.0, 4.0)?;
        }
        self.validate_structure()?;
        self.validate_duration()
    }
}

impl SongSpec {
    fn validate_structure(&self) -> Result<(), InvalidField> {
        if self.structure.is_empty() {
            return Err(InvalidField::new("structure", "needs at least one section"));
        }
        for (i, section) in self.structure.iter().enumerate() {
            let field = format!("structure[{i}].bars");
            check_range(&field, f64::from(section.bars), 1.0, 64.0)?;
            let first = self.structure.iter().find(|s| s.kind == section.kind);
            if let Some(first) = first.filter(|f| f.bars != section.bars) {
                return Err(InvalidField::new(
                    field,
                    format!(
                        "every {} must have the same length ({} bars, as the first one)",
                        section.kind.label(),
                        first.bars
                    ),
                ));
            }
        }
        if self.drumless_intro_bars > self.total_bars() {
            return Err(InvalidField::new(
                "drumless_intro_bars",
                format!("exceeds the song's {} bars", self.total_bars()),
            ));
        }
        Ok(())
    }

    fn validate_duration(&self) -> Result<(), InvalidField> {
        let longest_secs = self.music_secs();
        if longest_secs > MAX_DURATION_SECS {
            return Err(InvalidField::new(
                "structure",
                format!("song would last about {longest_secs:.0} s, over {MAX_DURATION_SECS} s"),
            ));
        }
        let samples = self.duration_secs() * self.sample_rate_hz.hz_f64();
        if samples > MAX_SAMPLES {
            return Err(InvalidField::new(
                "sample_rate_hz",
                format!("{samples:.0} samples per channel at this rate, over {MAX_SAMPLES}"),
            ));
        }
        Ok(())
    }
}

fn check_tempo(field: &str, bpm: f64) -> Result<(), InvalidField> {
    check_range(field, bpm, MIN_TEMPO_BPM, MAX_TEMPO_BPM)
}

fn check_range(field: &str, value: f64, min: f64, max: f64) -> Result<(), InvalidField> {
    if value.is_finite() && (min..=max).contains(&value) {
        Ok(())
    } else {
        Err(InvalidField::new(
            field,
            format!("{value} is outside {min}..={max}"),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn default_spec_is_valid() {
        SongSpec::default().validate().unwrap();
    }

    #[test]
    fn yaml_fills_defaults_and_rejects_unknown_fields() {
        let spec: SongSpec = crate::config::parse(
            "tempo_bpm: 90\nstructure: [{kind: verse, bars: 2}]\n",
            Path::new("s.yaml"),
        )
        .unwrap();
        assert_eq!(spec.tempo_bpm, 90.0);
        assert_eq!(spec.total_beats(), 8);
        let err = crate::config::parse::<SongSpec>("tempo: 90", Path::new("s.yaml")).unwrap_err();
        assert!(err.to_string().contains("s.yaml"), "{err}");
    }

    #[test]
    fn bad_values_name_their_field() {
        let cases: Vec<(SongSpec, &str)> = vec![
            (
                SongSpec {
                    tempo_bpm: 0.0,
                    ..SongSpec::default()
                },
                "tempo_bpm",
            ),
            (
                SongSpec {
                    ramp_to_bpm: Some(f64::NAN),
                    ..SongSpec::default()
                },
                "ramp_to_bpm",
            ),
            (
                SongSpec {
                    swing: 0.9,
                    ..SongSpec::default()
                },
                "swing",
            ),
            (
                SongSpec {
                    structure: vec![],
                    ..SongSpec::default()
                },
                "structure",
            ),
            (
                SongSpec {
                    drumless_intro_bars: 99,
                    ..SongSpec::default()
                },
                "drumless_intro_bars",
            ),
            (
                SongSpec {
                    tempo_bpm: 30.0,
                    structure: SectionSpec::pop_structure(64, 64),
                    ..SongSpec::default()
                },
                "structure",
            ),
            (
                SongSpec {
                    sample_rate_hz: SampleRate::new(768_000).unwrap(),
                    structure: SectionSpec::pop_structure(8, 16),
                    ..SongSpec::default()
                },
                "sample_rate_hz",
            ),
            (
                SongSpec {
                    mix: MixSpec {
                        lead: -1.0,
                        ..MixSpec::default()
                    },
                    ..SongSpec::default()
                },
                "mix.lead",
            ),
        ];
        for (spec, field) in cases {
            let err = spec.validate().unwrap_err();
            assert_eq!(err.field, field, "{err}");
        }
    }

    #[test]
    fn repeated_sections_must_match_in_length() {
        let spec = SongSpec {
            structure: vec![
                SectionSpec::new(SectionKind::Verse, 4),
                SectionSpec::new(SectionKind::Verse, 2),
            ],
            ..SongSpec::default()
        };
        assert_eq!(spec.validate().unwrap_err().field, "structure[1].bars");
    }
}
