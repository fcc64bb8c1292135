//! A decoder for the common case of the fast PDQ path: 8-bit baseline
//! (Huffman, sequential) JPEGs in one interleaved scan, grey or YCbCr with
//! 4:4:4, 4:2:2, 4:4:0 or 4:2:0 chroma, decoded at 1/4 or 1/8 scale.
//!
//! At those scales almost all of jpeg-decoder's time goes into Huffman
//! decoding, which no scale skips. This decoder does only that work and
//! the few sums the reduced transforms need: it looks up codes 12 bits at a
//! time (most AC coefficients with their extra bits in one lookup), loads
//! the bit stream up to 8 bytes at a time, and keeps just the 4 (or 1)
//! coefficients per block that a 2x2 (1x1) inverse transform reads. The
//! transforms, chroma upsampling and colour conversion use jpeg-decoder's
//! arithmetic, so the pixels equal its own scaled decode (tests below), and
//! everything else (progressive, arithmetic-coded, RGB or CMYK, several
//! scans, unusual sampling) is left to jpeg-decoder.

mod colour;
mod huffman;
mod scan;
mod segments;

use crate::error::Result;
use crate::pixels::{Layout, Pixels};
use colour::Sampled;

/// Decodes `bytes` at 1/`reduction` scale (4 or 8, sides rounded up);
/// `Ok(None)` when the file is not a kind this decoder handles or its frame
/// is not `size` (width, height).
pub(crate) fn decode(bytes: &[u8], reduction: u32, size: (u32, u32)) -> Result<Option<Pixels>> {
    let Some(frame) = segments::parse(bytes) else {
        return Ok(None);
    };
    // The caller checked `size` against the limits: decode no other size.
    if (frame.width as u32, frame.height as u32) != size {
        return Ok(None);
    }
    let side = match reduction {
        4 => 2,
        8 => 1,
        _ => return Ok(None),
    };
    let planes = scan::decode(&frame, reduction as usize)?;
    let (width, height) = ((frame.width * side).div_ceil(8), (frame.height * side).div_ceil(8));
    if let [plane] = planes.as_slice() {
        return Pixels::new(width as u32, height as u32, Layout::Grey8, colour::grey(plane, width, height)).map(Some);
    }
    let (h_max, v_max) = frame.max_sampling();
    let sampled: Vec<Sampled<'_>> = frame
        .components
        .iter()
        .zip(&planes)
        .map(|(c, plane)| Sampled {
            plane,
            width: (frame.width * c.h * side).div_ceil(h_max * 8),
            height: (frame.height * c.v * side).div_ceil(v_max * 8),
            half_across: c.h < h_max && width != 1,
            half_down: c.v < v_max && height != 1,
        })
        .collect();
    let data = colour::rgb(&sampled[0], &sampled[1], &sampled[2], width, height);
    Pixels::new(width as u32, height as u32, Layout::Rgb8, data).map(Some)
}

/// For a JPEG of the kind this decoder takes, possibly cut short: how many
/// pixel rows the scan data covers in whole MCU rows, and whether that is
/// every row; `Ok(None)` for other kinds.
pub(crate) fn rows_arrived(bytes: &[u8]) -> Result<Option<(u32, bool)>> {
    let Some(frame) = segments::parse(bytes) else {
        return Ok(None);
    };
    let (complete, total) = scan::complete_mcu_rows(&frame)?;
    let rows = (complete * 8 * frame.max_sampling().1).min(frame.height);
    Ok(Some((rows as u32, complete == total)))
}

/// The oracle is jpeg-decoder's own scaled decode (an independent decoder):
/// the pixels must be identical, at both scales, on every file this decoder
/// takes; the rest must be left to it.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// tests/decode/baseline/generate.py, the conformance JPEGs and the decoder fixtures.
    const TAKEN: [(&str, &[u8]); 16] = [
        ("420-203x149-q90", include_bytes!("../../../tests/decode/baseline/420-203x149-q90.jpg")),
        ("422-120x77-q75-optimized", include_bytes!("../../../tests/decode/baseline/422-120x77-q75-optimized.jpg")),
        ("444-97x64-q100", include_bytes!("../../../tests/decode/baseline/444-97x64-q100.jpg")),
        ("440-64x96-q85", include_bytes!("../../../tests/decode/baseline/440-64x96-q85.jpg")),
        ("420-161x123-q80-restart3", include_bytes!("../../../tests/decode/baseline/420-161x123-q80-restart3.jpg")),
        ("444-70x41-q60-restart-rows", include_bytes!("../../../tests/decode/baseline/444-70x41-q60-restart-rows.jpg")),
        ("420-33x17-q5", include_bytes!("../../../tests/decode/baseline/420-33x17-q5.jpg")),
        ("420-1x1-q90", include_bytes!("../../../tests/decode/baseline/420-1x1-q90.jpg")),
        ("grey-75x51-q95", include_bytes!("../../../tests/decode/baseline/grey-75x51-q95.jpg")),
        ("grey-66x40-q70-restart5", include_bytes!("../../../tests/decode/baseline/grey-66x40-q70-restart5.jpg")),
        ("camera-grey-q85", include_bytes!("../../../tests/conformance/images/camera-grey-q85.jpg")),
        ("chelsea-q95-444", include_bytes!("../../../tests/conformance/images/chelsea-q95-444.jpg")),
        ("coffee-12mp-4000x3000", include_bytes!("../../../tests/conformance/images/coffee-12mp-4000x3000.jpg")),
        ("hubble-1600x1004", include_bytes!("../../../tests/conformance/images/hubble-1600x1004.jpg")),
        ("rocket", include_bytes!("../../../tests/conformance/images/rocket.jpg")),
        ("rgb-orientation6", include_bytes!("../../../tests/decode/rgb-orientation6.jpg")),
    ];

    const LEFT: [(&str, &[u8]); 5] = [
        ("fallback-progressive", include_bytes!("../../../tests/decode/baseline/fallback-progressive.jpg")),
        ("fallback-411", include_bytes!("../../../tests/decode/baseline/fallback-411.jpg")),
        ("fallback-rgb", include_bytes!("../../../tests/decode/baseline/fallback-rgb.jpg")),
        (
            "astronaut-q70-progressive",
            include_bytes!("../../../tests/conformance/images/astronaut-q70-progressive.jpg"),
        ),
        ("cmyk", include_bytes!("../../../tests/decode/cmyk.jpg")),
    ];

    /// The size jpeg-decoder reads from the header (what the caller checks).
    fn declared(bytes: &[u8]) -> (u32, u32) {
        let mut decoder = jpeg_decoder::Decoder::new(bytes);
        decoder.read_info().unwrap();
        let info = decoder.info().unwrap();
        (u32::from(info.width), u32::from(info.height))
    }

    /// [`decode`] at the size the header declares.
    fn decode_declared(bytes: &[u8], reduction: u32) -> Result<Option<Pixels>> {
        decode(bytes, reduction, declared(bytes))
    }

    /// jpeg-decoder at 1/`reduction` scale: (width, height, samples).
    fn oracle(bytes: &[u8], reduction: u32) -> (u32, u32, Vec<u8>) {
        let mut decoder = jpeg_decoder::Decoder::new(bytes);
        decoder.read_info().unwrap();
        let info = decoder.info().unwrap();
        let want =
            (u32::from(info.width).div_ceil(reduction) as u16, u32::from(info.height).div_ceil(reduction) as u16);
        assert_eq!(decoder.scale(want.0, want.1).unwrap(), want);
        (u32::from(want.0), u32::from(want.1), decoder.decode().unwrap())
    }

    #[test]
    fn pixels_equal_jpeg_decoders_scaled_decode() {
        for (name, bytes) in TAKEN {
            for reduction in [4, 8] {
                let ours = decode_declared(bytes, reduction).unwrap().unwrap_or_else(|| panic!("{name}: not taken"));
                let (width, height, samples) = oracle(bytes, reduction);
                assert_eq!((ours.width(), ours.height()), (width, height), "{name} 1/{reduction}");
                assert!(ours.view().data() == samples.as_slice(), "{name} 1/{reduction}: pixels differ");
            }
        }
    }

    #[test]
    fn other_kinds_are_left_to_jpeg_decoder() {
        for (name, bytes) in LEFT {
            assert!(decode_declared(bytes, 4).unwrap().is_none(), "{name}");
        }
        assert!(decode_declared(TAKEN[0].1, 2).unwrap().is_none(), "1/2 scale");
    }

    #[test]
    fn only_the_declared_size_and_one_frame_are_decoded() {
        let (_, bytes) = TAKEN[0];
        let (w, h) = declared(bytes);
        assert!(decode(bytes, 4, (w + 1, h)).unwrap().is_none(), "another size than the caller checked");
        // The frame header twice: the second could declare any size.
        let sof = bytes.windows(2).position(|w| w == [0xFF, 0xC0]).unwrap();
        let end = sof + 2 + usize::from(u16::from_be_bytes([bytes[sof + 2], bytes[sof + 3]]));
        let two = [&bytes[..end], &bytes[sof..end], &bytes[end..]].concat();
        assert!(decode(&two, 4, (w, h)).unwrap().is_none(), "two frame headers");
    }

    #[test]
    fn damaged_scans_fail_with_a_code() {
        let (_, bytes) = TAKEN[4]; // with restart markers
        let scan = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]).unwrap() + 14;
        // Cut inside the scan data: truncated.
        assert!(matches!(decode(&bytes[..scan + 200], 4, declared(bytes)), Err(Error::Truncated)));
        // A restart marker renumbered: corrupt.
        let mut renumbered = bytes.to_vec();
        let rst = scan + renumbered[scan..].windows(2).position(|w| w == [0xFF, 0xD0]).unwrap();
        renumbered[rst + 1] = 0xD5;
        assert!(matches!(decode_declared(&renumbered, 4), Err(Error::Corrupt(_))));
    }

    #[test]
    fn flipped_bits_never_panic() {
        // Every seventh byte of the scan data of two files changed: an error
        // or some pixels, never a panic.
        for (_, bytes) in [TAKEN[1], TAKEN[4]] {
            let scan = bytes.windows(2).rposition(|w| w == [0xFF, 0xDA]).unwrap();
            for at in (scan..bytes.len()).step_by(7) {
                let mut damaged = bytes.to_vec();
                damaged[at] ^= 0x5A;
                let _ = decode(&damaged, 4, declared(bytes));
                let _ = decode(&damaged, 8, declared(bytes));
                // Cut anywhere from the scan header on: never pixels (an
                // error, or within the header left to jpeg-decoder).
                assert!(!matches!(decode(&bytes[..at], 4, declared(bytes)), Ok(Some(_))), "cut at {at}");
            }
        }
    }
}
