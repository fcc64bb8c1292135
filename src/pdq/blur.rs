//! Steps 5 and 6: the two-pass Jarosz tent filter (1-D box filters along rows
//! then columns, twice) and the centre-sampled decimation to 64x64, fused.
//!
//! The float operations run in exactly the reference's order (running f32
//! sum: add the entering sample, subtract the leaving one, divide by the
//! current count), because that order decides the last bits. Every running
//! sum still sees every sample, but the second pass divides and stores only
//! the outputs the decimation reads: the row filter only at the 64 centre
//! columns, the column filter only there and at the 64 centre rows. The row
//! filter runs four rows at a time in [`F32x4`] lanes (one running sum per
//! lane, each in exactly that order).

use std::ops::Range;

use super::lanes::{F32x4, Lane, LANES};

/// Box-filter window for a side of `len` pixels: `ceil(len / 128)`.
pub(crate) fn window(len: usize) -> usize {
    len.div_ceil(128)
}

/// Sample counts of the four phases of a box filter of window `w` over `n`
/// samples: accumulate only, grow and write, slide and write, shrink and write.
fn phases(n: usize, w: usize) -> [usize; 4] {
    let half = (w + 2) / 2;
    [half - 1, w - half + 1, n.saturating_sub(w), half - 1]
}

/// Which outputs of a box filter over `n` samples are divided and stored,
/// each in its slot: [`All`] or [`Centres`].
trait Keep {
    /// The slots of a filter over `n` samples, none filled yet.
    fn new(n: usize) -> Self
    where
        Self: Sized;
    /// Number of slots along `n` samples.
    fn width(n: usize) -> usize
    where
        Self: Sized;
    /// The slots that hold output `out` (usually one or none); call it for
    /// outputs 0, 1, 2, ... in turn.
    fn slots(&mut self, out: usize) -> Range<usize>;
}

/// Every output, output `i` in slot `i`.
struct All;

impl Keep for All {
    fn new(_n: usize) -> Self {
        All
    }
    fn width(n: usize) -> usize {
        n
    }
    #[inline(always)]
    fn slots(&mut self, out: usize) -> Range<usize> {
        out..out + 1
    }
}

/// The decimation's 64 centres: slot `j` holds output `(2j + 1) * n / 128`,
/// that is `floor((j + 0.5) * n / 64)` (one output fills several slots when
/// `n < 64`).
struct Centres {
    n: usize,
    /// The first slot not yet filled, and the output it holds.
    next: usize,
    wanted: usize,
}

impl Centres {
    /// The output slot `j` holds; `n` or more past the last slot.
    fn output(j: usize, n: usize) -> usize {
        (2 * j + 1) * n / 128
    }
}

impl Keep for Centres {
    fn new(n: usize) -> Self {
        Centres { n, next: 0, wanted: Centres::output(0, n) }
    }
    fn width(_n: usize) -> usize {
        64
    }
    #[inline(always)]
    fn slots(&mut self, out: usize) -> Range<usize> {
        let first = self.next;
        while self.wanted == out {
            self.next += 1;
            self.wanted = Centres::output(self.next, self.n);
        }
        first..self.next
    }
}

/// `sums[c] / count` into column `c` of each of the `rows` of the
/// `cols`-wide `output`.
fn divide(sums: &[f32], count: usize, output: &mut [f32], rows: Range<usize>) {
    let n = count as f32;
    let cols = sums.len();
    for r in rows {
        let dst = &mut output[r * cols..(r + 1) * cols];
        dst.iter_mut().zip(sums).for_each(|(d, &s)| *d = s / n);
    }
}

/// The box filter of window `w` down every column of a `cols`-wide
/// row-major plane; the output rows `keep` keeps go to `output`, slot `k` at
/// row `k`. All columns advance together one row at a time (each column's
/// own sum sees the same operations in the same order as a column-by-column
/// pass), which keeps memory access sequential and lets LLVM vectorise
/// across columns natively (at opt-level 3). `keep` is a trait object, asked
/// once per row: with one copy of this function per [`Keep`], the
/// size-optimised wasm build stopped inlining its iterator adapters and the
/// blur took twice as long.
fn box_down(input: &[f32], output: &mut [f32], cols: usize, w: usize, keep: &mut dyn Keep, sums: &mut Vec<f32>) {
    let rows = input.len() / cols;
    let [p1, p2, p3, p4] = phases(rows, w);
    sums.clear();
    sums.resize(cols, 0.0);
    let row = |r: usize| &input[r * cols..(r + 1) * cols];
    let mut count = 0usize;
    let (mut left, mut right, mut out) = (0, 0, 0);
    for _ in 0..p1 {
        sums.iter_mut().zip(row(right)).for_each(|(s, &x)| *s += x);
        count += 1;
        right += 1;
    }
    for _ in 0..p2 {
        sums.iter_mut().zip(row(right)).for_each(|(s, &x)| *s += x);
        count += 1;
        divide(sums, count, output, keep.slots(out));
        right += 1;
        out += 1;
    }
    let n = count as f32;
    for _ in 0..p3 {
        let mut slots = keep.slots(out);
        let (enter, leave) = (row(right), row(left));
        match slots.next() {
            // The division in the same pass over the sums (most rows of a
            // full pass): the column pass's main cost.
            Some(k) => {
                let dst = &mut output[k * cols..(k + 1) * cols];
                for (((s, &x), &y), d) in sums.iter_mut().zip(enter).zip(leave).zip(dst) {
                    *s += x;
                    *s -= y;
                    *d = *s / n;
                }
                divide(sums, count, output, slots);
            }
            None => {
                for ((s, &x), &y) in sums.iter_mut().zip(enter).zip(leave) {
                    *s += x;
                    *s -= y;
                }
            }
        }
        left += 1;
        right += 1;
        out += 1;
    }
    for _ in 0..p4 {
        sums.iter_mut().zip(row(left)).for_each(|(s, &y)| *s -= y);
        count -= 1;
        divide(sums, count, output, keep.slots(out));
        left += 1;
        out += 1;
    }
}

/// 1-D box filter of window `w` along `n` samples, sample `i` at `input[i]`,
/// storing the outputs `K` keeps, slot `k` at `output[k]`: one running
/// sum per lane, in the reference's order. With `f32` this is the plain
/// filter of one row; with [`F32x4`] it filters four rows at once, lane `j`
/// reading the row `j * stride_in` further on and writing the one
/// `j * stride_out` further on.
#[inline(always)]
fn box_lanes<L: Lane, K: Keep>(
    input: &[f32],
    output: &mut [f32],
    n: usize,
    w: usize,
    stride_in: usize,
    stride_out: usize,
) {
    let [p1, p2, p3, p4] = phases(n, w);
    let mut keep = K::new(n);
    let mut sum = L::splat(0.0);
    let mut count = 0usize;
    // Indices of the entering, leaving and written samples.
    let (mut right, mut left, mut out) = (0, 0, 0);
    for _ in 0..p1 {
        sum = sum + L::load(input, right, stride_in);
        count += 1;
        right += 1;
    }
    for _ in 0..p2 {
        sum = sum + L::load(input, right, stride_in);
        count += 1;
        for k in keep.slots(out) {
            (sum / L::splat(count as f32)).store(output, k, stride_out);
        }
        right += 1;
        out += 1;
    }
    let full = L::splat(count as f32);
    for _ in 0..p3 {
        sum = sum + L::load(input, right, stride_in);
        sum = sum - L::load(input, left, stride_in);
        for k in keep.slots(out) {
            (sum / full).store(output, k, stride_out);
        }
        right += 1;
        left += 1;
        out += 1;
    }
    for _ in 0..p4 {
        sum = sum - L::load(input, left, stride_in);
        count -= 1;
        for k in keep.slots(out) {
            (sum / L::splat(count as f32)).store(output, k, stride_out);
        }
        left += 1;
        out += 1;
    }
}

/// The box filter of window `w` along every row of the `cols`-wide
/// row-major `input`, each row's outputs that `K` keeps in a row of
/// `output`: four rows at a time in [`F32x4`] lanes (their serial sums
/// overlap instead of waiting on each other), the last `rows % 4` rows one
/// by one.
fn box_along<K: Keep>(input: &[f32], output: &mut [f32], cols: usize, w: usize) {
    let rows = input.len() / cols;
    let width = K::width(cols);
    let rows4 = rows / LANES * LANES;
    let mut r = 0;
    while r < rows4 {
        box_lanes::<F32x4, K>(
            &input[r * cols..(r + LANES) * cols],
            &mut output[r * width..(r + LANES) * width],
            cols,
            w,
            cols,
            width,
        );
        r += LANES;
    }
    for (src, dst) in input[rows4 * cols..].chunks_exact(cols).zip(output[rows4 * width..].chunks_exact_mut(width)) {
        box_lanes::<f32, K>(src, dst, cols, w, cols, width);
    }
}

/// Reusable buffers for the blur.
#[derive(Default)]
pub(crate) struct BlurScratch {
    along: Vec<f32>,
    sums: Vec<f32>,
}

/// Steps 5 and 6 on the `cols`-wide row-major `plane`: twice, a box filter of
/// window `ceil(cols/128)` along every row, then one of window
/// `ceil(rows/128)` down every column; then the 64x64 samples at row
/// `floor((i + 0.5) * rows / 64)`, column `floor((j + 0.5) * cols / 64)`.
/// Both sides must be at least 1. `plane` is the first pass's output
/// afterwards (it serves as a buffer: a fresh one costs more than the blur
/// saves).
pub(crate) fn downsample(plane: &mut [f32], cols: usize, scratch: &mut BlurScratch) -> [f32; 4096] {
    let rows = plane.len() / cols;
    let (wr, wc) = (window(cols), window(rows));
    let BlurScratch { along, sums } = scratch;
    along.resize(plane.len(), 0.0);
    box_along::<All>(plane, along, cols, wr);
    box_down(along, plane, cols, wc, &mut All, sums);
    // The second pass: rows x 64 centre columns, then their 64 centre rows.
    along.resize(rows * 64, 0.0);
    box_along::<Centres>(plane, along, cols, wr);
    let mut out = [0f32; 4096];
    box_down(along, &mut out, 64, wc, &mut Centres::new(rows), sums);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// The reference's scalar box filter over one contiguous vector, in its
    /// order of operations: the bit-exact oracle for the lane-wise passes.
    fn box_contiguous(input: &[f32], output: &mut [f32], w: usize) {
        let [p1, p2, p3, p4] = phases(input.len(), w);
        let mut sum = 0f32;
        let mut count = 0usize;
        let (mut left, mut right, mut out) = (0, 0, 0);
        for _ in 0..p1 {
            sum += input[right];
            count += 1;
            right += 1;
        }
        for _ in 0..p2 {
            sum += input[right];
            count += 1;
            output[out] = sum / count as f32;
            right += 1;
            out += 1;
        }
        for _ in 0..p3 {
            sum += input[right];
            sum -= input[left];
            output[out] = sum / count as f32;
            left += 1;
            right += 1;
            out += 1;
        }
        for _ in 0..p4 {
            sum -= input[left];
            count -= 1;
            output[out] = sum / count as f32;
            left += 1;
            out += 1;
        }
    }

    /// The box filter's definition: the mean of input indices
    /// `[i - (w - half), i + half - 1]` clipped to the vector, in f64.
    fn naive_mean(input: &[f32], w: usize) -> Vec<f64> {
        let n = input.len() as isize;
        let half = ((w + 2) / 2) as isize;
        (0..n)
            .map(|i| {
                let lo = (i - (w as isize - half)).max(0);
                let hi = (i + half - 1).min(n - 1);
                (lo..=hi).map(|k| input[k as usize] as f64).sum::<f64>() / (hi - lo + 1) as f64
            })
            .collect()
    }

    #[test]
    fn box_filter_is_a_clipped_moving_mean() {
        for n in [5usize, 7, 16, 33] {
            let input: Vec<f32> = (0..n).map(|k| ((k * 37) % 11) as f32 * 1.5).collect();
            for w in 1..=n.min(8) {
                let mut out = vec![0f32; n];
                box_contiguous(&input, &mut out, w);
                for (got, want) in out.iter().zip(naive_mean(&input, w)) {
                    assert!((*got as f64 - want).abs() < 1e-4, "n={n} w={w}: {got} vs {want}");
                }
            }
        }
    }

    /// A plane whose neighbouring values sum and divide with rounding.
    fn test_plane(rows: usize, cols: usize) -> Vec<f32> {
        (0..rows * cols).map(|k| ((k * 7919) % 256) as f32 * 0.37).collect()
    }

    fn column(plane: &[f32], cols: usize, c: usize) -> Vec<f32> {
        plane.iter().skip(c).step_by(cols).copied().collect()
    }

    fn bits(v: &[f32]) -> Vec<u32> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    /// The decimation's sample index for slot `j` of a side of `n`, as the
    /// reference computes it (in double).
    fn centre(j: usize, n: usize) -> usize {
        ((j as f64 + 0.5) * n as f64 / 64.0).floor() as usize
    }

    /// What a pass keeping [`All`] stores of the full outputs `all`.
    fn every(all: &[f32]) -> Vec<f32> {
        all.to_vec()
    }

    /// What a pass keeping [`Centres`] stores of the full outputs `all`.
    fn centres(all: &[f32]) -> Vec<f32> {
        (0..64).map(|j| all[centre(j, all.len())]).collect()
    }

    /// Checks the column pass keeping `K` against the contiguous filter of
    /// each column, whose outputs `pick` selects.
    fn column_pass_matches<K: Keep>(pick: fn(&[f32]) -> Vec<f32>) {
        // 11 columns; 37 rows, so some centre rows fill several slots.
        let (rows, cols) = (37, 11);
        let plane = test_plane(rows, cols);
        for w in 1..=6 {
            let mut by_columns = vec![0f32; K::width(rows) * cols];
            box_down(&plane, &mut by_columns, cols, w, &mut K::new(rows), &mut Vec::new());
            for c in 0..cols {
                let mut out = vec![0f32; rows];
                box_contiguous(&column(&plane, cols, c), &mut out, w);
                assert_eq!(bits(&column(&by_columns, cols, c)), bits(&pick(&out)), "w={w} c={c}");
            }
        }
    }

    #[test]
    fn column_pass_equals_contiguous_pass_bit_for_bit() {
        column_pass_matches::<All>(every);
        column_pass_matches::<Centres>(centres);
    }

    /// Checks the row pass keeping `K` against the contiguous filter of each
    /// row, whose outputs `pick` selects.
    fn row_pass_matches<K: Keep>(pick: fn(&[f32]) -> Vec<f32>) {
        // 19 rows: four groups of four lanes and three rows left over; 37
        // and 150 columns, under and over 64 centres.
        for (rows, cols) in [(19, 37), (19, 150)] {
            let plane = test_plane(rows, cols);
            let width = K::width(cols);
            for w in 1..=6 {
                let mut along = vec![0f32; rows * width];
                box_along::<K>(&plane, &mut along, cols, w);
                for (r, (src, got)) in plane.chunks(cols).zip(along.chunks(width)).enumerate() {
                    let mut out = vec![0f32; cols];
                    box_contiguous(src, &mut out, w);
                    assert_eq!(bits(got), bits(&pick(&out)), "{cols} w={w} r={r}");
                }
            }
        }
    }

    #[test]
    fn row_pass_equals_contiguous_pass_bit_for_bit() {
        row_pass_matches::<All>(every);
        row_pass_matches::<Centres>(centres);
    }

    /// The reference's blur and decimation: the scalar filter over whole
    /// rows and columns, four passes, then the 64x64 centre samples.
    fn reference_downsample(plane: &[f32], cols: usize) -> Vec<f32> {
        let rows = plane.len() / cols;
        let mut blurred = plane.to_vec();
        for _ in 0..2 {
            for row in blurred.chunks_mut(cols) {
                let src = row.to_vec();
                box_contiguous(&src, row, window(cols));
            }
            for c in 0..cols {
                let mut out = vec![0f32; rows];
                box_contiguous(&column(&blurred, cols, c), &mut out, window(rows));
                for (r, v) in out.into_iter().enumerate() {
                    blurred[r * cols + c] = v;
                }
            }
        }
        (0..64 * 64).map(|k| blurred[centre(k / 64, rows) * cols + centre(k % 64, cols)]).collect()
    }

    #[test]
    fn downsample_equals_the_scalar_passes_bit_for_bit() {
        // Windows 1 to 4, square and not, sides under and over 64, row
        // counts that are and are not multiples of four.
        let sizes = [(5, 5), (7, 12), (63, 130), (130, 63), (300, 141), (257, 384), (512, 385), (511, 509), (512, 512)];
        let mut scratch = BlurScratch::default();
        for (rows, cols) in sizes {
            let plane = test_plane(rows, cols);
            let got = downsample(&mut plane.clone(), cols, &mut scratch);
            assert_eq!(bits(&got), bits(&reference_downsample(&plane, cols)), "{rows}x{cols}");
        }
    }

    #[test]
    fn windows() {
        assert_eq!((window(5), window(128), window(129), window(512)), (1, 1, 2, 4));
    }
}
