//! Deskew: a picture turned by a few degrees on a larger canvas whose
//! corners are filled with one flat colour (what an editor's "rotate" does
//! with the canvas expanded to fit), turned back upright.
//!
//! The fill meets the picture along straight lines. Walking each side of the
//! canvas clockwise, the depth of the fill traces a V whose long arm follows
//! one side of the turned picture, with slope `-tan(angle)` on all four
//! sides. The four slopes must agree; the picture's size then follows from
//! the canvas's, and the picture is resampled upright (fixed-point bilinear,
//! so native and wasm32 give the same pixels) directly on the grid PDQ's
//! pre-resize would give the upright original.
//!
//! Only basic `f64` operations (`+ - * / sqrt`, correctly rounded on every
//! target) are used for the geometry; no `sin`, `cos` or `atan`.

use crate::pixels::{PixelView, Pixels};

use super::grid::pdq_grid;

/// A canvas pixel belongs to the fill when every colour channel is within
/// this many levels of the top-left corner's.
const FILL_TOLERANCE: u8 = 10;

/// At most this many depth samples are taken along each side.
const SAMPLES_PER_SIDE: usize = 512;

/// The smallest and largest turn handled, as `tan(angle)`: about 0.5 and
/// 16 degrees.
const MIN_TAN: f64 = 0.0087;
const MAX_TAN: f64 = 0.287;

/// The four sides' slopes must agree within this (about 0.4 degrees).
const SLOPE_SPREAD: f64 = 0.007;

/// Fixed-point precision of the resampling positions.
const FRACTION: u32 = 16;

/// Maps a position along one side of the canvas and a depth inward to a pixel.
type Inward<'a> = dyn Fn(usize, usize) -> (usize, usize) + 'a;

/// The picture's turn found in the corners' fill.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Skew {
    /// `tan` of the angle the picture was turned by, counter-clockwise as
    /// seen (positive) or clockwise (negative).
    pub tan: f64,
    /// The upright picture's width in canvas pixels.
    pub width: f64,
    /// The upright picture's height in canvas pixels.
    pub height: f64,
}

/// The turn of a picture on a flat-filled canvas, or `None` when the four
/// corners are not one fill colour, the fill's edges are not straight lines
/// of one slope, or the angle is outside about 0.5-16 degrees.
pub fn find_skew(image: PixelView<'_>) -> Option<Skew> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    if w < 32 || h < 32 {
        return None;
    }
    let bpp = image.layout().bytes_per_pixel();
    let channels = bpp.min(3);
    let (data, stride) = (image.data(), image.stride());
    let at = |x: usize, y: usize| &data[y * stride + x * bpp..][..channels];
    let fill = at(0, 0);
    let is_fill = |x: usize, y: usize| at(x, y).iter().zip(fill).all(|(a, b)| a.abs_diff(*b) <= FILL_TOLERANCE);
    if ![(w - 1, 0), (w - 1, h - 1), (0, h - 1)].iter().all(|&(x, y)| is_fill(x, y)) {
        return None;
    }
    // Each side walked clockwise: position along it -> the pixel `depth` inward.
    let sides: [(usize, usize, &Inward<'_>); 4] = [
        (w, h, &|p, d| (p, d)),
        (h, w, &|p, d| (w - 1 - d, p)),
        (w, h, &|p, d| (w - 1 - p, h - 1 - d)),
        (h, w, &|p, d| (d, h - 1 - p)),
    ];
    let mut slopes = [0.0; 4];
    for (slope, &(len, across, pixel)) in slopes.iter_mut().zip(&sides) {
        let limit = across / 2;
        let stride = len.div_ceil(SAMPLES_PER_SIDE);
        let depths: Vec<(usize, usize)> = (0..len)
            .step_by(stride)
            .map(|p| {
                let depth = (0..limit).find(|&d| {
                    let (x, y) = pixel(p, d);
                    !is_fill(x, y)
                });
                (p, depth.unwrap_or(limit))
            })
            .collect();
        *slope = long_arm_slope(&depths, len, limit)?;
    }
    let (lo, hi) = slopes.iter().fold((f64::MAX, f64::MIN), |(lo, hi), &s| (lo.min(s), hi.max(s)));
    if hi - lo > SLOPE_SPREAD {
        return None;
    }
    let tan = -(slopes.iter().sum::<f64>() / 4.0);
    if !(MIN_TAN..=MAX_TAN).contains(&tan.abs()) {
        return None;
    }
    // The canvas is the turned picture's bounding box: W = w cos + h sin, H = w sin + h cos.
    let cos = 1.0 / (1.0 + tan * tan).sqrt();
    let sin = tan.abs() * cos;
    let det = cos * cos - sin * sin;
    let (cw, ch) = (w as f64, h as f64);
    let width = (cw * cos - ch * sin) / det;
    let height = (ch * cos - cw * sin) / det;
    (width >= 16.0 && height >= 16.0).then_some(Skew { tan, width, height })
}

/// The slope (depth per position) of the longer arm of a side's V of fill
/// depths, fitted by least squares with outliers (picture pixels that match
/// the fill colour) dropped; `None` when the arm is short, or not straight
/// along at least half its length.
fn long_arm_slope(depths: &[(usize, usize)], len: usize, limit: usize) -> Option<f64> {
    let vertex = depths.iter().min_by_key(|&&(_, d)| d)?;
    if vertex.1 > 3 + len / 25 {
        return None;
    }
    let (start, end) = if vertex.0 * 2 >= len { (0, vertex.0) } else { (vertex.0, len) };
    if (end - start) * 5 < len * 2 {
        return None;
    }
    // The ends of the arm bend into the corner and the vertex: skip 5% each.
    let margin = (end - start) / 20;
    let arm: Vec<(f64, f64)> = depths
        .iter()
        .filter(|&&(p, d)| p >= start + margin && p + margin <= end && d < limit)
        .map(|&(p, d)| (p as f64, d as f64))
        .collect();
    // Picture pixels that match the fill only ever make the fill look
    // deeper: refit a few times without the points far below the line.
    let tolerance = 2.0 + len as f64 / 500.0;
    let mut line = fit(&arm)?;
    let mut kept = arm.len();
    for _ in 0..4 {
        let (slope, intercept) = line;
        let inliers: Vec<(f64, f64)> =
            arm.iter().copied().filter(|&(p, d)| d - slope * p - intercept <= tolerance).collect();
        kept = inliers.len();
        line = fit(&inliers)?;
    }
    let (slope, intercept) = line;
    let close = arm.iter().filter(|&&(p, d)| (d - slope * p - intercept).abs() <= tolerance).count();
    (close * 2 >= arm.len() && kept * 2 >= arm.len()).then_some(slope)
}

/// Least-squares line `d = slope * p + intercept`.
fn fit(points: &[(f64, f64)]) -> Option<(f64, f64)> {
    let n = points.len() as f64;
    if points.len() < 16 {
        return None;
    }
    let (sp, sd) = points.iter().fold((0.0, 0.0), |(a, b), &(p, d)| (a + p, b + d));
    let (mp, md) = (sp / n, sd / n);
    let (spp, spd) =
        points.iter().fold((0.0, 0.0), |(a, b), &(p, d)| (a + (p - mp) * (p - mp), b + (p - mp) * (d - md)));
    let slope = spd / spp;
    (spp > 0.0).then_some((slope, md - slope * mp))
}

/// The picture turned back upright, on the grid PDQ hashes: exactly 512x512
/// when it is larger than 512 on either side (what the reference's
/// pre-resize makes of the upright original), else its own size.
pub fn render(image: PixelView<'_>, skew: Skew) -> Option<Pixels> {
    let (w, h) = (image.width() as i64, image.height() as i64);
    let (pw, ph) = (skew.width.round() as usize, skew.height.round() as usize);
    let (cols, rows) = pdq_grid(pw, ph);
    let bpp = image.layout().bytes_per_pixel();
    let (data, stride) = (image.data(), image.stride());
    let one = 1i64 << FRACTION;
    let fixed = |v: f64| (v * one as f64).round() as i64;
    let cos = 1.0 / (1.0 + skew.tan * skew.tan).sqrt();
    let (c, s) = (fixed(cos), fixed(skew.tan * cos));
    // Picture pixel (i, j)'s centre, relative to the picture's centre, goes
    // to the canvas at the same offset turned by the angle: (u c + v s, -u s + v c).
    let (half_w, half_h) = (fixed(skew.width / 2.0), fixed(skew.height / 2.0));
    let (centre_x, centre_y) = (w * one / 2, h * one / 2);
    let mut out = Vec::with_capacity(cols.len() * rows.len() * bpp);
    for &j in &rows {
        let v = j as i64 * one + one / 2 - half_h;
        for &i in &cols {
            let u = i as i64 * one + one / 2 - half_w;
            // Canvas position of the sample, minus half a pixel for pixel centres.
            let x = centre_x + ((u * c + v * s) >> FRACTION) - one / 2;
            let y = centre_y + ((v * c - u * s) >> FRACTION) - one / 2;
            let clamp = |p: i64, len: i64| p.clamp(0, (len - 1) * one);
            let (x, y) = (clamp(x, w), clamp(y, h));
            let (x0, y0) = ((x >> FRACTION) as usize, (y >> FRACTION) as usize);
            let (x1, y1) = ((x0 + 1).min(w as usize - 1), (y0 + 1).min(h as usize - 1));
            let (fx, fy) = (((x >> 8) & 255) as u32, ((y >> 8) & 255) as u32);
            for k in 0..bpp {
                let px = |x: usize, y: usize| u32::from(data[y * stride + x * bpp + k]);
                let upper = px(x0, y0) * (256 - fx) + px(x1, y0) * fx;
                let lower = px(x0, y1) * (256 - fx) + px(x1, y1) * fx;
                out.push(((upper * (256 - fy) + lower * fy + (1 << 15)) >> 16) as u8);
            }
        }
    }
    Pixels::new(cols.len() as u32, rows.len() as u32, image.layout(), out).ok()
}

/// The picture on a turned, flat-filled canvas, upright ([`find_skew`], [`render`]).
pub fn deskew(image: PixelView<'_>) -> Option<Pixels> {
    render(image, find_skew(image)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdq;
    use crate::pixels::Layout;
    use crate::variants::testing::{blobs, framed, noise, Fill};
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// `image` turned counter-clockwise by `degrees` onto a canvas expanded
    /// to fit, corners `fill`: each canvas pixel takes the nearest picture
    /// pixel its centre maps back to (an independent forward model).
    fn turned(image: &Pixels, degrees: f64, fill: [u8; 3]) -> Pixels {
        let (w, h) = (image.width() as f64, image.height() as f64);
        let (s, c) = degrees.to_radians().sin_cos();
        let (cw, ch) = ((w * c + h * s.abs()).round(), (w * s.abs() + h * c).round());
        let src = image.view().data();
        let mut data = Vec::with_capacity((cw * ch) as usize * 3);
        for y in 0..ch as usize {
            for x in 0..cw as usize {
                let (dx, dy) = (x as f64 + 0.5 - cw / 2.0, y as f64 + 0.5 - ch / 2.0);
                // Inverse of the turn: picture offset (u, v) = R(-angle) (dx, dy).
                let (u, v) = (dx * c - dy * s + w / 2.0, dx * s + dy * c + h / 2.0);
                if (0.0..w).contains(&u) && (0.0..h).contains(&v) {
                    let at = (v as usize * image.width() as usize + u as usize) * 3;
                    data.extend_from_slice(&src[at..at + 3]);
                } else {
                    data.extend_from_slice(&fill);
                }
            }
        }
        Pixels::new(cw as u32, ch as u32, Layout::Rgb8, data).unwrap()
    }

    /// `image` box-blurred over 5x5, so that its hash rests on shapes
    /// rather than on per-pixel grain a resampling smooths away.
    fn blurred(image: &Pixels) -> Pixels {
        let (w, h) = (image.width() as usize, image.height() as usize);
        let src = image.view().data();
        let mut data = Vec::with_capacity(w * h * 3);
        for y in 0..h {
            for x in 0..w {
                for c in 0..3 {
                    let (ys, xs) = (y.saturating_sub(2)..(y + 3).min(h), x.saturating_sub(2)..(x + 3).min(w));
                    let n = ys.len() * xs.len();
                    let sum: usize = ys
                        .flat_map(|yy| xs.clone().map(move |xx| (yy, xx)))
                        .map(|(yy, xx)| usize::from(src[(yy * w + xx) * 3 + c]))
                        .sum();
                    data.push((sum / n) as u8);
                }
            }
        }
        Pixels::new(w as u32, h as u32, Layout::Rgb8, data).unwrap()
    }

    #[test]
    fn a_view_cut_from_a_larger_image_is_read_by_its_own_rows() {
        let copy = turned(&blobs(300, 200, 4), 6.0, [0, 0, 0]);
        let (canvas, rect) = framed(&copy, copy.width() + 38, copy.height() + 26, Fill::Noise);
        let view = canvas.view().crop(rect).unwrap();
        assert_eq!(find_skew(view), find_skew(copy.view()));
        assert_eq!(deskew(view).expect("deskewed"), deskew(copy.view()).expect("deskewed"));
    }

    #[test]
    fn turn_and_size_are_recovered_both_ways() {
        let original = blobs(480, 320, 1);
        for (degrees, fill) in
            [(3.0, [255, 255, 255]), (-5.0, [0, 0, 0]), (7.0, [0, 0, 0]), (10.0, [200, 210, 220]), (-14.0, [255; 3])]
        {
            let skew = find_skew(turned(&original, degrees, fill).view()).expect("turn found");
            let found = skew.tan.atan().to_degrees();
            assert!((found - degrees).abs() <= 0.25, "{degrees} degrees found as {found}");
            assert!((skew.width - 480.0).abs() <= 4.8 && (skew.height - 320.0).abs() <= 3.2, "{skew:?}");
        }
    }

    #[test]
    fn deskewed_copy_hashes_near_the_original() {
        let original = blurred(&blobs(900, 600, 2));
        let listed = pdq::hash(original.view()).hash;
        for degrees in [3.0, -7.0, 10.0] {
            let copy = turned(&original, degrees, [0, 0, 0]);
            let as_is = pdq::hash(copy.view()).hash.distance(&listed);
            let upright = deskew(copy.view()).expect("deskewed");
            assert_eq!((upright.width(), upright.height()), (512, 512), "rendered on PDQ's grid");
            let fixed = pdq::hash(upright.view()).hash.distance(&listed);
            assert!(fixed < 31 && fixed < as_is, "{degrees} degrees: {fixed} bits deskewed, {as_is} as is");
        }
    }

    #[test]
    fn render_without_a_turn_is_the_picture_itself() {
        let original = blobs(300, 200, 3);
        let same = render(original.view(), Skew { tan: 0.0, width: 300.0, height: 200.0 }).unwrap();
        assert_eq!(same, original);
    }

    #[test]
    fn unturned_flat_noisy_tiny_and_extreme_images_are_left_alone() {
        assert!(find_skew(blobs(400, 300, 4).view()).is_none());
        let flat = Pixels::new(2000, 1500, Layout::Grey8, vec![255; 3_000_000]).unwrap();
        assert!(find_skew(flat.view()).is_none());
        let noisy: Vec<u8> = (0..300 * 200).map(|i| noise(i % 300, i / 300, 5) as u8).collect();
        assert!(find_skew(Pixels::new(300, 200, Layout::Grey8, noisy).unwrap().view()).is_none());
        for (w, h) in [(1, 1), (5, 5), (31, 200), (4000, 32), (32, 4000)] {
            let image = Pixels::new(w, h, Layout::Grey8, vec![0; (w * h) as usize]).unwrap();
            assert!(find_skew(image.view()).is_none(), "{w}x{h}");
        }
        // A letterboxed picture has fill in its corners but no slope.
        let mut boxed = vec![0u8; 400 * 400 * 3];
        boxed[400 * 100 * 3..400 * 300 * 3].copy_from_slice(blobs(400, 200, 6).view().data());
        assert!(find_skew(Pixels::new(400, 400, Layout::Rgb8, boxed).unwrap().view()).is_none());
        // A turn beyond the range handled.
        assert!(find_skew(turned(&blobs(300, 200, 7), 30.0, [0, 0, 0]).view()).is_none());
    }
}
