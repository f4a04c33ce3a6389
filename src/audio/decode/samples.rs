//! Per-packet sample work: downmixing interleaved frames and finding non-finite samples.

/// Count and position of non-finite samples seen so far.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct NonFiniteTally {
    pub(super) count: usize,
    pub(super) first_frame: Option<u64>,
}

/// Averages interleaved frames of `channels` samples into `mono` (replacing its contents).
pub(crate) fn downmix_into(interleaved: &[f32], channels: usize, mono: &mut Vec<f32>) {
    mono.clear();
    if channels <= 1 {
        mono.extend_from_slice(interleaved);
        return;
    }
    let scale = 1.0 / channels as f32;
    mono.extend(
        interleaved
            .chunks_exact(channels)
            .map(|frame| frame.iter().sum::<f32>() * scale),
    );
}

/// Adds the non-finite samples of one packet (interleaved, starting at frame `frame_offset`) to
/// `tally`.
pub(super) fn tally_non_finite(
    interleaved: &[f32],
    channels: usize,
    frame_offset: u64,
    tally: &mut NonFiniteTally,
) {
    let mut bad = interleaved
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.is_finite());
    let Some((first, _)) = bad.next() else {
        return;
    };
    tally.count += 1 + bad.count();
    let frame = frame_offset + (first / channels.max(1)) as u64;
    tally.first_frame.get_or_insert(frame);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downmix_averages_frames() {
        let mut mono = vec![9.0];
        downmix_into(&[1.0, 3.0, -1.0, 1.0, 0.5, 0.5], 2, &mut mono);
        assert_eq!(mono, vec![2.0, 0.0, 0.5]);
        downmix_into(&[0.25, -0.25], 1, &mut mono);
        assert_eq!(mono, vec![0.25, -0.25]);
    }

    #[test]
    fn tally_counts_and_locates_non_finite() {
        let mut tally = NonFiniteTally::default();
        tally_non_finite(
            &[0.0, 0.0, 0.0, f32::NAN, f32::INFINITY, 0.0],
            2,
            10,
            &mut tally,
        );
        assert_eq!(tally.count, 2);
        assert_eq!(tally.first_frame, Some(11));
        tally_non_finite(&[f32::NAN], 1, 50, &mut tally);
        assert_eq!(tally.count, 3);
        assert_eq!(tally.first_frame, Some(11));
    }
}
