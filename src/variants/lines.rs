//! Per-line statistics read from one side of an image inwards, at full
//! resolution but on a bounded sample of positions along each line: what
//! the band and frame detectors decide from.

use crate::pixels::{PixelView, Rect};

/// Positions sampled along a line, at most: enough to see text and texture
/// across the width, bounded so that a huge image costs no more.
const SAMPLES: u32 = 256;

/// Two luma values closer than this count as the same colour (JPEG noise
/// and anti-aliasing pass; text on its band and a picture's edge do not).
pub const SAME: u8 = 16;

/// The side of the image a line is counted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Rows, counted down from the top.
    Top,
    /// Rows, counted up from the bottom.
    Bottom,
    /// Columns, counted right from the left.
    Left,
    /// Columns, counted left from the right.
    Right,
}

impl Side {
    /// All four, in the order the detectors report them.
    pub const ALL: [Side; 4] = [Side::Top, Side::Bottom, Side::Left, Side::Right];

    /// Whether lines from this side are rows.
    pub fn rows(self) -> bool {
        matches!(self, Side::Top | Side::Bottom)
    }

    /// How many lines the image has from this side (its height for rows).
    pub fn depth(self, image: &PixelView<'_>) -> u32 {
        if self.rows() {
            image.height()
        } else {
            image.width()
        }
    }

    /// The length of one line (the width for rows).
    pub fn length(self, image: &PixelView<'_>) -> u32 {
        if self.rows() {
            image.width()
        } else {
            image.height()
        }
    }

    /// The image coordinates of position `at` along line `k` from this side.
    fn pixel(self, image: &PixelView<'_>, k: u32, at: u32) -> (u32, u32) {
        match self {
            Side::Top => (at, k),
            Side::Bottom => (at, image.height() - 1 - k),
            Side::Left => (k, at),
            Side::Right => (image.width() - 1 - k, at),
        }
    }
}

/// What one line looks like, counted from its side.
#[derive(Debug, Clone, Copy, Default)]
pub struct Line {
    /// Share (in 1/256) of the samples within [`SAME`] of the line's median:
    /// 256 for a flat line, high for text on a plain background.
    pub flat: u32,
    /// Share (in 1/256) of the samples that differ by more than [`SAME`]
    /// from the same position on the line before (0 for the first line).
    pub changed: u32,
}

/// The first `count` lines from `side`, sampled at up to [`SAMPLES`] evenly
/// spaced positions in `span` (positions along the line, end exclusive);
/// [`Line::flat`] only when `flat` asks for it (it costs a median per line),
/// else 0. The caller keeps `count` within the side's depth and `span`
/// within the line's length, and not empty.
pub fn profile(image: &PixelView<'_>, side: Side, span: (u32, u32), count: u32, flat: bool) -> Vec<Line> {
    let (a, b) = span;
    let n = (b - a).min(SAMPLES);
    let positions: Vec<u32> = (0..n).map(|j| a + j * (b - a) / n).collect();
    // Every sample first, line by line (`grid[k * n + j]`), read in memory
    // order: along rows for rows, down the sampled rows for columns.
    let width = n as usize;
    let mut grid = vec![0u8; count as usize * width];
    let mut read = |k: u32, j: usize, at: u32| {
        let (x, y) = side.pixel(image, k, at);
        grid[k as usize * width + j] = image.luma(x, y);
    };
    if side.rows() {
        for k in 0..count {
            positions.iter().enumerate().for_each(|(j, &at)| read(k, j, at));
        }
    } else {
        for (j, &at) in positions.iter().enumerate() {
            (0..count).for_each(|k| read(k, j, at));
        }
    }
    let mut before: &[u8] = &[];
    let mut lines = Vec::with_capacity(count as usize);
    for values in grid.chunks_exact(width) {
        let share = |count: usize| (count as u32 * 256) / n;
        let flat = if flat {
            // The median from a histogram: the value at index n / 2 once sorted.
            let mut counts = [0u32; 256];
            values.iter().for_each(|&v| counts[usize::from(v)] += 1);
            let mut below = 0;
            let median = (0..=255u8).find(|&v| {
                below += counts[usize::from(v)];
                below > n / 2
            });
            let median = median.unwrap_or(0);
            share(values.iter().filter(|v| v.abs_diff(median) <= SAME).count())
        } else {
            0
        };
        let changed = share(values.iter().zip(before).filter(|(v, w)| v.abs_diff(**w) > SAME).count());
        lines.push(Line { flat, changed });
        before = values;
    }
    lines
}

/// The rectangle left after cutting `cut` lines off each side (in
/// [`Side::ALL`] order); `None` when nothing is cut or less than
/// `keep_percent` of either side would remain.
pub fn inner(image: &PixelView<'_>, cut: [u32; 4], keep_percent: u32) -> Option<Rect> {
    let (w, h) = (image.width(), image.height());
    let width = w.checked_sub(cut[2].checked_add(cut[3])?)?;
    let height = h.checked_sub(cut[0].checked_add(cut[1])?)?;
    let keeps = |kept: u32, all: u32| u64::from(kept) * 100 >= u64::from(all) * u64::from(keep_percent);
    (keeps(width, w) && keeps(height, h) && width > 0 && height > 0 && cut != [0; 4]).then_some(Rect {
        left: cut[2],
        top: cut[0],
        width,
        height,
    })
}

/// The distinct rectangles [`inner`] leaves for each of `cuts`, in order.
pub fn inner_rects(image: &PixelView<'_>, cuts: &[[u32; 4]], keep_percent: u32) -> Vec<Rect> {
    let mut rects: Vec<Rect> = cuts.iter().filter_map(|c| inner(image, *c, keep_percent)).collect();
    rects.dedup();
    rects
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pixels::Layout;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn lines_from_each_side_see_the_stripe_on_their_side() {
        // 40x30 grey, flat 100, with a 3-line stripe of 200 on the bottom.
        let mut data = vec![100u8; 40 * 30];
        data[27 * 40..].fill(200);
        let view = PixelView::new(40, 30, Layout::Grey8, &data).unwrap();
        let bottom = profile(&view, Side::Bottom, (0, 40), 5, true);
        let changed: Vec<u32> = bottom.iter().map(|l| l.changed).collect();
        assert_eq!(changed, [0, 0, 0, 256, 0]);
        assert!(bottom.iter().all(|l| l.flat == 256));
        let left = profile(&view, Side::Left, (0, 30), 4, true);
        // Columns are 10% stripe: a tenth of their samples are off the median.
        assert!(left.iter().all(|l| l.changed == 0 && l.flat < 256 && l.flat > 220));
        assert!(profile(&view, Side::Left, (0, 30), 4, false).iter().all(|l| l.flat == 0));
    }

    #[test]
    fn inner_keeps_at_least_half() {
        let data = vec![0u8; 10 * 8];
        let view = PixelView::new(10, 8, Layout::Grey8, &data).unwrap();
        assert_eq!(inner(&view, [1, 2, 3, 0], 50), Some(Rect { left: 3, top: 1, width: 7, height: 5 }));
        assert_eq!(inner(&view, [0; 4], 50), None);
        assert_eq!(inner(&view, [0, 0, 3, 3], 50), None);
        assert_eq!(inner(&view, [0, 0, 3, 3], 25).map(|r| r.width), Some(4));
        assert_eq!(inner(&view, [9, 0, 0, 0], 10), None);
    }
}
