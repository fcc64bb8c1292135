//! Generated test pictures with known content for the detectors' tests.

use crate::pixels::{Layout, Pixels};

/// A cheap integer hash of a position, for deterministic texture.
pub fn noise(x: u32, y: u32, seed: u32) -> u32 {
    let mut v = x.wrapping_mul(0x9E37_79B1) ^ y.wrapping_mul(0x85EB_CA77) ^ seed.wrapping_mul(0xC2B2_AE3D);
    v ^= v >> 15;
    v = v.wrapping_mul(0x2C1B_3C6D);
    v ^ (v >> 12)
}

/// A detailed RGB photo stand-in: colour gradients, a checker of soft
/// blobs and fine texture, so that it has detail everywhere and a PDQ hash
/// of high quality.
pub fn picture(w: u32, h: u32, seed: u32) -> Pixels {
    let mut data = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let blob = ((x * 9 / w) + (y * 6 / h) + seed) % 3;
            let grain = (noise(x, y, seed) % 24) as i32 - 12;
            let r = (x * 200 / w) as i32 + 30 + grain;
            let g = (y * 200 / h) as i32 + 20 - grain;
            let b = 40 + 80 * blob as i32 + grain;
            data.extend([r, g, b].map(|v| v.clamp(0, 255) as u8));
        }
    }
    Pixels::new(w, h, Layout::Rgb8, data).unwrap()
}
