//! Hostile filter files: every single-byte corruption, every truncation,
//! trailing bytes, wrong signatures and keys, structurally invalid files
//! with a valid checksum, expiry. Each is rejected (or, for expiry,
//! reported) with its stable code, and parsing never panics.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use prescreen::pdq::PdqHash;
use prescreen::{public_key_of, DigestKind, Filter, FilterBuilder, SignatureStatus};
use sha2::{Digest, Sha256};

const SECRET: [u8; 32] = [0x11; 32];
const OTHER_SECRET: [u8; 32] = [0x22; 32];

fn small_filter(signing_key: Option<&[u8; 32]>) -> Vec<u8> {
    let mut builder = FilterBuilder::new();
    builder
        .salt([3; 16])
        .label("hostile")
        .created(1_700_000_000)
        .expires(Some(1_800_000_000))
        .false_positive_rate(1e-2);
    builder.add_digest(DigestKind::Md5, &[0xaa; 16]).unwrap();
    builder.add_digest(DigestKind::Sha256, &[0xbb; 32]).unwrap();
    builder.add_pdq(PdqHash([0x5a; 32]));
    builder.radius(4);
    builder.build(signing_key).unwrap()
}

fn code(bytes: &[u8], key: Option<&[u8; 32]>) -> &'static str {
    match Filter::from_bytes(bytes, key) {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

/// The code a corruption of byte `i` must give, by the field it falls in.
fn expected_code(i: usize, len: usize, signed: bool) -> &'static [&'static str] {
    let trailer = if signed { 128 } else { 32 };
    match i {
        0..=7 => &["filter-magic"],
        8..=9 => &["filter-version"],
        // flags: the signed bit moves the checksum; other bits are unknown flags
        10..=11 => &["filter-checksum", "filter-malformed"],
        // the total length: shorter or longer than the file
        16..=23 => &["filter-truncated", "filter-malformed"],
        _ if i < len - trailer + 32 => &["filter-checksum"],
        _ => &["filter-signature"],
    }
}

#[test]
fn every_single_byte_corruption_is_rejected_with_its_code() {
    for signed in [false, true] {
        let good = small_filter(signed.then_some(&SECRET));
        assert_eq!(code(&good, None), "ok");
        for i in 0..good.len() {
            for flip in [0x01u8, 0x80, 0xff] {
                let mut bad = good.clone();
                bad[i] ^= flip;
                let got = code(&bad, None);
                assert!(
                    expected_code(i, good.len(), signed).contains(&got),
                    "byte {i} ^ {flip:#x} (signed {signed}): {got}"
                );
            }
        }
    }
}

#[test]
fn every_truncation_and_extension_is_rejected() {
    let good = small_filter(Some(&SECRET));
    for len in 0..good.len() {
        assert_eq!(code(&good[..len], None), "filter-truncated", "length {len}");
    }
    let mut longer = good.clone();
    longer.push(0);
    assert_eq!(code(&longer, None), "filter-malformed");
    assert_eq!(code(b"GIF89a..............................", None), "filter-magic");
}

#[test]
fn signatures_and_pinned_keys() {
    let signed = small_filter(Some(&SECRET));
    let public = public_key_of(&SECRET);
    let other = public_key_of(&OTHER_SECRET);
    let filter = Filter::from_bytes(&signed[..], Some(&public)).unwrap();
    assert_eq!(filter.info().signature, SignatureStatus::Signed { public_key: public, pinned: true });
    assert_eq!(code(&signed, Some(&other)), "filter-signature", "wrong public key");
    let unsigned = small_filter(None);
    assert_eq!(code(&unsigned, None), "ok");
    assert_eq!(code(&unsigned, Some(&public)), "filter-signature", "unsigned with a pinned key");
    // A valid signature by another key over the same checksum, swapped in with its key.
    let resigned = small_filter(Some(&OTHER_SECRET));
    let mut forged = signed.clone();
    let n = forged.len();
    forged[n - 64..].copy_from_slice(&resigned[n - 64..]);
    assert_eq!(code(&forged, None), "filter-signature", "signature by another key");
    assert_eq!(code(&resigned, Some(&public)), "filter-signature");
}

#[test]
fn expiry_is_reported_not_enforced_by_parsing() {
    let filter = Filter::from_bytes(small_filter(None), None).unwrap();
    assert!(!filter.is_expired(1_799_999_999));
    assert!(filter.is_expired(1_800_000_000));
    assert_eq!(prescreen::Error::FilterExpired.code(), "filter-expired");
}

/// Re-computes the checksum of an unsigned file after a structural edit.
fn rechecksum(mut bytes: Vec<u8>) -> Vec<u8> {
    let n = bytes.len() - 32;
    let sum = Sha256::digest(&bytes[..n]);
    bytes[n..].copy_from_slice(&sum);
    bytes
}

#[test]
fn structurally_invalid_files_with_valid_checksums_are_malformed() {
    let good = small_filter(None);
    let label_len = 7; // "hostile"
    let first_section = 66 + label_len;
    let edits: [(usize, u8, &str); 7] = [
        (12, 9, "section count"),
        (64, 0xff, "label length"),
        (first_section, 9, "section kind"),
        (first_section + 1, 0, "fingerprint width"),
        (first_section + 2, 3, "arity"),
        (first_section + 3, 40, "segment length"),
        (first_section + 32, 1, "radius in a digest section"),
    ];
    for (at, value, what) in edits {
        let mut bad = good.clone();
        bad[at] = value;
        assert_eq!(code(&rechecksum(bad), None), "filter-malformed", "{what}");
    }
    let mut bad = good.clone();
    bad[8] = 1;
    assert_eq!(Filter::from_bytes(&bad[..], None).err(), Some(prescreen::Error::FilterVersion(1)));
}

#[test]
fn bad_pdq_chunk_tables_with_valid_checksums_are_malformed() {
    let mut builder = FilterBuilder::new();
    builder.salt([4; 16]).radius(8).false_positive_rate(1e-6);
    builder.add_pdq(PdqHash([0x3c; 32]));
    let good = builder.build(None).unwrap();
    let section = 66; // no label
    assert_eq!(good[section], 4, "a PDQ section");
    let m = usize::from(good[section + 33]);
    let table = section + 48;
    let widths: Vec<u16> = (0..m).map(|i| u16::from_le_bytes([good[table + 4 * i], good[table + 4 * i + 1]])).collect();
    let radii: Vec<u8> = (0..m).map(|i| good[table + 4 * i + 2]).collect();
    assert_eq!(widths.iter().sum::<u16>(), 256);
    assert!(radii.iter().map(|&s| u32::from(s) + 1).sum::<u32>() >= 9);
    let last = table + 4 * (m - 1);
    let edits: Vec<(usize, u8, &str)> = vec![
        (section + 33, 0, "zero chunks"),
        (section + 33, 17, "more than 16 chunks"),
        (section + 34, 1, "reserved byte +34"),
        (table, good[table].wrapping_add(1), "widths not summing to 256"),
        (table + 1, 0xff, "width beyond 256"),
        (last + 2, radii[m - 1] - 1, "radii breaking the pigeonhole guarantee"),
        (last + 2, 200, "radius above the width"),
        (table + 2, 20, "more than 2^22 probes"),
        (last + 3, 1, "reserved table byte"),
    ];
    for (at, value, what) in edits {
        let mut bad = good.clone();
        bad[at] = value;
        assert_eq!(code(&rechecksum(bad), None), "filter-malformed", "{what}");
    }
}

#[test]
fn builds_are_deterministic_and_count_duplicates_once() {
    let once = small_filter(Some(&SECRET));
    assert_eq!(once, small_filter(Some(&SECRET)));
    let mut builder = FilterBuilder::new();
    builder.salt([3; 16]);
    for _ in 0..3 {
        builder.add_pdq(PdqHash([1; 32]));
        builder.add_digest(DigestKind::Sha1, &[2; 20]).unwrap();
    }
    let info = Filter::from_bytes(builder.build(None).unwrap(), None).unwrap().info();
    assert!(info.sections.iter().all(|s| s.listed == 1), "{info:?}");
    let mut salted = builder.clone();
    salted.salt([4; 16]);
    assert_ne!(builder.build(None).unwrap(), salted.build(None).unwrap());
    assert_eq!(FilterBuilder::new().build(None).unwrap_err().code(), "invalid-argument");
    assert_eq!(FilterBuilder::new().add_digest(DigestKind::Md5, &[0; 15]).unwrap_err().code(), "invalid-hash");
}
