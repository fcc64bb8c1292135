//! Step 2, the pre-resize, as an index map: which source pixel each pixel of
//! the (turned, pre-resized) luma plane reads.
//!
//! The reference stretches any image wider or taller than 512 to exactly
//! 512x512 with nearest-neighbour sampling: output column `x` reads source
//! column `floor(x * W / 512)` (exact in integers), likewise for rows. Smaller
//! images are read as they are. Turning the image first (for
//! [`super::hash_turned`]) only changes which source pixel that is.

use super::dihedral::Dihedral;
use crate::pixels::PixelView;

/// Side of the pre-resized square.
pub const PRE_RESIZE: usize = 512;

/// Byte offsets into the source for every row and column of the plane: the
/// pixel at (row `y`, column `x`) starts at
/// `row_offsets[y].wrapping_add(col_offsets[x])` (a column part can be
/// "negative" for mirrored turns; the sum is always a valid offset).
pub(crate) struct Sampling {
    pub rows: usize,
    pub cols: usize,
    pub row_offsets: [usize; PRE_RESIZE],
    pub col_offsets: [usize; PRE_RESIZE],
}

impl Sampling {
    /// The map for `image` turned by `turn`, then pre-resized when needed.
    /// The image must have at least one pixel.
    pub fn new(image: &PixelView<'_>, turn: Dihedral) -> Sampling {
        let (w, h) = (image.width() as usize, image.height() as usize);
        debug_assert!(w > 0 && h > 0);
        let bpp = image.layout().bytes_per_pixel();
        let stride = image.stride();
        // The turned image's sides.
        let (tw, th) = if turn.transposes() { (h, w) } else { (w, h) };
        let resized = tw > PRE_RESIZE || th > PRE_RESIZE;
        let (cols, rows) = if resized { (PRE_RESIZE, PRE_RESIZE) } else { (tw, th) };
        let pick = |i: usize, len: usize| if resized { i * len / PRE_RESIZE } else { i };
        let offset = |tx: usize, ty: usize| {
            let (sx, sy) = turn.source_of(tx, ty, w, h);
            sy * stride + sx * bpp
        };
        let mut s = Sampling { rows, cols, row_offsets: [0; PRE_RESIZE], col_offsets: [0; PRE_RESIZE] };
        // source_of is affine with each source coordinate depending on tx or
        // on ty alone, so the offset splits into a row part and a column part.
        let origin = offset(0, 0);
        for (y, o) in s.row_offsets[..rows].iter_mut().enumerate() {
            *o = offset(0, pick(y, th));
        }
        for (x, o) in s.col_offsets[..cols].iter_mut().enumerate() {
            *o = offset(pick(x, tw), 0).wrapping_sub(origin);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pixels::Layout;

    fn check_against_direct(w: u32, h: u32, turn: Dihedral) {
        let data = vec![0u8; (w * h * 3) as usize];
        let view = PixelView::new(w, h, Layout::Rgb8, &data).unwrap();
        let s = Sampling::new(&view, turn);
        let (tw, th) = if turn.transposes() { (h as usize, w as usize) } else { (w as usize, h as usize) };
        for y in 0..s.rows {
            for x in 0..s.cols {
                let resized = tw > 512 || th > 512;
                let (ty, tx) = if resized { (y * th / 512, x * tw / 512) } else { (y, x) };
                let (sx, sy) = turn.source_of(tx, ty, w as usize, h as usize);
                assert_eq!(s.row_offsets[y].wrapping_add(s.col_offsets[x]), (sy * w as usize + sx) * 3);
            }
        }
    }

    #[test]
    fn offsets_split_into_rows_and_columns() {
        for turn in Dihedral::ALL {
            check_against_direct(7, 3, turn);
            check_against_direct(513, 20, turn);
            check_against_direct(600, 1100, turn);
        }
    }

    #[test]
    fn pre_resize_picks_floor_of_x_times_w_over_512() {
        let data = vec![0u8; 1000 * 2];
        let view = PixelView::new(1000, 2, Layout::Grey8, &data).unwrap();
        let s = Sampling::new(&view, Dihedral::Original);
        assert_eq!((s.rows, s.cols), (512, 512));
        assert_eq!(s.col_offsets[1], 1); // floor(1000/512)
        assert_eq!(s.col_offsets[511], 998); // floor(511*1000/512)
        assert_eq!(s.row_offsets[255], 0);
        assert_eq!(s.row_offsets[256], 1000); // row floor(256*2/512) = 1
    }
}
