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
    /// How far ahead the causal tracker announced its correct beats.
    pub ahead_fraction: Option<super::Ahead>,
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

/// Wall and CPU time of one whole process, from spawn to exit.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ProcessTiming {
    /// Wall time.
    pub wall_secs: f64,
    /// CPU time (user + system, all threads), where the OS reports it.
    pub cpu_secs: Option<f64>,
}

/// Speed and accuracy against librosa: each side is one process over all files.
#[derive(Debug, Clone, Serialize)]
pub struct LibrosaComparison {
    /// The Python process (interpreter start, imports, load, beat_track).
    pub librosa: ProcessTiming,
    /// `dancebot beats FILES... --out-dir DIR` with the default `--jobs` (all cores).
    pub ours: ProcessTiming,
    /// Worker threads of `ours`.
    pub jobs: usize,
    /// The same with `--jobs 1` (one core, as librosa).
    pub ours_one_job: ProcessTiming,
    /// Our in-process decode + analysis time summed over files (eval loop, one thread).
    pub our_in_process_secs: f64,
    /// librosa wall / ours wall.
    pub speedup_wall: f64,
    /// librosa wall / ours with one job wall.
    pub speedup_wall_one_job: f64,
    /// librosa CPU / ours CPU (all jobs).
    pub speedup_cpu: Option<f64>,
    /// librosa's mean scores (scored by our metrics).
    pub mean: BeatScores,
}

impl LibrosaComparison {
    /// Aggregates the three timed runs.
    pub fn new(
        librosa: ProcessTiming,
        ours: ProcessTiming,
        jobs: usize,
        ours_one_job: ProcessTiming,
        our_in_process_secs: f64,
        mean: BeatScores,
    ) -> Self {
        let ratio = |a: f64, b: f64| a / b.max(1e-9);
        Self {
            speedup_wall: ratio(librosa.wall_secs, ours.wall_secs),
            speedup_wall_one_job: ratio(librosa.wall_secs, ours_one_job.wall_secs),
            speedup_cpu: librosa
                .cpu_secs
                .zip(ours.cpu_secs)
                .map(|(l, o)| ratio(l, o)),
            librosa,
            ours,
            jobs,
            ours_one_job,
            our_in_process_secs,
            mean,
        }
    }
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
    /// Mean over files of the announced-ahead fractions.
    pub mean_ahead_fraction: Option<super::Ahead>,
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
        let ahead: Vec<super::Ahead> = files.iter().filter_map(|f| f.ahead_fraction).collect();
        let n_ahead = ahead.len().max(1) as f64;
        Self {
            mean_offline: mean_scores(files.iter().map(|f| &f.offline)),
            mean_online: (!online.is_empty()).then(|| mean_scores(online.iter())),
            mean_ahead_fraction: (!ahead.is_empty()).then(|| super::Ahead {
                of_correct: ahead.iter().map(|a| a.of_correct).sum::<f64>() / n_ahead,
                of_reference: ahead.iter().map(|a| a.of_reference).sum::<f64>() / n_ahead,
            }),
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
            "{:<32} {:>6} | {:>5} {:>5} {:>5} | {:>5} {:>5} {:>5} {:>11} | {:>5}",
            "file", "bpm", "F", "CMLt", "AMLt", "onF", "onCML", "onAML", "ahead/ref", "lbF"
        );
        for f in &self.files {
            println!(
                "{:<32} {:>6} | {} | {} {:>11} | {:>5}",
                truncate(&f.name, 32),
                f.tempo_bpm.map_or("-".into(), |b| format!("{b:.1}")),
                scores_cells(Some(&f.offline)),
                scores_cells(f.online.as_ref()),
                ahead_cell(f.ahead_fraction),
                f.librosa
                    .map_or("-".into(), |s| format!("{:.3}", s.f_measure)),
            );
        }
        println!(
            "{:<32} {:>6} | {} | {} {:>11} | {:>5}",
            "MEAN",
            "",
            scores_cells(Some(&self.mean_offline)),
            scores_cells(self.mean_online.as_ref()),
            ahead_cell(self.mean_ahead_fraction),
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
            self.print_librosa(l);
        }
    }

    fn print_librosa(&self, l: &LibrosaComparison) {
        let cpu = |t: &ProcessTiming| t.cpu_secs.map_or("-".into(), |c| format!("{c:.2} s"));
        println!(
            "librosa (F {:.3}, CMLt {:.3}, AMLt {:.3}), one process over {} files: wall {:.2} s, CPU {}",
            l.mean.f_measure,
            l.mean.cml_t,
            l.mean.aml_t,
            self.files.len(),
            l.librosa.wall_secs,
            cpu(&l.librosa)
        );
        println!(
            "ours, one process, {} jobs: wall {:.2} s ({:.1}x faster), CPU {}{}",
            l.jobs,
            l.ours.wall_secs,
            l.speedup_wall,
            cpu(&l.ours),
            l.speedup_cpu
                .map_or(String::new(), |r| format!(" ({r:.1}x less)"))
        );
        println!(
            "ours, one process, 1 job: wall {:.2} s ({:.1}x faster), CPU {}; in-process decode+analysis {:.2} s",
            l.ours_one_job.wall_secs,
            l.speedup_wall_one_job,
            cpu(&l.ours_one_job),
            l.our_in_process_secs
        );
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

/// `of_correct/of_reference`, e.g. `1.00/0.84`.
fn ahead_cell(ahead: Option<super::Ahead>) -> String {
    ahead.map_or("-".into(), |a| {
        format!("{:.2}/{:.2}", a.of_correct, a.of_reference)
    })
}
