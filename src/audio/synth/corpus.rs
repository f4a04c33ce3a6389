//! The fixed test corpus and the bundled demo song.
//!
//! [`corpus`] lists about two dozen short songs (20–30 s) that between them cover every
//! property trackers must survive: tempi from 60 to 200 BPM, swing, accelerando and
//! ritardando, drumless intros, light and heavy syncopation, weak and absent drums, added
//! noise, stereo, odd sample rates and 3/4. Names say what each one tests. The list is part of
//! the test contract: change a song only together with the accuracy it is expected to reach.

use super::spec::{Mode, SectionKind, SectionSpec, SongSpec, Syncopation};
use crate::units::SampleRate;

/// Length each corpus song aims at, seconds.
const CORPUS_TARGET_SECS: f64 = 25.0;

/// The demo song: 120 BPM in D major, 4/4, stereo at 44.1 kHz, about 85 s, with a two-bar
/// pads-only opening, verses, a bridge and a chorus that comes back three times.
pub fn bundled_song() -> SongSpec {
    use SectionKind::{Bridge, Chorus, Intro, Outro, Verse};
    let structure = [
        (Intro, 4),
        (Verse, 4),
        (Chorus, 8),
        (Verse, 4),
        (Chorus, 8),
        (Bridge, 4),
        (Chorus, 8),
        (Outro, 2),
    ];
    SongSpec {
        tempo_bpm: 120.0,
        key_root_midi: 62,
        drumless_intro_bars: 2,
        syncopation: Syncopation::Light,
        sample_rate_hz: rate(44_100),
        stereo: true,
        seed: 7,
        structure: structure
            .into_iter()
            .map(|(kind, bars)| SectionSpec::new(kind, bars))
            .collect(),
        ..SongSpec::default()
    }
}

/// The test corpus: `(name, spec)` pairs, names unique and file-name safe.
pub fn corpus() -> Vec<(String, SongSpec)> {
    let songs: Vec<(&str, SongSpec)> = vec![
        ("pop_120", song(120.0, |_| {})),
        ("slow_60", song(60.0, |s| s.seed = 2)),
        (
            "ballad_72_minor_stereo",
            song(72.0, |s| {
                s.mode = Mode::Minor;
                s.key_root_midi = 57;
                s.stereo = true;
            }),
        ),
        (
            "groove_96_44k",
            song(96.0, |s| {
                s.seed = 3;
                s.sample_rate_hz = rate(44_100);
            }),
        ),
        (
            "house_124_48k",
            song(124.0, |s| s.sample_rate_hz = rate(48_000)),
        ),
        ("uptempo_150", song(150.0, |s| s.key_root_midi = 64)),
        ("dnb_174", song(174.0, |s| s.seed = 4)),
        ("fast_200", song(200.0, |s| s.key_root_midi = 55)),
        ("swing_110", song(110.0, |s| s.swing = 2.0 / 3.0)),
        (
            "swing_140_stereo",
            song(140.0, |s| {
                s.swing = 2.0 / 3.0;
                s.stereo = true;
            }),
        ),
        (
            "accelerando_100_130",
            song(100.0, |s| s.ramp_to_bpm = Some(130.0)),
        ),
        (
            "ritardando_140_105",
            song(140.0, |s| s.ramp_to_bpm = Some(105.0)),
        ),
        (
            "drumless_intro_118",
            song(118.0, |s| s.drumless_intro_bars = 4),
        ),
        (
            "drumless_intro_90_minor",
            song(90.0, |s| {
                s.drumless_intro_bars = 2;
                s.mode = Mode::Minor;
            }),
        ),
        (
            "syncopated_light_105",
            song(105.0, |s| s.syncopation = Syncopation::Light),
        ),
        (
            "syncopated_heavy_96",
            song(96.0, |s| s.syncopation = Syncopation::Heavy),
        ),
        (
            "weak_percussion_112",
            song(112.0, |s| s.percussion_level = 0.2),
        ),
        ("no_drums_100", song(100.0, |s| s.percussion_level = 0.0)),
        (
            "noisy_128_snr20",
            song(128.0, |s| s.noise_snr_db = Some(20.0)),
        ),
        ("noisy_92_snr6", song(92.0, |s| s.noise_snr_db = Some(6.0))),
        (
            "rate_11025_115",
            song(115.0, |s| s.sample_rate_hz = rate(11_025)),
        ),
        (
            "rate_37800_132",
            song(132.0, |s| s.sample_rate_hz = rate(37_800)),
        ),
        (
            "rate_96000_108_stereo",
            song(108.0, |s| {
                s.sample_rate_hz = rate(96_000);
                s.stereo = true;
            }),
        ),
        ("waltz_90", song(90.0, |s| s.beats_per_bar = 3)),
        (
            "waltz_160_stereo",
            song(160.0, |s| {
                s.beats_per_bar = 3;
                s.stereo = true;
            }),
        ),
    ];
    songs
        .into_iter()
        .map(|(name, spec)| (name.to_owned(), spec))
        .collect()
}

/// The spec of corpus song `name`, or of the demo song for `bundled`.
pub fn corpus_song(name: &str) -> Option<SongSpec> {
    if name == "bundled" {
        return Some(bundled_song());
    }
    corpus()
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, spec)| spec)
}

/// A corpus song at `tempo_bpm`, adjusted by `tweak`, then given a structure of about
/// [`CORPUS_TARGET_SECS`] for its tempo and meter (intro, verse, chorus, verse, chorus, outro).
fn song(tempo_bpm: f64, tweak: impl FnOnce(&mut SongSpec)) -> SongSpec {
    let mut spec = SongSpec {
        tempo_bpm,
        sample_rate_hz: SampleRate::CD_HALF,
        ..SongSpec::default()
    };
    tweak(&mut spec);
    let mean_bpm = (spec.tempo_bpm + spec.end_tempo_bpm()) / 2.0;
    let bar_secs = f64::from(spec.beats_per_bar) * 60.0 / mean_bpm;
    let target_bars = (CORPUS_TARGET_SECS / bar_secs).round().max(6.0) as u32;
    let long = (target_bars / 5).max(1);
    let short = ((target_bars.saturating_sub(4 * long)) / 2)
        .max(spec.drumless_intro_bars)
        .max(1);
    use SectionKind::{Chorus, Intro, Outro, Verse};
    spec.structure = [
        (Intro, short),
        (Verse, long),
        (Chorus, long),
        (Verse, long),
        (Chorus, long),
        (Outro, short),
    ]
    .into_iter()
    .map(|(kind, bars)| SectionSpec::new(kind, bars))
    .collect();
    spec
}

fn rate(hz: u32) -> SampleRate {
    SampleRate::new(hz).unwrap_or(SampleRate::CD_HALF)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Validate;

    #[test]
    fn corpus_is_valid_and_names_are_unique() {
        let songs = corpus();
        assert!(songs.len() >= 20);
        let mut names: Vec<&str> = songs.iter().map(|(n, _)| n.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), songs.len());
        for (name, spec) in &songs {
            spec.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
            let secs = spec.music_secs();
            assert!((18.0..=34.0).contains(&secs), "{name}: {secs} s");
        }
    }

    #[test]
    fn bundled_song_is_a_60_to_90_second_pop_song() {
        let spec = bundled_song();
        spec.validate().unwrap();
        let secs = spec.duration_secs();
        assert!((60.0..=90.0).contains(&secs), "{secs}");
        let choruses = spec
            .structure
            .iter()
            .filter(|s| s.kind == SectionKind::Chorus)
            .count();
        assert!(choruses >= 2);
    }
}
