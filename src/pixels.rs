//! Decoded pixels: the hand-over point between decoding and hashing.

use crate::error::{Error, Result};

/// How the bytes of one pixel are laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One byte per pixel, grey; used directly as luma, as the reference does.
    Grey8,
    /// Three bytes per pixel: red, green, blue.
    Rgb8,
    /// Four bytes per pixel: red, green, blue, alpha. Alpha is ignored (not composited).
    Rgba8,
}

impl Layout {
    /// Bytes per pixel in this layout.
    pub fn bytes_per_pixel(self) -> usize {
        match self {
            Layout::Grey8 => 1,
            Layout::Rgb8 => 3,
            Layout::Rgba8 => 4,
        }
    }
}

/// A borrowed, tightly packed (no row padding), row-major image.
#[derive(Debug, Clone, Copy)]
pub struct PixelView<'a> {
    width: u32,
    height: u32,
    layout: Layout,
    data: &'a [u8],
}

impl<'a> PixelView<'a> {
    /// Wraps `data` as a `width` x `height` image in `layout`.
    ///
    /// Fails with [`Error::InvalidArgument`] when `data.len()` is not exactly
    /// `width * height * bytes_per_pixel`.
    pub fn new(width: u32, height: u32, layout: Layout, data: &'a [u8]) -> Result<Self> {
        let expected = (width as u64).saturating_mul(height as u64).saturating_mul(layout.bytes_per_pixel() as u64);
        if data.len() as u64 != expected {
            return Err(Error::InvalidArgument(format!(
                "{width}x{height} {layout:?} needs {expected} bytes, got {}",
                data.len()
            )));
        }
        Ok(PixelView { width, height, layout, data })
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The byte layout of each pixel.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The raw bytes, row-major, `width * bytes_per_pixel` bytes per row.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }
}

/// An owned, tightly packed, row-major image, as a decoder produces it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pixels {
    width: u32,
    height: u32,
    layout: Layout,
    data: Vec<u8>,
}

impl Pixels {
    /// Takes ownership of `data` as a `width` x `height` image in `layout`.
    ///
    /// Fails with [`Error::InvalidArgument`] when the length does not match.
    pub fn new(width: u32, height: u32, layout: Layout, data: Vec<u8>) -> Result<Self> {
        PixelView::new(width, height, layout, &data)?;
        Ok(Pixels { width, height, layout, data })
    }

    /// Borrows the pixels for hashing.
    pub fn view(&self) -> PixelView<'_> {
        PixelView { width: self.width, height: self.height, layout: self.layout, data: &self.data }
    }

    /// Width in pixels.
    pub fn width(&self) -> u32 {
        self.width
    }

    /// Height in pixels.
    pub fn height(&self) -> u32 {
        self.height
    }

    /// The byte layout of each pixel.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// Sets every sample of the rows from `row` down to 0 (black): the rows
    /// of a damaged file that never arrived.
    pub(crate) fn blank_rows_from(&mut self, row: u32) {
        let stride = self.width as usize * self.layout.bytes_per_pixel();
        let start = (row.min(self.height) as usize).saturating_mul(stride);
        self.data[start..].fill(0);
    }
}
