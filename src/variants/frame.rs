//! Frame removal: the picture's rectangle inside a frame that is not one
//! colour — a blurred, enlarged copy of the picture (what apps add to fit a
//! square or 9:16 feed), noise, a gradient.
//!
//! Whatever fills the frame, the picture's border is a straight line where,
//! across the picture's width, most positions change at once, while inside
//! the picture neighbouring lines stay alike. Each side is read inwards at
//! full resolution over the middle half of the line (inside the picture
//! whatever the frame's width), and the outermost such line is the edge,
//! exact to the line. Apps centre the picture, so when only one side of a
//! pair has an edge (the other side's picture blends into its frame), the
//! mirrored edge is the second candidate; a softened edge gives the line
//! after it as one too.

use super::lines::{inner_rects, profile, Line, Side};
use crate::pixels::{PixelView, Rect};

/// A frame is at most this share (in 1/100) of each side: a 16:9 picture
/// fitted into 9:16 leaves 34% above and below.
const MAX_PERCENT: u32 = 36;
/// The picture keeps at least this share (in 1/100) of each side.
const KEEP_PERCENT: u32 = 25;
/// The picture's first line differs from the frame's last at this share (1/256) of positions...
const EDGE: u32 = 128;
/// ...and by this much (1/256) more than the picture's lines differ from each other.
const MARGIN: u32 = 48;
/// Lines inside the picture checked for continuity (after the edge line and the one after it).
const INSIDE: usize = 3;

/// Whether line `k` is the picture's first: a line that changes at most
/// positions, followed by lines that change far less.
fn is_edge(lines: &[Line], k: usize) -> bool {
    let inside = &lines[k + 2..k + 2 + INSIDE];
    let continuity = inside.iter().map(|l| l.changed).sum::<u32>() / INSIDE as u32;
    lines[k].changed >= EDGE.max(continuity * 3 / 2 + MARGIN)
}

/// The picture's first line from one side and a second candidate after it.
fn side_edge(image: &PixelView<'_>, side: Side, span: (u32, u32)) -> Option<(u32, u32)> {
    let depth = side.depth(image);
    let lines = profile(image, side, span, depth * MAX_PERCENT / 100 + INSIDE as u32 + 2, false);
    let first = (depth / 100 + 2) as usize;
    let k = (first..lines.len() - INSIDE - 2).find(|&k| is_edge(&lines, k))?;
    let soft = lines[k + 1].changed * 2 >= lines[k].changed;
    Some((k as u32, k as u32 + u32::from(soft)))
}

/// Up to two rectangles of the picture inside a frame, or none.
pub fn find_frame(image: &PixelView<'_>) -> Vec<Rect> {
    let (w, h) = (image.width(), image.height());
    if w < 32 || h < 32 {
        return Vec::new();
    }
    let (mut cut, mut alt) = ([0u32; 4], [0u32; 4]);
    for (i, side) in [(0, Side::Top), (1, Side::Bottom), (2, Side::Left), (3, Side::Right)] {
        // Rows are read over the middle half of the width; columns over the
        // middle half of the rows left between the edges found above and below.
        let span = if side.rows() {
            (w / 4, w - w / 4)
        } else {
            let inside = h - cut[0] - cut[1];
            (cut[0] + inside / 4, h - cut[1] - inside / 4)
        };
        if span.1 - span.0 < 8 {
            continue;
        }
        if let Some((k, next)) = side_edge(image, side, span) {
            (cut[i], alt[i]) = (k, next);
        }
    }
    for (a, b) in [(0, 1), (2, 3)] {
        match (cut[a], cut[b]) {
            (0, k) if k > 0 => alt[a] = k,
            (k, 0) if k > 0 => alt[b] = k,
            _ => {}
        }
    }
    inner_rects(image, &[cut, alt], KEEP_PERCENT)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{degenerate_images, framed, hashes_near, picture, rect_near, Fill};
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn blurred_copy_noise_and_gradient_frames_are_found_to_the_line() {
        let cases = [
            (400, 300, 400, 400, Fill::Blurred),
            (300, 400, 400, 400, Fill::Blurred),
            (400, 300, 400, 711, Fill::Blurred),
            (400, 300, 460, 348, Fill::Noise),
            (320, 320, 380, 380, Fill::Gradient),
        ];
        for (seed, (w, h, cw, ch, fill)) in cases.into_iter().enumerate() {
            let original = picture(w, h, seed as u32 + 10);
            let (copy, truth) = framed(&original, cw, ch, fill);
            let found = find_frame(&copy.view());
            assert!(found.iter().any(|r| rect_near(*r, truth, 1)), "{fill:?} {cw}x{ch}: {found:?} vs {truth:?}");
            let best = *found.iter().find(|r| rect_near(**r, truth, 1)).unwrap();
            hashes_near(&original, &copy, best);
        }
    }

    #[test]
    fn no_frame_on_photos_flat_noise_or_tiny_images() {
        for seed in 0..4 {
            assert!(find_frame(&picture(320, 240, seed).view()).is_empty(), "seed {seed}");
        }
        degenerate_images(|view| assert!(find_frame(&view).is_empty()));
    }
}
