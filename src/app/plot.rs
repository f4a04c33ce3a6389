//! `beats.svg`: one picture of what the analysis heard, for people who would rather look.
//!
//! Time runs left to right. Top: the onset strength at the motion rate, with the offline beats
//! (thin lines) and downbeats (thick lines). Middle: each causal beat as a dot at its predicted
//! time, with a line back to when it was announced, so the lead is visible. Bottom: the
//! sections, coloured by label (repeats share a colour). Plain SVG text, no dependency.

use std::fmt::Write;

use crate::analysis::features::MusicFeatures;
use crate::analysis::BeatGrid;

const WIDTH_PX: f64 = 1600.0;
const MARGIN_PX: f64 = 40.0;
const ONSET_TOP_PX: f64 = 30.0;
const ONSET_HEIGHT_PX: f64 = 160.0;
const CAUSAL_ROW_PX: f64 = 220.0;
const SECTION_TOP_PX: f64 = 245.0;
const SECTION_HEIGHT_PX: f64 = 26.0;
const AXIS_Y_PX: f64 = 290.0;
const HEIGHT_PX: f64 = 310.0;
const PALETTE: [&str; 8] = [
    "#8dd3c7", "#ffffb3", "#bebada", "#fb8072", "#80b1d3", "#fdb462", "#b3de69", "#fccde5",
];

/// Renders the picture as an SVG document.
pub fn beats_svg(features: &MusicFeatures, offline: &BeatGrid, online: &BeatGrid) -> String {
    let duration = features.duration_secs.max(1e-3);
    let x = |t: f64| MARGIN_PX + (WIDTH_PX - 2.0 * MARGIN_PX) * (t / duration).clamp(0.0, 1.0);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH_PX}" height="{HEIGHT_PX}" font-family="sans-serif" font-size="12"><rect width="100%" height="100%" fill="white"/>"##
    );
    let tempo = offline
        .tempo_bpm
        .map_or("no tempo".to_owned(), |t| format!("{t:.1} BPM"));
    let _ = write!(
        svg,
        r##"<text x="{MARGIN_PX}" y="18">onset strength, offline beats (thin) and downbeats (thick): {tempo}, {} beats</text>"##,
        offline.beats_secs.len()
    );
    onset_curve(&mut svg, features, &x);
    beat_lines(&mut svg, offline, &x);
    causal_row(&mut svg, online, &x);
    sections(&mut svg, features, &x);
    time_axis(&mut svg, duration, &x);
    svg.push_str("</svg>\n");
    svg
}

fn onset_curve(svg: &mut String, features: &MusicFeatures, x: &dyn Fn(f64) -> f64) {
    let peak = features
        .onset_strength
        .iter()
        .copied()
        .fold(0.0f32, f32::max)
        .max(1e-9);
    let bottom = ONSET_TOP_PX + ONSET_HEIGHT_PX;
    let mut points = String::new();
    for (k, &v) in features.onset_strength.iter().enumerate() {
        let y = bottom - ONSET_HEIGHT_PX * f64::from(v / peak);
        let _ = write!(points, "{:.1},{:.1} ", x(k as f64 / features.fps), y);
    }
    let _ = write!(
        svg,
        r##"<polyline points="{points}" fill="none" stroke="#555" stroke-width="1"/>"##
    );
}

fn beat_lines(svg: &mut String, grid: &BeatGrid, x: &dyn Fn(f64) -> f64) {
    let bottom = ONSET_TOP_PX + ONSET_HEIGHT_PX;
    for &t in &grid.beats_secs {
        let _ = write!(
            svg,
            r##"<line x1="{0:.1}" x2="{0:.1}" y1="{ONSET_TOP_PX}" y2="{bottom}" stroke="#1f77b4" stroke-opacity="0.5"/>"##,
            x(t)
        );
    }
    for &t in &grid.downbeats_secs {
        let _ = write!(
            svg,
            r##"<line x1="{0:.1}" x2="{0:.1}" y1="{ONSET_TOP_PX}" y2="{bottom}" stroke="#d62728" stroke-width="2.5"/>"##,
            x(t)
        );
    }
}

fn causal_row(svg: &mut String, online: &BeatGrid, x: &dyn Fn(f64) -> f64) {
    let _ = write!(
        svg,
        r##"<text x="{MARGIN_PX}" y="{}">causal tracker: dot = predicted beat, line back to when it was announced</text>"##,
        CAUSAL_ROW_PX - 10.0
    );
    let emitted = online.emitted_at_secs.as_deref().unwrap_or(&[]);
    for (&beat, &at) in online.beats_secs.iter().zip(emitted) {
        let _ = write!(
            svg,
            r##"<line x1="{:.1}" x2="{:.1}" y1="{CAUSAL_ROW_PX}" y2="{CAUSAL_ROW_PX}" stroke="#2ca02c" stroke-width="2"/><circle cx="{:.1}" cy="{CAUSAL_ROW_PX}" r="3" fill="#2ca02c"/>"##,
            x(at),
            x(beat),
            x(beat)
        );
    }
}

fn sections(svg: &mut String, features: &MusicFeatures, x: &dyn Fn(f64) -> f64) {
    for s in &features.sections {
        let colour = PALETTE[label_slot(&s.label) % PALETTE.len()];
        let (x0, x1) = (x(s.start_secs), x(s.end_secs));
        let _ = write!(
            svg,
            r##"<rect x="{x0:.1}" y="{SECTION_TOP_PX}" width="{:.1}" height="{SECTION_HEIGHT_PX}" fill="{colour}" stroke="white"/><text x="{:.1}" y="{}">{}</text>"##,
            (x1 - x0).max(0.0),
            x0 + 4.0,
            SECTION_TOP_PX + 17.0,
            escape(&s.label)
        );
    }
}

fn time_axis(svg: &mut String, duration: f64, x: &dyn Fn(f64) -> f64) {
    let step = [1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0, 300.0, 600.0]
        .into_iter()
        .find(|s| duration / s <= 20.0)
        .unwrap_or(1200.0);
    let mut t = 0.0;
    while t <= duration + 1e-9 {
        let _ = write!(
            svg,
            r##"<line x1="{0:.1}" x2="{0:.1}" y1="{1}" y2="{2}" stroke="#000"/><text x="{0:.1}" y="{3}" text-anchor="middle">{4} s</text>"##,
            x(t),
            AXIS_Y_PX - 4.0,
            AXIS_Y_PX,
            AXIS_Y_PX + 14.0,
            t
        );
        t += step;
    }
}

/// A stable colour slot for a label: `A` → 0, `B` → 1, …
fn label_slot(label: &str) -> usize {
    label.bytes().fold(0usize, |acc, b| {
        acc.wrapping_mul(31)
            .wrapping_add(usize::from(b.wrapping_sub(b'A')))
    })
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::features::{extract, FeatureConfig};

    #[test]
    fn draws_every_beat_downbeat_and_announcement() {
        let cfg = FeatureConfig::default();
        let samples = vec![0.0f32; cfg.analysis.sample_rate_hz.hz() as usize * 4];
        let offline = BeatGrid {
            tempo_bpm: Some(120.0),
            beats_secs: vec![0.5, 1.0, 1.5, 2.0],
            downbeats_secs: vec![0.5],
            ..BeatGrid::default()
        };
        let features = extract(&samples, &offline, &cfg).unwrap();
        let online = BeatGrid {
            beats_secs: vec![1.5, 2.0],
            emitted_at_secs: Some(vec![1.3, 1.8]),
            ..BeatGrid::default()
        };
        let svg = beats_svg(&features, &offline, &online);
        assert!(svg.starts_with("<svg") && svg.trim_end().ends_with("</svg>"));
        assert_eq!(svg.matches("stroke=\"#1f77b4\"").count(), 4);
        assert_eq!(svg.matches("stroke=\"#d62728\"").count(), 1);
        assert_eq!(svg.matches("<circle").count(), 2);
        assert!(svg.contains("120.0 BPM"));
    }

    #[test]
    fn labels_are_escaped() {
        assert_eq!(escape("A<B&"), "A&lt;B&amp;");
    }
}
