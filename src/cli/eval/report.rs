//! The benchmark report: per-file rows, means, causal hop timing and the librosa comparison,
//! printed as a table and serialized as JSON.

use dancebot::analysis::metrics::BeatScores;
use serde::Serialize;

use super::mean_scores;

/// Scores and timings of one file.
#[derive(Debug, Clone, Serialize)]
pub struct FileResult {
    /// File name.
    pub name: String,
    /// Offline global tempo.
    pub tempo_bpm: Option<f64>,
    /// Offline tracker scores.
    pub offline: BeatScores,
    /// Causal tracker scores.
    pub online: Option<BeatScores>,
    /// Fraction of reference beats (after 5 s) correctly announced ≥ 100 ms ahead.
    pub ahead_fraction: Option<f64>,
    /// Decoding and resampling time.
    pub decode_secs: f64,
    /// Onset envelope time (part of `analysis_secs`).
    pub onset_secs: f64,
    /// Onset envelope plus offline tracking time.
    pub analysis_secs: f64,
    /// librosa's scores on this file, with `--librosa`.
    pub librosa: Option<BeatScores>,
}

/// Wall time of one causal `push` of one hop, over all files.
#[derive(Debug, Clone, Serialize)]
pub struct HopTiming {
    /// Number of hops timed.
    pub hops: usize,
    /// Median time per hop (µs).
    pub p50_us: f64,
    /// 99th percentile (µs).
    pub p99_us: f64,
    /// Slowest hop (µs).
    pub max_us: f64,
    /// Audio duration of one hop (µs): the real-time budget.
    pub hop_duration_us: f64,
}

impl HopTiming {
    /// Percentiles of `micros` (sorted in place); `None` when nothing was timed.
    pub fn from_micros(micros: &mut [f64], hop_secs: f64) -> Option<Self> {
        if micros.is_empty() {
            return None;
        }
        micros.sort_by(f64::total_cmp);
        let pick = |q: f64| micros[((micros.len() - 1) as f64 * q).round() as usize];
        Some(Self {
            hops: micros.len(),
            p50_us: pick(0.5),
            p99_us: pick(0.99),
            max_us: pick(1.0),
            hop_duration_us: hop_secs * 1e6,
        })
    }
}

/// Speed and accuracy against librosa.
#[derive(Debug, Clone, Serialize)]
pub struct LibrosaComparison {
    /// Wall time of the one Python process (interpreter start, imports, load, beat_track).
    pub librosa_process_secs: f64,
    /// Wall time of running our binary `dancebot beats FILE --out ...` once per file.
    pub our_processes_secs: f64,
    /// Our in-process decode + analysis time summed over files.
    pub our_in_process_secs: f64,
    /// `librosa_process_secs / our_processes_secs`.
    pub speedup_processes: f64,
    /// `librosa_process_secs / our_in_process_secs`.
    pub speedup_in_process: f64,
    /// CPU time (user + system) of the Python process, where the OS reports it.
    pub librosa_cpu_secs: Option<f64>,
    /// CPU time of our per-file processes.
    pub our_processes_cpu_secs: Option<f64>,
    /// `librosa_cpu_secs / our_processes_cpu_secs`.
    pub speedup_cpu: Option<f64>,
    /// librosa's mean scores (scored by our metrics).
    pub mean: BeatScores,
}

/// The whole benchmark.
#[derive(Debug, Clone, Serialize)]
pub struct EvalReport {
    /// Per-file rows.
    pub files: Vec<FileResult>,
    /// Mean offline scores.
    pub mean_offline: BeatScores,
    /// Mean causal scores.
    pub mean_online: Option<BeatScores>,
    /// Mean fraction of beats announced ahead.
    pub mean_ahead_fraction: Option<f64>,
    /// Causal hop timing.
    pub hop_timing: Option<HopTiming>,
    /// Decoding time over all files.
    pub total_decode_secs: f64,
    /// Onset envelope time over all files.
    pub total_onset_secs: f64,
    /// Offline analysis (onsets + tracking) time over all files.
    pub total_analysis_secs: f64,
    /// Comparison with librosa.
    pub librosa: Option<LibrosaComparison>,
}

impl EvalReport {
    /// Aggregates the per-file rows.
    pub fn new(
        files: Vec<FileResult>,
        hop_timing: Option<HopTiming>,
        librosa: Option<LibrosaComparison>,
    ) -> Self {
        let online: Vec<BeatScores> = files.iter().filter_map(|f| f.online).collect();
        let ahead: Vec<f64> = files.iter().filter_map(|f| f.ahead_fraction).collect();
        Self {
            mean_offline: mean_scores(files.iter().map(|f| &f.offline)),
            mean_online: (!online.is_empty()).then(|| mean_scores(online.iter())),
            mean_ahead_fraction: (!ahead.is_empty())
                .then(|| ahead.iter().sum::<f64>() / ahead.len() as f64),
            hop_timing,
            total_decode_secs: files.iter().map(|f| f.decode_secs).sum(),
            total_onset_secs: files.iter().map(|f| f.onset_secs).sum(),
            total_analysis_secs: files.iter().map(|f| f.analysis_secs).sum(),
            files,
            librosa,
        }
    }

    /// Prints the table to stdout.
    pub fn print_table(&self) {
        println!(
            "{:<32} {:>6} | {:>5} {:>5} {:>5} | {:>5} {:>5} {:>5} {:>6} | {:>5}",
            "file", "bpm", "F", "CMLt", "AMLt", "onF", "onCML", "onAML", "ahead", "lbF"
        );
        for f in &self.files {
            println!(
                "{:<32} {:>6} | {} | {} {:>6} | {:>5}",
                truncate(&f.name, 32),
                f.tempo_bpm.map_or("-".into(), |b| format!("{b:.1}")),
                scores_cells(Some(&f.offline)),
                scores_cells(f.online.as_ref()),
                f.ahead_fraction.map_or("-".into(), |a| format!("{a:.2}")),
                f.librosa
                    .map_or("-".into(), |s| format!("{:.3}", s.f_measure)),
            );
        }
        println!(
            "{:<32} {:>6} | {} | {} {:>6} | {:>5}",
            "MEAN",
            "",
            scores_cells(Some(&self.mean_offline)),
            scores_cells(self.mean_online.as_ref()),
            self.mean_ahead_fraction
                .map_or("-".into(), |a| format!("{a:.2}")),
            self.librosa
                .as_ref()
                .map_or("-".into(), |l| format!("{:.3}", l.mean.f_measure)),
        );
        self.print_timing();
    }

    fn print_timing(&self) {
        println!(
            "offline: decode {:.3} s, analysis {:.3} s (onsets {:.3} s) over {} files ({:.1} ms per file)",
            self.total_decode_secs,
            self.total_analysis_secs,
            self.total_onset_secs,
            self.files.len(),
            1e3 * self.total_analysis_secs / self.files.len().max(1) as f64
        );
        if let Some(h) = &self.hop_timing {
            println!(
                "causal hop: p50 {:.1} µs, p99 {:.1} µs, max {:.1} µs (budget {:.0} µs per hop, {} hops)",
                h.p50_us, h.p99_us, h.max_us, h.hop_duration_us, h.hops
            );
        }
        if let Some(l) = &self.librosa {
            println!(
                "librosa: one process {:.2} s (F {:.3}, CMLt {:.3}, AMLt {:.3}); ours: {} processes {:.2} s ({:.1}x faster), in-process decode+analysis {:.2} s ({:.1}x)",
                l.librosa_process_secs,
                l.mean.f_measure,
                l.mean.cml_t,
                l.mean.aml_t,
                self.files.len(),
                l.our_processes_secs,
                l.speedup_processes,
                l.our_in_process_secs,
                l.speedup_in_process
            );
            if let (Some(lc), Some(oc), Some(r)) =
                (l.librosa_cpu_secs, l.our_processes_cpu_secs, l.speedup_cpu)
            {
                println!("CPU time: librosa {lc:.2} s, ours {oc:.2} s ({r:.1}x less)");
            }
        }
    }
}

/// Three score cells, or dashes.
fn scores_cells(s: Option<&BeatScores>) -> String {
    match s {
        Some(s) => format!("{:.3} {:.3} {:.3}", s.f_measure, s.cml_t, s.aml_t),
        None => format!("{:>5} {:>5} {:>5}", "-", "-", "-"),
    }
}

/// At most `n` characters of `s`.
fn truncate(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}
