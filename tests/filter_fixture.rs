//! The committed fixture filter gives identical answers natively and on
//! wasm32: members and near-members match by construction, and the answers
//! for non-members equal the ones recorded natively (tests/fixtures/filter/).
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use prescreen::pdq::PdqHash;
use prescreen::{hex, DigestKind, Filter, SignatureStatus};

const FILTER: &[u8] = include_bytes!("fixtures/filter/filter.psf");
const EXPECTED: &str = include_str!("fixtures/filter/expected.txt");
/// The public key of tests/fixtures/filter/test-key.txt.
const PUBLIC_KEY: &str = "79b5562e8fe654f94078b112e8a98ba7901f853ae695bed7e0e3910bad049664";

#[test]
fn fixture_answers_match_the_recorded_native_answers() {
    let key = hex::decode::<32>(PUBLIC_KEY).unwrap();
    let filter = Filter::from_bytes(FILTER, Some(&key)).unwrap();
    assert!(matches!(filter.info().signature, SignatureStatus::Signed { pinned: true, .. }));
    let mut checked = 0;
    let mut other_matches = 0;
    for line in EXPECTED.lines() {
        let fields: Vec<&str> = line.split(' ').collect();
        let [kind, hash, class, answer] = fields[..] else { panic!("bad line {line}") };
        let got = match kind {
            "pdq" => filter.match_pdq(&PdqHash(hex::decode::<32>(hash).unwrap())),
            "md5" => filter.contains_digest(DigestKind::Md5, &hex::decode::<16>(hash).unwrap()),
            "sha256" => filter.contains_digest(DigestKind::Sha256, &hex::decode::<32>(hash).unwrap()),
            _ => panic!("bad kind {kind}"),
        };
        if class != "other" {
            assert!(got, "{class} {kind} {hash} must match");
        } else {
            other_matches += usize::from(got);
        }
        assert_eq!(got, answer == "match", "{line}");
        checked += 1;
    }
    assert_eq!(checked, 3600);
    assert!(other_matches > 0, "the fixture should exercise false matches too");
}
