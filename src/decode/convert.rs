//! The decoder's pixels -> prescreen's 8-bit grey or RGB, alpha dropped.
//!
//! - Grey (with or without alpha) stays grey: the reference uses grey values
//!   directly as luma.
//! - Alpha is discarded, never composited over a background.
//! - Palette images arrive already expanded to RGB(A) by the decoders.
//! - 16-bit samples become 8-bit as `round(v / 257)` (the `image` crate's
//!   conversion, the same as ImageMagick's, which the reference tool uses;
//!   Pillow instead keeps the high byte of 16-bit RGB and clips 16-bit grey).
//! - Float samples (no format we sniff produces them) are clamped to 0..=1
//!   and scaled to 0..=255 by the `image` crate.

use image::DynamicImage;

use crate::error::Result;
use crate::pixels::{Layout, Pixels};

/// Converts a decoded image, reusing its buffer where the samples are 8-bit.
pub(crate) fn to_pixels(image: DynamicImage) -> Result<Pixels> {
    let (width, height) = (image.width(), image.height());
    let (layout, data) = match image {
        DynamicImage::ImageLuma8(grey) => (Layout::Grey8, grey.into_raw()),
        DynamicImage::ImageLumaA8(grey_alpha) => (Layout::Grey8, drop_alpha(grey_alpha.into_raw(), 1)),
        DynamicImage::ImageRgb8(rgb) => (Layout::Rgb8, rgb.into_raw()),
        DynamicImage::ImageRgba8(rgba) => (Layout::Rgb8, drop_alpha(rgba.into_raw(), 3)),
        grey @ (DynamicImage::ImageLuma16(_) | DynamicImage::ImageLumaA16(_)) => {
            (Layout::Grey8, grey.to_luma8().into_raw())
        }
        colour => (Layout::Rgb8, colour.to_rgb8().into_raw()),
    };
    Pixels::new(width, height, layout, data)
}

/// Removes the last of every `colours + 1` bytes, in place.
fn drop_alpha(mut data: Vec<u8>, colours: usize) -> Vec<u8> {
    let stride = colours + 1;
    let pixels = data.len() / stride;
    for i in 0..pixels {
        data.copy_within(i * stride..i * stride + colours, i * colours);
    }
    data.truncate(pixels * colours);
    data
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Luma, LumaA, Rgb, Rgba};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn alpha_is_dropped_not_composited() {
        let rgba = ImageBuffer::from_raw(2, 1, vec![10, 20, 30, 0, 40, 50, 60, 128]).unwrap();
        let pixels = to_pixels(DynamicImage::ImageRgba8(rgba)).unwrap();
        assert_eq!(pixels.layout(), Layout::Rgb8);
        assert_eq!(pixels.view().data(), &[10, 20, 30, 40, 50, 60]);

        let grey_alpha: ImageBuffer<LumaA<u8>, _> = ImageBuffer::from_raw(2, 1, vec![7, 0, 9, 255]).unwrap();
        let pixels = to_pixels(DynamicImage::ImageLumaA8(grey_alpha)).unwrap();
        assert_eq!(pixels.layout(), Layout::Grey8);
        assert_eq!(pixels.view().data(), &[7, 9]);
    }

    #[test]
    fn eight_bit_passes_through() {
        let grey: ImageBuffer<Luma<u8>, _> = ImageBuffer::from_raw(1, 2, vec![3, 4]).unwrap();
        assert_eq!(to_pixels(DynamicImage::ImageLuma8(grey)).unwrap().view().data(), &[3, 4]);
        let rgb: ImageBuffer<Rgb<u8>, _> = ImageBuffer::from_raw(1, 1, vec![1, 2, 3]).unwrap();
        assert_eq!(to_pixels(DynamicImage::ImageRgb8(rgb)).unwrap().view().data(), &[1, 2, 3]);
    }

    #[test]
    fn sixteen_bit_rounds_to_eight() {
        // round(v / 257): 0 -> 0, 128 -> 0, 129 -> 1, 257 * 200 + 128 -> 200, 65535 -> 255.
        let grey: ImageBuffer<Luma<u16>, _> =
            ImageBuffer::from_raw(5, 1, vec![0, 128, 129, 257 * 200 + 128, 65535]).unwrap();
        let pixels = to_pixels(DynamicImage::ImageLuma16(grey)).unwrap();
        assert_eq!(pixels.layout(), Layout::Grey8);
        assert_eq!(pixels.view().data(), &[0, 0, 1, 200, 255]);

        let rgba: ImageBuffer<Rgba<u16>, _> = ImageBuffer::from_raw(1, 1, vec![65535, 257, 0, 0]).unwrap();
        let pixels = to_pixels(DynamicImage::ImageRgba16(rgba)).unwrap();
        assert_eq!(pixels.layout(), Layout::Rgb8);
        assert_eq!(pixels.view().data(), &[255, 1, 0]);
    }
}
