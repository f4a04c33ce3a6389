//! Just enough music theory for pleasant songs: a key, its scale, triads and progressions.
//!
//! Notes are handled as scale degrees (0 = tonic, 7 = tonic an octave up, negative below) and
//! turned into MIDI numbers only at the end, so every chord and melody stays in the key.

use super::spec::{Mode, SectionKind};

const MAJOR_STEPS: [i32; 7] = [0, 2, 4, 5, 7, 9, 11];
const MINOR_STEPS: [i32; 7] = [0, 2, 3, 5, 7, 8, 10];

/// A key: tonic and scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key {
    root_midi: i32,
    mode: Mode,
}

impl Key {
    /// The key with tonic `root_midi` in `mode`.
    pub fn new(root_midi: u8, mode: Mode) -> Self {
        Self {
            root_midi: i32::from(root_midi),
            mode,
        }
    }

    /// MIDI note of scale degree `degree`, clamped to the MIDI range.
    pub fn midi(self, degree: i32) -> u8 {
        let steps = match self.mode {
            Mode::Major => &MAJOR_STEPS,
            Mode::Minor => &MINOR_STEPS,
        };
        let octave = degree.div_euclid(7);
        let step = steps[degree.rem_euclid(7) as usize];
        (self.root_midi + 12 * octave + step).clamp(0, 127) as u8
    }
}

/// The triad on scale degree `root_degree`: root, third and fifth as degrees.
pub(crate) fn triad(root_degree: i32) -> [i32; 3] {
    [root_degree, root_degree + 2, root_degree + 4]
}

/// Chord roots (scale degrees, one chord per bar) of each kind of section.
///
/// The chorus uses the I–V–vi–IV of countless pop songs, the verse its rotation vi–IV–I–V, the
/// bridge departs with IV–V–iii–vi, and the outro closes IV–I–V–I.
pub(crate) fn progression(kind: SectionKind) -> [i32; 4] {
    match kind {
        SectionKind::Intro => [0, 5, 3, 4],
        SectionKind::Verse => [5, 3, 0, 4],
        SectionKind::Chorus => [0, 4, 5, 3],
        SectionKind::Bridge => [3, 4, 2, 5],
        SectionKind::Outro => [3, 0, 4, 0],
    }
}

/// Chord root degree of bar `bar` of a section of `kind`.
pub(crate) fn chord_root(kind: SectionKind, bar: u32) -> i32 {
    progression(kind)[(bar % 4) as usize]
}

/// Frequency in hertz of a (fractional) MIDI note, A4 = 69 = 440 Hz.
pub(crate) fn midi_to_hz(midi: f64) -> f64 {
    440.0 * ((midi - 69.0) / 12.0).exp2()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scales_and_triads_stay_in_key() {
        let c_major = Key::new(60, Mode::Major);
        assert_eq!(triad(0).map(|d| c_major.midi(d)), [60, 64, 67]);
        // vi of C major is A minor.
        assert_eq!(triad(5).map(|d| c_major.midi(d)), [69, 72, 76]);
        assert_eq!(c_major.midi(-7), 48);
        let a_minor = Key::new(57, Mode::Minor);
        assert_eq!(triad(0).map(|d| a_minor.midi(d)), [57, 60, 64]);
    }

    #[test]
    fn a4_is_440_hz() {
        assert_eq!(midi_to_hz(69.0), 440.0);
        assert!((midi_to_hz(81.0) - 880.0).abs() < 1e-9);
    }
}
