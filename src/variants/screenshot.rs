//! Screenshot extraction: the largest photo-like rectangle inside a capture
//! of an app's or a desktop's interface.
//!
//! Interfaces are drawn: flat panels, bars and buttons, and text whose
//! letters stand on a flat background. A photo has detail nearly
//! everywhere. On a small luma thumbnail a pixel is *busy* when its 3x3
//! neighbourhood is not flat; the largest rectangle of busy pixels, grown
//! over the photo's smooth parts to the uniform lines of the interface
//! around it, is the photo's rough place, accepted only when the rest of
//! the capture is mostly flat and the inside is not text on one colour. Each side is then snapped at full
//! resolution to the row or column where the picture starts, since PDQ
//! forgives only about half a percent of misregistration.

use crate::pixels::{PixelView, Rect};

/// The thumbnail's longer side is at most this many pixels.
const THUMB_SIDE: usize = 256;

/// A thumbnail pixel is busy when its 3x3 neighbourhood spans more than this
/// many luma levels.
const FLAT_RANGE: u8 = 1;

/// A screenshot has at least this share (in 1/100) of flat thumbnail pixels.
const MIN_FLAT_PERCENT: usize = 20;

/// The photo must cover at least this share (in 1/100) of the capture...
const MIN_AREA_PERCENT: usize = 10;

/// ...and at most this share of either side, or it is the whole image.
const MAX_SIDE_PERCENT: usize = 92;

/// At least this share (in 1/100) of the capture outside the photo is flat.
const MIN_FLAT_OUTSIDE_PERCENT: usize = 50;

/// A photo has at most this share (in 1/100) of its pixels within one
/// luma level of a single value; text on a flat panel has far more.
const MAX_ONE_COLOUR_PERCENT: usize = 30;

/// At least this share (in 1/100) of the capture outside the photo is busy:
/// an interface has text and icons.
const MIN_BUSY_OUTSIDE_PERCENT: usize = 2;

/// At most this many busy blocks are tried, largest first.
const SEEDS: usize = 3;

/// At most this many samples along an edge when snapping it.
const SNAP_SAMPLES: usize = 512;

/// A rectangle of pixels by its edges: columns `left..right`, rows `top..bottom`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Edges {
    /// First column.
    pub left: usize,
    /// First row.
    pub top: usize,
    /// One past the last column.
    pub right: usize,
    /// One past the last row.
    pub bottom: usize,
}

/// Integer luma (BT.601 weights in 1/256) of the pixel at `offset`.
fn luma(data: &[u8], offset: usize, bpp: usize) -> u8 {
    if bpp == 1 {
        return data[offset];
    }
    let p = &data[offset..offset + 3];
    ((77 * u32::from(p[0]) + 150 * u32::from(p[1]) + 29 * u32::from(p[2]) + 128) >> 8) as u8
}

/// The photo's rectangle inside a screenshot, in pixels of `image`, or
/// `None` when no photo-like rectangle stands out from a mostly flat rest.
pub fn find_picture(image: PixelView<'_>) -> Option<Rect> {
    let found = find_edges(image)?;
    let side = |from: usize, to: usize| u32::try_from(to - from).ok();
    let (width, height) = (side(found.left, found.right)?, side(found.top, found.bottom)?);
    Some(Rect { left: found.left as u32, top: found.top as u32, width, height })
}

/// [`find_picture`]'s rectangle by its edges.
fn find_edges(image: PixelView<'_>) -> Option<Edges> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let k = w.max(h).div_ceil(THUMB_SIDE).max(1);
    let (tw, th) = (w / k, h / k);
    if tw < 16 || th < 16 {
        return None;
    }
    let bpp = image.layout().bytes_per_pixel();
    let (data, stride) = (image.data(), image.stride());
    // Luma thumbnail: the mean of every `step`-th pixel of each block in
    // both directions (a quarter of the pixels for blocks of 2 or more).
    let step = (k / 2).max(1);
    let per_block = k.div_ceil(step) * k.div_ceil(step);
    let mut sums = vec![0u32; tw * th];
    let offsets = || (0..k).step_by(step);
    for ty in 0..th {
        for y in offsets().map(|o| ty * k + o) {
            for (tx, sum) in sums[ty * tw..][..tw].iter_mut().enumerate() {
                *sum += offsets().map(|o| u32::from(luma(data, y * stride + (tx * k + o) * bpp, bpp))).sum::<u32>();
            }
        }
    }
    let thumb: Vec<u8> = sums.iter().map(|&s| ((s + (per_block / 2) as u32) / per_block as u32) as u8).collect();
    let busy = busy_mask(&thumb, tw, th);
    let flat = busy.iter().filter(|&&b| !b).count();
    // Too little flat interface for a screenshot: a photo (the common case, so first).
    if flat * 100 < tw * th * MIN_FLAT_PERCENT {
        return None;
    }
    let mut seeds = busy.clone();
    // The largest busy block may be text (a paragraph, a sidebar): try the
    // next largest then.
    for _ in 0..SEEDS {
        let seed = largest_rectangle(&seeds, tw, th)?;
        for y in seed.top..seed.bottom {
            seeds[y * tw + seed.left..y * tw + seed.right].fill(false);
        }
        let r = grow(&thumb, tw, th, seed);
        let (rw, rh) = (r.right - r.left, r.bottom - r.top);
        if rw * rh * 100 < tw * th * MIN_AREA_PERCENT {
            return None;
        }
        if rw * 100 >= tw * MAX_SIDE_PERCENT && rh * 100 >= th * MAX_SIDE_PERCENT {
            continue;
        }
        let flat_inside =
            (r.top..r.bottom).map(|y| (r.left..r.right).filter(|&x| !busy[y * tw + x]).count()).sum::<usize>();
        let (outside, flat_outside) = (tw * th - rw * rh, flat - flat_inside);
        // Mostly flat around the photo, but not only bars (a letterbox, which trimming handles).
        if flat_outside * 100 < outside * MIN_FLAT_OUTSIDE_PERCENT
            || (outside - flat_outside) * 100 < outside * MIN_BUSY_OUTSIDE_PERCENT
        {
            continue;
        }
        // A side on the thumbnail's edge is the capture's edge (the thumbnail
        // drops the last few columns and rows when the size is not a multiple of k).
        let scale = |r: Edges| {
            let far = |t: usize, tlen: usize, len: usize| if t == tlen { len } else { t * k };
            Edges { left: r.left * k, top: r.top * k, right: far(r.right, tw, w), bottom: far(r.bottom, th, h) }
        };
        let found = snap(image, scale(seed), scale(r), k + 2, 5 * k);
        if photo_like(image, found) {
            return Some(found);
        }
    }
    None
}

/// `seed` (inside a photo) pushed out side by side until each side meets a
/// uniform line of the thumbnail (the interface around the photo), or the
/// edge: busy pixels alone miss a photo's smooth parts, but a photo's rows
/// are rarely one colour from side to side.
fn grow(thumb: &[u8], tw: usize, th: usize, mut r: Edges) -> Edges {
    let uniform = |values: &mut dyn Iterator<Item = u8>| {
        let (lo, hi) = values.fold((u8::MAX, 0), |(lo, hi), v| (lo.min(v), hi.max(v)));
        hi - lo <= FLAT_RANGE + 1
    };
    let row = |y: usize, r: &Edges| uniform(&mut thumb[y * tw + r.left..y * tw + r.right].iter().copied());
    let col = |x: usize, r: &Edges| uniform(&mut (r.top..r.bottom).map(|y| thumb[y * tw + x]));
    for _ in 0..2 {
        while r.top > 0 && !row(r.top - 1, &r) {
            r.top -= 1;
        }
        while r.bottom < th && !row(r.bottom, &r) {
            r.bottom += 1;
        }
        while r.left > 0 && !col(r.left - 1, &r) {
            r.left -= 1;
        }
        while r.right < tw && !col(r.right, &r) {
            r.right += 1;
        }
    }
    r
}

/// Whether `rect` holds a photo rather than text on a flat background: in
/// text most pixels are the background's one colour, however busy the
/// block looks on a thumbnail. Sampled on a grid of at most 64x64 pixels.
fn photo_like(image: PixelView<'_>, rect: Edges) -> bool {
    let (bpp, data, stride) = (image.layout().bytes_per_pixel(), image.data(), image.stride());
    let (sx, sy) = ((rect.right - rect.left).div_ceil(64), (rect.bottom - rect.top).div_ceil(64));
    let mut histogram = [0usize; 256];
    let mut n = 0;
    for y in (rect.top..rect.bottom).step_by(sy) {
        for x in (rect.left..rect.right).step_by(sx) {
            histogram[usize::from(luma(data, y * stride + x * bpp, bpp))] += 1;
            n += 1;
        }
    }
    let commonest = histogram.windows(3).map(|t| t.iter().sum::<usize>()).max().unwrap_or(0);
    commonest * 100 < n * MAX_ONE_COLOUR_PERCENT
}

/// Busy pixels: those whose 3x3 neighbourhood (clipped at the edges) spans
/// more than [`FLAT_RANGE`] levels.
fn busy_mask(thumb: &[u8], tw: usize, th: usize) -> Vec<bool> {
    let mut busy = vec![false; tw * th];
    for y in 0..th {
        for x in 0..tw {
            let (mut lo, mut hi) = (u8::MAX, 0);
            for ny in y.saturating_sub(1)..(y + 2).min(th) {
                for &v in &thumb[ny * tw + x.saturating_sub(1)..ny * tw + (x + 2).min(tw)] {
                    (lo, hi) = (lo.min(v), hi.max(v));
                }
            }
            busy[y * tw + x] = hi - lo > FLAT_RANGE;
        }
    }
    busy
}

/// The largest-area rectangle of `true` cells (row histograms and a stack).
fn largest_rectangle(mask: &[bool], tw: usize, th: usize) -> Option<Edges> {
    let mut heights = vec![0usize; tw];
    let mut best: Option<(usize, Edges)> = None;
    let mut stack: Vec<usize> = Vec::with_capacity(tw);
    for y in 0..th {
        for x in 0..tw {
            heights[x] = if mask[y * tw + x] { heights[x] + 1 } else { 0 };
        }
        stack.clear();
        for x in 0..=tw {
            let hx = if x < tw { heights[x] } else { 0 };
            while let Some(&top) = stack.last() {
                if heights[top] < hx {
                    break;
                }
                stack.pop();
                let left = stack.last().map_or(0, |&l| l + 1);
                let area = heights[top] * (x - left);
                if area > 0 && best.is_none_or(|(a, _)| area > a) {
                    best = Some((area, Edges { left, top: y + 1 - heights[top], right: x, bottom: y + 1 }));
                }
            }
            stack.push(x);
        }
    }
    best.map(|(_, r)| r)
}

/// Places each side of the photo at full resolution, between the side of
/// `outer` (just outside the photo) less `reach` pixels and the side of
/// `inner` (the busy seed, which may have spread over nearby interface
/// lines) plus `depth` pixels: on the line with the largest step in luma across the edge
/// plus detail along the line inside, less twice the detail along the line
/// outside (the interface there is flat). A side of `outer` on the
/// capture's edge stays there.
fn snap(image: PixelView<'_>, inner: Edges, outer: Edges, reach: usize, depth: usize) -> Edges {
    let (w, h) = (image.width() as usize, image.height() as usize);
    let bpp = image.layout().bytes_per_pixel();
    let (data, stride) = (image.data(), image.stride());
    let l = |x: usize, y: usize| i32::from(luma(data, y * stride + x * bpp, bpp));
    // The best inside line among `candidates` (rows when `horizontal`), its
    // outside neighbour at `outward`, sampled along `span`.
    let best = |candidates: std::ops::Range<usize>, span: (usize, usize), horizontal: bool, outward: isize| {
        let stride = (span.1 - span.0).div_ceil(SNAP_SAMPLES).max(1);
        candidates
            .filter(|&c| c.checked_add_signed(outward).is_some_and(|o| o < if horizontal { h } else { w }))
            .max_by_key(|&c| {
                let o = c.wrapping_add_signed(outward);
                let px = |line: usize, s: usize| if horizontal { l(s, line) } else { l(line, s) };
                (span.0..span.1)
                    .step_by(stride)
                    .map(|s| {
                        let next = (s + stride).min(span.1 - 1);
                        let along = |line| (px(line, next) - px(line, s)).abs();
                        (px(c, s) - px(o, s)).abs() + along(c) - 2 * along(o)
                    })
                    .sum::<i32>()
            })
    };
    let shrink = |a: usize, b: usize| {
        let m = (b - a) / 10;
        (a + m, b - m)
    };
    let edge =
        |at: usize, len: usize, found: Option<usize>| if at == 0 || at == len { at } else { found.unwrap_or(at) };
    let cols = shrink(inner.left, inner.right);
    let top = edge(outer.top, h, best(outer.top.saturating_sub(reach)..(inner.top + depth).min(h), cols, true, -1));
    let bottom_range = inner.bottom.saturating_sub(depth + 1)..(outer.bottom + reach).min(h);
    let bottom = edge(outer.bottom, h, best(bottom_range, cols, true, 1).map(|c| c + 1));
    let rows = shrink(top, bottom.max(top + 1));
    let left =
        edge(outer.left, w, best(outer.left.saturating_sub(reach)..(inner.left + depth).min(w), rows, false, -1));
    let right_range = inner.right.saturating_sub(depth + 1)..(outer.right + reach).min(w);
    let right = edge(outer.right, w, best(right_range, rows, false, 1).map(|c| c + 1));
    if right <= left + 16 || bottom <= top + 16 {
        return outer;
    }
    Edges { left, top, right, bottom }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdq;
    use crate::pixels::{Layout, Pixels};
    use crate::variants::testing::{blobs, framed, noise, Fill};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// A drawn interface to paste a picture into.
    struct Canvas {
        w: usize,
        data: Vec<u8>,
    }

    impl Canvas {
        fn new(w: usize, h: usize, grey: u8) -> Self {
            Canvas { w, data: vec![grey; w * h * 3] }
        }
        fn rect(&mut self, (x0, y0, x1, y1): (usize, usize, usize, usize), colour: [u8; 3]) {
            for y in y0..y1 {
                for x in x0..x1 {
                    self.data[(y * self.w + x) * 3..][..3].copy_from_slice(&colour);
                }
            }
        }
        /// Lines of dark "glyphs" (random strokes in 7x12 cells, gaps between words).
        fn text(&mut self, x0: usize, y0: usize, width: usize, lines: usize, seed: u32) {
            for line in 0..lines {
                let top = y0 + line * 24;
                for cell in 0..width / 8 {
                    if noise(cell as u32, line as u32, seed) % 6 == 0 {
                        continue; // a space
                    }
                    for dy in 0..12 {
                        for dx in 0..7 {
                            if noise((cell * 8 + dx) as u32, (top + dy) as u32, seed) % 3 == 0 {
                                self.rect(
                                    (x0 + cell * 8 + dx, top + dy, x0 + cell * 8 + dx + 1, top + dy + 1),
                                    [40; 3],
                                );
                            }
                        }
                    }
                }
            }
        }
        fn paste(&mut self, image: &Pixels, left: usize, top: usize) {
            let iw = image.width() as usize;
            for (y, row) in image.view().data().chunks(iw * 3).enumerate() {
                self.data[((top + y) * self.w + left) * 3..][..iw * 3].copy_from_slice(row);
            }
        }
        fn pixels(self) -> Pixels {
            let h = self.data.len() / (self.w * 3);
            Pixels::new(self.w as u32, h as u32, Layout::Rgb8, self.data).unwrap()
        }
    }

    /// A 9:16 phone capture: status bar, app bar with a name, the picture at
    /// full width, icons, caption text, a button and a tab bar.
    fn phone(inner: &Pixels, top: usize) -> Pixels {
        let mut c = Canvas::new(720, 1280, 250);
        c.rect((0, 0, 720, 44), [20, 20, 24]);
        c.text(24, 14, 60, 1, 1);
        c.rect((0, 44, 720, 150), [255; 3]);
        c.text(100, 84, 220, 1, 2);
        c.paste(inner, 0, top);
        let below = top + inner.height() as usize + 20;
        for i in 0..4 {
            c.rect((24 + i * 70, below, 64 + i * 70, below + 40), [60; 3]);
        }
        c.text(24, below + 70, 650, 5, 3);
        c.rect((24, 1100, 696, 1160), [0, 149, 246]);
        c.rect((0, 1200, 720, 1280), [255; 3]);
        c.pixels()
    }

    /// A 16:9 desktop window: title bar, sidebar with text, heading, the
    /// picture inside the content area and text below it.
    fn desktop(inner: &Pixels, left: usize, top: usize) -> Pixels {
        let mut c = Canvas::new(1280, 720, 255);
        c.rect((0, 0, 1280, 30), [222, 222, 226]);
        c.rect((0, 30, 220, 720), [240, 240, 243]);
        c.text(16, 60, 190, 20, 4);
        c.text(left, top - 40, 300, 1, 5);
        c.paste(inner, left, top);
        c.text(left, top + inner.height() as usize + 20, 700, 4, 6);
        c.pixels()
    }

    fn within(found: Edges, truth: Edges, w: usize, h: usize) -> bool {
        let (tx, ty) = (w.div_ceil(200), h.div_ceil(200));
        found.left.abs_diff(truth.left) <= tx
            && found.right.abs_diff(truth.right) <= tx
            && found.top.abs_diff(truth.top) <= ty
            && found.bottom.abs_diff(truth.bottom) <= ty
    }

    #[test]
    fn phone_and_desktop_pictures_are_found_to_half_a_percent() {
        for seed in 0..3 {
            let inner = blobs(720, 480 + 40 * seed, seed);
            let found = find_edges(phone(&inner, 180).view()).expect("phone picture");
            let truth = Edges { left: 0, top: 180, right: 720, bottom: 180 + inner.height() as usize };
            assert!(within(found, truth, 720, inner.height() as usize), "{found:?} vs {truth:?}");

            let inner = blobs(640 + 30 * seed, 420, seed + 10);
            let found = find_edges(desktop(&inner, 300, 120).view()).expect("desktop picture");
            let truth = Edges { left: 300, top: 120, right: 300 + inner.width() as usize, bottom: 540 };
            assert!(within(found, truth, inner.width() as usize, 420), "{found:?} vs {truth:?}");
        }
    }

    #[test]
    fn a_view_cut_from_a_larger_image_is_read_by_its_own_rows() {
        let capture = phone(&blobs(720, 540, 21), 170);
        let (canvas, rect) = framed(&capture, capture.width() + 42, capture.height() + 30, Fill::Noise);
        let view = canvas.view().crop(rect).unwrap();
        let found = find_picture(view).expect("cut out");
        assert_eq!(Some(found), find_picture(capture.view()));
    }

    #[test]
    fn cut_out_picture_hashes_near_the_original() {
        let inner = blobs(720, 540, 20);
        let listed = pdq::hash(inner.view()).hash;
        let capture = phone(&inner, 170);
        let as_is = pdq::hash(capture.view()).hash.distance(&listed);
        let rect = find_picture(capture.view()).expect("cut out");
        let cut = pdq::hash(capture.view().crop(rect).unwrap()).hash.distance(&listed);
        assert!(cut < 12 && as_is > 31, "cut out {cut} bits, as is {as_is}");
    }

    #[test]
    fn photos_flat_noisy_tiny_and_extreme_images_are_left_alone() {
        assert!(find_picture(blobs(800, 600, 22).view()).is_none());
        let flat = Pixels::new(2000, 1500, Layout::Grey8, vec![250; 3_000_000]).unwrap();
        assert!(find_picture(flat.view()).is_none());
        let noisy: Vec<u8> = (0..600 * 400).map(|i| noise(i % 600, i / 600, 23) as u8).collect();
        assert!(find_picture(Pixels::new(600, 400, Layout::Grey8, noisy).unwrap().view()).is_none());
        for (w, h) in [(1, 1), (5, 5), (15, 300), (5000, 20), (20, 5000)] {
            let image = Pixels::new(w, h, Layout::Grey8, vec![9; (w * h) as usize]).unwrap();
            assert!(find_picture(image.view()).is_none(), "{w}x{h}");
        }
        // An interface with no picture in it: text and panels only.
        let mut page = Canvas::new(720, 1280, 250);
        page.text(24, 40, 650, 40, 24);
        assert!(find_picture(page.pixels().view()).is_none());
    }
}
