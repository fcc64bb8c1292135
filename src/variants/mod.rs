//! Query-side image variants: other ways to prepare an upload for PDQ, so
//! that a copy edited in ways PDQ is sensitive to still lands near the hash
//! of its listed original.
//!
//! The list holds hashes of originals, so only the uploaded copy can be
//! prepared differently. Two preparations are offered, each hashed as an
//! extra query beside the image as it is (docs/EVALUATION.md measures what
//! they gain and cost):
//!
//! - [`trim_uniform_borders`]: cut off uniform borders and letterbox bars,
//!   which otherwise shift and shrink the whole picture on PDQ's grid;
//! - [`resample_small`]: stretch an image smaller than 512 pixels on both
//!   sides to 512x512 (bilinear), the grid the reference's pre-resize puts a
//!   larger original on, so thumbnails are blurred at the original's scale;
//! - band removal ([`band`]): cut off a caption band or side panel added
//!   beside the picture;
//! - frame removal ([`frame`]): the picture inside a blurred-copy, noise or
//!   gradient frame.
//!
//! A preparation that only cuts the image is a [`Rect`] hashed through a
//! view of the decoded pixels, never a copy of them.

mod band;
mod deskew;
mod frame;
mod grid;
mod lines;
mod screenshot;
#[cfg(test)]
mod testing;

pub use deskew::{deskew, find_skew, Skew};
pub use screenshot::find_picture;

use crate::error::{Error, Result};
use crate::pdq::PRE_RESIZE;
use crate::pixels::{Layout, PixelView, Pixels, Rect};

/// A border line is uniform when every pixel is within this many levels (on
/// each colour channel) of the corner pixel the side starts from.
pub const BORDER_TOLERANCE: u8 = 12;

/// Trimming never keeps less than this share (in 1/100) of either side; an
/// image that would lose more is left alone (it is mostly flat, not framed).
pub const MIN_KEEP_PERCENT: u32 = 50;

/// Most PDQ queries the default extra preparations ([`ExtraVariants::default`])
/// add to one screened file: one per extra image each can give (trim 1,
/// resample 1, band 2, frame 2), plus 2 kept for other preparations. The
/// filter builder sizes its fingerprints for this many queries per file
/// besides the image's own; raise it with any default that can give more.
pub const MAX_DEFAULT_EXTRA_QUERIES: u64 = 8;

/// Which extra query variants screening hashes besides the image as it is.
///
/// Outside this crate, start from [`ExtraVariants::default`] or
/// [`ExtraVariants::none`] and set the fields that differ; new preparations
/// may be added without a breaking change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ExtraVariants {
    /// Also hash the image with uniform borders trimmed, when it has any.
    pub trim: bool,
    /// Also hash an image smaller than 512x512 resampled to 512x512.
    pub resample: bool,
    /// Also hash the picture without a caption band or side panel, when one
    /// is found (up to two candidate rectangles, one query each).
    pub band: bool,
    /// Also hash the picture inside a blurred-copy, noise or gradient frame,
    /// when one is found (up to two candidate rectangles, one query each).
    pub frame: bool,
    /// Also hash a picture turned by a few degrees on a flat-filled canvas,
    /// turned back upright ([`deskew`]).
    pub deskew: bool,
    /// Also hash the largest photo-like rectangle inside a screenshot
    /// ([`from_screenshot`]).
    pub screenshot: bool,
    /// Query the extra images in all eight turns when the filter matches
    /// turned uploads, instead of only as they are (8 queries each instead of 1).
    pub turned: bool,
}

impl Default for ExtraVariants {
    /// Every preparation on, unturned: on the evaluation's photos each lifts
    /// recall for a few percent more queries per upload and flags no
    /// innocent file (deskew and screenshot fire on none of its unedited
    /// photos), and turning them as well gained almost nothing for eight
    /// times the extra queries (docs/EVALUATION.md, "Query-side variants").
    fn default() -> Self {
        ExtraVariants {
            trim: true,
            resample: true,
            band: true,
            frame: true,
            deskew: true,
            screenshot: true,
            turned: false,
        }
    }
}

impl ExtraVariants {
    /// No extra variants: only the image as it is is queried.
    pub fn none() -> Self {
        ExtraVariants {
            trim: false,
            resample: false,
            band: false,
            frame: false,
            deskew: false,
            screenshot: false,
            turned: false,
        }
    }

    /// The extras named in a comma-separated list of `trim`, `resample`,
    /// `band`, `frame`, `deskew`, `screenshot`, `turned`, or `none` for no extra (what `prescreen
    /// check --extra-variants` and the browser's `extraVariants` take).
    /// Fails with [`Error::InvalidArgument`] on any other name.
    pub fn from_names(list: &str) -> Result<ExtraVariants> {
        let mut extra = ExtraVariants::none();
        for name in list.split(',').map(str::trim) {
            let flag = match name {
                "trim" => &mut extra.trim,
                "resample" => &mut extra.resample,
                "band" => &mut extra.band,
                "frame" => &mut extra.frame,
                "deskew" => &mut extra.deskew,
                "screenshot" => &mut extra.screenshot,
                "turned" => &mut extra.turned,
                "none" => continue,
                other => return Err(Error::InvalidArgument(format!("unknown extra variant {other:?}"))),
            };
            *flag = true;
        }
        Ok(extra)
    }
}

/// How the image behind one PDQ query was prepared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Preparation {
    /// The decoded image as it is.
    AsIs,
    /// Uniform borders trimmed ([`trim_uniform_borders`]).
    Trimmed,
    /// Resampled to 512x512 ([`resample_small`]).
    Resampled,
    /// A band beside the picture cut off (one of up to two candidates).
    Unbanded,
    /// A frame around the picture cut off (one of up to two candidates).
    Unframed,
    /// Turned back upright ([`deskew`]).
    Deskewed,
    /// The photo cut out of a screenshot ([`from_screenshot`]).
    FromScreenshot,
}

impl Preparation {
    /// The stable lower-case name: `as-is`, `trimmed`, `resampled`,
    /// `unbanded`, `unframed`, `deskewed`, `from-screenshot`.
    pub fn name(self) -> &'static str {
        match self {
            Preparation::AsIs => "as-is",
            Preparation::Trimmed => "trimmed",
            Preparation::Resampled => "resampled",
            Preparation::Unbanded => "unbanded",
            Preparation::Unframed => "unframed",
            Preparation::Deskewed => "deskewed",
            Preparation::FromScreenshot => "from-screenshot",
        }
    }
}

/// An extra image to hash: a rectangle of the upload, or a new image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Prepared {
    /// This part of the upload, hashed through a view of its pixels.
    Crop(Rect),
    /// A new image made from the upload.
    Image(Pixels),
}

impl Prepared {
    /// The pixels to hash, given the upload they were prepared from.
    pub(crate) fn view<'a>(&'a self, upload: PixelView<'a>) -> PixelView<'a> {
        match self {
            // Every rectangle came from a detector on this very upload.
            Prepared::Crop(rect) => upload.crop(*rect).unwrap_or(upload),
            Prepared::Image(pixels) => pixels.view(),
        }
    }
}

/// Colour channels compared for uniformity (alpha is ignored, as PDQ ignores it).
fn colour_channels(layout: Layout) -> usize {
    match layout {
        Layout::Grey8 => 1,
        Layout::Rgb8 | Layout::Rgba8 => 3,
    }
}

/// The rectangle left after cutting uniform rows and columns off the
/// image's edges, or `None` when there is nothing to trim or trimming would keep less than
/// [`MIN_KEEP_PERCENT`] of the width or height.
///
/// Rows are trimmed first (top, then bottom, over the full width), then
/// columns (left, then right, over the rows kept). Each side compares its
/// lines with the pixel at the corner where it starts: top with the
/// top-left pixel, bottom with the bottom-left, left with the top-left of
/// the kept rows, right with their top-right. A line is uniform when all its
/// pixels are within [`BORDER_TOLERANCE`] of that pixel on every colour
/// channel, which lets JPEG noise in a black bar pass.
pub fn trim_uniform_borders(image: PixelView<'_>) -> Option<Rect> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    if w == 0 || h == 0 {
        return None;
    }
    let bpp = image.layout().bytes_per_pixel();
    let channels = colour_channels(image.layout());
    let at = |x: usize, y: usize| &image.row(y as u32)[x * bpp..][..channels];
    let close = |p: &[u8], q: &[u8]| p.iter().zip(q).all(|(a, b)| a.abs_diff(*b) <= BORDER_TOLERANCE);
    let row_uniform = |y: usize, x0: usize, x1: usize, reference: &[u8]| (x0..x1).all(|x| close(at(x, y), reference));
    let col_uniform = |x: usize, y0: usize, y1: usize, reference: &[u8]| (y0..y1).all(|y| close(at(x, y), reference));

    let (mut top, mut bottom) = (0, h);
    let reference = at(0, 0);
    while top + 1 < bottom && row_uniform(top, 0, w, reference) {
        top += 1;
    }
    let reference = at(0, h - 1);
    while bottom > top + 1 && row_uniform(bottom - 1, 0, w, reference) {
        bottom -= 1;
    }
    let (mut left, mut right) = (0, w);
    let reference = at(0, top);
    while left + 1 < right && col_uniform(left, top, bottom, reference) {
        left += 1;
    }
    let reference = at(w - 1, top);
    while right > left + 1 && col_uniform(right - 1, top, bottom, reference) {
        right -= 1;
    }

    let (kept_w, kept_h) = (right - left, bottom - top);
    if (kept_w, kept_h) == (w, h) {
        return None;
    }
    let keeps_enough = |kept: usize, all: usize| kept as u64 * 100 >= all as u64 * u64::from(MIN_KEEP_PERCENT);
    if !keeps_enough(kept_w, w) || !keeps_enough(kept_h, h) {
        return None;
    }
    Some(Rect { left: left as u32, top: top as u32, width: kept_w as u32, height: kept_h as u32 })
}

/// Fixed-point precision of the bilinear weights.
const FRACTION_BITS: u32 = 8;
const ONE: u32 = 1 << FRACTION_BITS;

/// For each of the 512 output positions along a side of `len` source
/// pixels: the two source indices and the weight (0..=256) of the second.
/// Pixel centres are aligned ((x + 1/2) * len / 512 - 1/2), clamped at the
/// edges; integer arithmetic only, so native and wasm32 agree.
fn bilinear_taps(len: usize) -> Vec<(usize, usize, u32)> {
    let (len, out) = (len as u64, PRE_RESIZE as u64);
    (0..out)
        .map(|x| {
            // Preparation position in 1/ONE pixels: ((2x + 1) * len * ONE) / (2 * out) - ONE / 2.
            let centre = ((2 * x + 1) * len * u64::from(ONE)) / (2 * out);
            let pos = centre.saturating_sub(u64::from(ONE / 2)).min((len - 1) * u64::from(ONE));
            let i0 = (pos >> FRACTION_BITS) as usize;
            let i1 = (i0 + 1).min(len as usize - 1);
            (i0, i1, (pos & u64::from(ONE - 1)) as u32)
        })
        .collect()
}

/// An image smaller than 512 pixels on both sides, resampled (bilinear) to
/// exactly 512x512 in the same layout; `None` for an image that is 512 or
/// more on either side (the reference pre-resizes those itself) or under 5
/// pixels on either side (PDQ has nothing to hash there).
///
/// A listed original is usually larger than 512 and so hashed on a 512x512
/// grid, blurred with a 512-pixel window; a thumbnail of it is blurred at
/// its own, smaller scale. Resampling puts the thumbnail on the original's grid.
pub fn resample_small(image: PixelView<'_>) -> Option<Pixels> {
    let (w, h) = (image.width() as usize, image.height() as usize);
    if w >= PRE_RESIZE || h >= PRE_RESIZE || w < 5 || h < 5 {
        return None;
    }
    let bpp = image.layout().bytes_per_pixel();
    let (cols, rows) = (bilinear_taps(w), bilinear_taps(h));
    let mut out = Vec::with_capacity(PRE_RESIZE * PRE_RESIZE * bpp);
    for &(y0, y1, fy) in &rows {
        for &(x0, x1, fx) in &cols {
            for c in 0..bpp {
                let px = |x: usize, y: usize| u32::from(image.row(y as u32)[x * bpp + c]);
                let upper = px(x0, y0) * (ONE - fx) + px(x1, y0) * fx;
                let lower = px(x0, y1) * (ONE - fx) + px(x1, y1) * fx;
                let value = (upper * (ONE - fy) + lower * fy + (1 << (2 * FRACTION_BITS - 1))) >> (2 * FRACTION_BITS);
                out.push(value as u8);
            }
        }
    }
    Pixels::new(PRE_RESIZE as u32, PRE_RESIZE as u32, image.layout(), out).ok()
}

/// The extra images `extra` asks for, each with its [`Preparation`], in the
/// order trimmed, resampled, unbanded, unframed, deskewed, from-screenshot; an extra that does not apply
/// to this image is absent, and a rectangle already listed is not repeated.
pub(crate) fn prepare(image: PixelView<'_>, extra: ExtraVariants) -> Vec<(Preparation, Prepared)> {
    let mut out = Vec::new();
    if let Some(rect) = extra.trim.then(|| trim_uniform_borders(image)).flatten() {
        out.push((Preparation::Trimmed, Prepared::Crop(rect)));
    }
    if let Some(pixels) = extra.resample.then(|| resample_small(image)).flatten() {
        out.push((Preparation::Resampled, Prepared::Image(pixels)));
    }
    let bands = if extra.band { band::find_bands(&image) } else { Vec::new() };
    let frames = if extra.frame { frame::find_frame(&image) } else { Vec::new() };
    let found = bands
        .into_iter()
        .map(|r| (Preparation::Unbanded, r))
        .chain(frames.into_iter().map(|r| (Preparation::Unframed, r)));
    let picture = if extra.screenshot { find_picture(image) } else { None };
    for (preparation, rect) in found.chain(picture.map(|r| (Preparation::FromScreenshot, r))) {
        if !out.iter().any(|(_, p)| *p == Prepared::Crop(rect)) {
            out.push((preparation, Prepared::Crop(rect)));
        }
    }
    if let Some(pixels) = extra.deskew.then(|| deskew(image)).flatten() {
        out.push((Preparation::Deskewed, Prepared::Image(pixels)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdq;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// A deterministic, detailed RGB picture: smooth gradients plus a
    /// checker of blobs, so PDQ has structure to hash (quality well above 50).
    fn picture(w: u32, h: u32) -> Pixels {
        let mut data = Vec::with_capacity((w * h * 3) as usize);
        for y in 0..h {
            for x in 0..w {
                let blob = ((x * 7 / w.max(1)) + (y * 5 / h.max(1))) % 2 == 0;
                let r = (x * 255 / w.max(1)) as u8;
                let g = (y * 255 / h.max(1)) as u8;
                let b = if blob { 220 } else { 30 };
                data.extend_from_slice(&[r, g, b]);
            }
        }
        Pixels::new(w, h, Layout::Rgb8, data).unwrap()
    }

    /// `inner` pasted at (`left`, `top`) on a `w` x `h` canvas of `colour`.
    fn framed(inner: &Pixels, w: u32, h: u32, left: u32, top: u32, colour: [u8; 3]) -> Pixels {
        let mut data: Vec<u8> = colour.iter().copied().cycle().take((w * h * 3) as usize).collect();
        let src = inner.view().data();
        let iw = inner.width() as usize;
        for y in 0..inner.height() as usize {
            let to = ((top as usize + y) * w as usize + left as usize) * 3;
            data[to..to + iw * 3].copy_from_slice(&src[y * iw * 3..(y + 1) * iw * 3]);
        }
        Pixels::new(w, h, Layout::Rgb8, data).unwrap()
    }

    #[test]
    fn letterbox_bars_are_trimmed_back_to_the_picture() {
        let inner = picture(120, 60);
        let boxed = framed(&inner, 120, 120, 0, 30, [0, 0, 0]);
        let trimmed = trim_uniform_borders(boxed.view()).expect("bars trimmed");
        assert_eq!(trimmed, Rect { left: 0, top: 30, width: 120, height: 60 });
        assert_eq!(boxed.view().crop(trimmed).unwrap().row(5), inner.view().row(5));
    }

    #[test]
    fn noisy_asymmetric_border_is_trimmed_within_tolerance() {
        let inner = picture(100, 80);
        let mut border = framed(&inner, 130, 95, 10, 4, [250, 250, 250]);
        // JPEG-like noise in the border: alternate pixels off by 10 levels.
        let mut data = border.view().data().to_vec();
        for (i, px) in data.chunks_mut(3).enumerate() {
            let (x, y) = (i % 130, i / 130);
            let outside = !(10..110).contains(&x) || !(4..84).contains(&y);
            if outside && i % 2 == 0 {
                px[1] -= 10;
            }
        }
        border = Pixels::new(130, 95, Layout::Rgb8, data).unwrap();
        let trimmed = trim_uniform_borders(border.view()).expect("border trimmed");
        assert_eq!(trimmed, Rect { left: 10, top: 4, width: 100, height: 80 });
    }

    #[test]
    fn photo_without_border_and_flat_image_are_left_alone() {
        assert!(trim_uniform_borders(picture(90, 70).view()).is_none());
        let flat = Pixels::new(40, 30, Layout::Grey8, vec![128; 1200]).unwrap();
        assert!(trim_uniform_borders(flat.view()).is_none(), "would keep under half");
        // A picture in a frame wider than half the image is not trimmed either.
        let small = picture(20, 20);
        assert!(trim_uniform_borders(framed(&small, 60, 60, 20, 20, [0, 0, 0]).view()).is_none());
    }

    #[test]
    fn trimmed_letterbox_hashes_near_the_original() {
        let inner = picture(300, 200);
        let boxed = framed(&inner, 300, 300, 0, 50, [0, 0, 0]);
        let original = pdq::hash(inner.view()).hash;
        let as_is = pdq::hash(boxed.view()).hash.distance(&original);
        let rect = trim_uniform_borders(boxed.view()).unwrap();
        let trimmed = pdq::hash(boxed.view().crop(rect).unwrap()).hash.distance(&original);
        assert_eq!(trimmed, 0, "a crop view hashes like a copy of the same pixels");
        assert!(as_is > 31, "letterboxed copy was already within 31 bits ({as_is})");
    }

    #[test]
    fn small_images_only_are_resampled_to_512() {
        assert!(resample_small(picture(512, 100).view()).is_none());
        assert!(resample_small(picture(100, 600).view()).is_none());
        assert!(resample_small(picture(4, 100).view()).is_none());
        let up = resample_small(picture(256, 170).view()).expect("resampled");
        assert_eq!((up.width(), up.height(), up.layout()), (512, 512, Layout::Rgb8));
        let grey = Pixels::new(10, 10, Layout::Grey8, (0..100).collect()).unwrap();
        assert_eq!(resample_small(grey.view()).unwrap().layout(), Layout::Grey8);
    }

    #[test]
    fn bilinear_keeps_constants_and_interpolates_between_two_pixels() {
        let flat = Pixels::new(7, 9, Layout::Rgb8, vec![77; 7 * 9 * 3]).unwrap();
        assert!(resample_small(flat.view()).unwrap().view().data().iter().all(|&v| v == 77));
        // Three columns of 0, three of 255: the output stays 0 up to the
        // third column's centre (x = 213, fixed-point rounding), 255 from the fourth's (x = 299),
        // rises monotonically between, symmetric about the middle.
        let data: Vec<u8> = (0..6 * 5).map(|i| if i % 6 < 3 { 0 } else { 255 }).collect();
        let step = Pixels::new(6, 5, Layout::Grey8, data).unwrap();
        let up = resample_small(step.view()).unwrap();
        let row = &up.view().data()[..512];
        assert!(row[..=213].iter().all(|&v| v == 0) && row[299..].iter().all(|&v| v == 255));
        assert!(row[214] > 0 && row[298] < 255);
        assert!(row.windows(2).all(|p| p[0] <= p[1]));
        assert!((0..512).all(|x| (i32::from(row[x]) + i32::from(row[511 - x]) - 255).abs() <= 1));
    }

    #[test]
    fn resampled_thumbnail_hashes_closer_to_its_large_original() {
        let large = picture(1024, 768);
        let original = pdq::hash(large.view()).hash;
        // A 1/8 thumbnail by box averaging, as a downscaler would make it.
        let (tw, th) = (128usize, 96usize);
        let src = large.view().data();
        let mut thumb = Vec::with_capacity(tw * th * 3);
        for ty in 0..th {
            for tx in 0..tw {
                for c in 0..3 {
                    let sum: u32 = (0..8)
                        .flat_map(|dy| (0..8).map(move |dx| (dx, dy)))
                        .map(|(dx, dy)| u32::from(src[((ty * 8 + dy) * 1024 + tx * 8 + dx) * 3 + c]))
                        .sum();
                    thumb.push(((sum + 32) / 64) as u8);
                }
            }
        }
        let thumb = Pixels::new(tw as u32, th as u32, Layout::Rgb8, thumb).unwrap();
        let as_is = pdq::hash(thumb.view()).hash.distance(&original);
        let resampled = pdq::hash(resample_small(thumb.view()).unwrap().view()).hash.distance(&original);
        assert!(resampled < as_is, "resampled {resampled} vs as is {as_is}");
    }

    #[test]
    fn prepare_lists_only_the_variants_that_apply() {
        let boxed = framed(&picture(200, 100), 200, 200, 0, 50, [0, 0, 0]);
        let both = ExtraVariants { trim: true, resample: true, ..ExtraVariants::none() };
        let sources: Vec<Preparation> = prepare(boxed.view(), both).into_iter().map(|(s, _)| s).collect();
        assert_eq!(sources, [Preparation::Trimmed, Preparation::Resampled]);
        let none = ExtraVariants { turned: true, ..ExtraVariants::none() };
        assert!(prepare(boxed.view(), none).is_empty());
        assert!(prepare(picture(600, 600).view(), both).is_empty());
        assert_eq!(Preparation::Trimmed.name(), "trimmed");
    }

    #[test]
    fn default_preparations_stay_within_the_filter_budget() {
        use testing::{captioned, framed, picture, Fill};
        let photo = picture(300, 200, 6);
        let (banded, _) = captioned(&photo, 0.12, lines::Side::Top, [255, 255, 255]);
        let (frame, _) = framed(&photo, 300, 300, Fill::Blurred);
        let letterbox = self::framed(&photo, 300, 300, 0, 50, [0, 0, 0]);
        let defaults = ExtraVariants::default();
        let caps = [
            (defaults.trim, 1),
            (defaults.resample, 1),
            (defaults.band, 2),
            (defaults.frame, 2),
            (defaults.deskew, 1),
            (defaults.screenshot, 1),
        ];
        let cap: u64 = caps.iter().filter(|(on, _)| *on).map(|(_, n)| n).sum();
        assert!(cap <= MAX_DEFAULT_EXTRA_QUERIES && !defaults.turned);
        for image in [&photo, &banded, &frame, &letterbox] {
            let prepared = prepare(image.view(), defaults);
            assert!(prepared.len() as u64 <= cap, "{prepared:?}");
            for kind in [Preparation::Unbanded, Preparation::Unframed] {
                assert!(prepared.iter().filter(|(p, _)| *p == kind).count() <= 2);
            }
        }
    }

    #[test]
    fn a_crop_view_hashes_like_a_copy_in_every_turn() {
        // RGBA, a crop that is off every edge and larger than 512 on one side.
        let (w, h) = (700u32, 300u32);
        let data: Vec<u8> = (0..w * h * 4).map(|i| testing::noise(i % (w * 4), i / (w * 4) / 9, 1) as u8).collect();
        let image = PixelView::new(w, h, Layout::Rgba8, &data).unwrap();
        let rect = Rect { left: 13, top: 7, width: 600, height: 201 };
        let copy: Vec<u8> = (rect.top..rect.top + rect.height)
            .flat_map(|y| image.row(y)[rect.left as usize * 4..][..rect.width as usize * 4].to_vec())
            .collect();
        let copy = PixelView::new(rect.width, rect.height, Layout::Rgba8, &copy).unwrap();
        let crop = image.crop(rect).unwrap();
        assert_eq!(pdq::hash_turned(crop), pdq::hash_turned(copy));
        assert_eq!(pdq::hash_dihedral(crop), pdq::hash_dihedral(copy));
    }

    #[test]
    fn extras_by_name() {
        let all = ExtraVariants::from_names("trim, resample,band,frame,deskew,screenshot,turned").unwrap();
        let ExtraVariants { trim, resample, band, frame, deskew, screenshot, turned } = all;
        assert!(trim && resample && band && frame && deskew && screenshot && turned, "{all:?}");
        let none = ExtraVariants::from_names("none").unwrap();
        assert_eq!(none, ExtraVariants::none());
        assert_eq!(ExtraVariants { turned: false, ..all }, ExtraVariants::default());
        assert_eq!(ExtraVariants::from_names("band").unwrap(), ExtraVariants { band: true, ..none });
        assert!(matches!(ExtraVariants::from_names("trim,crop"), Err(Error::InvalidArgument(_))));
    }

    #[test]
    fn prepare_hashes_a_found_band_through_a_crop_once() {
        use testing::{captioned, picture};
        let (copy, truth) = captioned(&picture(300, 200, 4), 0.15, lines::Side::Bottom, [200, 40, 40]);
        let mut extra = ExtraVariants::from_names("band,frame").unwrap();
        let prepared = prepare(copy.view(), extra);
        assert_eq!(prepared.first(), Some(&(Preparation::Unbanded, Prepared::Crop(truth))));
        assert!(prepared.iter().filter(|(_, p)| *p == Prepared::Crop(truth)).count() == 1);
        extra.band = false;
        assert!(prepare(copy.view(), extra).iter().all(|(p, _)| *p == Preparation::Unframed));
    }
}
