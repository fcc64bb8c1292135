//! Decoding the generated fixtures in tests/decode/ (see generate.py there):
//! the pixels must equal Pillow's (the oracle) exactly for lossless formats and
//! closely for lossy ones; grey stays grey, alpha is dropped, orientation is
//! reported and not applied.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use prescreen::{decode, sniff, Format, Layout, Limits};

/// One fixture: name, its bytes, Pillow's pixels (generate.py's `.raw`).
macro_rules! fixture {
    ($name:literal) => {
        ($name, &include_bytes!(concat!("decode/", $name))[..], &include_bytes!(concat!("decode/", $name, ".raw"))[..])
    };
}

/// Width and height of every fixture (generate.py's W, H).
const SIZE: (u32, u32) = (61, 47);

fn check((name, bytes, oracle): (&str, &[u8], &[u8]), format: Format, layout: Layout, orientation: u8, max_diff: u8) {
    assert_eq!(sniff(bytes), Some(format), "{name}");
    if !format.decodable() {
        // The wasm32 build leaves PNM out: a typed refusal, not a decode.
        let refused = decode(bytes, &Limits::default()).map(|d| d.format).map_err(|e| e.code());
        assert_eq!(refused, Err("unsupported-format"), "{name}");
        return;
    }
    let decoded = decode(bytes, &Limits::default()).unwrap_or_else(|e| panic!("{name}: {e}"));
    assert_eq!(decoded.format, format, "{name}");
    assert_eq!(decoded.orientation, orientation, "{name}");
    let pixels = decoded.pixels.view();
    assert_eq!((pixels.width(), pixels.height()), SIZE, "{name}");
    assert_eq!(pixels.layout(), layout, "{name}");
    assert_eq!(pixels.data().len(), oracle.len(), "{name}");
    let worst = pixels.data().iter().zip(oracle).map(|(&a, &b)| a.abs_diff(b)).max().unwrap_or(0);
    assert!(worst <= max_diff, "{name}: a sample differs by {worst} from Pillow's (allowed {max_diff})");
}

#[test]
fn lossless_formats_match_pillow_exactly() {
    check(fixture!("rgb.png"), Format::Png, Layout::Rgb8, 1, 0);
    check(fixture!("grey.png"), Format::Png, Layout::Grey8, 1, 0);
    check(fixture!("rgb.bmp"), Format::Bmp, Layout::Rgb8, 1, 0);
    check(fixture!("rgb.ppm"), Format::Pnm, Layout::Rgb8, 1, 0);
    check(fixture!("grey.pgm"), Format::Pnm, Layout::Grey8, 1, 0);
    check(fixture!("rgb-ascii.ppm"), Format::Pnm, Layout::Rgb8, 1, 0);
    check(fixture!("grey-ascii.pgm"), Format::Pnm, Layout::Grey8, 1, 0);
    check(fixture!("lossless.webp"), Format::WebP, Layout::Rgb8, 1, 0);
}

#[test]
fn alpha_is_dropped_and_palettes_expanded() {
    check(fixture!("rgba.png"), Format::Png, Layout::Rgb8, 1, 0);
    check(fixture!("grey-alpha.png"), Format::Png, Layout::Grey8, 1, 0);
    check(fixture!("palette.png"), Format::Png, Layout::Rgb8, 1, 0);
    check(fixture!("palette.gif"), Format::Gif, Layout::Rgb8, 1, 0);
}

#[test]
fn sixteen_bit_grey_rounds_like_generate_py() {
    check(fixture!("grey16.png"), Format::Png, Layout::Grey8, 1, 0);
}

#[test]
fn lossy_formats_are_close_to_pillow() {
    // Different IDCTs and chroma upsampling: a few levels apart at most.
    check(fixture!("rgb-orientation6.jpg"), Format::Jpeg, Layout::Rgb8, 6, 8);
    check(fixture!("grey.jpg"), Format::Jpeg, Layout::Grey8, 1, 8);
    check(fixture!("progressive.jpg"), Format::Jpeg, Layout::Rgb8, 1, 8);
    check(fixture!("cmyk.jpg"), Format::Jpeg, Layout::Rgb8, 1, 8);
    check(fixture!("lossy.webp"), Format::WebP, Layout::Rgb8, 1, 8);
}
