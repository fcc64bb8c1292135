//! Screening verdicts and reasons end to end: file bytes -> digests, decode,
//! PDQ (turned variants) -> filter -> policy. Runs natively and on wasm32.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use prescreen::pdq::{self, Dihedral};
use prescreen::{
    decode, decode_for_pdq, digest, DecodeMode, DigestKind, Error, Filter, FilterBuilder, Layout, Limits, PdqAction,
    Pixels, Policy, Reason, Screener, Verdict,
};

const ASTRONAUT: &[u8] = include_bytes!("conformance/images/astronaut.png");
const CHELSEA: &[u8] = include_bytes!("conformance/images/chelsea.png");
const FLAT: &[u8] = include_bytes!("conformance/images/g-flat-300x200.png");
const TEXT: &[u8] = b"just some text, not an image\n";
/// A 2400x2100 baseline JPEG: the fast mode decodes it at 1/4 scale (tests/fast/README.md).
const LARGE_JPEG: &[u8] = include_bytes!("fast/astronaut-2400x2100.jpg");

/// A screener over a filter listing the astronaut's PDQ hash and the text's SHA-256.
fn screener(pdq_section: bool, policy: Policy) -> Screener {
    let mut builder = FilterBuilder::new();
    builder.salt([7; 16]).created(0);
    if pdq_section {
        let astronaut = decode(ASTRONAUT, &Limits::default()).unwrap();
        builder.add_pdq(pdq::hash(astronaut.pixels.view()).hash);
    }
    builder.add_digest(DigestKind::Sha256, &digest(TEXT).sha256.unwrap()).unwrap();
    let filter = Filter::from_bytes(builder.build(None).unwrap(), None).unwrap();
    Screener::new(filter, policy, Limits::default())
}

/// The image mirrored left to right, as a user's photo editor would.
fn mirrored(bytes: &[u8]) -> Pixels {
    let image = decode(bytes, &Limits::default()).unwrap().pixels;
    assert_eq!(image.layout(), Layout::Rgb8);
    let (w, h) = (image.width() as usize, image.height() as usize);
    let src = image.view().data();
    let mut out = vec![0u8; src.len()];
    for y in 0..h {
        for x in 0..w {
            let (from, to) = (3 * (y * w + x), 3 * (y * w + (w - 1 - x)));
            out[to..to + 3].copy_from_slice(&src[from..from + 3]);
        }
    }
    Pixels::new(image.width(), image.height(), Layout::Rgb8, out).unwrap()
}

#[test]
fn listed_digest_blocks_even_a_non_image() {
    let result = screener(true, Policy::default()).screen_bytes(TEXT);
    assert_eq!(result.verdict, Verdict::Block);
    assert_eq!(result.reasons[0], Reason::Digest(DigestKind::Sha256));
    assert!(matches!(result.reasons[1], Reason::NotDecoded(Error::UnsupportedFormat)));
    assert_eq!(result.digests.unwrap().sha256, digest(TEXT).sha256);
}

#[test]
fn listed_image_is_flagged_by_default_and_blocked_on_request() {
    let flagged = screener(true, Policy::default()).screen_bytes(ASTRONAUT);
    assert_eq!(flagged.verdict, Verdict::Flag);
    assert!(flagged.reasons.contains(&Reason::Pdq(Dihedral::Original)));
    assert_eq!(flagged.size, Some((512, 512)));

    let policy = Policy::default().with_pdq_action(PdqAction::Block);
    assert_eq!(screener(true, policy).screen_bytes(ASTRONAUT).verdict, Verdict::Block);
}

#[test]
fn mirrored_copy_matches_under_the_mirror_variant() {
    let copy = mirrored(ASTRONAUT);
    let result = screener(true, Policy::default()).screen_pixels(copy.view());
    assert_eq!(result.verdict, Verdict::Flag);
    assert!(result.reasons.contains(&Reason::Pdq(Dihedral::FlipY)), "{:?}", result.reasons);
    assert!(result.digests.is_none());
}

#[test]
fn unlisted_image_is_allowed() {
    let result = screener(true, Policy::default()).screen_bytes(CHELSEA);
    assert_eq!(result.verdict, Verdict::Allow);
    assert!(result.reasons.is_empty());
    assert!(result.pdq.unwrap().quality >= 50);
}

#[test]
fn non_image_is_unscreenable_when_the_filter_has_pdq() {
    let result = screener(true, Policy::default()).screen_bytes(b"\x00\x01 not an image");
    assert_eq!(result.verdict, Verdict::Unscreenable);
    assert!(matches!(result.reasons[..], [Reason::NotDecoded(Error::UnsupportedFormat)]));
}

#[test]
fn flat_image_is_unscreenable_for_low_quality() {
    let result = screener(true, Policy::default()).screen_bytes(FLAT);
    assert_eq!(result.verdict, Verdict::Unscreenable);
    assert!(matches!(result.reasons[..], [Reason::LowQuality(q)] if q < 50));
}

#[test]
fn digest_only_filter_never_decodes() {
    let screener = screener(false, Policy::default());
    assert!(!screener.wants_pixels());
    let result = screener.screen_bytes(b"\x00\x01 not an image");
    assert_eq!(result.verdict, Verdict::Allow);
    assert!(result.reasons.is_empty() && result.pdq.is_none());
}

#[test]
fn streamed_digests_without_pixels_are_unscreenable_perceptually() {
    let screener = screener(true, Policy::default());
    let digests = digest(b"a large video, streamed");
    assert_eq!(screener.screen_parts(Some(&digests), None).verdict, Verdict::Unscreenable);
    let listed = digest(TEXT);
    assert_eq!(screener.screen_parts(Some(&listed), None).verdict, Verdict::Block);
}

#[test]
fn only_the_filters_digest_kinds_are_computed() {
    let screener = screener(true, Policy::default());
    assert_eq!(screener.digest_kinds(), [DigestKind::Sha256]);
    let digests = screener.screen_bytes(CHELSEA).digests.unwrap();
    assert_eq!(digests.sha256, digest(CHELSEA).sha256);
    assert_eq!((digests.md5, digests.sha1), (None, None));
}

#[test]
fn the_policy_chooses_the_decode_mode_and_the_declared_size_is_reported() {
    let limits = Limits::default();
    for mode in [DecodeMode::Exact, DecodeMode::Fast] {
        let screening = screener(true, Policy::default().with_decode(mode)).screen_bytes(LARGE_JPEG);
        let decoded = decode_for_pdq(LARGE_JPEG, &limits, mode).unwrap();
        assert_eq!(decoded.reduction, if mode == DecodeMode::Fast { 4 } else { 1 });
        assert_eq!(screening.pdq.map(|p| p.hash), Some(pdq::hash(decoded.pixels.view()).hash), "{mode:?}");
        assert_eq!(screening.size, Some((2400, 2100)), "{mode:?}");
    }
    assert_eq!(Policy::default().decode, DecodeMode::Exact, "natively, exact unless asked");
}
