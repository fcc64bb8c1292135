//! Step 8: the 16x16 block of DCT-II coefficients 1..=16 of the 64x64 buffer.

use std::sync::OnceLock;

/// The 16x64 DCT matrix, row-major: `D[i][j] = f32(sqrt(2/64)) * cos(pi/128 *
/// (i+1) * (2j+1))`, the product formed in f64 and rounded to f32.
pub(crate) fn matrix() -> &'static [f32; 1024] {
    static MATRIX: OnceLock<[f32; 1024]> = OnceLock::new();
    MATRIX.get_or_init(|| {
        let scale = (2.0f64 / 64.0).sqrt() as f32;
        std::array::from_fn(|k| {
            let (i, j) = (k / 64, k % 64);
            let angle = (std::f64::consts::PI / 2.0 / 64.0) * (i + 1) as f64 * (2 * j + 1) as f64;
            (scale as f64 * angle.cos()) as f32
        })
    })
}

/// `B = D * A * D^T` for the 64x64 row-major `a`; every entry is one f32 sum
/// over k = 0..64 in increasing order, without fused multiply-add.
pub(crate) fn dct16(a: &[f32; 4096]) -> [f32; 256] {
    let d = matrix();
    // T = D * A, 16x64. T[i][j] accumulates D[i][k] * A[k][j] for k = 0, 1, ...;
    // looping k outside j keeps that order per entry and reads A by rows.
    let mut t = [0f32; 1024];
    for (t_row, d_row) in t.chunks_exact_mut(64).zip(d.chunks_exact(64)) {
        for (&dik, a_row) in d_row.iter().zip(a.chunks_exact(64)) {
            for (acc, &x) in t_row.iter_mut().zip(a_row) {
                *acc += dik * x;
            }
        }
    }
    // B = T * D^T, 16x16.
    let mut b = [0f32; 256];
    for (i, b_row) in b.chunks_exact_mut(16).enumerate() {
        let t_row = &t[i * 64..(i + 1) * 64];
        for (out, d_row) in b_row.iter_mut().zip(d.chunks_exact(64)) {
            let mut sum = 0f32;
            for (&x, &y) in t_row.iter().zip(d_row) {
                sum += x * y;
            }
            *out = sum;
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_image_has_near_zero_ac_coefficients() {
        let b = dct16(&[100.0; 4096]);
        assert!(b.iter().all(|v| v.abs() < 1e-2), "{b:?}");
    }

    #[test]
    fn a_cosine_lands_on_its_own_coefficient() {
        // The rows of D are orthonormal, so the product of row 2 (down the
        // image) and row 4 (across it) lands on B[2][4] alone.
        let d = matrix();
        let a: [f32; 4096] =
            std::array::from_fn(|k| d[2 * 64 + k / 64] * d[4 * 64 + k % 64] * 1000.0);
        let b = dct16(&a);
        let (arg, max) =
            b.iter().enumerate().fold(
                (0, 0f32),
                |m, (k, &v)| if v.abs() > m.1 { (k, v.abs()) } else { m },
            );
        assert_eq!(arg, 2 * 16 + 4);
        assert!((max - 1000.0).abs() < 0.1, "{max}");
        assert!(b
            .iter()
            .enumerate()
            .all(|(k, v)| k == arg || v.abs() < 0.01));
    }
}
