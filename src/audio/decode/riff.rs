//! A look at a WAV header before symphonia parses it.
//!
//! symphonia 0.5 panics on a WAV `fmt ` chunk declaring 0 Hz or 0 channels (it builds a time
//! base of `1/0`). Reading those two fields first turns such a header into a clear
//! [`AudioError::BadFormat`](super::AudioError::BadFormat) instead.

use std::io::{Read, Seek, SeekFrom};

/// Chunks walked before giving up on finding `fmt ` (real files have it first or second).
const MAX_CHUNKS: usize = 64;

/// `(channels, sample_rate_hz)` from the `fmt ` chunk, or `None` when the bytes are not a
/// RIFF/WAVE file or the chunk cannot be found (symphonia then reports the problem).
pub(super) fn wav_format<R: Read + Seek>(reader: &mut R) -> Option<(u16, u32)> {
    let mut header = [0u8; 12];
    reader.read_exact(&mut header).ok()?;
    if &header[0..4] != b"RIFF" || &header[8..12] != b"WAVE" {
        return None;
    }
    for _ in 0..MAX_CHUNKS {
        let mut chunk = [0u8; 8];
        reader.read_exact(&mut chunk).ok()?;
        let len = u32::from_le_bytes([chunk[4], chunk[5], chunk[6], chunk[7]]);
        if &chunk[0..4] == b"fmt " {
            let mut fmt = [0u8; 8];
            reader.read_exact(&mut fmt).ok()?;
            let channels = u16::from_le_bytes([fmt[2], fmt[3]]);
            let rate_hz = u32::from_le_bytes([fmt[4], fmt[5], fmt[6], fmt[7]]);
            return Some((channels, rate_hz));
        }
        // Chunks are padded to an even length.
        let skip = i64::from(len) + i64::from(len & 1);
        reader.seek(SeekFrom::Current(skip)).ok()?;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;

    fn riff(chunks: &[(&[u8; 4], Vec<u8>)]) -> Vec<u8> {
        let mut out = b"RIFF\0\0\0\0WAVE".to_vec();
        for (id, body) in chunks {
            out.extend_from_slice(*id);
            out.extend_from_slice(&(body.len() as u32).to_le_bytes());
            out.extend_from_slice(body);
            if body.len() % 2 == 1 {
                out.push(0);
            }
        }
        out
    }

    fn fmt_body(channels: u16, rate_hz: u32) -> Vec<u8> {
        let mut body = 1u16.to_le_bytes().to_vec();
        body.extend_from_slice(&channels.to_le_bytes());
        body.extend_from_slice(&rate_hz.to_le_bytes());
        body.extend_from_slice(&[0; 8]);
        body
    }

    #[test]
    fn finds_fmt_after_other_chunks() {
        let bytes = riff(&[(b"LIST", vec![1, 2, 3]), (b"fmt ", fmt_body(2, 48_000))]);
        assert_eq!(wav_format(&mut Cursor::new(bytes)), Some((2, 48_000)));
    }

    #[test]
    fn ignores_non_wav_and_short_input() {
        assert_eq!(
            wav_format(&mut Cursor::new(b"fLaC\0\0\0\0\0\0\0\0".to_vec())),
            None
        );
        assert_eq!(wav_format(&mut Cursor::new(b"RIFF".to_vec())), None);
        let no_fmt = riff(&[(b"data", vec![0; 4])]);
        assert_eq!(wav_format(&mut Cursor::new(no_fmt)), None);
    }
}
