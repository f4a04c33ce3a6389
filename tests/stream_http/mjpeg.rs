//! Reading `/stream.mjpg` by hand: multipart parts (boundary line, headers, `Content-Length`
//! bytes of JPEG, CRLF), and checking a JPEG shows the character.

use std::io::{BufRead, BufReader, Read};
use std::net::SocketAddr;

use dancebot::stream::http::BOUNDARY;

use super::{agent, SHIRT, SKIN};

/// One multipart part: its headers' frame index and the JPEG.
pub struct Part {
    pub index: u64,
    pub jpeg: Vec<u8>,
}

/// Reads MJPEG parts by hand: `--BOUNDARY`, headers, `Content-Length` bytes, CRLF.
pub struct MjpegReader {
    reader: BufReader<Box<dyn Read + Send + Sync>>,
}

impl MjpegReader {
    pub fn open(addr: SocketAddr) -> MjpegReader {
        let resp = agent()
            .get(&format!("http://{addr}/stream.mjpg"))
            .call()
            .unwrap();
        assert_eq!(
            resp.header("Content-Type"),
            Some(format!("multipart/x-mixed-replace; boundary={BOUNDARY}").as_str())
        );
        MjpegReader {
            reader: BufReader::new(resp.into_reader()),
        }
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.reader.read_line(&mut line).unwrap();
        assert!(line.ends_with("\r\n"), "line {line:?} not CRLF-terminated");
        line.trim_end().to_owned()
    }

    pub fn next(&mut self) -> Part {
        assert_eq!(self.line(), format!("--{BOUNDARY}"));
        let (mut length, mut index, mut jpeg_type) = (None, None, false);
        loop {
            let line = self.line();
            if line.is_empty() {
                break;
            }
            let (name, value) = line.split_once(':').unwrap();
            match name.to_ascii_lowercase().as_str() {
                "content-type" => jpeg_type = value.trim() == "image/jpeg",
                "content-length" => length = Some(value.trim().parse::<usize>().unwrap()),
                "x-frame-index" => index = Some(value.trim().parse::<u64>().unwrap()),
                _ => {}
            }
        }
        assert!(jpeg_type, "part without Content-Type: image/jpeg");
        let mut jpeg = vec![0; length.expect("part without Content-Length")];
        self.reader.read_exact(&mut jpeg).unwrap();
        let mut crlf = [0; 2];
        self.reader.read_exact(&mut crlf).unwrap();
        assert_eq!(&crlf, b"\r\n");
        Part {
            index: index.expect("part without X-Frame-Index"),
            jpeg,
        }
    }
}

pub fn near(p: [u8; 3], c: [u8; 3], tol: i32) -> bool {
    p.iter()
        .zip(c)
        .all(|(&a, b)| (i32::from(a) - i32::from(b)).abs() <= tol)
}

/// Decodes a JPEG, checks markers and size, and counts shirt- and skin-coloured pixels.
pub fn check_jpeg(jpeg: &[u8], size: (u32, u32)) -> (usize, usize) {
    assert_eq!(&jpeg[..2], &[0xFF, 0xD8], "no SOI marker");
    assert_eq!(&jpeg[jpeg.len() - 2..], &[0xFF, 0xD9], "no EOI marker");
    let img = image::load_from_memory(jpeg).unwrap().to_rgb8();
    assert_eq!(img.dimensions(), size);
    let shirt = img.pixels().filter(|p| near(p.0, SHIRT, 40)).count();
    let skin = img.pixels().filter(|p| near(p.0, SKIN, 40)).count();
    (shirt, skin)
}
