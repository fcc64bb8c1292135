//! JPEG decoding with the `jpeg-decoder` crate: at reduced scale (1/4 or
//! 1/8) for the fast PDQ path everywhere, at full scale without the
//! `zune-jpeg` feature (the browser package leaves zune-jpeg, the `image`
//! crate's JPEG decoder, out to stay small), and for cut-off files on every build
//! ([`decode_damaged`]), so they decode alike natively and in the browser.
//!
//! The header is read first and the declared size is checked against
//! [`Limits`] before any scan data is decoded: a full-size output buffer, and
//! for a full decode also the decoder's own working planes (one full-size
//! plane per component, and for a progressive file its coefficients), since
//! jpeg-decoder checks its buffer limit only after decoding. A reduced
//! sequential decode allocates less than the full-size check allows: one
//! reduced plane per component and the reduced output (1/16 of it each at
//! 1/4 scale), and one MCU row of coefficients at a time.
//!
//! Only 8-bit sequential (baseline or extended) DCT JPEGs, grey or
//! YCbCr/RGB, whose sides allow a reduction of at least [`MIN_REDUCTION`]
//! take the reduced path; the rest is left to the full decode. Progressive
//! files are entropy-bound: jpeg-decoder keeps their full-size coefficients
//! and took 0.9-1.1x the full decode's time at 1/4 scale natively.
//! 12- and 16-bit (lossless) JPEGs are `unsupported-format`, as with zune-jpeg.

use std::io::ErrorKind;

use image::metadata::Orientation;
use jpeg_decoder::{CodingProcess, Decoder, ImageInfo, PixelFormat};

use super::baseline;
use super::scale::{pdq_reduction, reduced_len};
use super::{Damage, Limits};
use crate::error::{Error, Result};
use crate::pixels::{Layout, Pixels};

/// A JPEG decoded by jpeg-decoder.
pub(crate) struct JpegImage {
    /// The pixels at 1/`reduction` of the declared size (rounded up).
    pub(crate) pixels: Pixels,
    /// The EXIF orientation (1..=8), 1 when absent.
    pub(crate) orientation: u8,
    /// The width and height the file declares.
    pub(crate) size: (u32, u32),
    /// 1 for a full decode; 4 or 8 for a reduced one.
    pub(crate) reduction: u8,
}

/// The smallest reduction worth a second decoder: at 1/2 scale jpeg-decoder
/// (whose entropy decoding is slower than zune-jpeg's) took 0.94-1.88x the
/// time of zune-jpeg's full decode natively, at 1/4 and 1/8 0.5-1.0x on
/// baseline files (docs/DESIGN-decoding.md).
const MIN_REDUCTION: u32 = 4;

/// Decodes a JPEG (framing already checked) at full resolution, as RGB or
/// grey: every JPEG without the `zune-jpeg` feature, and with it the damaged
/// ones (zune-jpeg decodes the rest), so that those decode alike in both builds.
pub(crate) fn decode_full(bytes: &[u8], limits: &Limits) -> Result<JpegImage> {
    let (mut decoder, info) = open(bytes)?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    let planes = u64::from(width) * u64::from(height) * components(info.pixel_format);
    let coefficients = if info.coding_process == CodingProcess::DctProgressive { 2 * planes } else { 0 };
    limits.check_image(width, height, output_bytes(&info, width, height) + planes + coefficients)?;
    let data = decoder.decode().map_err(map_error)?;
    let (layout, data) = match info.pixel_format {
        PixelFormat::L8 => (Layout::Grey8, data),
        PixelFormat::RGB24 => (Layout::Rgb8, data),
        PixelFormat::CMYK32 => (Layout::Rgb8, cmyk_to_rgb(&data)),
        PixelFormat::L16 => return Err(Error::UnsupportedFormat),
    };
    Ok(JpegImage {
        pixels: Pixels::new(width, height, layout, data)?,
        orientation: orientation(&decoder),
        size: (width, height),
        reduction: 1,
    })
}

/// Decodes a JPEG (framing already checked) at the largest reduction that
/// keeps both sides >= 512 pixels; `Ok(None)` when that reduction is under
/// [`MIN_REDUCTION`] or the file is a kind this path leaves to the full decoder.
pub(crate) fn decode_reduced(bytes: &[u8], limits: &Limits) -> Result<Option<JpegImage>> {
    decode_scaled(bytes, limits, pdq_reduction)
}

/// [`decode_reduced`] at the reduction `choose` picks for the declared
/// width and height.
pub(crate) fn decode_scaled(
    bytes: &[u8],
    limits: &Limits,
    choose: impl FnOnce(u32, u32) -> u32,
) -> Result<Option<JpegImage>> {
    let (mut decoder, info) = open(bytes)?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    limits.check_image(width, height, output_bytes(&info, width, height))?;
    let layout = match info.pixel_format {
        PixelFormat::L8 => Layout::Grey8,
        PixelFormat::RGB24 => Layout::Rgb8,
        PixelFormat::L16 | PixelFormat::CMYK32 => return Ok(None),
    };
    let reduction = choose(width, height);
    if reduction < MIN_REDUCTION || info.coding_process != CodingProcess::DctSequential {
        return Ok(None);
    }
    let (out_width, out_height) = (reduced_len(width, reduction), reduced_len(height, reduction));
    if let Some(pixels) = baseline::decode(bytes, reduction, (width, height))? {
        return Ok(Some(JpegImage {
            pixels,
            orientation: orientation(&decoder),
            size: (width, height),
            reduction: reduction as u8,
        }));
    }
    // The reduced sides are smaller than the header's, so they fit its u16.
    let requested = (out_width as u16, out_height as u16);
    let got = decoder.scale(requested.0, requested.1).map_err(map_error)?;
    if got != requested {
        return Err(Error::Internal(format!("asked for a {requested:?} decode, the decoder chose {got:?}")));
    }
    let reduced_bytes = u64::from(out_width) * u64::from(out_height) * components(info.pixel_format);
    decoder.set_max_decoding_buffer_size(usize::try_from(reduced_bytes).unwrap_or(usize::MAX));
    let data = decoder.decode().map_err(map_error)?;
    Ok(Some(JpegImage {
        pixels: Pixels::new(out_width, out_height, layout, data)?,
        orientation: orientation(&decoder),
        size: (width, height),
        reduction: reduction as u8,
    }))
}

/// Reads the header (no scan data yet).
fn open(bytes: &[u8]) -> Result<(Decoder<&[u8]>, ImageInfo)> {
    let mut decoder = Decoder::new(bytes);
    decoder.read_info().map_err(map_error)?;
    match decoder.info() {
        Some(info) => Ok((decoder, info)),
        None => Err(Error::Internal("the JPEG header was read but no frame was found".into())),
    }
}

/// Samples per pixel in the decoder's output.
fn components(format: PixelFormat) -> u64 {
    format.pixel_bytes() as u64
}

/// The full-size output buffer, in bytes.
fn output_bytes(info: &ImageInfo, width: u32, height: u32) -> u64 {
    u64::from(width) * u64::from(height) * components(info.pixel_format)
}

/// The EXIF orientation, 1 when absent. It is advisory: a malformed EXIF
/// block does not fail the decode.
fn orientation(decoder: &Decoder<&[u8]>) -> u8 {
    decoder.exif_data().and_then(Orientation::from_exif_chunk).map_or(1, Orientation::to_exif)
}

/// Decodes a JPEG cut off at `close_at` bytes (where
/// [`super::complete::JpegFraming`] says an EOI can follow) as a browser
/// shows it: the file closed with an EOI, decoded at full scale (or reduced,
/// with `reduce`, as [`decode_reduced`] would), and for the sequential files
/// the baseline decoder reads, every row after the last whole row of MCUs
/// the data holds set to black (a browser leaves them transparent). Other
/// kinds (progressive above all) keep what the decoder made of the data
/// padded with zero bits. The damage is [`Damage::MissingEnd`] when every
/// MCU arrived.
pub(crate) fn decode_damaged(
    bytes: &[u8],
    close_at: usize,
    limits: &Limits,
    reduce: bool,
) -> Result<(JpegImage, Damage)> {
    let mut kept = &bytes[..close_at.min(bytes.len())];
    while let [rest @ .., 0xFF] = kept {
        kept = rest; // the cut fell after a marker's (or a stuffed byte's) first byte
    }
    let mut closed = Vec::with_capacity(kept.len() + 2);
    closed.extend_from_slice(kept);
    closed.extend_from_slice(&[0xFF, 0xD9]);
    // The declared size first: counting the rows that arrived walks every
    // MCU the frame declares (a 1 KB file declaring 65000x65000 took 12 s).
    let (_, info) = open(&closed).map_err(cut_off)?;
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    limits.check_image(width, height, output_bytes(&info, width, height))?;
    let arrived = baseline::rows_arrived(kept).map_err(cut_off)?;
    if arrived.is_some_and(|(rows, _)| rows == 0) {
        return Err(Error::Truncated); // not one row of MCUs: nothing a browser would show
    }
    let reduced = if reduce { decode_reduced(&closed, limits).map_err(cut_off)? } else { None };
    let mut image = match reduced {
        Some(image) => image,
        None => decode_full(&closed, limits).map_err(cut_off)?,
    };
    let damage = match arrived {
        Some((rows, all)) => {
            image.pixels.blank_rows_from(rows.div_ceil(u32::from(image.reduction)));
            if all {
                Damage::MissingEnd
            } else {
                Damage::Truncated
            }
        }
        None => Damage::Truncated,
    };
    Ok((image, damage))
}

/// A decoder's error on a cut-off file: the cut is the cause, unless a limit stopped it.
fn cut_off(err: Error) -> Error {
    match err {
        Error::TooLarge { .. } | Error::DecoderLimit { .. } | Error::UnsupportedFormat => err,
        _ => Error::Truncated,
    }
}

/// CMYK (as jpeg-decoder outputs it, Adobe inversion already undone) to RGB:
/// each colour is `(255 - ink) * (255 - black) / 255`, rounded.
fn cmyk_to_rgb(cmyk: &[u8]) -> Vec<u8> {
    let mut rgb = Vec::with_capacity(cmyk.len() / 4 * 3);
    for pixel in cmyk.chunks_exact(4) {
        let white = 255 - u32::from(pixel[3]);
        for &ink in &pixel[..3] {
            rgb.push((((255 - u32::from(ink)) * white + 127) / 255) as u8);
        }
    }
    rgb
}

/// Maps jpeg-decoder's errors onto prescreen's codes.
fn map_error(err: jpeg_decoder::Error) -> Error {
    match err {
        jpeg_decoder::Error::Io(io) if io.kind() == ErrorKind::UnexpectedEof => Error::Truncated,
        jpeg_decoder::Error::Io(io) => Error::Corrupt(super::detail(&io)),
        jpeg_decoder::Error::Format(text) => Error::Corrupt(text),
        jpeg_decoder::Error::Unsupported(_) => Error::UnsupportedFormat,
        other => Error::Internal(super::detail(&other)),
    }
}

/// With the `zune-jpeg` feature full decodes use zune-jpeg; without it (the
/// browser package) [`decode_full`]. These tests hold the two decoders to each
/// other on real files, so a JPEG hashes the same (or nearly) in the browser
/// and on the server.
#[cfg(all(test, feature = "zune-jpeg"))]
mod tests {
    use super::*;
    use crate::pdq;

    /// The conformance JPEGs and the decoder fixtures (see their READMEs and generate.py).
    const FILES: [(&str, &[u8]); 13] = [
        ("astronaut-q70-progressive", include_bytes!("../../tests/conformance/images/astronaut-q70-progressive.jpg")),
        ("camera-grey-q85", include_bytes!("../../tests/conformance/images/camera-grey-q85.jpg")),
        ("chelsea-q95-444", include_bytes!("../../tests/conformance/images/chelsea-q95-444.jpg")),
        ("coffee-12mp-4000x3000", include_bytes!("../../tests/conformance/images/coffee-12mp-4000x3000.jpg")),
        ("coffee-q85", include_bytes!("../../tests/conformance/images/coffee-q85.jpg")),
        ("hubble-1600x1004", include_bytes!("../../tests/conformance/images/hubble-1600x1004.jpg")),
        ("hubble_deep_field", include_bytes!("../../tests/conformance/images/hubble_deep_field.jpg")),
        ("retina", include_bytes!("../../tests/conformance/images/retina.jpg")),
        ("rocket", include_bytes!("../../tests/conformance/images/rocket.jpg")),
        ("rgb-orientation6", include_bytes!("../../tests/decode/rgb-orientation6.jpg")),
        ("grey", include_bytes!("../../tests/decode/grey.jpg")),
        ("progressive", include_bytes!("../../tests/decode/progressive.jpg")),
        ("cmyk", include_bytes!("../../tests/decode/cmyk.jpg")),
    ];

    #[test]
    fn both_full_decoders_agree() {
        let limits = Limits::default();
        for (name, bytes) in FILES {
            let ours = decode_full(bytes, &limits).unwrap_or_else(|e| panic!("{name}: {e}"));
            let zune = super::super::decode(bytes, &limits).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(ours.pixels.layout(), zune.pixels.layout(), "{name}");
            assert_eq!(
                (ours.size, ours.orientation),
                ((zune.pixels.width(), zune.pixels.height()), zune.orientation),
                "{name}"
            );
            let (a, b) = (ours.pixels.view(), zune.pixels.view());
            let worst = a.data().iter().zip(b.data()).map(|(x, y)| x.abs_diff(*y)).max().unwrap_or(0);
            let bits = pdq::hash(a).hash.distance(&pdq::hash(b).hash);
            println!("{name}: samples differ by up to {worst}, hashes by {bits} bits");
            assert!(worst <= 8 && bits <= 2, "{name}: samples differ by up to {worst}, hashes by {bits} bits");
        }
    }
}
