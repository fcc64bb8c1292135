//! How much memory decoding a file will take, from its header alone.

use std::io::Cursor;

/// What decoding one file is expected to cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Estimate {
    /// The pixels its header declares (0 when it is no image we decode).
    pub pixels: u64,
    /// The bytes to reserve: the decoder's output buffer in its own sample
    /// layout, the 8-bit RGBA copy and PDQ's working planes (8 bytes per
    /// pixel together), and a fixed allowance for decoder state.
    pub bytes: u64,
}

/// Decoder state that does not grow with the image (tables, line buffers).
const FIXED: u64 = 16 << 20;
/// What the header reader itself may allocate (ICC profiles, text chunks).
const HEADER_ALLOC: u64 = 16 << 20;

/// The estimate for decoding `bytes` within `limits`. A file whose header
/// cannot be read within [`HEADER_ALLOC`] is charged the decoder's whole
/// allocation limit: it is either refused fast or as large as allowed.
pub fn decode_estimate(bytes: &[u8], limits: &prescreen::Limits) -> Estimate {
    let Some(_format) = prescreen::sniff(bytes) else {
        return Estimate { pixels: 0, bytes: FIXED };
    };
    let mut header_limits = image::Limits::default();
    header_limits.max_alloc = Some(HEADER_ALLOC);
    let header = image::ImageReader::new(Cursor::new(bytes)).with_guessed_format().ok().and_then(|mut reader| {
        reader.limits(header_limits);
        let decoder = reader.into_decoder().ok()?;
        let (width, height) = image::ImageDecoder::dimensions(&decoder);
        Some((u64::from(width) * u64::from(height), image::ImageDecoder::total_bytes(&decoder)))
    });
    match header {
        Some((pixels, buffer)) => Estimate {
            pixels,
            bytes: buffer.min(limits.max_alloc).saturating_add(pixels.saturating_mul(8)).saturating_add(FIXED),
        },
        None => Estimate { pixels: limits.max_pixels, bytes: limits.max_alloc.saturating_add(FIXED) },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32, color: image::ExtendedColorType) -> Vec<u8> {
        let channels = u64::from(color.channel_count());
        let depth = u64::from(color.bits_per_pixel()) / channels;
        let raw = vec![0u8; (u64::from(width) * u64::from(height) * channels * depth / 8) as usize];
        let mut out = Vec::new();
        image::ImageEncoder::write_image(image::codecs::png::PngEncoder::new(&mut out), &raw, width, height, color)
            .unwrap();
        out
    }

    #[test]
    fn charges_the_declared_pixels_at_the_decoders_layout() {
        let limits = prescreen::Limits::default();
        let rgb8 = decode_estimate(&png(300, 200, image::ExtendedColorType::Rgb8), &limits);
        assert_eq!(rgb8, Estimate { pixels: 60_000, bytes: 60_000 * 3 + 60_000 * 8 + FIXED });
        let rgba16 = decode_estimate(&png(300, 200, image::ExtendedColorType::Rgba16), &limits);
        assert_eq!(rgba16.bytes, 60_000 * 8 + 60_000 * 8 + FIXED);
    }

    #[test]
    fn unreadable_headers_are_charged_the_whole_allocation_limit() {
        let limits = prescreen::Limits::default();
        let mut broken = png(10, 10, image::ExtendedColorType::L8);
        broken.truncate(20);
        assert_eq!(decode_estimate(&broken, &limits).bytes, limits.max_alloc + FIXED);
        assert_eq!(decode_estimate(b"plain text", &limits), Estimate { pixels: 0, bytes: FIXED });
    }
}
