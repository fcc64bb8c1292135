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

/// The total length of the IDAT chunks (the walk in `complete.rs` has checked the framing).
fn idat_bytes(bytes: &[u8]) -> u64 {
    let mut total = 0u64;
    let mut pos = 8usize;
    while let (Some(length), Some(kind)) = (bytes.get(pos..pos + 4), bytes.get(pos + 4..pos + 8)) {
        let length = u32::from_be_bytes([length[0], length[1], length[2], length[3]]);
        if kind == b"IDAT" {
            total = total.saturating_add(u64::from(length));
        }
        pos = pos.saturating_add(12).saturating_add(length as usize);
    }
    total
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
    fn reads_png_dimensions() {
        assert_eq!(png_dimensions(&png(20000, 6000, 1)), Some((20000, 6000)));
        assert_eq!(png_dimensions(&png(20000, 6000, 1)[..23]), None);
    }
}
