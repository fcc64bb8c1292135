//! A JPEG decoded at reduced scale (1/4 or 1/8) for the fast PDQ path,
//! with the `jpeg-decoder` crate's scaled IDCT.
//!
//! The header is read first; the declared size is checked against the same
//! [`Limits`] as a full decode (so fast mode refuses exactly what exact mode
//! refuses), and then the reduced decode's own memory (full-size coefficient
//! planes for a progressive file, reduced planes and output) against
//! `max_alloc`, all before the scan data is decoded.
//!
//! Only 8-bit DCT JPEGs (grey or YCbCr/RGB) whose sides allow a reduction of
//! at least [`MIN_REDUCTION`] take this path; everything else (smaller
//! images, CMYK, 12/16-bit, lossless) is left to the full decoder.

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
/// (whose entropy decoding is slower than zune-jpeg's) took 0.9-1.9x the
/// time of the full decode natively, at 1/4 and 1/8 0.25-0.9x
/// (docs/DESIGN-decoding.md); 1/2 also gave the largest hash distances.
const MIN_REDUCTION: u32 = 4;

/// Largest number of 8x8 blocks an MCU can pad a component's side by
/// (sampling factors go up to 4).
const MCU_PAD_BLOCKS: u64 = 4;

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
    if reduction < MIN_REDUCTION || info.coding_process == CodingProcess::Lossless {
        return Ok(None);
    }
    let (out_width, out_height) = (reduced_len(width, reduction), reduced_len(height, reduction));
    let progressive = info.coding_process == CodingProcess::DctProgressive;
    let working = working_bytes(width, height, reduction, channels, progressive);
    if working > limits.max_alloc {
        return Err(Error::TooLarge { what: "decoded bytes", value: working, limit: limits.max_alloc });
    }
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

/// An upper bound of what jpeg-decoder allocates for a reduced decode: a
/// progressive file keeps every component's DCT coefficients at full size
/// (64 i16 per block) until its last scan; every file gets one reduced plane
/// per component (padded to whole MCUs) and the interleaved output.
fn working_bytes(width: u32, height: u32, reduction: u32, channels: u64, progressive: bool) -> u64 {
    let blocks = |len: u32| u64::from(len.div_ceil(8)) + MCU_PAD_BLOCKS;
    let full_blocks = blocks(width) * blocks(height);
    let coefficients = if progressive { full_blocks * 64 * 2 * channels } else { 0 };
    let side = u64::from(8 / reduction);
    let planes = full_blocks * side * side * channels;
    let output = u64::from(reduced_len(width, reduction)) * u64::from(reduced_len(height, reduction)) * channels;
    coefficients + planes + output
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
