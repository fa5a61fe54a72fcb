//! Character encodings: detect the input's encoding and decode it to UTF-8
//! before any CSV/JSON parsing.
//!
//! Detection looks at a bounded prefix of the raw bytes, in this order:
//! `--encoding NAME` (a WHATWG label) wins; then a byte-order mark (UTF-8,
//! UTF-16LE, UTF-16BE); then the NUL-byte pattern of BOM-less UTF-16 (mostly
//! ASCII text has a zero in every other byte); then valid UTF-8 (ASCII
//! included); otherwise a legacy single-byte file (Excel's "CSV (Comma
//! delimited)" save writes Windows-1252), guessed by `chardetng`.
//!
//! UTF-8 input is not transcoded at all (no copy, the fast path); any other
//! encoding is decoded by `encoding_rs` as a stream ([`DecodeReader`]), so
//! memory stays bounded and newlines (hence line numbers) are preserved.

use crate::error::{Error, Result, Setting};
use encoding_rs::{CoderResult, Decoder, Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};
use std::io::{BufRead, Read};

/// The most raw bytes looked at to detect the encoding.
pub(crate) const DETECT_LIMIT: usize = 64 * 1024;

/// The encoding chosen for an input, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Detected {
    /// The encoding.
    pub encoding: &'static Encoding,
    /// Length of the byte-order mark to skip (0 when none).
    pub bom_len: usize,
    /// How it was chosen: `forced`, `bom`, `utf-16 pattern`, `utf-8`, `guessed`.
    pub how: &'static str,
}

impl Detected {
    /// True when the bytes are read as they are (UTF-8, no transcoding).
    pub fn is_utf8(&self) -> bool {
        self.encoding == UTF_8
    }
}

/// Look up an `--encoding` name (WHATWG labels: `utf-8`, `utf-16le`,
/// `windows-1252`, `latin1`, `iso-8859-15`, `shift_jis`, …).
///
/// `utf-16` alone means little-endian (what Windows writes). An unknown
/// name is a one-line option error.
pub(crate) fn encoding_for_label(name: &str) -> Result<&'static Encoding> {
    let n = name.trim();
    if n.eq_ignore_ascii_case("utf16") {
        return Ok(UTF_16LE);
    }
    Encoding::for_label(n.as_bytes()).ok_or_else(|| {
        Error::option(
            Setting::Encoding,
            format!(
                "unknown encoding '{n}' (use a WHATWG label such as utf-8, utf-16le, utf-16be, windows-1252, latin1, iso-8859-15)"
            ),
        )
    })
}

/// Choose the encoding of an input from its first bytes (`prefix`, at most
/// [`DETECT_LIMIT`]; `whole` when it is the entire input).
pub(crate) fn detect(prefix: &[u8], whole: bool, forced: Option<&'static Encoding>) -> Detected {
    let bom = Encoding::for_bom(prefix);
    if let Some(encoding) = forced {
        // A BOM of the forced encoding is still skipped.
        let bom_len = match bom {
            Some((e, n)) if e == encoding => n,
            _ => 0,
        };
        return Detected {
            encoding,
            bom_len,
            how: "forced",
        };
    }
    if let Some((encoding, bom_len)) = bom {
        return Detected {
            encoding,
            bom_len,
            how: "bom",
        };
    }
    if let Some(encoding) = utf16_by_nul_pattern(prefix) {
        return Detected {
            encoding,
            bom_len: 0,
            how: "utf-16 pattern",
        };
    }
    if mostly_utf8(prefix, whole) {
        return Detected {
            encoding: UTF_8,
            bom_len: 0,
            how: "utf-8",
        };
    }
    let mut det = chardetng::EncodingDetector::new();
    det.feed(prefix, whole);
    let mut encoding = det.guess(None, false);
    if encoding == UTF_8 {
        encoding = WINDOWS_1252;
    }
    Detected {
        encoding,
        bom_len: 0,
        how: "guessed",
    }
}

/// Valid UTF-8, or UTF-8 with a few stray bytes: more valid non-ASCII
/// characters than invalid sequences. (A mostly-UTF-8 file with one broken
/// row stays UTF-8, and that row is rejected with a hint; a legacy file has
/// almost no valid multi-byte sequences.) A character cut by the end of a
/// partial prefix does not count as invalid.
fn mostly_utf8(prefix: &[u8], whole: bool) -> bool {
    let (mut good, mut bad) = (0usize, 0usize);
    let mut chunks = prefix.utf8_chunks().peekable();
    while let Some(c) = chunks.next() {
        good += c.valid().chars().filter(|ch| !ch.is_ascii()).count();
        let cut_at_end = chunks.peek().is_none() && !whole && c.invalid().len() < 4;
        if !c.invalid().is_empty() && !cut_at_end {
            bad += 1;
        }
    }
    bad == 0 || good > bad
}

/// BOM-less UTF-16: in mostly-ASCII text every other byte is zero (the odd
/// ones for little-endian, the even ones for big-endian).
fn utf16_by_nul_pattern(prefix: &[u8]) -> Option<&'static Encoding> {
    let n = prefix.len().min(4096) & !1;
    if n < 4 {
        return None;
    }
    let pairs = n / 2;
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in prefix[..n].chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    // At least 40% of the pairs hold a zero on one side and almost none on the other.
    let many = |k: usize| k * 10 >= pairs * 4;
    let few = |k: usize| k * 20 <= pairs;
    if many(odd) && few(even) {
        Some(UTF_16LE)
    } else if many(even) && few(odd) {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Decode bytes that are not valid UTF-8 for a message or a rejects file:
/// valid UTF-8 runs are kept, every other byte is read as Windows-1252 (the
/// usual culprit), so the text stays faithful instead of turning into U+FFFD.
pub(crate) fn lossless_text(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        if !chunk.invalid().is_empty() {
            let (s, _) = WINDOWS_1252.decode_without_bom_handling(chunk.invalid());
            out.push_str(&s);
        }
    }
    out
}

/// A streaming decoder: reads bytes in any encoding from `inner` and yields
/// UTF-8. Malformed sequences become U+FFFD (the encoding was chosen for the
/// whole file; a legacy single-byte encoding has none).
pub(crate) struct DecodeReader<R> {
    inner: R,
    decoder: Decoder,
    inbuf: Box<[u8]>,
    in_start: usize,
    in_end: usize,
    out: Box<[u8]>,
    out_start: usize,
    out_end: usize,
    eof: bool,
    finished: bool,
}

impl<R: Read> DecodeReader<R> {
    /// Decode `inner` (positioned after any BOM) from `encoding`.
    pub fn new(inner: R, encoding: &'static Encoding) -> Self {
        DecodeReader {
            inner,
            decoder: encoding.new_decoder_without_bom_handling(),
            inbuf: vec![0; 64 * 1024].into_boxed_slice(),
            in_start: 0,
            in_end: 0,
            out: vec![0; 3 * 64 * 1024 + 16].into_boxed_slice(),
            out_start: 0,
            out_end: 0,
            eof: false,
            finished: false,
        }
    }
}

impl<R: Read> BufRead for DecodeReader<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        while self.out_start == self.out_end && !self.finished {
            if self.in_start == self.in_end && !self.eof {
                let n = loop {
                    match self.inner.read(&mut self.inbuf) {
                        Ok(n) => break n,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(e) => return Err(e),
                    }
                };
                self.in_start = 0;
                self.in_end = n;
                self.eof = n == 0;
            }
            let (res, read, written, _) = self.decoder.decode_to_utf8(
                &self.inbuf[self.in_start..self.in_end],
                &mut self.out,
                self.eof,
            );
            self.in_start += read;
            self.out_start = 0;
            self.out_end = written;
            if self.eof && res == CoderResult::InputEmpty {
                self.finished = true;
            }
        }
        Ok(&self.out[self.out_start..self.out_end])
    }

    fn consume(&mut self, amt: usize) {
        self.out_start = (self.out_start + amt).min(self.out_end);
    }
}

impl<R: Read> Read for DecodeReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let avail = self.fill_buf()?;
        let n = avail.len().min(buf.len());
        buf[..n].copy_from_slice(&avail[..n]);
        self.consume(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels() {
        assert_eq!(encoding_for_label("latin1").unwrap(), WINDOWS_1252);
        assert_eq!(encoding_for_label(" UTF-16 ").unwrap(), UTF_16LE);
        assert_eq!(encoding_for_label("utf16").unwrap(), UTF_16LE);
        assert_eq!(encoding_for_label("cp1252").unwrap(), WINDOWS_1252);
        let e = encoding_for_label("klingon").unwrap_err().to_string();
        assert!(e.contains("unknown encoding 'klingon'"), "{e}");
    }

    #[test]
    fn detection_order() {
        let d = detect(b"\xEF\xBB\xBFid\n", true, None);
        assert_eq!((d.encoding, d.bom_len, d.how), (UTF_8, 3, "bom"));
        let d = detect(b"\xFF\xFEi\0d\0", true, None);
        assert_eq!((d.encoding, d.bom_len), (UTF_16LE, 2));
        let d = detect(b"\xFE\xFF\0i\0d", true, None);
        assert_eq!((d.encoding, d.bom_len), (UTF_16BE, 2));
        let d = detect(b"i\0d\0\t\0x\0\n\0", true, None);
        assert_eq!((d.encoding, d.how), (UTF_16LE, "utf-16 pattern"));
        let d = detect(b"\0i\0d\0\t\0x\0\n", true, None);
        assert_eq!(d.encoding, UTF_16BE);
        assert_eq!(detect("Renée\n".as_bytes(), true, None).encoding, UTF_8);
        // Cut inside a character by the prefix limit: still UTF-8.
        assert_eq!(detect(b"Ren\xC3", false, None).encoding, UTF_8);
        // Mostly UTF-8 with one stray byte: UTF-8 (the row is rejected later).
        assert_eq!(
            detect(
                "é ü ß\n"
                    .as_bytes()
                    .iter()
                    .chain(b"\xff\n")
                    .copied()
                    .collect::<Vec<_>>()
                    .as_slice(),
                true,
                None
            )
            .encoding,
            UTF_8
        );
        let d = detect(
            b"name,text\nRen\xe9e,Caf\xe9 \x80 10 \x96 it isn\x92t\n",
            true,
            None,
        );
        assert_eq!((d.encoding, d.how), (WINDOWS_1252, "guessed"));
        let d = detect(b"\xEF\xBB\xBFx", true, Some(WINDOWS_1252));
        assert_eq!((d.encoding, d.bom_len, d.how), (WINDOWS_1252, 0, "forced"));
    }

    #[test]
    fn stream_decoding_across_buffer_boundaries() {
        // UTF-16LE text longer than one input buffer, with a surrogate pair.
        let text = "Jürgen 😀,\r\n".repeat(10_000);
        let bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let mut out = String::new();
        DecodeReader::new(&bytes[..], UTF_16LE)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, text);
        let mut out = String::new();
        DecodeReader::new(&b"Ren\xe9e \x80"[..], WINDOWS_1252)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "Renée €");
        let mut out = String::new();
        DecodeReader::new(&b""[..], WINDOWS_1252)
            .read_to_string(&mut out)
            .unwrap();
        assert_eq!(out, "");
    }

    #[test]
    fn lossless_keeps_utf8_and_reads_stray_bytes_as_cp1252() {
        assert_eq!(lossless_text("Jürgen ".as_bytes()), "Jürgen ");
        assert_eq!(lossless_text(b"J\xfcrgen \xc3\xa9"), "Jürgen é");
    }
}
