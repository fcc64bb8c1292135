//! Step 3: luma in f32, read through a [`Sampling`] (pre-resize fused in).

use super::lanes::{F32x4, LANES};
use super::resize::Sampling;
use crate::pixels::{Layout, PixelView};

/// The reference's coefficients, as f32.
const R: f32 = 0.299;
const G: f32 = 0.587;
const B: f32 = 0.114;

/// Fills `out` (resized to `rows * cols`) with the luma of every sampled pixel,
/// row-major. Grey is used as is; RGB(A) gives `0.299*R + 0.587*G + 0.114*B`
/// in f32, left to right, alpha ignored. Four pixels at a time in
/// [`F32x4`] lanes (the same operations per pixel), the leftovers one by one.
pub(crate) fn fill(image: &PixelView<'_>, map: &Sampling, out: &mut Vec<f32>) {
    out.clear();
    out.resize(map.rows * map.cols, 0.0);
    let data = image.data();
    let rgb = image.layout() != Layout::Grey8;
    let cols = &map.col_offsets[..map.cols];
    let main = cols.len() / LANES * LANES;
    for (&row, out_row) in map.row_offsets[..map.rows]
        .iter()
        .zip(out.chunks_exact_mut(map.cols))
    {
        let mut x = 0;
        while x < main {
            let at = [
                row.wrapping_add(cols[x]),
                row.wrapping_add(cols[x + 1]),
                row.wrapping_add(cols[x + 2]),
                row.wrapping_add(cols[x + 3]),
            ];
            let luma = if rgb {
                F32x4::splat(R) * gather(data, at, 0)
                    + F32x4::splat(G) * gather(data, at, 1)
                    + F32x4::splat(B) * gather(data, at, 2)
            } else {
                gather(data, at, 0)
            };
            luma.store(out_row, x);
            x += LANES;
        }
        for (o, &c) in out_row[main..].iter_mut().zip(&cols[main..]) {
            let at = row.wrapping_add(c);
            *o = if rgb {
                R * data[at] as f32 + G * data[at + 1] as f32 + B * data[at + 2] as f32
            } else {
                data[at] as f32
            };
        }
    }
}

/// Channel `channel` of the four pixels starting at the byte offsets `at`.
#[inline(always)]
fn gather(data: &[u8], at: [usize; LANES], channel: usize) -> F32x4 {
    F32x4::from_bytes([
        data[at[0] + channel],
        data[at[1] + channel],
        data[at[2] + channel],
        data[at[3] + channel],
    ])
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
        assert_eq!(
            out,
            vec![
                expect0,
                0.299f32 * 255.0 + 0.587f32 * 255.0 + 0.114f32 * 255.0
            ]
        );

        let grey = [7u8, 250];
        let view = PixelView::new(1, 2, Layout::Grey8, &grey).unwrap();
        fill(&view, &Sampling::new(&view, Dihedral::Rotate90), &mut out);
        assert_eq!(out, vec![7.0, 250.0]); // a 1x2 column turned into a 2x1 row
    }

    #[test]
    fn four_at_a_time_equals_pixel_by_pixel() {
        // 11 columns: two groups of four and three left over; every turn,
        // including mirrored ones whose column offsets wrap.
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
                            _ => {
                                R * data[at] as f32
                                    + G * data[at + 1] as f32
                                    + B * data[at + 2] as f32
                            }
                        };
                        assert_eq!(out[k].to_bits(), want.to_bits(), "{turn:?} {k}");
                        k += 1;
                    }
                }
            }
        }
    }
}
