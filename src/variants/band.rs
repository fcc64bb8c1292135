//! Band removal: a strip added beside the picture (a caption band above or
//! below, a panel at the side), of one background colour with text in it,
//! that ends where the picture starts in a straight, hard edge.
//!
//! From each side, lines are read inwards at full resolution: a band starts
//! with a plain line (its margin), is mostly plain (text covers little of
//! it), and its last line is plain too; the picture's first line then
//! differs from the band's last at most positions across the width. The
//! edge found is exact to the line on a sharp edge; where the next line
//! changes almost as much (a softened edge), that line is a second candidate.

use super::lines::{inner_rects, profile, Line, Side};
use crate::pixels::{PixelView, Rect};

/// A band is at most this share (in 1/100) of the image's height (or width).
const MAX_PERCENT: u32 = 40;
/// Bands thinner than this share (in 1/1000) are left to the uniform-border trim.
const MIN_PERMILLE: u32 = 25;
/// A plain line: at least this share (1/256) of it within reach of its median.
const PLAIN: u32 = 230;
/// A band's lines are, on average, at least this plain (text covers the rest).
const MOSTLY_PLAIN: u32 = 170;
/// The picture's first line differs from the band's last at this share (1/256) of positions.
const EDGE: u32 = 128;

/// The line where the picture starts, counted from the side, and a second
/// candidate next to it when the edge is soft.
fn side_band(lines: &[Line], depth: u32) -> Option<(u32, Option<u32>)> {
    if lines.first()?.flat < PLAIN {
        return None;
    }
    let first = (depth * MIN_PERMILLE / 1000).max(2) as usize;
    let mut plain_sum: u32 = lines[..first].iter().map(|l| l.flat).sum();
    let mut best: Option<usize> = None;
    for k in first..lines.len() {
        let is_edge = lines[k - 1].flat >= PLAIN && plain_sum >= MOSTLY_PLAIN * k as u32 && lines[k].changed >= EDGE;
        if is_edge && best.is_none_or(|b| lines[k].changed > lines[b].changed) {
            best = Some(k);
        }
        plain_sum += lines[k].flat;
    }
    let k = best?;
    let next = lines.get(k + 1).filter(|l| l.changed * 2 >= lines[k].changed).map(|_| k as u32 + 1);
    Some((k as u32, next))
}

/// Up to two rectangles of the picture without the bands found on its
/// sides (the second with each soft edge moved one line inwards), or none.
pub fn find_bands(image: &PixelView<'_>) -> Vec<Rect> {
    let mut cut = [[0u32; 4]; 2];
    for (i, side) in Side::ALL.into_iter().enumerate() {
        let (depth, length) = (side.depth(image), side.length(image));
        if depth < 16 || length < 16 {
            return Vec::new();
        }
        // Most photos have no plain outer line: one line read decides.
        if profile(image, side, (0, length), 1, true)[0].flat < PLAIN {
            continue;
        }
        let lines = profile(image, side, (0, length), depth * MAX_PERCENT / 100, true);
        if let Some((k, next)) = side_band(&lines, depth) {
            cut[0][i] = k;
            cut[1][i] = next.unwrap_or(k);
        }
    }
    inner_rects(image, &cut, 50)
}

#[cfg(test)]
mod tests {
    use super::super::testing::{captioned, hashes_near, picture, rect_near};
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn caption_band_above_or_below_is_found_to_the_line() {
        let original = picture(400, 300, 1);
        for (side, colour) in [(Side::Top, [250, 220, 40]), (Side::Bottom, [255, 255, 255]), (Side::Top, [20, 20, 90])]
        {
            let (copy, truth) = captioned(&original, 0.12, side, colour);
            let found = find_bands(&copy.view());
            assert!(!found.is_empty(), "band not found ({side:?})");
            assert!(rect_near(found[0], truth, 0), "{:?} vs {truth:?}", found[0]);
            hashes_near(&original, &copy, found[0]);
        }
    }

    #[test]
    fn side_band_is_found() {
        let original = picture(300, 300, 2);
        let (copy, truth) = captioned(&original, 0.2, Side::Right, [240, 240, 240]);
        let found = find_bands(&copy.view());
        assert!(found.iter().any(|r| rect_near(*r, truth, 1)), "{found:?} vs {truth:?}");
        hashes_near(&original, &copy, found[0]);
    }

    #[test]
    fn no_band_on_photos_flat_noise_or_tiny_images() {
        for seed in 0..4 {
            assert!(find_bands(&picture(320, 240, seed).view()).is_empty(), "seed {seed}");
        }
        super::super::testing::degenerate_images(|view| assert!(find_bands(&view).is_empty()));
    }
}
