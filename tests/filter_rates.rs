#![cfg(not(target_arch = "wasm32"))]
//! False-match rates, measured on a million random screened files per
//! configuration (fixed seeds), must be within 2x of the target. The targets
//! are chosen so that a million files observe hundreds of false matches:
//! few probes per file, small filters (where chance chunk collisions are
//! negligible and only the filter's own error counts).

use prescreen::pdq::PdqHash;
use prescreen::{DigestKind, Filter, FilterBuilder};

const FILES: u64 = 1_000_000;

#[path = "support/rng.rs"]
mod rng;
use rng::Rng;

fn assert_within_2x(what: &str, hits: u64, target: f64) {
    let measured = hits as f64 / FILES as f64;
    println!("{what}: measured {measured:.3e} ({hits} of {FILES}), target {target:.3e}");
    assert!(measured <= 2.0 * target && measured >= target / 2.0, "{what}: measured {measured:e}, target {target:e}");
}

fn pdq_rate(radius: u8, dihedral: bool, target: f64, seed: u64) {
    let mut rng = Rng(seed);
    let mut builder = FilterBuilder::new();
    builder.salt(rng.bytes()).radius(radius).dihedral(dihedral).false_positive_rate(target);
    for _ in 0..2000 {
        builder.add_pdq(PdqHash(rng.bytes()));
    }
    let filter = Filter::from_bytes(builder.build(None).unwrap(), None).unwrap();
    let params = filter.pdq_params().unwrap();
    // As many queries as a file makes at most with the default extra preparations.
    let queries = params.queries_per_file();
    let hits = (0..FILES)
        .filter(|_| (0..queries).map(|_| PdqHash(rng.bytes())).fold(false, |hit, q| filter.match_pdq(&q) | hit))
        .count() as u64;
    let what = format!("pdq r={radius} dihedral={dihedral} ({} probes/file)", params.probes_per_file());
    assert_within_2x(&what, hits, target);
}

#[test]
fn pdq_exact_match_with_dihedral_variants() {
    // r = 0: one chunk, 8 + 8 probes per file (the eight turns and the
    // default extras): 14-bit fingerprints, 16 * 2^-14 against a target of 8 * 2^-13.
    pdq_rate(0, true, 8.0 / 8192.0, 1);
}

#[test]
fn pdq_radius_one_without_dihedral() {
    // r = 1: the planner takes two 128-bit chunks probed exactly (s = 0, 0): 2 probes
    // per query, 1 + 8 queries per file, 15-bit fingerprints: 18 * 2^-15 against a
    // target of 257 * 2^-18.
    pdq_rate(1, false, 257.0 / 262_144.0, 2);
}

#[test]
fn digest_sections() {
    // Three sections share the target: each gets 2^-10 per queried digest.
    let mut rng = Rng(4);
    let mut builder = FilterBuilder::new();
    builder.salt(rng.bytes()).false_positive_rate(3.0 / 1024.0);
    for _ in 0..5000 {
        builder.add_digest(DigestKind::Md5, &rng.bytes::<16>()).unwrap();
        builder.add_digest(DigestKind::Sha1, &rng.bytes::<20>()).unwrap();
        builder.add_digest(DigestKind::Sha256, &rng.bytes::<32>()).unwrap();
    }
    let filter = Filter::from_bytes(builder.build(None).unwrap(), None).unwrap();
    let mut any = 0;
    let mut per_kind = [0u64; 3];
    for _ in 0..FILES {
        let hits = [
            filter.contains_digest(DigestKind::Md5, &rng.bytes::<16>()),
            filter.contains_digest(DigestKind::Sha1, &rng.bytes::<20>()),
            filter.contains_digest(DigestKind::Sha256, &rng.bytes::<32>()),
        ];
        for (count, hit) in per_kind.iter_mut().zip(hits) {
            *count += u64::from(hit);
        }
        any += u64::from(hits.iter().any(|&h| h));
    }
    for (kind, hits) in ["md5", "sha1", "sha256"].iter().zip(per_kind) {
        assert_within_2x(kind, hits, 1.0 / 1024.0);
    }
    assert_within_2x("file (three digests)", any, 3.0 / 1024.0);
}
