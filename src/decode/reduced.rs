//! A JPEG decoded at reduced scale (1/4 or 1/8) for the fast PDQ path,
//! with the `jpeg-decoder` crate's scaled IDCT.
//!
//! The header is read first and the declared size is checked against the
//! same [`Limits`] as a full decode, including a full-size output buffer
//! against `max_alloc`, before the scan data is decoded: fast mode refuses
//! exactly what exact mode refuses. What a reduced sequential decode then
//! allocates is less than that buffer: one reduced plane per component and
//! the reduced output (1/16 of it each at 1/4 scale), and one MCU row of
//! coefficients at a time.
//!
//! Only 8-bit sequential (baseline or extended) DCT JPEGs, grey or
//! YCbCr/RGB, whose sides allow a reduction of at least [`MIN_REDUCTION`]
//! take this path; everything else (smaller images, progressive, CMYK,
//! 12/16-bit, lossless) is left to the full decoder. Progressive files are
//! entropy-bound: jpeg-decoder keeps their full-size coefficients and took
//! 0.9-1.1x the full decode's time at 1/4 scale natively.

use std::io::ErrorKind;

use image::metadata::Orientation;
use jpeg_decoder::{CodingProcess, Decoder, PixelFormat};

use super::scale::{pdq_reduction, reduced_len};
use super::Limits;
use crate::error::{Error, Result};
use crate::pixels::{Layout, Pixels};

/// A reduced-scale decode.
pub(crate) struct Reduced {
    /// The pixels at 1/`reduction` of the declared size (rounded up).
    pub(crate) pixels: Pixels,
    /// The EXIF orientation (1..=8), 1 when absent.
    pub(crate) orientation: u8,
    /// The width and height the file declares.
    pub(crate) size: (u32, u32),
    /// 2, 4 or 8.
    pub(crate) reduction: u8,
}

/// The smallest reduction worth a second decoder: at 1/2 scale jpeg-decoder
/// (whose entropy decoding is slower than zune-jpeg's) took 0.94-1.88x the
/// time of zune-jpeg's full decode natively, at 1/4 and 1/8 0.5-1.0x on
/// baseline files (docs/DESIGN-decoding.md).
const MIN_REDUCTION: u32 = 4;

/// Decodes a JPEG (framing already checked) at the largest reduction that
/// keeps both sides >= 512 pixels; `Ok(None)` when that reduction is under
/// [`MIN_REDUCTION`] or the file is a kind this path leaves to the full decoder.
pub(crate) fn decode(bytes: &[u8], limits: &Limits) -> Result<Option<Reduced>> {
    let mut decoder = Decoder::new(bytes);
    decoder.read_info().map_err(map_error)?;
    let Some(info) = decoder.info() else {
        return Err(Error::Internal("the JPEG header was read but no frame was found".into()));
    };
    let (width, height) = (u32::from(info.width), u32::from(info.height));
    let channels = info.pixel_format.pixel_bytes() as u64;
    limits.check_image(width, height, u64::from(width) * u64::from(height) * channels)?;
    let layout = match info.pixel_format {
        PixelFormat::L8 => Layout::Grey8,
        PixelFormat::RGB24 => Layout::Rgb8,
        PixelFormat::L16 | PixelFormat::CMYK32 => return Ok(None),
    };
    let reduction = pdq_reduction(width, height);
    if reduction < MIN_REDUCTION || info.coding_process != CodingProcess::DctSequential {
        return Ok(None);
    }
    let (out_width, out_height) = (reduced_len(width, reduction), reduced_len(height, reduction));
    // Both reduced sides are at least 512, so they fit the u16 the header held.
    let requested = (out_width as u16, out_height as u16);
    let got = decoder.scale(requested.0, requested.1).map_err(map_error)?;
    if got != requested {
        return Err(Error::Internal(format!("asked for a {requested:?} decode, the decoder chose {got:?}")));
    }
    let output_bytes = u64::from(out_width) * u64::from(out_height) * channels;
    decoder.set_max_decoding_buffer_size(usize::try_from(output_bytes).unwrap_or(usize::MAX));
    let data = decoder.decode().map_err(map_error)?;
    // The orientation is advisory: a malformed EXIF block does not fail the decode.
    let orientation = decoder.exif_data().and_then(Orientation::from_exif_chunk).map_or(1, Orientation::to_exif);
    Ok(Some(Reduced {
        pixels: Pixels::new(out_width, out_height, layout, data)?,
        orientation,
        size: (width, height),
        reduction: reduction as u8,
    }))
}

/// Maps jpeg-decoder's errors onto prescreen's codes.
fn map_error(err: jpeg_decoder::Error) -> Error {
    match err {
        jpeg_decoder::Error::Io(io) if io.kind() == ErrorKind::UnexpectedEof => Error::Truncated,
        jpeg_decoder::Error::Io(io) => Error::Corrupt(io.to_string()),
        jpeg_decoder::Error::Format(text) => Error::Corrupt(text),
        jpeg_decoder::Error::Unsupported(_) => Error::UnsupportedFormat,
        other => Error::Internal(other.to_string()),
    }
}
