//! Ground truth of a synthesized song: where its beats, downbeats and sections are.
//!
//! Beat times are the exact samples where each beat's notes start, divided by the rate: they
//! lie on the tempo curve to within one sample (the section start and the offset inside the
//! section each round to the nearest sample), and a drum on a beat starts on exactly the
//! sample `round(beat_secs · rate)`. The `.beats` text format is the one of common beat
//! datasets (one beat per line, `time_secs<TAB>position_in_bar`).

use serde::{Deserialize, Serialize};

use super::timeline::Timeline;
use crate::analysis::BeatGrid;

/// Where every beat and section of a song is.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct GroundTruth {
    /// Beat times in seconds, increasing.
    pub beats_secs: Vec<f64>,
    /// Position of each beat in its bar, 1 = downbeat.
    pub beat_positions: Vec<u32>,
    /// Times of the beats at position 1.
    pub downbeats_secs: Vec<f64>,
    /// Instantaneous tempo of the tempo curve at each beat.
    pub tempo_per_beat_bpm: Vec<f64>,
    /// Sections in playing order; sections that repeat share a label.
    pub sections: Vec<SectionSpan>,
}

/// One section of a song on the time axis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SectionSpan {
    /// `intro`, `verse`, `chorus`, `bridge` or `outro`; repeats share a label.
    pub label: String,
    /// Time of the section's first beat.
    pub start_secs: f64,
    /// Time of the next section's first beat (or of the end of the last bar).
    pub end_secs: f64,
}

impl GroundTruth {
    /// Reads the truth off the timeline every note was placed with.
    pub(crate) fn from_timeline(timeline: &Timeline) -> Self {
        let rate_hz = timeline.rate_hz();
        let beats_per_bar = timeline.beats_per_bar();
        let mut truth = Self::default();
        let sections = timeline.sections();
        for (i, section) in sections.iter().enumerate() {
            for local in 0..section.bars * beats_per_bar {
                let secs = timeline.sample_at(section, f64::from(local)) as f64 / rate_hz;
                let position = local % beats_per_bar + 1;
                truth.beats_secs.push(secs);
                truth.beat_positions.push(position);
                if position == 1 {
                    truth.downbeats_secs.push(secs);
                }
                let song_beat = f64::from(section.first_beat + local);
                truth
                    .tempo_per_beat_bpm
                    .push(timeline.tempo_at_beat_bpm(song_beat));
            }
            let end_sample = sections
                .get(i + 1)
                .map_or_else(|| timeline.end_sample(), |next| next.start_sample);
            truth.sections.push(SectionSpan {
                label: section.kind.label().to_owned(),
                start_secs: section.start_sample as f64 / rate_hz,
                end_secs: end_sample as f64 / rate_hz,
            });
        }
        truth
    }

    /// The truth in the shape trackers produce (`beats.json`); its tempo is the median of the
    /// per-beat tempi.
    pub fn beat_grid(&self) -> BeatGrid {
        let mut tempi = self.tempo_per_beat_bpm.clone();
        tempi.sort_by(f64::total_cmp);
        BeatGrid {
            tempo_bpm: tempi.get(tempi.len() / 2).copied(),
            beats_secs: self.beats_secs.clone(),
            downbeats_secs: self.downbeats_secs.clone(),
            beat_positions: self.beat_positions.clone(),
            tempo_per_beat_bpm: self.tempo_per_beat_bpm.clone(),
            emitted_at_secs: None,
        }
    }

    /// The beats as `.beats` text: `time_secs<TAB>position` per line.
    pub fn beats_text(&self) -> String {
        self.beats_secs
            .iter()
            .zip(&self.beat_positions)
            .map(|(secs, position)| format!("{secs:.6}\t{position}\n"))
            .collect()
    }
}

/// A line of a `.beats` file that is not `time_secs[<whitespace>position]`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("line {line}: {problem}")]
pub struct BeatsParseError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong with it.
    pub problem: String,
}

/// Parses `.beats` text into `(time_secs, position_in_bar)` pairs. The position column is
/// optional (some datasets list times only; those beats get position 0); blank lines and lines
/// starting with `#` are skipped.
pub fn parse_beats(text: &str) -> Result<Vec<(f64, u32)>, BeatsParseError> {
    let mut beats = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let err = |problem: String| BeatsParseError {
            line: i + 1,
            problem,
        };
        let mut fields = line.split_whitespace();
        let time_field = fields.next().unwrap_or_default();
        let secs: f64 = time_field
            .parse()
            .ok()
            .filter(|s: &f64| s.is_finite() && *s >= 0.0)
            .ok_or_else(|| err(format!("`{time_field}` is not a time in seconds")))?;
        let position = match fields.next() {
            None => 0,
            Some(field) => parse_position(field)
                .ok_or_else(|| err(format!("`{field}` is not a position in the bar")))?,
        };
        beats.push((secs, position));
    }
    Ok(beats)
}

/// Positions are integers, though some datasets write them as `1.0` or `3.0`.
fn parse_position(field: &str) -> Option<u32> {
    field.parse::<u32>().ok().or_else(|| {
        field
            .parse::<f64>()
            .ok()
            .filter(|p| p.fract() == 0.0 && (0.0..=64.0).contains(p))
            .map(|p| p as u32)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::synth::spec::{SectionKind, SectionSpec, SongSpec};

    #[test]
    fn beats_text_round_trips() {
        let spec = SongSpec {
            beats_per_bar: 3,
            structure: vec![SectionSpec::new(SectionKind::Verse, 2)],
            ..SongSpec::default()
        };
        let truth = GroundTruth::from_timeline(&Timeline::new(&spec));
        let parsed = parse_beats(&truth.beats_text()).unwrap();
        assert_eq!(parsed.len(), 6);
        assert_eq!(
            parsed.iter().map(|b| b.1).collect::<Vec<_>>(),
            [1, 2, 3, 1, 2, 3]
        );
        for ((secs, _), truth_secs) in parsed.iter().zip(&truth.beats_secs) {
            assert!((secs - truth_secs).abs() < 1e-6);
        }
    }

    #[test]
    fn parse_accepts_dataset_variants_and_names_bad_lines() {
        let parsed = parse_beats("# comment\n0.5 1.0\n1.0\n\n1.5\t2\n").unwrap();
        assert_eq!(parsed, vec![(0.5, 1), (1.0, 0), (1.5, 2)]);
        let err = parse_beats("0.5\t1\nabc\t2\n").unwrap_err();
        assert_eq!(err.line, 2);
        assert!(parse_beats("0.5\t-1\n").is_err());
    }
}
