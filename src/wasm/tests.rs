//! The JS boundary, tested through the exported functions in Node and (with
//! `WASM_BINDGEN_USE_BROWSER=1`, `make test-wasm-browser`) in headless Chromium.
//! Expected digests come from coreutils (`sha256sum`, `md5sum`, `sha1sum`) on
//! the committed demo images.

use super::*;
use crate::filter::{public_key_of, FilterBuilder};
use wasm_bindgen_test::wasm_bindgen_test as test;

const LISTED: &[u8] = include_bytes!("../../www/demo/images/listed-1.jpg");
const UNLISTED: &[u8] = include_bytes!("../../www/demo/images/unlisted-1.jpg");
const LISTED_SHA256: &str = "7323dcb6acdfb2a93c667686d7a07cf964cf8cf0d9067f7971bd8022dfc43211";
const LISTED_MD5: &str = "459518802cd16bf5bffcb5d94e727b0a";
const LISTED_SHA1: &str = "a06c1c18b1b9b6af10dac86b50b877480bc57f28";
const UNLISTED_SHA256: &str = "f2798557445008799801c5f2d176075fd0a839e3c2a7e1be5ace21c8fdbae737";
const SECRET: [u8; 32] = [7; 32];

/// A filter listing LISTED's SHA-256 and PDQ hash; signed with SECRET if asked.
fn filter(signed: bool) -> Vec<u8> {
    let mut builder = FilterBuilder::new();
    builder.salt([42; 16]);
    builder.add_digest(DigestKind::Sha256, &crate::hex::decode::<32>(LISTED_SHA256).unwrap()).unwrap();
    let image = crate::decode::decode(LISTED, &Limits::default()).unwrap();
    builder.add_pdq(crate::pdq::hash(image.pixels.view()).hash);
    builder.build(signed.then_some(&SECRET)).unwrap()
}

fn get(target: &JsValue, key: &str) -> JsValue {
    Reflect::get(target, &JsValue::from_str(key)).unwrap()
}

fn text(target: &JsValue, key: &str) -> String {
    get(target, key).as_string().unwrap_or_else(|| panic!("{key} is not a string"))
}

fn error_code(result: Result<impl Sized, JsValue>) -> String {
    match result {
        Ok(_) => panic!("expected an error"),
        Err(err) => {
            assert!(err.is_instance_of::<js_sys::Error>(), "not a JS Error");
            text(&err, "code")
        }
    }
}

fn screener(filter: Vec<u8>) -> JsScreener {
    JsScreener::new(filter, None, None, None, None, None).unwrap_or_else(|e| panic!("{:?}", e))
}

#[test]
fn bad_filters_are_refused_with_stable_codes() {
    assert_eq!(error_code(JsScreener::new(b"not a filter".to_vec(), None, None, None, None, None)), "filter-magic");
    let mut tampered = filter(false);
    let middle = tampered.len() / 2;
    tampered[middle] ^= 1;
    assert_eq!(error_code(JsScreener::new(tampered, None, None, None, None, None)), "filter-checksum");
    let truncated = filter(false)[..20].to_vec();
    assert!(error_code(JsScreener::new(truncated, None, None, None, None, None)).starts_with("filter-"));
}

#[test]
fn a_pinned_key_must_have_signed_the_filter() {
    let right = public_key_of(&SECRET).to_vec();
    assert!(JsScreener::new(filter(true), Some(right.clone()), None, None, None, None).is_ok());
    assert_eq!(
        error_code(JsScreener::new(filter(true), Some(vec![9; 32]), None, None, None, None)),
        "filter-signature"
    );
    assert_eq!(error_code(JsScreener::new(filter(false), Some(right), None, None, None, None)), "filter-signature");
    assert_eq!(
        error_code(JsScreener::new(filter(true), Some(vec![1; 31]), None, None, None, None)),
        "invalid-argument"
    );
}

#[test]
fn bad_policy_values_are_invalid_arguments() {
    assert_eq!(
        error_code(JsScreener::new(filter(false), None, Some("maybe".into()), None, None, None)),
        "invalid-argument"
    );
    assert_eq!(
        error_code(JsScreener::new(filter(false), None, None, None, Some("ignore".into()), None)),
        "invalid-argument"
    );
    assert_eq!(
        error_code(JsScreener::new(filter(false), None, None, None, None, Some("trim,wobble".into()))),
        "invalid-argument"
    );
    assert!(JsScreener::new(filter(false), None, None, None, None, Some("band,frame".into())).is_ok());
}

#[test]
fn a_listed_file_is_blocked_with_its_digests_reported() {
    let result: JsValue = screener(filter(false)).screen_bytes(LISTED);
    assert_eq!(text(&result, "verdict"), "block");
    let reasons: Array = get(&result, "reasons").into();
    assert_eq!(text(&reasons.get(0), "kind"), "digest");
    assert_eq!(text(&reasons.get(0), "digest"), "sha256");
    let hashes = get(&result, "hashes");
    assert_eq!(text(&hashes, "sha256"), LISTED_SHA256);
    // The filter has no MD5 or SHA-1 section: those are not computed.
    assert!(get(&hashes, "md5").is_undefined());
    assert!(get(&hashes, "sha1").is_undefined());
    assert_eq!(text(&hashes, "pdq").len(), 64);
    assert_eq!(get(&result, "width").as_f64(), Some(800.0));
    assert_eq!(get(&result, "height").as_f64(), Some(600.0));
}

#[test]
fn streamed_digests_equal_whole_file_digests() {
    let screener = screener(filter(false));
    let mut digester = JsDigester::new(None).unwrap();
    for chunk in UNLISTED.chunks(7919) {
        digester.update(chunk).unwrap();
    }
    let digests = digester.finish().unwrap();
    assert_eq!(text(&digests.to_json().into(), "sha256"), UNLISTED_SHA256);
    let mut listed = JsDigester::new(None).unwrap();
    listed.update(LISTED).unwrap();
    let listed: JsValue = listed.finish().unwrap().to_json().into();
    assert_eq!(text(&listed, "md5"), LISTED_MD5);
    assert_eq!(text(&listed, "sha1"), LISTED_SHA1);
    assert_eq!(error_code(digester.finish()), "invalid-argument");
    assert_eq!(error_code(digester.update(b"more")), "invalid-argument");

    let whole: JsValue = screener.screen_bytes(UNLISTED);
    let parts: JsValue = screener.screen_image(digests, Some(screener.decode_image(UNLISTED))).unwrap();
    assert_eq!(text(&parts, "verdict"), text(&whole, "verdict"));
    assert_eq!(text(&get(&parts, "hashes"), "sha256"), UNLISTED_SHA256);
    assert_eq!(text(&get(&parts, "hashes"), "pdq"), text(&get(&whole, "hashes"), "pdq"));
}

#[test]
fn digests_alone_block_a_listed_file_but_cannot_clear_one() {
    let screener = screener(filter(false));
    let mut digester = JsDigester::new(None).unwrap();
    digester.update(LISTED).unwrap();
    let listed: JsValue = screener.screen_image(digester.finish().unwrap(), None).unwrap();
    assert_eq!(text(&listed, "verdict"), "block");
    let mut digester = JsDigester::new(None).unwrap();
    digester.update(UNLISTED).unwrap();
    let unlisted: JsValue = screener.screen_image(digester.finish().unwrap(), None).unwrap();
    assert_eq!(text(&unlisted, "verdict"), "unscreenable");
}

#[test]
fn corrupt_bytes_are_unscreenable_with_the_decoder_code() {
    let mut corrupt = LISTED[..2].to_vec();
    corrupt.extend(std::iter::repeat_n(0x55, 4000));
    let result: JsValue = screener(filter(false)).screen_bytes(&corrupt);
    assert_eq!(text(&result, "verdict"), "unscreenable");
    let reasons: Array = get(&result, "reasons").into();
    let reason = reasons.get(reasons.length() - 1);
    assert_eq!(text(&reason, "kind"), "not-decoded");
    assert!(!text(&reason, "code").is_empty());
}

#[test]
fn pixels_are_screened_and_wrong_lengths_refused() {
    let screener = screener(filter(false));
    let image = crate::decode::decode(LISTED, &Limits::default()).unwrap();
    let rgb = image.pixels.view();
    let rgba: Vec<u8> = rgb.data().chunks(3).flat_map(|p| [p[0], p[1], p[2], 255]).collect();
    let result: JsValue = screener.screen_pixels(rgb.width(), rgb.height(), &rgba, None).unwrap();
    let whole: JsValue = screener.screen_bytes(LISTED);
    assert_eq!(text(&get(&result, "hashes"), "pdq"), text(&get(&whole, "hashes"), "pdq"));
    assert!(get(&get(&result, "hashes"), "sha256").is_undefined());
    assert_eq!(error_code(screener.screen_pixels(10, 10, &rgba[..399], None)), "invalid-argument");
}

#[test]
fn digests_the_filter_needs_must_be_given_and_may_come_from_outside() {
    let screener = screener(filter(false));
    let kinds: Vec<String> = screener.digest_kinds().iter().filter_map(|k| k.as_string()).collect();
    assert_eq!(kinds, ["sha256"]);
    assert_eq!(error_code(JsDigester::new(Some(vec!["crc32".into()]))), "invalid-argument");
    let none = JsDigester::new(Some(vec![])).unwrap().finish().unwrap();
    assert_eq!(error_code(screener.screen_image(none, None)), "invalid-argument");
    // SHA-256 as WebCrypto would hand it over: a listed file is blocked by it.
    let mut outside = JsDigester::new(Some(vec![])).unwrap().finish().unwrap();
    assert_eq!(error_code(outside.set("sha256", &[0; 20])), "invalid-argument");
    outside.set("sha256", &crate::hex::decode::<32>(LISTED_SHA256).unwrap()).unwrap();
    assert_eq!(outside.get("sha256").unwrap(), Some(crate::hex::decode::<32>(LISTED_SHA256).unwrap().to_vec()));
    assert_eq!(outside.get("md5").unwrap(), None);
    assert_eq!(error_code(outside.get("crc32")), "invalid-argument");
    let blocked: JsValue = screener.screen_image(outside, None).unwrap();
    assert_eq!(text(&blocked, "verdict"), "block");
}

#[test]
fn the_decode_mode_is_chosen_by_name() {
    assert_eq!(
        error_code(JsScreener::new(filter(false), None, None, Some("quick".into()), None, None)),
        "invalid-argument"
    );
    let fast = JsScreener::new(filter(false), None, None, Some("fast".into()), None, None).unwrap();
    let exact = JsScreener::new(filter(false), None, None, Some("exact".into()), None, None).unwrap();
    // A small JPEG decodes at full scale in both modes: the same hash.
    let a: JsValue = fast.screen_bytes(UNLISTED);
    let b: JsValue = exact.screen_bytes(UNLISTED);
    assert_eq!(text(&get(&a, "hashes"), "pdq"), text(&get(&b, "hashes"), "pdq"));
}

#[test]
fn decoded_images_are_screened_with_their_digests() {
    let screener = screener(filter(false));
    let mut digester = JsDigester::new(Some(vec!["sha256".into()])).unwrap();
    digester.update(LISTED).unwrap();
    let image = screener.decode_image(LISTED);
    let result: JsValue = screener.screen_image(digester.finish().unwrap(), Some(image)).unwrap();
    let whole: JsValue = screener.screen_bytes(LISTED);
    assert_eq!(text(&result, "verdict"), "block");
    assert_eq!(text(&get(&result, "hashes"), "pdq"), text(&get(&whole, "hashes"), "pdq"));
}

#[test]
fn a_damaged_copy_is_screened_and_says_how_it_was_damaged() {
    let without_eoi = &LISTED[..LISTED.len() - 2];
    let result: JsValue = screener(filter(false)).screen_bytes(without_eoi);
    assert_eq!(text(&result, "verdict"), "flag", "the PDQ hash still matches");
    assert_eq!(text(&result, "damaged"), "missing-end");
    let intact: JsValue = screener(filter(false)).screen_bytes(LISTED);
    assert!(get(&intact, "damaged").is_undefined());
}
