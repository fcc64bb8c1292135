//! Which reduced IDCT scale a JPEG can be decoded at without starving PDQ.
//!
//! PDQ looks at a 512x512 nearest-neighbour sample of the image (pdq.md,
//! step 2). A JPEG's 8x8 blocks can be inverse-transformed at 1/2, 1/4 or
//! 1/8 of their size (libjpeg's scaled decoding), which skips most of the
//! IDCT, upsampling and colour conversion work. The largest reduction that
//! leaves both sides at least [`MIN_SIDE`] pixels keeps the sample grid at
//! least as fine as the pre-resize grid.

/// The smallest side a reduced decode may produce: the PDQ pre-resize size.
pub(crate) const MIN_SIDE: u32 = 512;

/// The IDCT reductions a JPEG decoder offers, largest first.
const REDUCTIONS: [u32; 3] = [8, 4, 2];

/// The side of a `len`-pixel side decoded at 1/`reduction` scale: rounded
/// up, as libjpeg and jpeg-decoder size their output.
pub(crate) fn reduced_len(len: u32, reduction: u32) -> u32 {
    len.div_ceil(reduction)
}

/// The largest reduction (8, 4, 2, or 1 for none) that keeps both sides of a
/// `width` x `height` image at least [`MIN_SIDE`] pixels.
pub(crate) fn pdq_reduction(width: u32, height: u32) -> u32 {
    REDUCTIONS
        .into_iter()
        .find(|&r| reduced_len(width, r) >= MIN_SIDE && reduced_len(height, r) >= MIN_SIDE)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn reduced(width: u32, height: u32) -> (u32, u32, u32) {
        let r = pdq_reduction(width, height);
        (r, reduced_len(width, r), reduced_len(height, r))
    }

    #[test]
    fn phone_photos() {
        assert_eq!(reduced(4000, 3000), (4, 1000, 750)); // 12 MP
        assert_eq!(reduced(3000, 4000), (4, 750, 1000)); // portrait
        assert_eq!(reduced(7296, 5472), (8, 912, 684)); // 40 MP
        assert_eq!(reduced(12000, 9000), (8, 1500, 1125)); // 108 MP
    }

    #[test]
    fn small_sides_keep_full_resolution() {
        assert_eq!(reduced(1000, 600), (1, 1000, 600));
        assert_eq!(reduced(1600, 1004), (1, 1600, 1004)); // 1/2 would give 502 rows
        assert_eq!(reduced(512, 512), (1, 512, 512));
        assert_eq!(reduced(30000, 400), (1, 30000, 400)); // a short side under 512
        assert_eq!(reduced(0, 0), (1, 0, 0));
    }

    #[test]
    fn boundaries_round_up() {
        assert_eq!(reduced(1024, 1024), (2, 512, 512));
        assert_eq!(reduced(1023, 1024), (2, 512, 512)); // 511.5 rounds up to 512
        assert_eq!(reduced(1022, 4096), (1, 1022, 4096)); // 511 is too few
        assert_eq!(reduced(2048, 2048), (4, 512, 512));
        assert_eq!(reduced(4089, 4089), (8, 512, 512)); // 511.1 rounds up
        assert_eq!(reduced(4088, 4096), (4, 1022, 1024)); // 511 is too few at 1/8
        assert_eq!(reduced(u32::MAX, u32::MAX), (8, 536_870_912, 536_870_912));
    }
}
