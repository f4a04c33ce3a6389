//! Tempo from the periodicity of an onset envelope: a global tempo and a local tempo curve.
//!
//! The envelope is split into overlapping windows (a few seconds long); each window's
//! autocorrelation, normalised to its zero lag, is one column of an autocorrelation tempogram
//! (Grosche, Müller & Kurth 2010). The global tempo is the lag that maximises the mean column
//! weighted by a log-normal prior on tempo centred near 120 BPM (Ellis 2007, "Beat tracking by
//! dynamic programming"; librosa's `feature.tempo` uses the same prior). The local tempo curve
//! takes each column's best lag under a prior centred on the global tempo, so it follows tempo
//! changes without jumping between metrical levels.
//!
//! Lags are in frames of the envelope; tempi in BPM; times in seconds.

/// Settings of the tempo estimator. Change them for music far outside 40..=240 BPM.
#[derive(Debug, Clone, PartialEq)]
pub struct TempoConfig {
    /// Slowest tempo considered.
    pub min_bpm: f64,
    /// Fastest tempo considered.
    pub max_bpm: f64,
    /// Centre of the log-normal tempo prior.
    pub prior_centre_bpm: f64,
    /// Standard deviation of the prior in octaves (log2 units).
    pub prior_sigma_octaves: f64,
    /// Length of one autocorrelation window.
    pub window_secs: f64,
    /// Hop between windows.
    pub hop_secs: f64,
}

impl Default for TempoConfig {
    fn default() -> Self {
        Self {
            min_bpm: 40.0,
            max_bpm: 240.0,
            prior_centre_bpm: 120.0,
            prior_sigma_octaves: 1.0,
            window_secs: 8.0,
            hop_secs: 1.0,
        }
    }
}

/// Autocorrelation tempogram: `columns[w][lag]` for windows centred at `times_secs[w]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Tempogram {
    /// Frames per second of the envelope it was made from.
    pub frame_rate_hz: f64,
    /// Centre time of each window (seconds from the envelope's frame 0).
    pub times_secs: Vec<f64>,
    /// Normalised autocorrelation per window, lags `0..=max_lag`.
    pub columns: Vec<Vec<f64>>,
}

/// Tempo in BPM of a lag in frames.
pub fn lag_to_bpm(lag_frames: f64, frame_rate_hz: f64) -> f64 {
    60.0 * frame_rate_hz / lag_frames
}

/// Lag in frames of a tempo in BPM.
pub fn bpm_to_lag(bpm: f64, frame_rate_hz: f64) -> f64 {
    60.0 * frame_rate_hz / bpm
}

/// Log of the log-normal tempo prior (unnormalised): `-½ ((log2 bpm − log2 centre) / σ)²`.
pub fn log_prior(bpm: f64, centre_bpm: f64, sigma_octaves: f64) -> f64 {
    let z = (bpm / centre_bpm).log2() / sigma_octaves;
    -0.5 * z * z
}

/// Autocorrelation of `x` (mean removed) for lags `0..=max_lag`, normalised so lag 0 is 1;
/// all zeros for a constant window.
pub fn autocorrelation(x: &[f32], max_lag: usize) -> Vec<f64> {
    let n = x.len();
    let mean = x.iter().map(|&v| f64::from(v)).sum::<f64>() / n.max(1) as f64;
    let centred: Vec<f64> = x.iter().map(|&v| f64::from(v) - mean).collect();
    let mut ac: Vec<f64> = (0..=max_lag)
        .map(|lag| {
            centred
                .iter()
                .zip(centred.iter().skip(lag))
                .map(|(a, b)| a * b)
                .sum()
        })
        .collect();
    let zero = ac.first().copied().unwrap_or(0.0);
    for v in &mut ac {
        *v = if zero > 0.0 { *v / zero } else { 0.0 };
    }
    ac
}

/// Computes the autocorrelation tempogram of `envelope` (at `frame_rate_hz`).
pub fn tempogram(envelope: &[f32], frame_rate_hz: f64, cfg: &TempoConfig) -> Tempogram {
    let max_lag = bpm_to_lag(cfg.min_bpm, frame_rate_hz).ceil() as usize + 1;
    let window = ((cfg.window_secs * frame_rate_hz).round() as usize).max(2 * max_lag);
    let hop = ((cfg.hop_secs * frame_rate_hz).round() as usize).max(1);
    let mut times_secs = Vec::new();
    let mut columns = Vec::new();
    let n = envelope.len();
    let mut start = 0;
    loop {
        let end = (start + window).min(n);
        if end <= start + 2 {
            break;
        }
        columns.push(autocorrelation(
            &envelope[start..end],
            max_lag.min(end - start - 1),
        ));
        times_secs.push((start + end) as f64 / 2.0 / frame_rate_hz);
        if end == n {
            break;
        }
        start += hop;
    }
    Tempogram {
        frame_rate_hz,
        times_secs,
        columns,
    }
}

/// Best lag of `strength` (indexed by lag) within the tempo range under a prior, refined by
/// parabolic interpolation; `None` when nothing in range is positive.
pub fn best_lag(
    strength: &[f64],
    frame_rate_hz: f64,
    cfg: &TempoConfig,
    prior_centre_bpm: f64,
    prior_sigma_octaves: f64,
) -> Option<f64> {
    let lo = bpm_to_lag(cfg.max_bpm, frame_rate_hz).floor().max(1.0) as usize;
    let hi = (bpm_to_lag(cfg.min_bpm, frame_rate_hz).ceil() as usize)
        .min(strength.len().saturating_sub(1));
    let mut best: Option<(usize, f64)> = None;
    for (lag, &value) in strength.iter().enumerate().take(hi + 1).skip(lo) {
        if value <= 0.0 {
            continue;
        }
        let bpm = lag_to_bpm(lag as f64, frame_rate_hz);
        let score = value.ln() + log_prior(bpm, prior_centre_bpm, prior_sigma_octaves);
        if best.is_none_or(|(_, s)| score > s) {
            best = Some((lag, score));
        }
    }
    let (lag, _) = best?;
    Some(parabolic_peak(strength, lag))
}

/// Sub-sample peak position from the parabola through `x[i-1..=i+1]`.
fn parabolic_peak(x: &[f64], i: usize) -> f64 {
    if i == 0 || i + 1 >= x.len() {
        return i as f64;
    }
    let (a, b, c) = (x[i - 1], x[i], x[i + 1]);
    let denom = a - 2.0 * b + c;
    if denom >= 0.0 {
        return i as f64;
    }
    i as f64 + (0.5 * (a - c) / denom).clamp(-0.5, 0.5)
}

/// Mean of the tempogram columns, per lag.
pub fn mean_column(gram: &Tempogram) -> Vec<f64> {
    let len = gram.columns.iter().map(Vec::len).max().unwrap_or(0);
    let mut mean = vec![0.0; len];
    for col in &gram.columns {
        for (m, v) in mean.iter_mut().zip(col) {
            *m += v;
        }
    }
    let n = gram.columns.len().max(1) as f64;
    mean.iter_mut().for_each(|m| *m /= n);
    mean
}

/// Global tempo of an onset envelope; `None` for silence or no periodicity.
pub fn global_tempo_bpm(envelope: &[f32], frame_rate_hz: f64, cfg: &TempoConfig) -> Option<f64> {
    let gram = tempogram(envelope, frame_rate_hz, cfg);
    let mean = mean_column(&gram);
    let lag = best_lag(
        &mean,
        frame_rate_hz,
        cfg,
        cfg.prior_centre_bpm,
        cfg.prior_sigma_octaves,
    )?;
    Some(lag_to_bpm(lag, frame_rate_hz))
}

/// Local tempo per tempogram window, `(time_secs, bpm)`, with a narrow prior (a third of an
/// octave) around `global_bpm` so that it follows tempo changes at one metrical level.
pub fn local_tempo_curve(
    envelope: &[f32],
    frame_rate_hz: f64,
    global_bpm: f64,
    cfg: &TempoConfig,
) -> Vec<(f64, f64)> {
    let gram = tempogram(envelope, frame_rate_hz, cfg);
    gram.times_secs
        .iter()
        .zip(&gram.columns)
        .filter_map(|(&t, col)| {
            let lag = best_lag(col, frame_rate_hz, cfg, global_bpm, 1.0 / 3.0)?;
            Some((t, lag_to_bpm(lag, frame_rate_hz)))
        })
        .collect()
}

/// Linear interpolation of a `(time_secs, bpm)` curve at `t_secs` (held flat at the ends).
pub fn tempo_at(curve: &[(f64, f64)], t_secs: f64) -> Option<f64> {
    let first = curve.first()?;
    if t_secs <= first.0 {
        return Some(first.1);
    }
    for w in curve.windows(2) {
        let ((t0, b0), (t1, b1)) = (w[0], w[1]);
        if t_secs <= t1 {
            let f = if t1 > t0 {
                (t_secs - t0) / (t1 - t0)
            } else {
                0.0
            };
            return Some(b0 + f * (b1 - b0));
        }
    }
    curve.last().map(|p| p.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An impulse train with one impulse every `period` frames.
    fn pulses(n: usize, period: f64) -> Vec<f32> {
        let mut x = vec![0.0f32; n];
        let mut t = 0.0;
        while (t as usize) < n {
            x[t as usize] = 1.0;
            t += period;
        }
        x
    }

    #[test]
    fn finds_the_tempo_of_a_pulse_train() {
        let fr = 100.0;
        for bpm in [70.0, 100.0, 128.0, 150.0] {
            let env = pulses(3000, bpm_to_lag(bpm, fr));
            let got = global_tempo_bpm(&env, fr, &TempoConfig::default()).unwrap();
            assert!((got - bpm).abs() / bpm < 0.02, "{bpm} -> {got}");
        }
    }

    #[test]
    fn silence_has_no_tempo() {
        assert_eq!(
            global_tempo_bpm(&vec![0.0; 2000], 100.0, &TempoConfig::default()),
            None
        );
    }

    #[test]
    fn local_curve_follows_a_ramp() {
        let fr = 100.0;
        // 100 BPM for 15 s, then 130 BPM for 15 s.
        let mut env = pulses(1500, bpm_to_lag(100.0, fr));
        env.extend(pulses(1500, bpm_to_lag(130.0, fr)));
        let curve = local_tempo_curve(&env, fr, 115.0, &TempoConfig::default());
        assert!((tempo_at(&curve, 4.0).unwrap() - 100.0).abs() < 3.0);
        assert!((tempo_at(&curve, 26.0).unwrap() - 130.0).abs() < 4.0);
    }

    #[test]
    fn prior_peaks_at_its_centre() {
        assert_eq!(log_prior(120.0, 120.0, 1.0), 0.0);
        assert!((log_prior(240.0, 120.0, 1.0) + 0.5).abs() < 1e-12);
    }
}
