//! Composition: what each kind of section plays, as hits in beats from the section's start.
//!
//! A section's score depends only on its kind, the song's settings and the seed, never on its
//! place in the song, so repeated sections play the same notes. Positions are *straight*
//! (unswung) beats; the timeline applies swing and tempo when placing them.

use super::melody::melody;
use super::spec::{SectionKind, SongSpec, Syncopation};
use super::theory::{chord_root, triad, Key};

/// Songs slower than this get a ballad feel: hats and arpeggios in quarter notes.
const SLOW_BELOW_BPM: f64 = 80.0;

/// Who plays a hit; decides the voice, the mix level and the pan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Instrument {
    Kick,
    Snare,
    ClosedHat,
    OpenHat,
    Clap,
    Bass,
    Pad,
    PadPulse,
    Lead,
    Pluck,
}

/// One note or drum hit inside a section.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Hit {
    /// Straight position from the section start, beats.
    pub at_beats: f64,
    pub instrument: Instrument,
    /// MIDI note (ignored by drums).
    pub midi: u8,
    /// Held length, beats (ignored by drums and plucks).
    pub len_beats: f64,
    /// 0..=1.
    pub velocity: f32,
}

/// Writes the scores of a song's sections.
pub(crate) struct Composer<'a> {
    spec: &'a SongSpec,
    key: Key,
    beats_per_bar: f64,
}

impl<'a> Composer<'a> {
    /// A composer for `spec` (which must be valid).
    pub fn new(spec: &'a SongSpec) -> Self {
        Self {
            spec,
            key: Key::new(spec.key_root_midi, spec.mode),
            beats_per_bar: f64::from(spec.beats_per_bar),
        }
    }

    /// The score of a section of `kind` lasting `bars`; `drumless` gives the pads-only version
    /// played in the drumless intro.
    pub fn compose(&self, kind: SectionKind, bars: u32, drumless: bool) -> Vec<Hit> {
        let mut hits = Vec::new();
        for bar in 0..bars {
            let root = chord_root(kind, bar);
            if drumless || self.weak_percussion() {
                self.pad_pulses(bar, root, &mut hits);
            } else {
                self.pad(bar, root, &mut hits);
            }
            if drumless {
                continue;
            }
            self.drums(kind, bar, &mut hits);
            self.bass(
                kind,
                bar,
                root,
                chord_root(kind, (bar + 1) % bars),
                &mut hits,
            );
            self.plucks(kind, bar, root, &mut hits);
        }
        if !drumless && matches!(kind, SectionKind::Chorus | SectionKind::Bridge) {
            hits.extend(melody(self.spec, self.key, kind, bars));
        }
        hits
    }

    fn weak_percussion(&self) -> bool {
        self.spec.percussion_level < SongSpec::KICKLESS_BELOW
    }

    /// Step of the hi-hats and arpeggios: eighths, or quarters in slow songs (ballad feel),
    /// where eighths would make the pulse sound twice as fast as it is.
    fn pulse_step_beats(&self) -> f64 {
        let mean_bpm = (self.spec.tempo_bpm + self.spec.end_tempo_bpm()) / 2.0;
        if mean_bpm < SLOW_BELOW_BPM {
            1.0
        } else {
            0.5
        }
    }

    fn waltz(&self) -> bool {
        self.spec.beats_per_bar == 3
    }

    fn note(&self, at_beats: f64, instrument: Instrument, degree: i32, len_beats: f64) -> Hit {
        Hit {
            at_beats,
            instrument,
            midi: self.key.midi(degree),
            len_beats,
            velocity: 1.0,
        }
    }

    fn pad(&self, bar: u32, root: i32, hits: &mut Vec<Hit>) {
        let origin = f64::from(bar) * self.beats_per_bar;
        for degree in triad(root) {
            hits.push(self.note(origin, Instrument::Pad, degree - 7, self.beats_per_bar));
        }
    }

    /// Chords struck on every beat, accenting the downbeat: the pulse when drums are absent.
    /// They are short, and carry the rhythm alone, so they are struck harder than a held pad.
    fn pad_pulses(&self, bar: u32, root: i32, hits: &mut Vec<Hit>) {
        let origin = f64::from(bar) * self.beats_per_bar;
        for beat in 0..self.spec.beats_per_bar {
            for degree in triad(root) {
                let mut hit = self.note(
                    origin + f64::from(beat),
                    Instrument::PadPulse,
                    degree - 7,
                    0.6,
                );
                hit.velocity = if beat == 0 { 1.6 } else { 1.15 };
                hits.push(hit);
            }
        }
    }

    fn drums(&self, kind: SectionKind, bar: u32, hits: &mut Vec<Hit>) {
        let origin = f64::from(bar) * self.beats_per_bar;
        let level = self.spec.percussion_level as f32;
        let mut add = |at: f64, instrument, velocity: f32| {
            hits.push(Hit {
                at_beats: origin + at,
                instrument,
                midi: 0,
                len_beats: 0.0,
                velocity: velocity * level,
            });
        };
        let hat_step = if kind == SectionKind::Intro {
            1.0
        } else {
            self.pulse_step_beats()
        };
        let steps = (self.beats_per_bar / hat_step) as u32;
        for step in 0..steps {
            let at = f64::from(step) * hat_step;
            let open = kind == SectionKind::Chorus && at == self.beats_per_bar - 0.5;
            let hat = if open {
                Instrument::OpenHat
            } else {
                Instrument::ClosedHat
            };
            add(at, hat, if at.fract() == 0.0 { 1.0 } else { 0.6 });
        }
        if !self.weak_percussion() {
            for at in self.kick_positions(kind, bar) {
                add(at, Instrument::Kick, 1.0);
            }
        }
        for (at, velocity) in self.snare_positions(kind) {
            add(at, Instrument::Snare, velocity);
            if kind == SectionKind::Chorus && velocity >= 0.5 {
                add(at, Instrument::Clap, velocity);
            }
        }
    }

    fn kick_positions(&self, kind: SectionKind, bar: u32) -> Vec<f64> {
        let p = self.beats_per_bar;
        let even_beats = (0..self.spec.beats_per_bar).step_by(2).map(f64::from);
        match (kind, self.spec.syncopation) {
            _ if self.waltz() || kind == SectionKind::Intro => vec![0.0],
            (SectionKind::Bridge, Syncopation::None) => vec![0.0],
            (SectionKind::Bridge, _) => vec![0.0, p / 2.0 + 0.5],
            (SectionKind::Chorus, Syncopation::None) => {
                (0..self.spec.beats_per_bar).map(f64::from).collect()
            }
            (_, Syncopation::None) => even_beats.collect(),
            (_, Syncopation::Light) => even_beats.chain([1.5]).collect(),
            (_, Syncopation::Heavy) => {
                // Off-beat sixteenths, and every other downbeat kick anticipated by an eighth.
                let mut kicks: Vec<f64> =
                    even_beats.skip(1).map(|b| b + 0.5).chain([0.75]).collect();
                if bar % 2 == 1 {
                    kicks.push(p - 0.5);
                }
                if bar % 2 == 1 || bar == 0 {
                    kicks.push(0.0);
                }
                kicks
            }
        }
    }

    fn snare_positions(&self, kind: SectionKind) -> Vec<(f64, f32)> {
        let p = self.spec.beats_per_bar;
        match kind {
            SectionKind::Intro => Vec::new(),
            _ if self.waltz() => vec![(1.0, 0.45), (2.0, 0.45)],
            SectionKind::Bridge => vec![(f64::from(p / 2), 1.0)],
            _ => {
                let mut snares: Vec<(f64, f32)> =
                    (1..p).step_by(2).map(|b| (f64::from(b), 1.0)).collect();
                if self.spec.syncopation == Syncopation::Heavy {
                    snares.extend([(1.75, 0.3), (f64::from(p) - 0.25, 0.3)]);
                }
                snares
            }
        }
    }

    fn bass(&self, kind: SectionKind, bar: u32, root: i32, next_root: i32, hits: &mut Vec<Hit>) {
        let p = self.beats_per_bar;
        let origin = f64::from(bar) * p;
        let low = root - 14;
        let pattern: Vec<(f64, i32, f64)> = match kind {
            SectionKind::Intro => return,
            _ if self.waltz() => vec![(0.0, low, 0.9)],
            SectionKind::Bridge => vec![(0.0, low, p / 2.0 - 0.1), (p / 2.0, low, p / 2.0 - 0.1)],
            SectionKind::Chorus => {
                let step_beats = self.pulse_step_beats();
                (0..(p / step_beats) as u32)
                    .map(|i| {
                        let degree = if i.is_multiple_of(2) { low } else { low + 7 };
                        (f64::from(i) * step_beats, degree, 0.8 * step_beats)
                    })
                    .collect()
            }
            _ => (0..self.spec.beats_per_bar)
                .map(|b| {
                    (
                        f64::from(b),
                        if f64::from(b) == p - 1.0 {
                            low + 4
                        } else {
                            low
                        },
                        0.85,
                    )
                })
                .collect(),
        };
        let anticipate = match self.spec.syncopation {
            Syncopation::None => false,
            Syncopation::Light => true,
            Syncopation::Heavy => bar % 2 == 1,
        } && !self.waltz()
            && kind != SectionKind::Bridge;
        let skip_downbeat =
            self.spec.syncopation == Syncopation::Heavy && bar.is_multiple_of(2) && bar > 0;
        for (at, degree, len) in pattern {
            if (anticipate && at >= p - 0.5) || (skip_downbeat && at == 0.0) {
                continue;
            }
            let len = if anticipate {
                len.min(p - 0.5 - at)
            } else {
                len
            };
            hits.push(self.note(origin + at, Instrument::Bass, degree, len));
        }
        if anticipate {
            let len = if skip_downbeat || self.spec.syncopation == Syncopation::Heavy {
                1.4
            } else {
                0.45
            };
            hits.push(self.note(origin + p - 0.5, Instrument::Bass, next_root - 14, len));
        }
    }

    /// Eighth-note arpeggios (intro, verse, outro), or "oom-pah-pah" chord stabs in a waltz.
    fn plucks(&self, kind: SectionKind, bar: u32, root: i32, hits: &mut Vec<Hit>) {
        let origin = f64::from(bar) * self.beats_per_bar;
        let chord = triad(root);
        if self.waltz() && kind != SectionKind::Intro {
            for beat in [1.0, 2.0] {
                for degree in chord {
                    let mut hit = self.note(origin + beat, Instrument::Pluck, degree, 0.0);
                    hit.velocity = 0.55;
                    hits.push(hit);
                }
            }
            return;
        }
        if !matches!(
            kind,
            SectionKind::Intro | SectionKind::Verse | SectionKind::Outro
        ) {
            return;
        }
        let tones = [chord[0], chord[1], chord[2], chord[0] + 7];
        let cycle = [0, 1, 2, 3, 2, 1];
        let step_beats = self.pulse_step_beats();
        for step in 0..(self.beats_per_bar / step_beats) as u32 {
            let degree = tones[cycle[step as usize % cycle.len()]];
            let at = f64::from(step) * step_beats;
            let mut hit = self.note(origin + at, Instrument::Pluck, degree, 0.0);
            hit.velocity = if at.fract() == 0.0 { 0.9 } else { 0.6 };
            hits.push(hit);
        }
    }
}
