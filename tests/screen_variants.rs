//! The screener's extra query variants (`Policy::extra_variants`): a
//! letterboxed copy of a listed photo is caught only through its trimmed
//! preparation, and every query made is reported. Runs natively and on wasm32.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use prescreen::pdq::{self, Dihedral};
use prescreen::{
    decode, resample_small, trim_uniform_borders, ExtraVariants, Filter, FilterBuilder, Layout, Limits, Pixels, Policy,
    Preparation, Reason, Screener, Verdict,
};

/// scikit-image's `chelsea` (451x300), as in the conformance set.
const CHELSEA: &[u8] = include_bytes!("conformance/images/chelsea.png");

fn chelsea() -> Pixels {
    decode(CHELSEA, &Limits::default()).unwrap().pixels
}

/// A radius-8, dihedral screener listing chelsea's PDQ hash, with `extra` variants.
fn screener(extra: ExtraVariants) -> Screener {
    let mut builder = FilterBuilder::new();
    builder.salt([3; 16]).created(0).radius(8);
    builder.add_pdq(pdq::hash(chelsea().view()).hash);
    let filter = Filter::from_bytes(builder.build(None).unwrap(), None).unwrap();
    Screener::new(filter, Policy::default().with_extra_variants(extra), Limits::default())
}

/// Chelsea padded to a 451x451 square with black bars above and below.
fn letterboxed() -> Pixels {
    let image = chelsea();
    assert_eq!(image.layout(), Layout::Rgb8);
    let (w, h) = (image.width() as usize, image.height() as usize);
    let top = (w - h) / 2;
    let mut data = vec![0u8; w * w * 3];
    data[top * w * 3..(top + h) * w * 3].copy_from_slice(image.view().data());
    Pixels::new(w as u32, w as u32, Layout::Rgb8, data).unwrap()
}

#[test]
fn letterboxed_copy_is_caught_only_with_the_trim_variant() {
    let copy = letterboxed();
    let listed = pdq::hash(chelsea().view()).hash;
    assert!(pdq::hash(copy.view()).hash.distance(&listed) > 8);

    let none = ExtraVariants::from_names("none").unwrap();
    let plain = screener(none).screen_pixels(copy.view());
    assert_eq!(plain.verdict, Verdict::Allow);
    assert_eq!(plain.queries.len(), 8);
    assert!(plain.queries.iter().all(|q| q.preparation == Preparation::AsIs && !q.matched));

    let trim = ExtraVariants::from_names("trim").unwrap();
    let result = screener(trim).screen_pixels(copy.view());
    assert_eq!(result.verdict, Verdict::Flag);
    assert_eq!(result.reasons, [Reason::Pdq(Dihedral::Original)]);
    assert_eq!(result.queries.len(), 9, "the trimmed image is queried unturned");
    let turned = screener(ExtraVariants::from_names("trim,turned").unwrap()).screen_pixels(copy.view());
    assert_eq!(turned.queries.len(), 16);
    assert_eq!(turned.queries.iter().filter(|q| q.matched).count(), 1);
    let matched: Vec<_> = result.queries.iter().filter(|q| q.matched).collect();
    assert_eq!(matched.len(), 1);
    assert_eq!((matched[0].preparation, matched[0].turn), (Preparation::Trimmed, Dihedral::Original));
    let trimmed = trim_uniform_borders(copy.view()).unwrap();
    assert_eq!(matched[0].pdq, pdq::hash(copy.view().crop(trimmed).unwrap()));
    assert_eq!(result.pdq, Some(pdq::hash(copy.view())), "the reported hash stays the image's own");
}

#[test]
fn default_policy_runs_every_preparation_unturned() {
    let extra = Policy::default().extra_variants;
    assert_eq!(extra, ExtraVariants::from_names("trim,resample,band,frame,deskew,screenshot").unwrap());
    let copy = letterboxed(); // 451x451: both trimmed and resampled
    let result = screener(extra).screen_pixels(copy.view());
    let extras: Vec<_> = result.queries[8..].iter().map(|q| (q.preparation, q.turn)).collect();
    // The picture between flat bars is also a screenshot's photo: the same
    // rectangle as the trimmed one, so it is not queried twice.
    assert_eq!(extras, [(Preparation::Trimmed, Dihedral::Original), (Preparation::Resampled, Dihedral::Original)]);
    let mut screenshot_only = ExtraVariants::none();
    screenshot_only.screenshot = true;
    let cut = screener(screenshot_only).screen_pixels(copy.view());
    let found: Vec<_> = cut.queries[8..].iter().map(|q| q.preparation).collect();
    assert_eq!(found, [Preparation::FromScreenshot]);
    assert_eq!(result.verdict, Verdict::Flag);
}

#[test]
fn every_query_is_reported_in_order_with_its_hash() {
    let image = chelsea(); // 451x300: small enough to resample, no border to trim
    let both = ExtraVariants::from_names("trim,resample,turned").unwrap();
    let result = screener(both).screen_pixels(image.view());
    assert_eq!(result.verdict, Verdict::Flag);
    let resampled = resample_small(image.view()).unwrap();
    let expected: Vec<_> = pdq::hash_turned(image.view())
        .into_iter()
        .zip(Dihedral::ALL)
        .map(|(p, d)| (Preparation::AsIs, d, p))
        .chain(
            pdq::hash_turned(resampled.view())
                .into_iter()
                .zip(Dihedral::ALL)
                .map(|(p, d)| (Preparation::Resampled, d, p)),
        )
        .collect();
    let got: Vec<_> = result.queries.iter().map(|q| (q.preparation, q.turn, q.pdq)).collect();
    assert_eq!(got, expected);
    assert!(result.queries[0].matched);
}

/// Chelsea with `rows` rows of a yellow caption band (dark blocks of "text"
/// in its middle third) added below.
fn captioned(rows: usize) -> Pixels {
    let image = chelsea();
    let (w, h) = (image.width() as usize, image.height() as usize);
    let mut data = image.view().data().to_vec();
    for y in 0..rows {
        for x in 0..w {
            let text = (rows / 3..2 * rows / 3).contains(&y) && (x / 6 + y / 6 * 5) % 4 == 0;
            data.extend_from_slice(if text { &[20, 20, 20] } else { &[240, 210, 40] });
        }
    }
    Pixels::new(w as u32, (h + rows) as u32, Layout::Rgb8, data).unwrap()
}

#[test]
fn captioned_copy_is_caught_only_with_the_band_variant() {
    let copy = captioned(40);
    let trim = screener(ExtraVariants::from_names("trim").unwrap()).screen_pixels(copy.view());
    assert_eq!(trim.verdict, Verdict::Allow);
    let band = screener(ExtraVariants::from_names("trim,band").unwrap()).screen_pixels(copy.view());
    assert_eq!(band.verdict, Verdict::Flag);
    let matched: Vec<_> = band.queries.iter().filter(|q| q.matched).map(|q| q.preparation).collect();
    assert_eq!(matched, [Preparation::Unbanded]);
    assert!(band.queries.len() <= 8 + 1 + 2, "at most two band candidates");
}
