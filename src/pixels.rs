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

/// A rectangle of pixels: `width` x `height` from column `left`, row `top`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Rect {
    /// First column.
    pub left: u32,
    /// First row.
    pub top: u32,
    /// Columns.
    pub width: u32,
    /// Rows.
    pub height: u32,
}

/// A borrowed, row-major image: the whole of a decoded image, or a rectangle
/// of one (rows then lie `stride` bytes apart, with other pixels between).
#[derive(Debug, Clone, Copy)]
pub struct PixelView<'a> {
    width: u32,
    height: u32,
    layout: Layout,
    stride: usize,
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
        let stride = width as usize * layout.bytes_per_pixel();
        Ok(PixelView { width, height, layout, stride, data })
    }

    /// The part of the image inside `rect`, borrowing the same bytes (no
    /// copy); `None` when `rect` is empty or reaches outside the image.
    pub fn crop(&self, rect: Rect) -> Option<PixelView<'a>> {
        let right = rect.left.checked_add(rect.width)?;
        let bottom = rect.top.checked_add(rect.height)?;
        if rect.width == 0 || rect.height == 0 || right > self.width || bottom > self.height {
            return None;
        }
        let bpp = self.layout.bytes_per_pixel();
        let start = rect.top as usize * self.stride + rect.left as usize * bpp;
        let len = (rect.height as usize - 1) * self.stride + rect.width as usize * bpp;
        let data = &self.data[start..start + len];
        Some(PixelView { width: rect.width, height: rect.height, layout: self.layout, stride: self.stride, data })
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

    /// Bytes from the start of one row to the start of the next: `width *
    /// bytes_per_pixel` unless the view is a [`crop`](Self::crop).
    pub fn stride(&self) -> usize {
        self.stride
    }

    /// The raw bytes, row-major, from the first pixel to the last: row `y`
    /// starts at `y * stride()` and holds `width * bytes_per_pixel` bytes.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }

    /// The `width * bytes_per_pixel` bytes of row `y` (below `height`).
    pub fn row(&self, y: u32) -> &'a [u8] {
        let start = y as usize * self.stride;
        &self.data[start..start + self.width as usize * self.layout.bytes_per_pixel()]
    }

    /// The pixel at (`x`, `y`) as integer luma, 0..=255: grey as is, colour
    /// as (77 R + 150 G + 29 B + 128) / 256. Integer arithmetic, so every
    /// platform gives the same value; for the detectors, not for PDQ.
    pub fn luma(&self, x: u32, y: u32) -> u8 {
        let at = y as usize * self.stride + x as usize * self.layout.bytes_per_pixel();
        match self.layout {
            Layout::Grey8 => self.data[at],
            Layout::Rgb8 | Layout::Rgba8 => {
                let p = &self.data[at..at + 3];
                ((77 * u32::from(p[0]) + 150 * u32::from(p[1]) + 29 * u32::from(p[2]) + 128) >> 8) as u8
            }
        }
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
        let stride = self.width as usize * self.layout.bytes_per_pixel();
        PixelView { width: self.width, height: self.height, layout: self.layout, stride, data: &self.data }
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

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn crop_borrows_the_rectangle_and_rejects_what_does_not_fit() {
        // 5x4 RGB, each pixel's red = x, green = y.
        let data: Vec<u8> = (0..4u8).flat_map(|y| (0..5u8).flat_map(move |x| [x, y, 0])).collect();
        let image = PixelView::new(5, 4, Layout::Rgb8, &data).unwrap();
        let crop = image.crop(Rect { left: 1, top: 2, width: 3, height: 2 }).unwrap();
        assert_eq!((crop.width(), crop.height(), crop.stride()), (3, 2, 15));
        assert_eq!(crop.row(0), &[1, 2, 0, 2, 2, 0, 3, 2, 0]);
        assert_eq!(crop.row(1), &[1, 3, 0, 2, 3, 0, 3, 3, 0]);
        let inner = crop.crop(Rect { left: 2, top: 1, width: 1, height: 1 }).unwrap();
        assert_eq!(inner.row(0), &[3, 3, 0]);
        assert_eq!(inner.data().len(), 3);
        for bad in [(0, 0, 0, 1), (0, 0, 6, 1), (4, 0, 2, 1), (0, 3, 1, 2), (u32::MAX, 0, 2, 1)] {
            let rect = Rect { left: bad.0, top: bad.1, width: bad.2, height: bad.3 };
            assert!(image.crop(rect).is_none(), "{rect:?}");
        }
    }

    #[test]
    fn integer_luma_of_grey_and_colour() {
        let rgb = [255u8, 255, 255, 255, 0, 0, 0, 0, 255];
        let view = PixelView::new(3, 1, Layout::Rgb8, &rgb).unwrap();
        assert_eq!([view.luma(0, 0), view.luma(1, 0), view.luma(2, 0)], [255, 77, 29]);
        let grey = [9u8, 200];
        assert_eq!(PixelView::new(1, 2, Layout::Grey8, &grey).unwrap().luma(0, 1), 200);
    }
}
