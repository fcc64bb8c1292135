//! Step 3: luma in f32, read through a [`Sampling`] (pre-resize fused in).

use super::resize::Sampling;
use crate::pixels::{Layout, PixelView};

/// The reference's coefficients, as f32.
const R: f32 = 0.299;
const G: f32 = 0.587;
const B: f32 = 0.114;

/// Fills `out` (resized to `rows * cols`) with the luma of every sampled pixel,
/// row-major. Grey is used as is; RGB(A) gives `0.299*R + 0.587*G + 0.114*B`
/// in f32, left to right, alpha ignored.
pub(crate) fn fill(image: &PixelView<'_>, map: &Sampling, out: &mut Vec<f32>) {
    out.clear();
    out.reserve(map.rows * map.cols);
    let data = image.data();
    let cols = &map.col_offsets[..map.cols];
    for &row in &map.row_offsets[..map.rows] {
        match image.layout() {
            Layout::Grey8 => out.extend(cols.iter().map(|&c| data[row.wrapping_add(c)] as f32)),
            Layout::Rgb8 | Layout::Rgba8 => out.extend(cols.iter().map(|&c| {
                let at = row.wrapping_add(c);
                let p = &data[at..at + 3];
                R * p[0] as f32 + G * p[1] as f32 + B * p[2] as f32
            })),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdq::dihedral::Dihedral;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn rgb_grey_and_rgba_luma() {
        let rgba = [10u8, 200, 30, 0, 255, 255, 255, 99];
        let view = PixelView::new(2, 1, Layout::Rgba8, &rgba).unwrap();
        let mut out = Vec::new();
        fill(&view, &Sampling::new(&view, Dihedral::Original), &mut out);
        let expect0 = 0.299f32 * 10.0 + 0.587f32 * 200.0 + 0.114f32 * 30.0;
        assert_eq!(out, vec![expect0, 0.299f32 * 255.0 + 0.587f32 * 255.0 + 0.114f32 * 255.0]);

        let grey = [7u8, 250];
        let view = PixelView::new(1, 2, Layout::Grey8, &grey).unwrap();
        fill(&view, &Sampling::new(&view, Dihedral::Rotate90), &mut out);
        assert_eq!(out, vec![7.0, 250.0]); // a 1x2 column turned into a 2x1 row
    }

    #[test]
    fn every_turn_reads_the_right_pixels() {
        // Every turn, including mirrored ones whose column offsets wrap.
        let (w, h) = (11u32, 6u32);
        let rgb: Vec<u8> = (0..w * h * 3).map(|k| (k * 97 % 256) as u8).collect();
        let grey: Vec<u8> = rgb[..(w * h) as usize].to_vec();
        for (layout, data) in [(Layout::Rgb8, &rgb), (Layout::Grey8, &grey)] {
            let view = PixelView::new(w, h, layout, data).unwrap();
            for turn in Dihedral::ALL {
                let map = Sampling::new(&view, turn);
                let mut out = Vec::new();
                fill(&view, &map, &mut out);
                let mut k = 0;
                for &row in &map.row_offsets[..map.rows] {
                    for &col in &map.col_offsets[..map.cols] {
                        let at = row.wrapping_add(col);
                        let want = match layout {
                            Layout::Grey8 => data[at] as f32,
                            _ => R * data[at] as f32 + G * data[at + 1] as f32 + B * data[at + 2] as f32,
                        };
                        assert_eq!(out[k].to_bits(), want.to_bits(), "{turn:?} {k}");
                        k += 1;
                    }
                }
            }
        }
    }
}
