//! Does the container end where its own structure says it should?
//!
//! Decoders do not always say "truncated": the JPEG decoder pads a cut-off
//! scan and succeeds, others report a generic error or succeed when only the
//! end marker is missing. These walks
//! follow each container's framing (JPEG markers, PNG chunks, GIF blocks, the
//! RIFF size) without decoding anything, so that a file cut short is known
//! as such whichever way the decoder reacts (and decoded as damaged, or
//! refused as `truncated`). On the way, the JPEG walk counts the scans and
//! checks the DC Huffman tables, for rules every decoding path shares. They
//! are linear in the input and allocate nothing.

use super::Format;

/// Whether `bytes` (already sniffed as `format`) end before their framing
/// says they should. A framing error that is not a cut-off answers `false`:
/// the decoder then reports the file as corrupt.
pub(crate) fn ends_early(format: Format, bytes: &[u8]) -> bool {
    let walk = match format {
        Format::Jpeg => return jpeg_framing(bytes).cut_off,
        Format::Png => png(bytes),
        Format::Gif => gif(bytes),
        Format::WebP => webp(bytes),
        Format::Bmp => bmp(bytes),
        Format::Pnm => pnm(bytes),
    };
    walk == Walk::CutOff
}

#[derive(Debug, PartialEq, Eq)]
enum Walk {
    /// The framing is complete (or malformed in a way that is not a cut-off).
    Intact,
    /// The bytes end inside the framing.
    CutOff,
}

/// Reads a big-endian u16 at `at`, `None` past the end.
fn be16(bytes: &[u8], at: usize) -> Option<usize> {
    let pair = bytes.get(at..at.checked_add(2)?)?;
    Some(usize::from(u16::from_be_bytes([pair[0], pair[1]])))
}

/// Reads a little-endian u32 at `at`, `None` past the end.
fn le32(bytes: &[u8], at: usize) -> Option<u64> {
    let quad = bytes.get(at..at.checked_add(4)?)?;
    Some(u64::from(u32::from_le_bytes([quad[0], quad[1], quad[2], quad[3]])))
}

/// What the walk over a JPEG's marker segments found.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct JpegFraming {
    /// Whether the bytes end before EOI.
    pub(crate) cut_off: bool,
    /// The scans (SOS segments) met on the way.
    pub(crate) scans: u32,
    /// Whether a DC Huffman table holds a symbol over 15 (a difference of
    /// more than 15 bits), which libjpeg (so Chromium) and zune-jpeg refuse
    /// and jpeg-decoder accepts until the symbol is used.
    pub(crate) bad_dc_table: bool,
    /// For a cut-off file with scan data: how many of its bytes an EOI
    /// marker can follow (the end of the scan data where the cut fell in
    /// it, or the start of the segment it fell in); `None` when the bytes
    /// end before the first scan's data.
    pub(crate) close_at: Option<usize>,
}

/// JPEG: marker segments from SOI to EOI, skipping entropy-coded scan data.
pub(crate) fn jpeg_framing(bytes: &[u8]) -> JpegFraming {
    let (mut scans, mut bad_dc_table) = (0, false);
    let intact = |scans, bad_dc_table| JpegFraming { cut_off: false, scans, bad_dc_table, close_at: None };
    let cut = |scans, bad_dc_table, at| JpegFraming {
        cut_off: true,
        scans,
        bad_dc_table,
        close_at: (scans > 0).then_some(at),
    };
    let mut pos = 2; // after SOI
    loop {
        let segment = pos;
        match bytes.get(pos) {
            None => return cut(scans, bad_dc_table, segment),
            Some(0xFF) => {}
            Some(_) => return intact(scans, bad_dc_table), // garbage between segments: the decoder's call
        }
        while bytes.get(pos) == Some(&0xFF) {
            pos += 1; // a marker may be preceded by any number of fill bytes
        }
        let Some(&marker) = bytes.get(pos) else { return cut(scans, bad_dc_table, segment) };
        pos += 1;
        match marker {
            0xD9 => return intact(scans, bad_dc_table), // EOI
            0x01 | 0xD0..=0xD8 => continue,             // TEM, RSTn, SOI: no length
            0x00 => return intact(scans, bad_dc_table),
            _ => {}
        }
        let Some(length) = be16(bytes, pos) else { return cut(scans, bad_dc_table, segment) };
        if length < 2 {
            return intact(scans, bad_dc_table);
        }
        pos += length;
        if pos > bytes.len() {
            return cut(scans, bad_dc_table, segment);
        }
        if marker == 0xC4 {
            bad_dc_table |= dc_symbol_over_15(&bytes[segment..pos]);
        }
        if marker == 0xDA {
            scans += 1;
            match skip_scan(bytes, pos) {
                Some(next_marker) => pos = next_marker,
                None => return cut(scans, bad_dc_table, bytes.len()),
            }
        }
    }
}

/// Whether a DHT segment (from its marker on) defines a DC table with a
/// symbol over 15. A malformed segment answers `false`: the decoders judge it.
fn dc_symbol_over_15(segment: &[u8]) -> bool {
    let Some(mut body) = segment.iter().position(|&b| b == 0xC4).and_then(|at| segment.get(at + 3..)) else {
        return false;
    };
    while let Some((&class_id, rest)) = body.split_first() {
        let Some(counts) = rest.get(..16) else { return false };
        let total: usize = counts.iter().map(|&c| usize::from(c)).sum();
        let Some(symbols) = rest.get(16..16 + total) else { return false };
        if class_id >> 4 == 0 && symbols.iter().any(|&s| s > 15) {
            return true;
        }
        body = &rest[16 + total..];
    }
    false
}

/// Skips entropy-coded data from `pos`; the index of the next real marker's
/// 0xFF, or `None` when the bytes end first.
fn skip_scan(bytes: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        let ff = next_ff(bytes, pos)?;
        match *bytes.get(ff + 1)? {
            0x00 | 0xD0..=0xD7 => pos = ff + 2, // stuffed byte or restart marker
            0xFF => pos = ff + 1,               // fill byte
            _ => return Some(ff),
        }
    }
}

/// The index of the first 0xFF byte at or after `pos`. Eight bytes at a
/// time: the scan of a 12 MP photo is megabytes long, and a byte loop was a
/// visible part of the browser's decode time.
fn next_ff(bytes: &[u8], mut pos: usize) -> Option<usize> {
    while let Some(eight) = bytes.get(pos..pos + 8) {
        let word = u64::from_le_bytes([eight[0], eight[1], eight[2], eight[3], eight[4], eight[5], eight[6], eight[7]]);
        let marks = ff_marks(word);
        if marks != 0 {
            return Some(pos + marks.trailing_zeros() as usize / 8);
        }
        pos += 8;
    }
    bytes.get(pos..)?.iter().position(|&b| b == 0xFF).map(|i| pos + i)
}

/// Marks the 0xFF bytes of `word`: a set top bit in each such byte's place
/// (a zero byte of `!word`); zero when there is none. Only the lowest mark is
/// sure to be exact, which is all a search for the first 0xFF needs.
pub(super) fn ff_marks(word: u64) -> u64 {
    (!word).wrapping_sub(0x0101_0101_0101_0101) & word & 0x8080_8080_8080_8080
}

/// PNG: length-type-data-CRC chunks after the signature, up to IEND.
fn png(bytes: &[u8]) -> Walk {
    let mut pos: u64 = 8;
    let len = bytes.len() as u64;
    loop {
        let at = pos as usize;
        let (Some(length), Some(kind)) = (bytes.get(at..at + 4), bytes.get(at + 4..at + 8)) else {
            return Walk::CutOff;
        };
        let length = u64::from(u32::from_be_bytes([length[0], length[1], length[2], length[3]]));
        if length > 0x7FFF_FFFF {
            return Walk::Intact; // invalid length: corrupt, not cut off
        }
        pos += 12 + length;
        if pos > len {
            return Walk::CutOff;
        }
        if kind == b"IEND" {
            return Walk::Intact;
        }
    }
}

/// GIF: header, colour tables, extension and image blocks, up to the trailer.
fn gif(bytes: &[u8]) -> Walk {
    let Some(&flags) = bytes.get(10) else { return Walk::CutOff };
    let mut pos = 13 + colour_table_bytes(flags);
    loop {
        let Some(&block) = bytes.get(pos) else { return Walk::CutOff };
        match block {
            0x3B => return Walk::Intact, // trailer
            0x21 => pos += 2,            // extension introducer and label
            0x2C => {
                let Some(&flags) = bytes.get(pos + 9) else { return Walk::CutOff };
                pos += 10 + colour_table_bytes(flags) + 1; // descriptor, table, LZW code size
            }
            _ => return Walk::Intact,
        }
        loop {
            let Some(&size) = bytes.get(pos) else { return Walk::CutOff };
            pos += 1 + usize::from(size);
            if size == 0 {
                break;
            }
        }
    }
}

/// The size of the colour table that a GIF flags byte announces.
fn colour_table_bytes(flags: u8) -> usize {
    if flags & 0x80 == 0 {
        0
    } else {
        3 << ((flags & 7) + 1)
    }
}

/// WebP: the RIFF header's size against the bytes present.
fn webp(bytes: &[u8]) -> Walk {
    match le32(bytes, 4) {
        Some(size) if (bytes.len() as u64) >= 8 + size => Walk::Intact,
        _ => Walk::CutOff,
    }
}

/// BMP: the file header's size field (when set) against the bytes present.
fn bmp(bytes: &[u8]) -> Walk {
    match le32(bytes, 2) {
        None => Walk::CutOff,
        Some(size) if (bytes.len() as u64) < size => Walk::CutOff,
        Some(_) => Walk::Intact,
    }
}

/// PNM (P1..P6): the header's size against the raster present. Binary
/// rasters are counted in bytes, ASCII ones in samples; a last ASCII sample
/// cut between its digits cannot be told from a shorter number. PAM (P7) is
/// left to the decoder.
fn pnm(bytes: &[u8]) -> Walk {
    let kind = bytes.get(1).copied().unwrap_or(b'7');
    if !(b'1'..=b'6').contains(&kind) {
        return Walk::Intact;
    }
    let bitmap = kind == b'1' || kind == b'4';
    let mut fields = PnmFields { bytes, pos: 2 };
    let mut header = [1u64; 3]; // width, height, maxval (1 for bitmaps)
    for field in header.iter_mut().take(if bitmap { 2 } else { 3 }) {
        match fields.next() {
            Some(Some(value)) => *field = value,
            Some(None) => return Walk::Intact, // not a number: the decoder's call
            None => return Walk::CutOff,
        }
    }
    let [width, height, maxval] = header;
    let channels = if kind == b'3' || kind == b'6' { 3 } else { 1 };
    let samples = width.saturating_mul(height).saturating_mul(channels);
    let raster_start = fields.pos.saturating_add(1); // one whitespace byte ends the header
    let present = bytes.len().saturating_sub(raster_start) as u64;
    let complete = match kind {
        b'4' => present >= width.div_ceil(8).saturating_mul(height),
        b'5' | b'6' => present >= samples.saturating_mul(if maxval < 256 { 1 } else { 2 }),
        b'1' => {
            bytes[raster_start.min(bytes.len())..].iter().filter(|b| matches!(b, b'0' | b'1')).count() as u64 >= samples
        }
        _ => {
            let body = &bytes[raster_start.min(bytes.len())..];
            let tokens = body.split(|b| b.is_ascii_whitespace()).filter(|t| !t.is_empty()).count();
            tokens as u64 >= samples
        }
    };
    if complete {
        Walk::Intact
    } else {
        Walk::CutOff
    }
}

/// The whitespace-separated decimal fields of a PNM header, skipping `#` comments.
struct PnmFields<'a> {
    bytes: &'a [u8],
    /// Just past the last field read.
    pos: usize,
}

impl PnmFields<'_> {
    /// `None` when the bytes end first; `Some(None)` for a field that is not a number.
    /// A field that touches the end of the bytes may be cut: it counts as the end.
    fn next(&mut self) -> Option<Option<u64>> {
        loop {
            match *self.bytes.get(self.pos)? {
                b'#' => {
                    let newline = self.bytes[self.pos..].iter().position(|&b| b == b'\n' || b == b'\r')?;
                    self.pos += newline;
                }
                b if b.is_ascii_whitespace() => self.pos += 1,
                _ => break,
            }
        }
        let start = self.pos;
        let len = self.bytes[start..].iter().position(|b| b.is_ascii_whitespace())?;
        self.pos = start + len;
        let digits = &self.bytes[start..self.pos];
        if len > 19 || !digits.iter().all(u8::is_ascii_digit) {
            return Some(None);
        }
        Some(Some(digits.iter().fold(0, |n, &d| n * 10 + u64::from(d - b'0'))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// A minimal JPEG framing: SOI, one segment, SOS, scan data with a
    /// stuffed byte and a restart marker, EOI.
    const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\x00\x04ab\xFF\xDA\x00\x03x\x12\xFF\x00\x34\xFF\xD0\x56\xFF\xFF\xD9";

    #[test]
    fn jpeg_cut_offs() {
        assert!(!ends_early(Format::Jpeg, JPEG));
        for cut in 2..JPEG.len() {
            assert!(ends_early(Format::Jpeg, &JPEG[..cut]), "cut at {cut}");
        }
        let mut trailing = JPEG.to_vec();
        trailing.extend_from_slice(b"junk after EOI");
        assert!(!ends_early(Format::Jpeg, &trailing));
    }

    #[test]
    fn where_a_cut_jpeg_can_be_closed() {
        let scan = JPEG.windows(2).position(|w| w == [0xFF, 0xDA]).unwrap();
        let data = scan + 5; // after SOS and its 3-byte body
        assert_eq!(jpeg_framing(JPEG), JpegFraming { cut_off: false, scans: 1, bad_dc_table: false, close_at: None });
        for cut in 2..data {
            assert_eq!(jpeg_framing(&JPEG[..cut]).close_at, None, "cut at {cut}: no scan data yet");
        }
        for cut in data..JPEG.len() {
            let framing = jpeg_framing(&JPEG[..cut]);
            assert_eq!((framing.cut_off, framing.close_at), (true, Some(cut)), "cut at {cut}");
        }
        // A cut inside a segment after the scan closes before that segment.
        let mut two = JPEG[..JPEG.len() - 2].to_vec();
        let second = two.len();
        two.extend_from_slice(b"\xFF\xC4\x00\x10abc");
        assert_eq!(
            jpeg_framing(&two),
            JpegFraming { cut_off: true, scans: 1, bad_dc_table: false, close_at: Some(second) }
        );
    }

    #[test]
    fn dc_tables_with_symbols_over_15_are_found() {
        // DHT: class 0 (DC) table 0 with one 1-bit code for symbol 11, then class 1 (AC).
        let mut dht = b"\xFF\xC4\x00\x26\x00\x01".to_vec();
        dht.extend_from_slice(&[0; 15]);
        dht.push(11);
        dht.extend_from_slice(b"\x10\x01");
        dht.extend_from_slice(&[0; 15]);
        dht.push(0xF0);
        assert!(!dc_symbol_over_15(&dht));
        dht[21] = 16; // the DC symbol
        assert!(dc_symbol_over_15(&dht));
        dht[21] = 11;
        let last = dht.len() - 1;
        dht[last] = 0xFA; // AC symbols may be anything up to 0xFF
        assert!(!dc_symbol_over_15(&dht));
    }

    #[test]
    fn png_framing() {
        let mut png = b"\x89PNG\r\n\x1A\n".to_vec();
        png.extend_from_slice(b"\0\0\0\x02IHDRab1234");
        png.extend_from_slice(b"\0\0\0\0IEND1234");
        assert!(!ends_early(Format::Png, &png));
        for cut in 8..png.len() {
            assert!(ends_early(Format::Png, &png[..cut]), "cut at {cut}");
        }
    }

    #[test]
    fn gif_framing() {
        // Header, 1x1 screen with a 2-entry table, one extension, one image, trailer.
        let mut gif = b"GIF89a\x01\x00\x01\x00\x80\x00\x00".to_vec();
        gif.extend_from_slice(&[0, 0, 0, 255, 255, 255]);
        gif.extend_from_slice(b"\x21\xF9\x04\x00\x00\x00\x00\x00");
        gif.extend_from_slice(b"\x2C\0\0\0\0\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00");
        gif.push(0x3B);
        assert!(!ends_early(Format::Gif, &gif));
        for cut in 6..gif.len() {
            assert!(ends_early(Format::Gif, &gif[..cut]), "cut at {cut}");
        }
    }

    #[test]
    fn pnm_sizes() {
        let binary = b"P6\n# comment\n2 1\n255\nabcdef";
        assert!(!ends_early(Format::Pnm, binary));
        for cut in 2..binary.len() {
            assert!(ends_early(Format::Pnm, &binary[..cut]), "cut at {cut}");
        }
        assert!(!ends_early(Format::Pnm, b"P5 2 2 65535 12345678"));
        assert!(ends_early(Format::Pnm, b"P5 2 2 65535 1234567"));
        assert!(!ends_early(Format::Pnm, b"P4 9 2\n1234"));
        assert!(ends_early(Format::Pnm, b"P4 9 2\n123"));
        assert!(!ends_early(Format::Pnm, b"P2 2 1 255\n1 2"));
        assert!(ends_early(Format::Pnm, b"P2 2 1 255\n1 "));
        assert!(!ends_early(Format::Pnm, b"P1 3 1\n010"));
        assert!(ends_early(Format::Pnm, b"P1 3 1\n01"));
        assert!(!ends_early(Format::Pnm, b"P6 x 1 255 abc")); // malformed, not cut off
    }

    #[test]
    fn riff_and_bmp_sizes() {
        assert!(!ends_early(Format::WebP, b"RIFF\x04\0\0\0WEBP"));
        assert!(ends_early(Format::WebP, b"RIFF\x05\0\0\0WEBP"));
        assert!(!ends_early(Format::Bmp, b"BM\x06\0\0\0"));
        assert!(ends_early(Format::Bmp, b"BM\x07\0\0\0"));
    }
}
