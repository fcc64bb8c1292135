//! Cheap checks that a file holds enough data for the size it declares,
//! made after the size limits and before the pixel buffer is allocated.
//!
//! A 100-byte PNG may declare 120 million pixels, within the limits; the
//! decoder would allocate the whole buffer before finding the data missing.
//! Deflate cannot expand data more than 1032 times, so a PNG whose compressed
//! pixel data is too short for its declared size is refused up front.

use super::Format;

/// Deflate's largest possible expansion (258-byte matches from 2-bit codes),
/// with a little slack for the zlib framing.
const DEFLATE_MAX_RATIO: u64 = 1040;

/// The width and height in a PNG's IHDR, read before the decoder opens the
/// file (its own checks differ between 32- and 64-bit targets).
pub(crate) fn png_dimensions(bytes: &[u8]) -> Option<(u32, u32)> {
    let ihdr = bytes.get(12..24)?;
    if &ihdr[..4] != b"IHDR" {
        return None;
    }
    let width = u32::from_be_bytes([ihdr[4], ihdr[5], ihdr[6], ihdr[7]]);
    let height = u32::from_be_bytes([ihdr[8], ihdr[9], ihdr[10], ihdr[11]]);
    Some((width, height))
}

/// Whether `bytes` (sniffed as `format`, framing complete) may hold the
/// pixels of a `width` x `height` image. Formats without a cheap bound answer `true`.
pub(crate) fn enough_data(format: Format, bytes: &[u8], width: u32, height: u32) -> bool {
    match format {
        Format::Png => png_enough_data(bytes, width, height),
        _ => true,
    }
}

/// Compares the total IDAT length with the smallest raw size the header implies.
fn png_enough_data(bytes: &[u8], width: u32, height: u32) -> bool {
    let Some(&depth) = bytes.get(24) else { return true };
    let channels = match bytes.get(25) {
        Some(0 | 3) => 1,
        Some(4) => 2,
        Some(2) => 3,
        Some(6) => 4,
        _ => return true, // invalid: the decoder reports it
    };
    let bits = u64::from(width).saturating_mul(u64::from(height)).saturating_mul(u64::from(depth) * channels);
    let raw_bytes = bits / 8;
    raw_bytes <= idat_bytes(bytes).saturating_add(1).saturating_mul(DEFLATE_MAX_RATIO)
}

/// The total length of the IDAT chunks up to IEND, counting only the bytes
/// present in a chunk the file cuts off.
fn idat_bytes(bytes: &[u8]) -> u64 {
    png_chunks(bytes).filter(|c| &c.kind == b"IDAT").map(|c| c.data.len() as u64).sum()
}

/// Whether some PNG chunk up to IEND has a CRC that does not match it.
pub(crate) fn png_bad_checksum(bytes: &[u8]) -> bool {
    png_chunks(bytes).any(|c| {
        c.crc.is_some_and(|crc| {
            let mut hasher = crc32fast::Hasher::new();
            hasher.update(&c.kind);
            hasher.update(c.data);
            hasher.finalize() != crc
        })
    })
}

/// One chunk of a PNG.
struct Chunk<'a> {
    kind: [u8; 4],
    /// Its data, as much of it as the file holds.
    data: &'a [u8],
    /// Its CRC, when the file holds it.
    crc: Option<u32>,
}

/// The chunks after the signature, up to and including IEND, or to where
/// the bytes end; offsets in checked arithmetic (`usize` is 32 bits on wasm32).
fn png_chunks(bytes: &[u8]) -> impl Iterator<Item = Chunk<'_>> {
    let mut pos = Some(8usize);
    std::iter::from_fn(move || {
        let at = pos?;
        let header = bytes.get(at..at.checked_add(8)?)?;
        let length = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let kind = [header[4], header[5], header[6], header[7]];
        let start = at + 8;
        let end = start.checked_add(length);
        let data = &bytes[start..end.unwrap_or(usize::MAX).min(bytes.len())];
        let crc_bytes = end.and_then(|end| bytes.get(end..end.checked_add(4)?));
        let crc = crc_bytes.map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]));
        pos = if &kind == b"IEND" { None } else { end.and_then(|end| end.checked_add(4)) };
        Some(Chunk { kind, data, crc })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn png(width: u32, height: u32, idat_len: usize) -> Vec<u8> {
        let mut png = b"\x89PNG\r\n\x1A\n\0\0\0\x0DIHDR".to_vec();
        png.extend_from_slice(&width.to_be_bytes());
        png.extend_from_slice(&height.to_be_bytes());
        png.extend_from_slice(&[8, 2, 0, 0, 0, 0, 0, 0, 0]); // 8-bit RGB, then a (dummy) CRC
        png.extend_from_slice(&(idat_len as u32).to_be_bytes());
        png.extend_from_slice(b"IDAT");
        png.extend(std::iter::repeat_n(0, idat_len + 4));
        png.extend_from_slice(b"\0\0\0\0IEND\0\0\0\0");
        png
    }

    #[test]
    fn png_needs_a_thousandth_of_its_raw_size() {
        // 1000x1000 RGB = 3,000,000 raw bytes: at least 2885 compressed bytes.
        assert!(enough_data(Format::Png, &png(1000, 1000, 2900), 1000, 1000));
        assert!(!enough_data(Format::Png, &png(1000, 1000, 2000), 1000, 1000));
        assert!(!enough_data(Format::Png, &png(20000, 6000, 100), 20000, 6000));
        assert!(enough_data(Format::Jpeg, b"", 20000, 6000));
    }

    #[test]
    fn idat_total_stops_at_iend_and_at_the_end_of_the_bytes() {
        let whole = png(10, 10, 300);
        assert_eq!(idat_bytes(&whole), 300);
        let mut junk = whole.clone();
        junk.extend_from_slice(b"\0\0\x10\0IDAT"); // a huge chunk after IEND: not counted
        assert_eq!(idat_bytes(&junk), 300);
        let cut = &whole[..33 + 8 + 100]; // 100 bytes into the IDAT data
        assert_eq!(idat_bytes(cut), 100);
        let mut huge = whole[..33].to_vec();
        huge.extend_from_slice(b"\xFF\xFF\xFF\xFFIDATab"); // a length past any address space
        assert_eq!(idat_bytes(&huge), 2);
    }

    #[test]
    fn finds_a_bad_crc() {
        let mut file = b"\x89PNG\r\n\x1A\n".to_vec();
        file.extend_from_slice(b"\0\0\0\0IEND\xAE\x42\x60\x82"); // the real IEND CRC
        assert!(!png_bad_checksum(&file));
        let last = file.len() - 1;
        file[last] ^= 1;
        assert!(png_bad_checksum(&file));
    }

    #[test]
    fn reads_png_dimensions() {
        assert_eq!(png_dimensions(&png(20000, 6000, 1)), Some((20000, 6000)));
        assert_eq!(png_dimensions(&png(20000, 6000, 1)[..23]), None);
    }
}
