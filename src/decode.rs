//! Untrusted bytes -> pixels: format sniffing, limits, typed errors.

use crate::error::Result;
use crate::pixels::Pixels;

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
    /// PNM: PGM (grey) and PPM (RGB), binary and ASCII.
    Pnm,
}

/// Caps on untrusted input, checked before anything large is allocated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Largest input file accepted for decoding, in bytes.
    pub max_input_bytes: u64,
    /// Largest image width, in pixels.
    pub max_width: u32,
    /// Largest image height, in pixels.
    pub max_height: u32,
    /// Largest width x height.
    pub max_pixels: u64,
    /// Largest total allocation the decoder may make, in bytes.
    pub max_alloc: u64,
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
}

/// Sniffs the format from the first bytes; `None` when it is none we decode.
pub fn sniff(_bytes: &[u8]) -> Option<Format> {
    todo!("decode helper")
}

/// Decodes untrusted `bytes` within `limits`.
pub fn decode(_bytes: &[u8], _limits: &Limits) -> Result<Decoded> {
    todo!("decode helper")
}
