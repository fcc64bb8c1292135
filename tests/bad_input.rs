//! Files that must fail (tests/bad/, listed in its README with their codes)
//! or decode as damaged, truncated copies of good files that must never
//! panic or pass as intact, and limits that stop a decode before it allocates.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use prescreen::{decode, sniff, Error, Limits};

macro_rules! bad {
    ($name:literal) => {
        ($name, include_bytes!(concat!("bad/", $name)) as &[u8])
    };
}

macro_rules! good {
    ($name:literal) => {
        ($name, include_bytes!(concat!("decode/", $name)) as &[u8])
    };
}

/// Every file in tests/bad/ with the code its README promises: an error
/// code, or `damaged:` and the damage when its pixels are recovered as a
/// browser shows them.
const BAD: &[((&str, &[u8]), &str)] = &[
    (bad!("empty.bin"), "empty"),
    (bad!("random.bin"), "unsupported-format"),
    (bad!("text.txt"), "unsupported-format"),
    (bad!("truncated.jpg"), "truncated"),
    (bad!("truncated-progressive.jpg"), "damaged:truncated"),
    (bad!("truncated-no-eoi.jpg"), "damaged:missing-end"),
    (bad!("truncated.png"), "damaged:truncated"),
    (bad!("truncated-header.png"), "truncated"),
    (bad!("truncated-magic.png"), "truncated"),
    (bad!("truncated.gif"), "damaged:truncated"),
    (bad!("truncated.webp"), "truncated"),
    (bad!("truncated-lossless.webp"), "truncated"),
    (bad!("truncated.bmp"), "truncated"),
    (bad!("truncated.ppm"), "truncated"),
    (bad!("huge.png"), "too-large"),
    (bad!("bomb-within-limits.png"), "corrupt"),
    (bad!("bomb.jpg"), "too-large"),
    (bad!("bomb.gif"), "too-large"),
    (bad!("bomb.webp"), "too-large"),
    (bad!("corrupt-crc.png"), "corrupt"),
    (bad!("corrupt-depth.bmp"), "corrupt"),
];

/// Good files of every format, cut at every length in the sweep.
const GOOD: &[(&str, &[u8])] = &[
    good!("rgb.png"),
    good!("palette.png"),
    good!("grey16.png"),
    good!("rgb-orientation6.jpg"),
    good!("progressive.jpg"),
    good!("grey.jpg"),
    good!("palette.gif"),
    good!("lossy.webp"),
    good!("lossless.webp"),
    good!("rgb.bmp"),
    good!("rgb.ppm"),
    good!("grey.pgm"),
];

#[test]
fn each_bad_file_gives_its_code() {
    let mut wrong = Vec::new();
    for &((name, bytes), code) in BAD {
        // A format this build does not decode (PNM on wasm32) is refused as such.
        let code = if sniff(bytes).is_some_and(|f| !f.decodable()) { "unsupported-format" } else { code };
        let got = match decode(bytes, &Limits::default()) {
            Ok(decoded) => decoded.damaged.map_or("intact".to_string(), |d| format!("damaged:{}", d.name())),
            Err(e) => e.code().to_string(),
        };
        if got != code {
            wrong.push(format!("{name}: {got}, expected {code}"));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn bombs_name_the_limit_they_hit() {
    let err = decode(bad!("huge.png").1, &Limits::default()).unwrap_err();
    assert_eq!(err, Error::TooLarge { what: "width", value: 100000, limit: 32768 });
    let err = decode(bad!("bomb.jpg").1, &Limits::default()).unwrap_err();
    assert_eq!(err, Error::TooLarge { what: "width", value: 65000, limit: 32768 });
    let err = decode(bad!("bomb.webp").1, &Limits::default()).unwrap_err();
    assert_eq!(err, Error::TooLarge { what: "pixels", value: 16383 * 16383, limit: 1 << 27 });
}

/// Every proper prefix of a good file is `truncated`, or (JPEG, PNG, GIF)
/// decodes marked damaged; never a panic, never an intact image. The file
/// itself decodes intact. Files with trailing bytes their decoder never
/// reads (none here) would need an exception.
#[test]
fn every_prefix_of_a_good_file_is_truncated_or_damaged() {
    let mut wrong = Vec::new();
    for &(name, bytes) in GOOD.iter().filter(|(_, bytes)| sniff(bytes).is_some_and(|f| f.decodable())) {
        assert!(decode(bytes, &Limits::default()).is_ok_and(|d| d.damaged.is_none()), "{name} must decode intact");
        for cut in 1..bytes.len() {
            match decode(&bytes[..cut], &Limits::default()) {
                Err(Error::Truncated) => {}
                Ok(decoded) if decoded.damaged.is_some() && recovers(decoded.format) => {}
                other => wrong.push(format!("{name}[..{cut}]: {:?}", other.map(|d| (d.format, d.damaged)))),
            }
        }
    }
    assert!(wrong.is_empty(), "{} prefixes not truncated: {:#?}", wrong.len(), &wrong[..wrong.len().min(20)]);
}

/// The formats whose cut-off files are decoded as far as they go.
fn recovers(format: prescreen::Format) -> bool {
    matches!(format, prescreen::Format::Jpeg | prescreen::Format::Png | prescreen::Format::Gif)
}

/// ASCII PNM has no end marker: a cut inside the last sample's digits reads
/// as a smaller number (or as a cut-off, when the decoder wants a delimiter).
/// Every shorter prefix is `truncated`. (Every cut in the header and the last
/// 64 bytes, a stride of 13 between: each check counts the samples present.)
#[test]
#[cfg(feature = "pnm")]
fn ascii_pnm_prefixes_are_truncated_up_to_the_last_sample() {
    for (name, bytes) in [good!("grey-ascii.pgm"), good!("rgb-ascii.ppm")] {
        assert!(decode(bytes, &Limits::default()).is_ok(), "{name} must decode");
        let last_sample = bytes.trim_ascii_end().iter().rposition(|b| b.is_ascii_whitespace()).unwrap_or(0);
        let cuts = (1..bytes.len()).filter(|&cut| cut < 64 || cut + 64 > bytes.len() || cut % 13 == 0);
        for cut in cuts {
            let result = decode(&bytes[..cut], &Limits::default());
            let allowed = matches!(result, Err(Error::Truncated)) || (cut > last_sample && result.is_ok());
            assert!(allowed, "{name}[..{cut}]: {:?}", result.map(|d| d.format));
        }
    }
}
