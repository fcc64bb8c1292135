//! `DecodeMode::Fast`: large JPEGs decoded at reduced scale for PDQ. Its
//! hashes stay close to the full decode's, it refuses what the full decode
//! refuses, its limits hold before allocating, and bad bytes never panic.
//! Runs natively and on wasm32 (the files are embedded).
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use prescreen::pdq;
use prescreen::{decode, decode_for_pdq, Damage, DecodeMode, Error, Format, Limits};

macro_rules! file {
    ($path:literal) => {
        ($path, include_bytes!($path) as &[u8])
    };
}

/// Largest distance allowed between the fast and the exact PDQ hash of a
/// photo of quality >= 80 (docs/DESIGN-decoding.md).
const FAST_MAX_DISTANCE: u32 = 2;

/// Every JPEG of the conformance set, and the two generated large ones
/// (tests/fast/generate.py).
const JPEGS: &[(&str, &[u8])] = &[
    file!("conformance/images/astronaut-q70-progressive.jpg"),
    file!("conformance/images/camera-grey-q85.jpg"),
    file!("conformance/images/chelsea-q95-444.jpg"),
    file!("conformance/images/coffee-12mp-4000x3000.jpg"),
    file!("conformance/images/coffee-q85.jpg"),
    file!("conformance/images/hubble-1600x1004.jpg"),
    file!("conformance/images/hubble_deep_field.jpg"),
    file!("conformance/images/retina.jpg"),
    file!("conformance/images/rocket.jpg"),
    file!("fast/astronaut-2400x2100.jpg"),
    file!("fast/chelsea-2048-progressive.jpg"),
];

const COFFEE_12MP: (&str, &[u8]) = file!("conformance/images/coffee-12mp-4000x3000.jpg");
const BASELINE: (&str, &[u8]) = file!("fast/astronaut-2400x2100.jpg");
const PROGRESSIVE: (&str, &[u8]) = file!("fast/chelsea-2048-progressive.jpg");

fn fast(bytes: &[u8], limits: &Limits) -> Result<prescreen::Decoded, Error> {
    decode_for_pdq(bytes, limits, DecodeMode::Fast)
}

#[test]
fn fast_hashes_stay_within_two_bits_of_exact() {
    let mut reduced = 0;
    let mut worst = (0, "");
    for &(name, bytes) in JPEGS {
        let exact = decode(bytes, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let quick = fast(bytes, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let (exact_pdq, fast_pdq) = (pdq::hash(exact.pixels.view()), pdq::hash(quick.pixels.view()));
        if exact_pdq.quality < 80 {
            continue;
        }
        let distance = exact_pdq.hash.distance(&fast_pdq.hash);
        if distance >= worst.0 {
            worst = (distance, name);
        }
        reduced += usize::from(quick.reduction > 1);
        assert!(distance <= FAST_MAX_DISTANCE, "{name}: fast is {distance} bits from exact");
    }
    assert!(reduced >= 2, "only {reduced} files took the reduced path");
    println!("largest fast-exact distance: {} bits ({})", worst.0, worst.1);
}

#[test]
fn fast_reports_the_declared_size_and_the_reduction() {
    for (name, bytes, size, reduced) in [
        (BASELINE.0, BASELINE.1, (2400, 2100), (600, 525)),
        ("coffee-12mp-4000x3000.jpg", COFFEE_12MP.1, (4000, 3000), (1000, 750)),
    ] {
        let d = fast(bytes, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!((d.size, d.reduction, d.format), (size, 4, Format::Jpeg), "{name}");
        assert_eq!((d.pixels.width(), d.pixels.height()), reduced, "{name}");
        let exact = decode(bytes, &Limits::default()).unwrap();
        assert_eq!((exact.size, exact.reduction, exact.orientation), (size, 1, d.orientation), "{name}");
        assert_eq!(exact.pixels.layout(), d.pixels.layout(), "{name}");
    }
}

#[test]
fn exact_mode_is_decode() {
    let (_, bytes) = BASELINE;
    let exact = decode_for_pdq(bytes, &Limits::default(), DecodeMode::Exact).unwrap();
    assert_eq!(exact.pixels, decode(bytes, &Limits::default()).unwrap().pixels);
    assert_eq!(exact.reduction, 1);
    assert_eq!(DecodeMode::default(), DecodeMode::Exact);
}

#[test]
fn small_jpegs_and_other_formats_decode_as_in_exact_mode() {
    for (name, bytes) in [
        file!("conformance/images/hubble-1600x1004.jpg"),
        file!("conformance/images/retina.jpg"),
        file!("conformance/images/g-12mp-4000x3000.png"),
        file!("decode/progressive.jpg"),
        PROGRESSIVE, // 2048x2048, but progressive
    ] {
        let exact = decode(bytes, &Limits::default()).unwrap();
        let quick = fast(bytes, &Limits::default()).unwrap();
        assert_eq!((quick.reduction, &quick.pixels), (1, &exact.pixels), "{name}");
    }
}

/// The files of tests/bad/ give the same codes (or the same damage) in fast mode as in exact mode.
#[test]
fn bad_files_give_the_same_codes() {
    let bad: &[((&str, &[u8]), &str)] = &[
        (file!("bad/empty.bin"), "empty"),
        (file!("bad/random.bin"), "unsupported-format"),
        (file!("bad/truncated.jpg"), "truncated"),
        (file!("bad/truncated-progressive.jpg"), "damaged:truncated"),
        (file!("bad/truncated-no-eoi.jpg"), "damaged:missing-end"),
        (file!("bad/truncated.png"), "damaged:truncated"),
        (file!("bad/huge.png"), "too-large"),
        (file!("bad/bomb-within-limits.png"), "corrupt"),
        (file!("bad/bomb.jpg"), "too-large"),
        (file!("bad/bomb.webp"), "too-large"),
        (file!("bad/corrupt-crc.png"), "corrupt"),
    ];
    for &((name, bytes), code) in bad {
        let got = match fast(bytes, &Limits::default()) {
            Ok(decoded) => decoded.damaged.map_or("intact".into(), |d| format!("damaged:{}", d.name())),
            Err(e) => e.code().to_string(),
        };
        assert_eq!(got, code, "{name}");
    }
    let err = fast(file!("bad/bomb.jpg").1, &Limits::default()).unwrap_err();
    assert_eq!(err, Error::TooLarge { what: "width", value: 65000, limit: 32768 });
}

/// Prefixes of a large JPEG (a stride through the headers and the first
/// scan): `truncated`, or decoded as damaged; never a panic. Cuts through
/// the scan data decode as damaged in both modes with the hashes within the
/// fast mode's documented distance (6 bits).
#[test]
fn prefixes_are_truncated_or_damaged_alike() {
    for (name, bytes) in [BASELINE, PROGRESSIVE, COFFEE_12MP] {
        for cut in (1..2000).step_by(37) {
            let result = fast(&bytes[..cut], &Limits::default());
            let allowed =
                matches!(&result, Err(Error::Truncated)) || result.as_ref().is_ok_and(|d| d.damaged.is_some());
            assert!(allowed, "{name}[..{cut}]: {:?}", result.map(|d| d.reduction));
        }
        for fifth in 1..5 {
            let cut = &bytes[..bytes.len() * fifth / 5];
            let (f, e) = (fast(cut, &Limits::default()).unwrap(), decode(cut, &Limits::default()).unwrap());
            assert_eq!((f.damaged, e.damaged), (Some(Damage::Truncated), Some(Damage::Truncated)), "{name} {fifth}/5");
            let bits = pdq::hash(f.pixels.view()).hash.distance(&pdq::hash(e.pixels.view()).hash);
            assert!(bits <= 6, "{name} {fifth}/5: {bits} bits");
        }
    }
}

/// Bytes overwritten in the headers and the scans (seeded positions) reach
/// the reduced decoder itself: any result but a panic is fine, and an error
/// carries one of the decoder's codes.
#[test]
fn corrupted_bytes_never_panic() {
    for (name, bytes) in [BASELINE, COFFEE_12MP] {
        let mut state: u64 = 0x5eed;
        for round in 0..16 {
            let mut copy = bytes.to_vec();
            for _ in 0..4 {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                // Half the rounds hit the first 1000 bytes (tables, frame and scan headers).
                let span = if round % 2 == 0 { 1000 } else { copy.len() - 2 };
                let at = 2 + (state >> 33) as usize % (span - 2);
                copy[at] = (state >> 20) as u8;
            }
            if let Err(e) = fast(&copy, &Limits::default()) {
                let known = ["truncated", "corrupt", "unsupported-format", "too-large"];
                assert!(known.contains(&e.code()), "{name} round {round}: {} ({e})", e.code());
            }
        }
    }
}

/// The declared size, and a full-size buffer against `max_alloc`, are checked
/// before decoding, as in exact mode.
#[test]
fn limits_hold_before_allocating() {
    let (name, bytes) = BASELINE;
    let limits = Limits::default().with_max_pixels(2400 * 2100 - 1);
    let err = fast(bytes, &limits).unwrap_err();
    assert_eq!(err, Error::TooLarge { what: "pixels", value: 2400 * 2100, limit: 2400 * 2100 - 1 }, "{name}");

    // A full-size buffer's worth passes both checks; one byte less is
    // refused by the header check, as in exact mode.
    let limits = Limits::default().with_max_alloc(2400 * 2100 * 3);
    assert_eq!(fast(bytes, &limits).unwrap().reduction, 4, "{name}");
    let limits = Limits::default().with_max_alloc(2400 * 2100 * 3 - 1);
    assert!(matches!(fast(bytes, &limits), Err(Error::TooLarge { what: "decoded bytes", .. })), "{name}");

    let limits = Limits::default().with_max_input_bytes(bytes.len() as u64 - 1);
    assert!(matches!(fast(bytes, &limits), Err(Error::TooLarge { what: "input bytes", .. })));
}
