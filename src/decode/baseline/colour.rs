//! From reduced planes to pixels: chroma upsampled with the triangle
//! ("fancy") filter and YCbCr converted to RGB in 20-bit fixed point, as
//! jpeg-decoder does both, so the output matches its scaled decode.

use super::scan::Plane;

/// One component's plane with its sampling factors.
pub(super) struct Sampled<'a> {
    pub(super) plane: &'a Plane,
    /// The component's width and height in samples at the reduced scale.
    pub(super) width: usize,
    pub(super) height: usize,
    /// Whether it is at half the luma resolution across and down.
    pub(super) half_across: bool,
    pub(super) half_down: bool,
}

/// Grey: the plane's rows, cut to the image width.
pub(super) fn grey(plane: &Plane, width: usize, height: usize) -> Vec<u8> {
    plane.data.chunks(plane.stride).take(height).flat_map(|row| &row[..width]).copied().collect()
}

/// YCbCr planes to interleaved RGB, `width` x `height`.
pub(super) fn rgb(y: &Sampled<'_>, cb: &Sampled<'_>, cr: &Sampled<'_>, width: usize, height: usize) -> Vec<u8> {
    let mut out = vec![0u8; width * height * 3];
    // Each line is at least as long as twice the widest chroma row.
    let line_len = width.max(2 * cb.width).max(2 * cr.width);
    let mut lines = [vec![0u8; line_len], vec![0u8; line_len], vec![0u8; line_len]];
    for (row, pixels) in out.chunks_exact_mut(width * 3).enumerate() {
        for (component, line) in [y, cb, cr].into_iter().zip(lines.iter_mut()) {
            upsample_row(component, row, width, line);
        }
        let [y, cb, cr] = &lines;
        for (((pixel, &y), &cb), &cr) in pixels.chunks_exact_mut(3).zip(y).zip(cb).zip(cr) {
            let [r, g, b] = ycbcr_to_rgb(y, cb, cr);
            pixel[0] = r;
            pixel[1] = g;
            pixel[2] = b;
        }
    }
    out
}

/// Output row `row` of one component at full (luma) resolution.
fn upsample_row(c: &Sampled<'_>, row: usize, width: usize, out: &mut [u8]) {
    let stride = c.plane.stride;
    // Down: 3/4 of the nearest chroma row, 1/4 of the next nearest (the one
    // above for even rows, below for odd ones, clamped at the edges); a
    // component at full height mixes its row with itself.
    let (near, far) = if c.half_down {
        let near = row / 2;
        let far = if row % 2 == 0 { near.saturating_sub(1) } else { (near + 1).min(c.height - 1) };
        (near, far)
    } else {
        (row, row)
    };
    let near_row = &c.plane.data[near * stride..];
    let far_row = &c.plane.data[far * stride..];
    if c.half_across {
        across_and_down(&near_row[..c.width], &far_row[..c.width], out);
    } else if c.half_down {
        for ((o, &n), &f) in out[..width].iter_mut().zip(near_row).zip(far_row) {
            *o = ((3 * u32::from(n) + u32::from(f) + 2) >> 2) as u8;
        }
    } else {
        out[..width].copy_from_slice(&near_row[..width]);
    }
}

/// Doubles a row across (from the rows `near` and `far`): each output mixes
/// 3:1 the near and far rows, then 3:1 its own column and the neighbouring
/// column on its side, rounded once; the ends take their own column alone.
/// With `far` = `near` this is the plain 3:1 horizontal filter, exactly.
fn across_and_down(near: &[u8], far: &[u8], out: &mut [u8]) {
    let n = near.len();
    let mix = |i: usize| 3 * u32::from(near[i]) + u32::from(far[i]);
    let mut right = mix(0);
    out[0] = ((right + 2) >> 2) as u8;
    for i in 1..n {
        let left = right;
        right = mix(i);
        out[2 * i - 1] = ((3 * left + right + 8) >> 4) as u8;
        out[2 * i] = ((3 * right + left + 8) >> 4) as u8;
    }
    out[2 * n - 1] = ((right + 2) >> 2) as u8;
}

/// Fixed-point bits of the colour conversion.
const FRACTION: u32 = 20;

/// `x` in 20-bit fixed point, rounded as jpeg-decoder rounds it (in f32).
const fn fixed(x: f32) -> i32 {
    (x * (1 << FRACTION) as f32 + 0.5) as i32
}

/// The conversion's factors: Cr to red, Cb and Cr to green, Cb to blue.
const CR_R: i32 = fixed(1.402);
const CB_G: i32 = fixed(0.34414);
const CR_G: i32 = fixed(0.71414);
const CB_B: i32 = fixed(1.772);

/// ITU-R BT.601 YCbCr (full range, as JFIF uses it) to RGB.
#[inline(always)]
fn ycbcr_to_rgb(y: u8, cb: u8, cr: u8) -> [u8; 3] {
    let y = (i32::from(y) << FRACTION) + (1 << (FRACTION - 1));
    let (cb, cr) = (i32::from(cb) - 128, i32::from(cr) - 128);
    let channel = |v: i32| (v >> FRACTION).clamp(0, 255) as u8;
    [channel(y + CR_R * cr), channel(y - CB_G * cb - CR_G * cr), channel(y + CB_B * cb)]
}
