//! Damaged copies of listed images (tests/damaged/, made by its generate.py)
//! screened as a browser shows them: decoded as far as their data goes,
//! marked damaged, hashed and matched like any image, alike in both decode
//! modes; a copy with no pixels at all is unscreenable, which the default
//! policy flags. Runs natively and on wasm32.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use prescreen::pdq;
use prescreen::{
    decode, decode_for_pdq, Damage, DecodeMode, Filter, FilterBuilder, Limits, PdqAction, Policy, Reason, Screener,
    UnscreenableAction, Verdict,
};

macro_rules! file {
    ($name:literal) => {
        ($name, include_bytes!(concat!("damaged/", $name)) as &[u8])
    };
}

/// A file's name and bytes.
type Named = (&'static str, &'static [u8]);

/// The listed originals.
const LISTED: [Named; 5] = [
    file!("listed.jpg"),
    file!("listed-progressive.jpg"),
    file!("listed.png"),
    file!("listed.gif"),
    file!("listed.webp"),
];

/// Each damaged copy, the damage it must decode with (`None`: no pixels),
/// and whether PDQ must still match it at the default radius (8). The cuts
/// of 10% lose a band of rows as tall as a 10% crop, which moves the hash
/// 24-34 bits (docs/DAMAGED.md): decoded and hashed, not matched, and so
/// unscreenable (part of the picture was never seen).
const COPIES: [(Named, Option<Damage>, bool); 9] = [
    (file!("jpeg-no-eoi.jpg"), Some(Damage::MissingEnd), true),
    (file!("jpeg-cut-1pct.jpg"), Some(Damage::Truncated), true),
    (file!("jpeg-cut-10pct.jpg"), Some(Damage::Truncated), false),
    (file!("jpeg-progressive-cut-10pct.jpg"), Some(Damage::Truncated), true),
    (file!("png-no-iend.png"), Some(Damage::MissingEnd), true),
    (file!("png-bad-crc.png"), Some(Damage::BadChecksum), true),
    (file!("png-cut-10pct.png"), Some(Damage::Truncated), false),
    (file!("gif-cut-10pct.gif"), Some(Damage::Truncated), false),
    (file!("webp-cut-10pct.webp"), None, false),
];

/// A screener over the originals' PDQ hashes (no digests: a damaged copy's
/// bytes differ, only the perceptual check can catch it).
fn screener(policy: Policy) -> Screener {
    let mut builder = FilterBuilder::new();
    builder.salt([9; 16]).created(0);
    for (name, bytes) in LISTED {
        let image = decode(bytes, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(image.damaged, None, "{name}");
        builder.add_pdq(pdq::hash(image.pixels.view()).hash);
    }
    Screener::new(Filter::from_bytes(builder.build(None).unwrap(), None).unwrap(), policy, Limits::default())
}

#[test]
fn damaged_copies_decode_as_far_as_their_data_goes() {
    for ((name, bytes), damage, _) in COPIES {
        for mode in [DecodeMode::Exact, DecodeMode::Fast] {
            match (decode_for_pdq(bytes, &Limits::default(), mode), damage) {
                (Ok(decoded), Some(damage)) => assert_eq!(decoded.damaged, Some(damage), "{name} {mode:?}"),
                (Err(err), None) => assert_eq!(err.code(), "truncated", "{name} {mode:?}"),
                (other, _) => panic!("{name} {mode:?}: {:?}", other.map(|d| d.damaged)),
            }
        }
    }
}

#[test]
fn damaged_copies_are_caught_or_flagged_as_unscreenable() {
    for pdq_action in [PdqAction::Flag, PdqAction::Block] {
        for decode in [DecodeMode::Exact, DecodeMode::Fast] {
            let screener = screener(Policy::default().with_pdq_action(pdq_action).with_decode(decode));
            for ((name, bytes), damage, matched) in COPIES {
                let s = screener.screen_bytes(bytes);
                assert_eq!(s.damaged, damage, "{name}");
                let expected = match (damage, matched, pdq_action) {
                    (None, _, _) => (Verdict::Unscreenable, Verdict::Flag),
                    (Some(_), true, PdqAction::Flag) => (Verdict::Flag, Verdict::Flag),
                    (Some(_), true, PdqAction::Block) => (Verdict::Block, Verdict::Block),
                    (Some(_), false, _) => (Verdict::Unscreenable, Verdict::Flag),
                };
                assert_eq!((s.verdict, s.action), expected, "{name} {pdq_action:?} {decode:?}");
            }
        }
    }
}

#[test]
fn the_unscreenable_action_follows_the_policy() {
    for (name, bytes) in [COPIES[8].0, COPIES[2].0] {
        for (unscreenable, action) in [
            (UnscreenableAction::Allow, Verdict::Allow),
            (UnscreenableAction::Flag, Verdict::Flag),
            (UnscreenableAction::Block, Verdict::Block),
        ] {
            let s = screener(Policy::default().with_unscreenable(unscreenable)).screen_bytes(bytes);
            assert_eq!((s.verdict, s.action), (Verdict::Unscreenable, action), "{name}");
        }
    }
    let s = screener(Policy::default()).screen_bytes(COPIES[2].0 .1);
    assert_eq!(s.reasons, [Reason::Incomplete(Damage::Truncated)]);
    assert!(s.pdq.is_some(), "the rows that arrived were hashed");
    // A listed original is decided by its match, whatever the unscreenable action.
    let s = screener(Policy::default().with_unscreenable(UnscreenableAction::Block)).screen_bytes(LISTED[0].1);
    assert_eq!((s.verdict, s.action), (Verdict::Flag, Verdict::Flag));
}

/// A large baseline JPEG cut short: the fast mode decodes it at 1/4 scale
/// with the baseline decoder, the exact mode in full with jpeg-decoder; the
/// same rows are blacked out and the hashes stay within the fast mode's
/// documented distance (6 bits) of each other.
#[test]
fn both_modes_black_out_the_same_rows_of_a_large_cut_jpeg() {
    let whole: &[u8] = include_bytes!("fast/astronaut-2400x2100.jpg");
    let cut = &whole[..whole.len() * 7 / 10];
    let exact = decode_for_pdq(cut, &Limits::default(), DecodeMode::Exact).unwrap();
    let fast = decode_for_pdq(cut, &Limits::default(), DecodeMode::Fast).unwrap();
    assert_eq!((exact.damaged, fast.damaged), (Some(Damage::Truncated), Some(Damage::Truncated)));
    assert_eq!((exact.reduction, fast.reduction), (1, 4));
    let black_rows = |d: &prescreen::Decoded| {
        let view = d.pixels.view();
        let stride = view.width() as usize * view.layout().bytes_per_pixel();
        view.data().chunks_exact(stride).rev().take_while(|row| row.iter().all(|&s| s == 0)).count()
    };
    let (exact_black, fast_black) = (black_rows(&exact), black_rows(&fast));
    assert!(exact_black > 100, "{exact_black} black rows");
    assert_eq!(exact_black.div_ceil(4), fast_black);
    let bits = pdq::hash(exact.pixels.view()).hash.distance(&pdq::hash(fast.pixels.view()).hash);
    assert!(bits <= 6, "{bits} bits apart");
}

/// A progressive JPEG with more scans than [`Limits::max_scans`] is refused
/// by the framing walk, before any decoder runs, in both modes.
#[test]
fn too_many_scans_are_refused_in_both_modes() {
    let (_, listed) = LISTED[1];
    let limits = Limits::default().with_max_scans(3);
    for mode in [DecodeMode::Exact, DecodeMode::Fast] {
        let err = decode_for_pdq(listed, &limits, mode).unwrap_err();
        assert_eq!(err.code(), "too-large", "{mode:?}");
        assert!(err.to_string().starts_with("scans "), "{err}");
    }
    assert!(decode(listed, &Limits::default()).is_ok());
}
