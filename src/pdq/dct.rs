//! Step 8: the 16x16 block of DCT-II coefficients 1..=16 of the 64x64 buffer.

use std::sync::OnceLock;

use super::lanes::{F32x4, LANES};

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

/// [`matrix`] transposed (64x16, row-major): `DT[k][i] = D[i][k]`.
fn matrix_transposed() -> &'static [f32; 1024] {
    static TRANSPOSED: OnceLock<[f32; 1024]> = OnceLock::new();
    TRANSPOSED.get_or_init(|| {
        let d = matrix();
        std::array::from_fn(|k| d[(k % 16) * 64 + k / 16])
    })
}

/// `B = D * A * D^T` for the 64x64 row-major `a`; every entry is one f32 sum
/// over k = 0..64 in increasing order, without fused multiply-add. Four
/// entries at a time in [`F32x4`] lanes, one sum per lane.
pub(crate) fn dct16(a: &[f32; 4096]) -> [f32; 256] {
    let (d, dt) = (matrix(), matrix_transposed());
    // T = D * A, 16x64. T[i][j] accumulates D[i][k] * A[k][j] for k = 0, 1, ...;
    // looping k outside j keeps that order per entry and reads A by rows.
    let mut t = [0f32; 1024];
    for i in 0..16 {
        for k in 0..64 {
            let dik = F32x4::splat(d[i * 64 + k]);
            let mut j = 0;
            while j < 64 {
                let acc = F32x4::load(&t, i * 64 + j) + dik * F32x4::load(a, k * 64 + j);
                acc.store(&mut t, i * 64 + j);
                j += LANES;
            }
        }
    }
    // B = T * D^T, 16x16: B[i][o] accumulates T[i][k] * D[o][k] for k = 0,
    // 1, ..., four outputs `o` at a time from the rows of D^T.
    let mut b = [0f32; 256];
    for i in 0..16 {
        let mut o = 0;
        while o < 16 {
            let mut acc = F32x4::splat(0.0);
            for k in 0..64 {
                acc = acc + F32x4::splat(t[i * 64 + k]) * F32x4::load(dt, k * 16 + o);
            }
            acc.store(&mut b, i * 16 + o);
            o += LANES;
        }
    }
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// The definition, one scalar sum at a time: the bit-exact oracle.
    fn dct16_scalar(a: &[f32; 4096]) -> [f32; 256] {
        let d = matrix();
        let t: Vec<f32> = (0..1024)
            .map(|ij| {
                let (i, j) = (ij / 64, ij % 64);
                (0..64).fold(0f32, |sum, k| sum + d[i * 64 + k] * a[k * 64 + j])
            })
            .collect();
        std::array::from_fn(|io| {
            let (i, o) = (io / 16, io % 16);
            (0..64).fold(0f32, |sum, k| sum + t[i * 64 + k] * d[o * 64 + k])
        })
    }

    #[test]
    fn lanes_equal_the_scalar_sums_bit_for_bit() {
        let a: [f32; 4096] = std::array::from_fn(|k| ((k * 7919) % 256) as f32 * 0.37);
        let bits = |b: [f32; 256]| b.map(f32::to_bits);
        assert_eq!(bits(dct16(&a)), bits(dct16_scalar(&a)));
    }

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
        let a: [f32; 4096] = std::array::from_fn(|k| d[2 * 64 + k / 64] * d[4 * 64 + k % 64] * 1000.0);
        let b = dct16(&a);
        let (arg, max) =
            b.iter().enumerate().fold((0, 0f32), |m, (k, &v)| if v.abs() > m.1 { (k, v.abs()) } else { m });
        assert_eq!(arg, 2 * 16 + 4);
        assert!((max - 1000.0).abs() < 0.1, "{max}");
        assert!(b.iter().enumerate().all(|(k, v)| k == arg || v.abs() < 0.01));
    }
}
