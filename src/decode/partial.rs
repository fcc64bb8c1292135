//! Damaged PNG and GIF files decoded as far as their data goes, as a
//! browser shows them: every row that arrived, the rest left transparent
//! black (all samples 0), chunk CRCs not checked.
//!
//! These run only for files the strict decoders in `mod.rs` refuse: cut
//! off, without their end marker, or (PNG) with a CRC that does not match.
//! The declared size has passed [`Limits::check_image`] before the image
//! buffer is allocated, and the decoders' own memory limits stay on.

use std::io::Cursor;

use image::{DynamicImage, ImageBuffer, Luma, LumaA, Rgb, Rgba};

use super::{plausible, Damage, Limits};
use crate::error::{Error, Result};

/// A PNG decoded as far as its data goes; `damage` is what the framing walk
/// or the strict decoder found, refined to [`Damage::Truncated`] when rows
/// are missing. `Err(Error::Truncated)` when not one row arrived.
pub(crate) fn png(bytes: &[u8], limits: &Limits, damage: Damage) -> Result<(DynamicImage, Damage)> {
    // Metadata chunks are inflated while the header is read: the ancillary budget.
    let ancillary = usize::try_from(limits.max_ancillary.min(limits.max_alloc)).unwrap_or(usize::MAX);
    let mut decoder = png::Decoder::new_with_limits(Cursor::new(bytes), png::Limits { bytes: ancillary });
    decoder.ignore_checksums(true);
    decoder.set_transformations(png::Transformations::EXPAND);
    // No row at all: a cut-off file is truncated, a whole one corrupt.
    let nothing = || match damage {
        Damage::BadChecksum => Error::Corrupt("no row of the image decodes".into()),
        _ => Error::Truncated,
    };
    let mut reader = decoder.read_info().map_err(|_| nothing())?;
    let (width, height) = (reader.info().width, reader.info().height);
    let (colour, depth) = reader.output_color_type();
    let bits_per_pixel = colour.samples() * if depth == png::BitDepth::Sixteen { 16 } else { 8 };
    let stride = (width as usize).saturating_mul(bits_per_pixel / 8);
    let buffer_bytes = (stride as u64).saturating_mul(u64::from(height));
    limits.check_image(width, height, buffer_bytes)?;
    if width == 0 || height == 0 || !plausible::enough_data(super::Format::Png, bytes, width, height) {
        return Err(nothing()); // cut off this early, or a bomb
    }
    let mut data = vec![0u8; stride * height as usize];
    let (mut rows, mut all) = (0u32, false);
    loop {
        match reader.next_interlaced_row() {
            Ok(Some(row)) => {
                match row.interlace() {
                    png::InterlaceInfo::Adam7(pass) => {
                        png::expand_interlaced_row(&mut data, stride, row.data(), pass, bits_per_pixel as u8);
                    }
                    png::InterlaceInfo::Null(_) => {
                        let at = rows as usize * stride;
                        data[at..at + stride].copy_from_slice(row.data());
                    }
                }
                rows += 1;
            }
            Ok(None) => {
                all = true;
                break;
            }
            Err(_) => break,
        }
    }
    if rows == 0 {
        return Err(nothing());
    }
    // `None` only comes once every row has been read; an error after the
    // last row (a missing IEND) leaves nothing out either.
    let complete = all || rows >= total_rows(reader.info());
    let damage = if complete { damage } else { Damage::Truncated };
    Ok((png_image(width, height, colour, depth, data)?, damage))
}

/// Rows `next_interlaced_row` yields for the whole image (all passes).
fn total_rows(info: &png::Info<'_>) -> u32 {
    if !info.interlaced {
        return info.height;
    }
    // The first column, first row and row step of the seven passes; a pass
    // with no column in the image has no rows.
    const PASSES: [(u32, u32, u32); 7] = [(0, 0, 8), (4, 0, 8), (0, 4, 8), (2, 0, 4), (0, 2, 4), (1, 0, 2), (0, 1, 2)];
    let lines = |(x, y, dy): (u32, u32, u32)| {
        if info.width <= x {
            0
        } else {
            info.height.saturating_sub(y).div_ceil(dy)
        }
    };
    PASSES.into_iter().map(lines).sum()
}

/// The expanded rows as an image of the `image` crate (16-bit samples are big-endian).
fn png_image(
    width: u32,
    height: u32,
    colour: png::ColorType,
    depth: png::BitDepth,
    data: Vec<u8>,
) -> Result<DynamicImage> {
    use png::ColorType::{Grayscale, GrayscaleAlpha, Rgb as Colour, Rgba as ColourAlpha};
    let wrong = || Error::Internal("the decoded rows do not fill the image".into());
    let image = if depth == png::BitDepth::Sixteen {
        let wide: Vec<u16> = data.chunks_exact(2).map(|p| u16::from_be_bytes([p[0], p[1]])).collect();
        match colour {
            Grayscale => {
                DynamicImage::ImageLuma16(ImageBuffer::<Luma<u16>, _>::from_raw(width, height, wide).ok_or_else(wrong)?)
            }
            GrayscaleAlpha => DynamicImage::ImageLumaA16(
                ImageBuffer::<LumaA<u16>, _>::from_raw(width, height, wide).ok_or_else(wrong)?,
            ),
            Colour => {
                DynamicImage::ImageRgb16(ImageBuffer::<Rgb<u16>, _>::from_raw(width, height, wide).ok_or_else(wrong)?)
            }
            _ => {
                DynamicImage::ImageRgba16(ImageBuffer::<Rgba<u16>, _>::from_raw(width, height, wide).ok_or_else(wrong)?)
            }
        }
    } else {
        match colour {
            Grayscale => DynamicImage::ImageLuma8(ImageBuffer::from_raw(width, height, data).ok_or_else(wrong)?),
            GrayscaleAlpha => DynamicImage::ImageLumaA8(ImageBuffer::from_raw(width, height, data).ok_or_else(wrong)?),
            Colour => DynamicImage::ImageRgb8(ImageBuffer::from_raw(width, height, data).ok_or_else(wrong)?),
            ColourAlpha | png::ColorType::Indexed => {
                DynamicImage::ImageRgba8(ImageBuffer::from_raw(width, height, data).ok_or_else(wrong)?)
            }
        }
    };
    Ok(image)
}

/// A GIF cut off in its first frame, composed on the logical screen as
/// the strict decoder composes a whole one: the lines of the first frame
/// that arrived (in their interlaced places), the rest transparent.
/// `Err(Error::Truncated)` when not one line arrived.
pub(crate) fn gif(bytes: &[u8], limits: &Limits) -> Result<(DynamicImage, Damage)> {
    let mut options = gif::DecodeOptions::new();
    options.set_color_output(gif::ColorOutput::RGBA);
    let memory = std::num::NonZeroU64::new(limits.max_alloc.max(1)).unwrap_or(std::num::NonZeroU64::MIN);
    options.set_memory_limit(gif::MemoryLimit::Bytes(memory));
    let mut decoder = options.read_info(Cursor::new(bytes)).map_err(|_| Error::Truncated)?;
    let (width, height) = (u32::from(decoder.width()), u32::from(decoder.height()));
    limits.check_image(width, height, u64::from(width) * u64::from(height) * 4)?;
    let Ok(Some(frame)) = decoder.next_frame_info() else { return Err(Error::Truncated) };
    let (left, top) = (u32::from(frame.left), u32::from(frame.top));
    let (frame_width, frame_height, interlaced) = (u32::from(frame.width), u32::from(frame.height), frame.interlaced);
    let mut screen = vec![0u8; width as usize * height as usize * 4];
    let mut line = vec![0u8; frame_width as usize * 4];
    let mut lines = 0u32;
    while lines < frame_height && matches!(decoder.fill_buffer(&mut line), Ok(true)) {
        let y = top + if interlaced { interlaced_row(lines, frame_height) } else { lines };
        let columns = frame_width.min(width.saturating_sub(left)) as usize;
        if y < height && columns > 0 {
            let at = (y as usize * width as usize + left as usize) * 4;
            screen[at..at + columns * 4].copy_from_slice(&line[..columns * 4]);
        }
        lines += 1;
    }
    if lines == 0 {
        return Err(Error::Truncated);
    }
    let damage = if lines < frame_height { Damage::Truncated } else { Damage::MissingEnd };
    let image =
        ImageBuffer::from_raw(width, height, screen).ok_or_else(|| Error::Internal("GIF screen size".into()))?;
    Ok((DynamicImage::ImageRgba8(image), damage))
}

/// The row of the `n`th line stored in an interlaced GIF frame of `height`
/// rows: every 8th row from 0, every 8th from 4, every 4th from 2, every 2nd from 1.
fn interlaced_row(n: u32, height: u32) -> u32 {
    let mut n = n;
    for (start, step) in [(0, 8), (4, 8), (2, 4), (1, 2)] {
        let count = height.saturating_sub(start).div_ceil(step);
        if n < count {
            return start + n * step;
        }
        n -= count;
    }
    height
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn interlaced_gif_rows_cover_the_frame() {
        for height in [1, 2, 3, 5, 8, 9, 17, 100] {
            let mut rows: Vec<u32> = (0..height).map(|n| interlaced_row(n, height)).collect();
            rows.sort_unstable();
            assert_eq!(rows, (0..height).collect::<Vec<_>>(), "height {height}");
        }
        assert_eq!((0..4).map(|n| interlaced_row(n, 9)).collect::<Vec<_>>(), [0, 8, 4, 2]);
    }
}
