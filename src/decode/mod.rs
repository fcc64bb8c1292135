//! Untrusted bytes -> pixels: format sniffing, limits, typed errors.
//!
//! [`decode`] sniffs the format from magic bytes (never a file name), checks
//! the input size, reads the header, checks the declared dimensions and the
//! decoded buffer's size against [`Limits`] (saturating arithmetic), refuses
//! a PNG whose compressed data is too short for its declared size
//! (`plausible.rs`), and only then decodes the pixel data, with the `image`
//! crate. The pixels come out as 8-bit RGB or 8-bit grey (see `convert.rs` for
//! alpha, palette and 16-bit samples); the EXIF orientation is reported, never
//! applied.
//!
//! Errors: [`Error::Empty`], [`Error::UnsupportedFormat`] (also for a
//! sub-format the decoder does not support, such as arithmetic-coded JPEG),
//! [`Error::Truncated`] (the framing walk in `complete.rs` or the decoder
//! ran out of bytes), [`Error::TooLarge`], [`Error::DecoderLimit`] and
//! [`Error::Corrupt`].
//!
//! A file is cut off when it ends before its own framing says it should
//! (JPEG markers up to EOI, PNG chunks up to IEND, GIF blocks up to the
//! trailer, the RIFF size of WebP, the file size in a BMP header): the
//! framing decides, since a JPEG decoder pads a cut-off scan and would hash
//! whatever its padding makes. A cut-off JPEG, PNG or GIF, and a PNG whose
//! CRCs do not match, is decoded as Chromium draws it (`jpeg.rs`,
//! `partial.rs`): the rows that arrived, the rest black, marked
//! [`Decoded::damaged`]; one with no whole row, and a cut-off file of
//! another format, is `truncated`. Bytes after the end are allowed. PNM
//! has no framing: its decoder reports a short raster as `truncated`.
//! A GIF decodes to its first frame on the logical screen. Without the `pnm`
//! feature (the browser package) PNM is not decoded: [`Format::decodable`]
//! says so, and such files are `unsupported-format` there.
//!
//! [`decode_for_pdq`] with [`DecodeMode::Fast`] decodes a large baseline
//! JPEG at 1/4 or 1/8 scale (`scale.rs` picks the reduction, `baseline/`
//! or jpeg-decoder's scaled IDCT in `jpeg.rs` decodes): PDQ only samples 512x512 pixels,
//! so the hash stays within a few bits of the full decode's, for less time.

mod baseline;
mod complete;
mod convert;
mod damage;
mod jpeg;
mod limits;
mod partial;
mod plausible;
mod scale;
mod sniff;

use std::io::{Cursor, ErrorKind};

#[cfg(feature = "zune-jpeg")]
use image::codecs::jpeg::JpegDecoder;
#[cfg(feature = "pnm")]
use image::codecs::pnm::PnmDecoder;
use image::codecs::{bmp::BmpDecoder, gif::GifDecoder, png::PngDecoder, webp::WebPDecoder};
use image::error::ImageError;
use image::{DynamicImage, ImageDecoder};

use crate::error::{Error, Result};
use crate::pixels::Pixels;

pub use damage::Damage;
pub use limits::Limits;
use sniff::{sniff_bytes, Sniffed};

/// An image format prescreen decodes, as sniffed from magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// JPEG (baseline and progressive).
    Jpeg,
    /// PNG.
    Png,
    /// GIF (first frame only).
    Gif,
    /// WebP (lossy and lossless; first frame).
    WebP,
    /// Windows BMP.
    Bmp,
    /// PNM: PGM (grey) and PPM (RGB), binary and ASCII; also PBM and PAM.
    /// Not decoded by the wasm32 build (`unsupported-format` there).
    Pnm,
}

impl Format {
    /// Whether this build decodes the format: all of them with the default
    /// features; the browser package's build leaves PNM out (feature `pnm`).
    pub fn decodable(self) -> bool {
        cfg!(feature = "pnm") || self != Format::Pnm
    }

    /// The format's short lower-case name (`"jpeg"`, `"png"`, `"gif"`, `"webp"`, `"bmp"`, `"pnm"`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Jpeg => "jpeg",
            Format::Png => "png",
            Format::Gif => "gif",
            Format::WebP => "webp",
            Format::Bmp => "bmp",
            Format::Pnm => "pnm",
        }
    }
}

/// An image decoded from a file.
#[derive(Debug, Clone)]
pub struct Decoded {
    /// The pixels, RGB or grey (alpha dropped).
    pub pixels: Pixels,
    /// The format the bytes were sniffed as.
    pub format: Format,
    /// The EXIF orientation tag (1..=8), 1 when absent. Not applied.
    pub orientation: u8,
    /// The width and height the file declares; the pixels have this size
    /// unless `reduction` is more than 1.
    pub size: (u32, u32),
    /// 1 for a full-resolution decode; 2, 4 or 8 when [`DecodeMode::Fast`]
    /// decoded a JPEG at 1/`reduction` scale (each side rounded up).
    pub reduction: u8,
    /// `Some` when the file was damaged and these are the pixels a browser
    /// still shows (the missing rows black); `None` for an intact file.
    pub damaged: Option<Damage>,
}

/// How [`decode_for_pdq`] decodes a JPEG.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DecodeMode {
    /// Every pixel at full resolution, as the reference tool decodes: hashes
    /// comparable bit for bit with the reference's output. By default.
    #[default]
    Exact,
    /// A baseline (sequential) JPEG whose sides are both at least 2048
    /// pixels is decoded at 1/4 or 1/8 scale, the largest IDCT reduction
    /// that keeps both sides at least 512 pixels (what libjpeg calls scaled
    /// decoding and Pillow `draft`; 1/2 and progressive files are left out:
    /// they saved no time). The PDQ hash moves by 0-6 bits from the exact
    /// one on the photos measured (docs/DESIGN-decoding.md), as much as with
    /// libjpeg's own scaled decoding, at 0.5-1.0x of the time natively.
    /// Other files and formats decode as in [`DecodeMode::Exact`].
    Fast,
}

/// Sniffs the format from the first bytes; `None` when it is none we decode.
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    match sniff_bytes(bytes) {
        Sniffed::Known(format) => Some(format),
        Sniffed::CutShort | Sniffed::Unknown => None,
    }
}

/// Decodes untrusted `bytes` within `limits`.
///
/// A damaged file is decoded as a browser shows it, as far as its data
/// goes, and marked [`Decoded::damaged`]: a JPEG, PNG or GIF cut off (the
/// rows that arrived, the rest black), without its end marker, or a PNG
/// whose chunk CRCs do not match. A file that yields no row at all, and a
/// cut-off file of another format, is `truncated`.
///
/// Never panics on any input; every failure is a typed [`Error`] whose
/// [`Error::code`] is one of `empty`, `unsupported-format`, `truncated`,
/// `corrupt` or `too-large`.
pub fn decode(bytes: &[u8], limits: &Limits) -> Result<Decoded> {
    decode_for_pdq(bytes, limits, DecodeMode::Exact)
}

/// Decodes untrusted `bytes` within `limits` for PDQ hashing, at reduced
/// scale where `mode` allows it (see [`DecodeMode`]).
///
/// With [`DecodeMode::Exact`] this is [`decode`]. With [`DecodeMode::Fast`]
/// the same input checks run first (size, format, framing, scan count, then
/// the declared dimensions against `limits` before any pixel is decoded),
/// so the same files are refused with the same codes, and the reduced
/// decode's working memory is checked against [`Limits::max_alloc`] before
/// it starts. Damaged files are decoded as by [`decode`], reduced where an
/// intact one would be. Never panics on any input.
pub fn decode_for_pdq(bytes: &[u8], limits: &Limits, mode: DecodeMode) -> Result<Decoded> {
    if bytes.is_empty() {
        return Err(Error::Empty);
    }
    limits.check_input(bytes.len())?;
    let format = match sniff_bytes(bytes) {
        Sniffed::Known(format) => format,
        Sniffed::CutShort => return Err(Error::Truncated),
        Sniffed::Unknown => return Err(Error::UnsupportedFormat),
    };
    if !format.decodable() {
        return Err(Error::UnsupportedFormat);
    }
    let fast = mode == DecodeMode::Fast;
    if format == Format::Jpeg {
        let framing = complete::jpeg_framing(bytes);
        limits.check_scans(framing.scans)?;
        if framing.bad_dc_table {
            return Err(Error::Corrupt("a DC Huffman table has a symbol over 15".into()));
        }
        if framing.cut_off {
            // Decoders do not all notice a cut-off (the JPEG ones pad a short
            // scan), so the framing decides, and the damaged path fills the rows
            // that never arrived the same way on every path.
            let close_at = framing.close_at.ok_or(Error::Truncated)?;
            let (image, damage) = jpeg::decode_damaged(bytes, close_at, limits, fast)?;
            return Ok(from_jpeg(image, Some(damage)));
        }
        if fast {
            if let Some(image) = jpeg::decode_reduced(bytes, limits)? {
                return Ok(from_jpeg(image, None));
            }
        }
    } else if complete::ends_early(format, bytes) {
        // Every row may have arrived; the partial decoders say when not.
        return decode_partial(format, bytes, limits, Damage::MissingEnd);
    }
    match decode_format(format, bytes, limits) {
        Ok((pixels, orientation)) => {
            let size = (pixels.width(), pixels.height());
            Ok(Decoded { pixels, format, orientation, size, reduction: 1, damaged: None })
        }
        // The strict decoder checks CRCs; a browser does not.
        Err(Error::Corrupt(_)) if format == Format::Png && plausible::png_bad_checksum(bytes) => {
            decode_partial(format, bytes, limits, Damage::BadChecksum)
        }
        Err(err) => Err(err),
    }
}

/// The fast path's reduced JPEG decode at 1/`reduction` (4 or 8) for an
/// image of any size, after the same framing checks as [`decode_for_pdq`]:
/// `Ok(None)` where that path would fall back to a full decode. Only for
/// the fuzz targets, which need small inputs to run fast: screening reduces
/// only images at least 2048 pixels a side.
#[cfg(feature = "fuzzing")]
pub fn decode_jpeg_scaled(bytes: &[u8], limits: &Limits, reduction: u32) -> Result<Option<Pixels>> {
    if reduction != 4 && reduction != 8 {
        return Err(Error::InvalidArgument(format!("reduction {reduction} is neither 4 nor 8")));
    }
    let framing = complete::jpeg_framing(bytes);
    limits.check_scans(framing.scans)?;
    if framing.bad_dc_table || framing.cut_off || sniff(bytes) != Some(Format::Jpeg) {
        return Ok(None);
    }
    Ok(jpeg::decode_scaled(bytes, limits, |_, _| reduction)?.map(|image| image.pixels))
}

/// Keeps the process's panic hook quiet about the decoder panics that
/// [`decode`] catches (zune-jpeg's: the file is then decoded by
/// jpeg-decoder), so that a program that prints panics, or aborts on them
/// as a fuzzer does, sees only the others. Call it after setting a hook.
#[cfg(feature = "zune-jpeg")]
pub fn hide_caught_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if !info.location().is_some_and(|at| at.file().contains("zune-jpeg")) {
            previous(info);
        }
    }));
}

/// A JPEG decoded by jpeg-decoder or the baseline decoder.
fn from_jpeg(image: jpeg::JpegImage, damaged: Option<Damage>) -> Decoded {
    Decoded {
        pixels: image.pixels,
        format: Format::Jpeg,
        orientation: image.orientation,
        size: image.size,
        reduction: image.reduction,
        damaged,
    }
}

/// A damaged PNG or GIF decoded as far as its data goes; other formats
/// cut off are `truncated` (a WebP cut off shows nothing in Chromium).
fn decode_partial(format: Format, bytes: &[u8], limits: &Limits, damage: Damage) -> Result<Decoded> {
    let (image, damage) = match format {
        Format::Png => partial::png(bytes, limits, damage)?,
        Format::Gif => partial::gif(bytes, limits)?,
        _ => return Err(Error::Truncated),
    };
    let pixels = convert::to_pixels(image)?;
    let size = (pixels.width(), pixels.height());
    Ok(Decoded { pixels, format, orientation: 1, size, reduction: 1, damaged: Some(damage) })
}

/// Runs the `image` crate's decoder for `format`.
fn decode_format(format: Format, bytes: &[u8], limits: &Limits) -> Result<(Pixels, u8)> {
    let cursor = Cursor::new(bytes);
    match format {
        #[cfg(feature = "zune-jpeg")]
        Format::Jpeg => {
            // zune-jpeg panicked on a malformed file (found by fuzzing); the
            // file then gets jpeg-decoder's full decode, as in the browser build.
            let zune = std::panic::catch_unwind(|| decode_with(JpegDecoder::new(cursor), format, bytes, limits));
            zune.unwrap_or_else(|_| jpeg::decode_full(bytes, limits).map(|j| (j.pixels, j.orientation)))
        }
        #[cfg(not(feature = "zune-jpeg"))]
        Format::Jpeg => jpeg::decode_full(bytes, limits).map(|j| (j.pixels, j.orientation)),
        Format::Png => {
            if let Some((width, height)) = plausible::png_dimensions(bytes) {
                limits.check_image(width, height, 0)?;
            }
            // The PNG decoder inflates metadata chunks (iCCP, zTXt, iTXt)
            // while opening: they get the small ancillary budget.
            let opened = PngDecoder::with_limits(cursor, limits.for_opening());
            decode_with(opened, format, bytes, limits)
        }
        Format::Gif => decode_with(GifDecoder::new(cursor), format, bytes, limits),
        Format::WebP => decode_with(WebPDecoder::new(cursor), format, bytes, limits),
        Format::Bmp => decode_with(BmpDecoder::new(cursor), format, bytes, limits),
        #[cfg(feature = "pnm")]
        Format::Pnm => decode_with(PnmDecoder::new(cursor), format, bytes, limits),
        #[cfg(not(feature = "pnm"))]
        Format::Pnm => Err(Error::UnsupportedFormat),
    }
}

/// Checks the header's size, reads the orientation, then decodes the pixels.
fn decode_with(
    opened: image::ImageResult<impl ImageDecoder>,
    format: Format,
    bytes: &[u8],
    limits: &Limits,
) -> Result<(Pixels, u8)> {
    let mut decoder = opened.map_err(|e| map_error(e, limits))?;
    let (width, height) = decoder.dimensions();
    let buffer_bytes = decoder.total_bytes();
    limits.check_image(width, height, buffer_bytes)?;
    if width == 0 || height == 0 {
        return Err(Error::Corrupt(format!("the image is {width}x{height} pixels")));
    }
    if !plausible::enough_data(format, bytes, width, height) {
        return Err(Error::Corrupt(format!("too little pixel data for {width}x{height} pixels")));
    }
    decoder.set_limits(limits.for_decoder(buffer_bytes)).map_err(|e| map_error(e, limits))?;
    // The orientation is advisory: a malformed EXIF block does not fail the decode.
    let orientation = decoder.orientation().map(|o| o.to_exif()).unwrap_or(1);
    let image = DynamicImage::from_decoder(decoder).map_err(|e| map_error(e, limits))?;
    Ok((convert::to_pixels(image)?, orientation))
}

/// Maps the `image` crate's errors onto prescreen's codes.
fn map_error(err: ImageError, limits: &Limits) -> Error {
    match err {
        ImageError::IoError(io) if io.kind() == ErrorKind::UnexpectedEof => Error::Truncated,
        ImageError::IoError(io) => Error::Corrupt(detail(&io)),
        // Sizes are checked before decoding, so this is the decoder's working memory.
        ImageError::Limits(_) => Error::DecoderLimit { limit: limits.max_alloc },
        ImageError::Unsupported(_) => Error::UnsupportedFormat,
        ImageError::Decoding(e) => Error::Corrupt(detail(&e)),
        ImageError::Parameter(e) => Error::Corrupt(detail(&e)),
        other => Error::Internal(detail(&other)),
    }
}

/// A decoder's error as the message of ours: its own words with the
/// `decoder-messages` feature. Without it (the browser package), only that
/// the decoder refused the data (the code still says how): formatting every
/// decoder's error types cost 3.1 KB of the gzipped wasm.
#[cfg(feature = "decoder-messages")]
pub(crate) fn detail(err: &dyn std::fmt::Display) -> String {
    err.to_string()
}

/// See the other version.
#[cfg(not(feature = "decoder-messages"))]
pub(crate) fn detail(_err: &dyn std::fmt::Display) -> String {
    "the decoder refused the image data".into()
}
