//! Steps 5 and 6: the two-pass Jarosz tent filter (1-D box filters along rows
//! then columns, twice) and the centre-sampled decimation to 64x64.
//!
//! The float operations run in exactly the reference's order (running f32
//! sum: add the entering sample, subtract the leaving one, divide by the
//! current count), because that order decides the last bits. The row pass
//! runs four rows at a time in [`F32x4`] lanes (one running sum per lane,
//! each in exactly that order).

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

/// The box filter of window `w` down every column of a `cols`-wide
/// row-major plane. All columns advance together one row at a time (each
/// column's own sum sees the same operations in the same order as a
/// column-by-column pass), which keeps memory access sequential and lets
/// LLVM vectorise across columns natively (at opt-level 3).
fn box_down(input: &[f32], output: &mut [f32], cols: usize, w: usize, sums: &mut Vec<f32>) {
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
        count += 1;
        let n = count as f32;
        let dst = &mut output[out * cols..(out + 1) * cols];
        for ((s, &x), d) in sums.iter_mut().zip(row(right)).zip(dst) {
            *s += x;
            *d = *s / n;
        }
        right += 1;
        out += 1;
    }
    for _ in 0..p3 {
        let n = count as f32;
        let dst = &mut output[out * cols..(out + 1) * cols];
        for (((s, &x), &y), d) in sums.iter_mut().zip(row(right)).zip(row(left)).zip(dst) {
            *s += x;
            *s -= y;
            *d = *s / n;
        }
        left += 1;
        right += 1;
        out += 1;
    }
    for _ in 0..p4 {
        count -= 1;
        let n = count as f32;
        let dst = &mut output[out * cols..(out + 1) * cols];
        for ((s, &y), d) in sums.iter_mut().zip(row(left)).zip(dst) {
            *s -= y;
            *d = *s / n;
        }
        left += 1;
        out += 1;
    }
}

/// 1-D box filter of window `w` along `n` samples, sample `i` at `input[i]`:
/// one running sum per lane, in the reference's order. With `f32` this is
/// the plain filter of one row; with [`F32x4`] it filters four rows at once,
/// lane `k` reading the row `k * stride` further on.
#[inline(always)]
fn box_lanes<L: Lane>(input: &[f32], output: &mut [f32], n: usize, w: usize, stride: usize) {
    let [p1, p2, p3, p4] = phases(n, w);
    let mut sum = L::splat(0.0);
    let mut count = 0usize;
    // Indices of the entering, leaving and written samples.
    let (mut right, mut left, mut out) = (0, 0, 0);
    for _ in 0..p1 {
        sum = sum + L::load(input, right, stride);
        count += 1;
        right += 1;
    }
    for _ in 0..p2 {
        sum = sum + L::load(input, right, stride);
        count += 1;
        (sum / L::splat(count as f32)).store(output, out, stride);
        right += 1;
        out += 1;
    }
    let full = L::splat(count as f32);
    for _ in 0..p3 {
        sum = sum + L::load(input, right, stride);
        sum = sum - L::load(input, left, stride);
        (sum / full).store(output, out, stride);
        right += 1;
        left += 1;
        out += 1;
    }
    for _ in 0..p4 {
        sum = sum - L::load(input, left, stride);
        count -= 1;
        (sum / L::splat(count as f32)).store(output, out, stride);
        left += 1;
        out += 1;
    }
}

/// The box filter of window `w` along every row of the `cols`-wide
/// row-major `input`: four rows at a time in [`F32x4`] lanes (their serial
/// sums overlap instead of waiting on each other), the last `rows % 4` rows
/// one by one.
fn box_along(input: &[f32], output: &mut [f32], cols: usize, w: usize) {
    let rows = input.len() / cols;
    let rows4 = rows / LANES * LANES;
    let mut r = 0;
    while r < rows4 {
        let span = r * cols..(r + LANES) * cols;
        box_lanes::<F32x4>(&input[span.clone()], &mut output[span], cols, w, cols);
        r += LANES;
    }
    let rest = rows4 * cols..;
    for (src, dst) in input[rest.clone()]
        .chunks_exact(cols)
        .zip(output[rest].chunks_exact_mut(cols))
    {
        box_lanes::<f32>(src, dst, cols, w, cols);
    }
}

/// Reusable buffers for the blur.
#[derive(Default)]
pub(crate) struct BlurScratch {
    plane: Vec<f32>,
    sums: Vec<f32>,
}

/// Blurs the `cols`-wide row-major `plane` in place: twice, a box filter of
/// window `ceil(cols/128)` along every row, then one of window
/// `ceil(rows/128)` down every column. Both sides must be at least 1.
pub(crate) fn jarosz(plane: &mut [f32], cols: usize, scratch: &mut BlurScratch) {
    let rows = plane.len() / cols;
    let (wr, wc) = (window(cols), window(rows));
    scratch.plane.clear();
    scratch.plane.resize(plane.len(), 0.0);
    for _ in 0..2 {
        box_along(plane, &mut scratch.plane, cols, wr);
        box_down(&scratch.plane, plane, cols, wc, &mut scratch.sums);
    }
}

/// Picks the 64x64 centre samples: output (i, j) reads row
/// `floor((i + 0.5) * rows / 64)`, column `floor((j + 0.5) * cols / 64)`.
pub(crate) fn decimate(plane: &[f32], cols: usize) -> [f32; 4096] {
    let rows = plane.len() / cols;
    let mut out = [0f32; 4096];
    for (i, out_row) in out.chunks_exact_mut(64).enumerate() {
        let r = (2 * i + 1) * rows / 128;
        for (j, o) in out_row.iter_mut().enumerate() {
            *o = plane[r * cols + (2 * j + 1) * cols / 128];
        }
    }
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
                    assert!(
                        (*got as f64 - want).abs() < 1e-4,
                        "n={n} w={w}: {got} vs {want}"
                    );
                }
            }
        }
    }

    /// A plane whose neighbouring values sum and divide with rounding.
    fn test_plane(rows: usize, cols: usize) -> Vec<f32> {
        (0..rows * cols)
            .map(|k| ((k * 7919) % 256) as f32 * 0.37)
            .collect()
    }

    fn column(plane: &[f32], cols: usize, c: usize) -> Vec<f32> {
        plane.iter().skip(c).step_by(cols).copied().collect()
    }

    fn bits(v: &[f32]) -> Vec<u32> {
        v.iter().map(|x| x.to_bits()).collect()
    }

    #[test]
    fn column_pass_equals_contiguous_pass_bit_for_bit() {
        // 11 columns: two groups of four lanes and three left over.
        let (rows, cols) = (37, 11);
        let plane = test_plane(rows, cols);
        for w in 1..=6 {
            let mut by_columns = vec![0f32; rows * cols];
            box_down(&plane, &mut by_columns, cols, w, &mut Vec::new());
            for c in 0..cols {
                let mut out = vec![0f32; rows];
                box_contiguous(&column(&plane, cols, c), &mut out, w);
                assert_eq!(
                    bits(&column(&by_columns, cols, c)),
                    bits(&out),
                    "w={w} c={c}"
                );
            }
        }
    }

    #[test]
    fn row_pass_equals_contiguous_pass_bit_for_bit() {
        // 19 rows: four groups of four and three rows left over.
        let (rows, cols) = (19, 37);
        let plane = test_plane(rows, cols);
        for w in 1..=6 {
            let mut along = vec![0f32; rows * cols];
            box_along(&plane, &mut along, cols, w);
            for (r, (src, got)) in plane.chunks(cols).zip(along.chunks(cols)).enumerate() {
                let mut out = vec![0f32; cols];
                box_contiguous(src, &mut out, w);
                assert_eq!(bits(got), bits(&out), "w={w} r={r}");
            }
        }
    }

    #[test]
    fn jarosz_equals_the_scalar_passes_bit_for_bit() {
        let (rows, cols) = (300, 141); // windows 3 and 2
        let mut plane = test_plane(rows, cols);
        let mut want = plane.clone();
        for _ in 0..2 {
            for row in want.chunks_mut(cols) {
                let src = row.to_vec();
                box_contiguous(&src, row, window(cols));
            }
            for c in 0..cols {
                let mut out = vec![0f32; rows];
                box_contiguous(&column(&want, cols, c), &mut out, window(rows));
                for (r, v) in out.into_iter().enumerate() {
                    want[r * cols + c] = v;
                }
            }
        }
        jarosz(&mut plane, cols, &mut BlurScratch::default());
        assert_eq!(bits(&plane), bits(&want));
    }

    #[test]
    fn windows_and_decimation_indices() {
        assert_eq!(
            (window(5), window(128), window(129), window(512)),
            (1, 1, 2, 4)
        );
        // A 128x128 plane whose value is its own index: decimation reads rows
        // and columns 1, 3, 5, ... (centres of 2x2 blocks).
        let plane: Vec<f32> = (0..128 * 128).map(|k| k as f32).collect();
        let out = decimate(&plane, 128);
        assert_eq!(out[0], (128 + 1) as f32);
        assert_eq!(out[64 + 2], (3 * 128 + 5) as f32);
    }
}
