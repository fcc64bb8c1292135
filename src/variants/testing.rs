//! Generated test images with known geometry, for the detectors' tests.
//! Integer arithmetic only, so native and wasm32 tests see the same pixels.

use super::lines::Side;
use crate::pdq;
use crate::pixels::{Layout, PixelView, Pixels, Rect};

/// A reproducible pseudo-random byte for a position and seed.
pub fn noise(x: u32, y: u32, seed: u32) -> u32 {
    let mut v = x.wrapping_mul(0x9E37_79B1) ^ y.wrapping_mul(0x85EB_CA77) ^ seed.wrapping_mul(0xC2B2_AE3D);
    v ^= v >> 15;
    v = v.wrapping_mul(0x2C1B_3C6D);
    v ^= v >> 12;
    v & 255
}

/// Value noise: random values on a grid of `cell` pixels, bilinearly interpolated.
fn smooth(x: u32, y: u32, cell: u32, seed: u32) -> u32 {
    let (gx, gy, fx, fy) = (x / cell, y / cell, x % cell, y % cell);
    let at = |dx, dy| noise(gx + dx, gy + dy, seed);
    let upper = at(0, 0) * (cell - fx) + at(1, 0) * fx;
    let lower = at(0, 1) * (cell - fx) + at(1, 1) * fx;
    (upper * (cell - fy) + lower * fy) / (cell * cell)
}

/// A photo-like RGB picture: smooth shapes at three scales and no straight edges.
pub fn picture(w: u32, h: u32, seed: u32) -> Pixels {
    let scale = w.max(h);
    let mut data = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            for c in 0..3 {
                let s = seed * 7 + c;
                let v = 6 * smooth(x, y, scale / 5, s) + 3 * smooth(x, y, scale / 23 + 1, s + 99) + smooth(x, y, 3, s);
                data.push((v / 10) as u8);
            }
        }
    }
    Pixels::new(w, h, Layout::Rgb8, data).unwrap()
}

/// A detailed RGB photo stand-in with straight-edged detail: colour
/// gradients, a checker of blobs and fine grain, so that it has detail
/// everywhere and a PDQ hash of high quality.
pub fn blobs(w: u32, h: u32, seed: u32) -> Pixels {
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

/// `inner` pasted at (`left`, `top`) on a canvas of `w` x `h` whose pixels
/// come from `fill(x, y)`.
fn compose(inner: &Pixels, w: u32, h: u32, left: u32, top: u32, fill: impl Fn(u32, u32) -> [u8; 3]) -> Pixels {
    let src = inner.view();
    let mut data = Vec::with_capacity((w * h * 3) as usize);
    for y in 0..h {
        for x in 0..w {
            let (ix, iy) = (x.wrapping_sub(left), y.wrapping_sub(top));
            if ix < src.width() && iy < src.height() {
                data.extend_from_slice(&src.row(iy)[ix as usize * 3..][..3]);
            } else {
                data.extend_from_slice(&fill(x, y));
            }
        }
    }
    Pixels::new(w, h, Layout::Rgb8, data).unwrap()
}

/// `original` with a band of `share` of its height (or width, for a side
/// band) added on `side`, in `colour`, with blocks of text in a contrasting
/// colour in its middle; and where the original now lies.
pub fn captioned(original: &Pixels, share: f32, side: Side, colour: [u8; 3]) -> (Pixels, Rect) {
    let (w, h) = (original.width(), original.height());
    let band = ((if side.rows() { h } else { w }) as f32 * share) as u32;
    let (cw, ch) = if side.rows() { (w, h + band) } else { (w + band, h) };
    let (left, top) = match side {
        Side::Top => (0, band),
        Side::Left => (band, 0),
        _ => (0, 0),
    };
    let light = u32::from(colour[0]) + u32::from(colour[1]) + u32::from(colour[2]) > 384;
    let ink = if light { [10, 10, 10] } else { [245, 245, 245] };
    let glyph = (band / 8).max(2);
    let text = |x: u32, y: u32| {
        // Across the band (`t`, from its outer edge) and along it (`u`).
        let (t, u, length) = match side {
            Side::Top => (y, x, cw),
            Side::Bottom => (ch - 1 - y, x, cw),
            Side::Left => (x, y, ch),
            Side::Right => (cw - 1 - x, y, ch),
        };
        let in_box = t * 10 >= band * 3 && t * 10 < band * 7 && u * 20 >= length && u * 20 < length * 17;
        in_box && noise(u / glyph, t / glyph, 5) < 100
    };
    let copy = compose(original, cw, ch, left, top, |x, y| if text(x, y) { ink } else { colour });
    (copy, Rect { left, top, width: w, height: h })
}

/// What fills a frame.
#[derive(Debug, Clone, Copy)]
pub enum Fill {
    /// The picture enlarged to cover the canvas, box-blurred and dimmed.
    Blurred,
    /// Random pixels.
    Noise,
    /// A diagonal colour gradient.
    Gradient,
}

/// Box blur of an RGB canvas, `radius` pixels each way, along rows then columns.
fn box_blur(data: &mut [u8], w: usize, h: usize, radius: usize) {
    let mut pass = |count: usize, len: usize, at: &dyn Fn(usize, usize) -> usize| {
        let mut line = vec![0u32; len];
        for i in 0..count {
            for c in 0..3 {
                for (j, v) in line.iter_mut().enumerate() {
                    *v = u32::from(data[at(i, j) + c]);
                }
                for j in 0..len {
                    let (a, b) = (j.saturating_sub(radius), (j + radius + 1).min(len));
                    data[at(i, j) + c] = (line[a..b].iter().sum::<u32>() / (b - a) as u32) as u8;
                }
            }
        }
    };
    pass(h, w, &|y, x| (y * w + x) * 3);
    pass(w, h, &|x, y| (y * w + x) * 3);
}

/// `original` centred in a `w` x `h` frame filled by `fill`; and where it lies.
pub fn framed(original: &Pixels, w: u32, h: u32, fill: Fill) -> (Pixels, Rect) {
    let (iw, ih) = (original.width(), original.height());
    let (left, top) = ((w - iw) / 2, (h - ih) / 2);
    let truth = Rect { left, top, width: iw, height: ih };
    let src = original.view();
    let copy = match fill {
        Fill::Noise => compose(original, w, h, left, top, |x, y| [0, 1, 2].map(|c| noise(x, y, c) as u8)),
        Fill::Gradient => compose(original, w, h, left, top, |x, y| {
            let t = (x + y) * 255 / (w + h);
            [(30 + t * 200 / 255) as u8, (60 + t / 2) as u8, (200 - t * 170 / 255) as u8]
        }),
        Fill::Blurred => {
            // Scale (in 1/1024) at which the picture covers the canvas.
            let scale = (w * 1024 / iw).max(h * 1024 / ih) + 1;
            let (sw, sh) = (iw * scale / 1024, ih * scale / 1024);
            let (ox, oy) = ((sw - w) / 2, (sh - h) / 2);
            let mut back = Vec::with_capacity((w * h * 3) as usize);
            for y in 0..h {
                for x in 0..w {
                    let (sx, sy) = (((x + ox) * 1024 / scale).min(iw - 1), ((y + oy) * 1024 / scale).min(ih - 1));
                    back.extend(src.row(sy)[sx as usize * 3..][..3].iter().map(|&v| (u32::from(v) * 4 / 5) as u8));
                }
            }
            box_blur(&mut back, w as usize, h as usize, (w / 30) as usize);
            box_blur(&mut back, w as usize, h as usize, (w / 30) as usize);
            let at = |x: u32, y: u32| ((y * w + x) * 3) as usize;
            compose(original, w, h, left, top, |x, y| [back[at(x, y)], back[at(x, y) + 1], back[at(x, y) + 2]])
        }
    };
    (copy, truth)
}

/// Whether every edge of `found` is within `tolerance` pixels of `truth`'s.
pub fn rect_near(found: Rect, truth: Rect, tolerance: u32) -> bool {
    let edges = |r: Rect| [r.left, r.top, r.left + r.width, r.top + r.height];
    edges(found).iter().zip(edges(truth)).all(|(a, b)| a.abs_diff(b) <= tolerance)
}

/// Asserts that hashing `copy` through `rect` lands within 31 bits of
/// `original` and nearer than hashing `copy` as it is.
pub fn hashes_near(original: &Pixels, copy: &Pixels, rect: Rect) {
    let listed = pdq::hash(original.view());
    assert!(listed.quality >= 50, "test picture too plain ({})", listed.quality);
    let as_is = pdq::hash(copy.view()).hash.distance(&listed.hash);
    let cropped = pdq::hash(copy.view().crop(rect).unwrap()).hash.distance(&listed.hash);
    assert!(cropped < 31 && cropped < as_is, "cropped {cropped} bits, as is {as_is}");
}

/// Calls `check` on images a detector must survive and find nothing in:
/// 1-pixel and tiny images, lines, flat images (one of them large) and pure noise.
pub fn degenerate_images(check: impl Fn(PixelView<'_>)) {
    let noisy = |w: u32, h: u32, layout: Layout| {
        let n = (w * h) as usize * layout.bytes_per_pixel();
        Pixels::new(w, h, layout, (0..n as u32).map(|i| noise(i, i / 7, 3) as u8).collect()).unwrap()
    };
    let flat = |w: u32, h: u32, v: u8| Pixels::new(w, h, Layout::Rgb8, vec![v; (w * h * 3) as usize]).unwrap();
    let images = [
        flat(1, 1, 9),
        flat(3, 3, 200),
        noisy(1, 300, Layout::Grey8),
        noisy(300, 1, Layout::Rgb8),
        noisy(40, 2, Layout::Rgba8),
        flat(64, 64, 0),
        flat(2000, 1500, 128),
        noisy(256, 256, Layout::Rgb8),
        noisy(300, 200, Layout::Rgba8),
    ];
    for image in &images {
        check(image.view());
    }
}
