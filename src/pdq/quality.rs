//! Step 7: the reference's quality metric over the 64x64 buffer.

/// Sums `|trunc((u - v) * 100 / 255)|` over all vertically and horizontally
/// adjacent pairs (f32 arithmetic, truncation toward zero), divides by 90,
/// caps at 100.
pub(crate) fn quality(buf: &[f32; 4096]) -> u8 {
    let step = |u: f32, v: f32| ((((u - v) * 100.0) / 255.0) as i32).unsigned_abs();
    let mut sum: u32 = 0;
    for i in 0..63 {
        for j in 0..64 {
            sum += step(buf[i * 64 + j], buf[(i + 1) * 64 + j]);
        }
    }
    for i in 0..64 {
        for j in 0..63 {
            sum += step(buf[i * 64 + j], buf[i * 64 + j + 1]);
        }
    }
    (sum / 90).min(100) as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flat_is_zero_and_stripes_saturate() {
        assert_eq!(quality(&[42.0; 4096]), 0);
        let stripes: [f32; 4096] = std::array::from_fn(|k| if k % 2 == 0 { 0.0 } else { 255.0 });
        assert_eq!(quality(&stripes), 100);
    }

    #[test]
    fn truncates_each_step_toward_zero() {
        // Columns step by 2.56 luma: 2.56 * 100 / 255 = 1.0039 -> 1 per
        // horizontal pair, 64*63 pairs = 4032 -> 4032 / 90 = 44.
        let ramp: [f32; 4096] = std::array::from_fn(|k| (k % 64) as f32 * 2.56);
        assert_eq!(quality(&ramp), 44);
        // A step of 2.5 gives 0.98 -> 0: quality 0.
        let ramp: [f32; 4096] = std::array::from_fn(|k| (k % 64) as f32 * 2.5);
        assert_eq!(quality(&ramp), 0);
    }
}
