#![cfg(not(target_arch = "wasm32"))]
//! No false negatives, as properties (fixed seeds): every member matches,
//! every hash within the radius of a member matches, for every radius
//! 0..=16; and a turned copy of a listed image matches when its variants are
//! computed from the turned pixels.

use prescreen::pdq::{self, PdqHash};
use prescreen::{DigestKind, Filter, FilterBuilder, Layout, PixelView};
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, RngSeed, TestRng, TestRunner};

fn flip(hash: &PdqHash, bits: &[u16]) -> PdqHash {
    let mut out = *hash;
    for &b in bits {
        out.0[usize::from(b) / 8] ^= 0x80 >> (b % 8);
    }
    out
}

fn build(hashes: &[PdqHash], radius: u8, dihedral: bool, salt: [u8; 16]) -> Filter {
    let mut builder = FilterBuilder::new();
    builder.salt(salt).radius(radius).dihedral(dihedral).false_positive_rate(1e-4);
    hashes.iter().for_each(|h| builder.add_pdq(*h));
    Filter::from_bytes(builder.build(None).unwrap(), None).unwrap()
}

fn runner(cases: u32, seed: u64) -> TestRunner {
    let config = Config { cases, rng_seed: RngSeed::Fixed(seed), failure_persistence: None, ..Config::default() };
    TestRunner::new_with_rng(config, TestRng::deterministic_rng(RngAlgorithm::ChaCha))
}

/// A random list, a radius, and for each member a random set of exactly `radius` bit positions.
fn case() -> impl Strategy<Value = (u8, bool, [u8; 16], Vec<(PdqHash, Vec<u16>)>)> {
    (0u8..=16, any::<bool>(), any::<[u8; 16]>()).prop_flat_map(|(radius, dihedral, salt)| {
        let member = (any::<[u8; 32]>(), Just((0u16..256).collect::<Vec<_>>()).prop_shuffle())
            .prop_map(move |(h, order)| (PdqHash(h), order[..usize::from(radius)].to_vec()));
        (Just(radius), Just(dihedral), Just(salt), prop::collection::vec(member, 1..10))
    })
}

#[test]
fn members_and_hashes_within_the_radius_match() {
    runner(60, 0x5eed_0001)
        .run(&case(), |(radius, dihedral, salt, members)| {
            let hashes: Vec<PdqHash> = members.iter().map(|(h, _)| *h).collect();
            let filter = build(&hashes, radius, dihedral, salt);
            for (hash, bits) in &members {
                prop_assert!(filter.match_pdq(hash));
                // Exactly r flipped bits, and a random fewer.
                prop_assert!(filter.match_pdq(&flip(hash, bits)), "r={radius} flips {bits:?}");
                let fewer = &bits[..bits.len() / 2];
                prop_assert!(filter.match_pdq(&flip(hash, fewer)));
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn every_radius_up_to_16_keeps_its_guarantee() {
    let mut rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[9; 32]);
    for radius in 0..=16u8 {
        let hashes: Vec<PdqHash> = (0..20).map(|_| PdqHash(rng.random())).collect();
        let filter = build(&hashes, radius, true, rng.random());
        for hash in &hashes {
            // Flip exactly `radius` distinct bits.
            let mut positions: Vec<u16> = (0..256).collect();
            for i in 0..usize::from(radius) {
                let j = i + (rng.next_u32() as usize % (256 - i));
                positions.swap(i, j);
            }
            let near = flip(hash, &positions[..usize::from(radius)]);
            assert_eq!(near.distance(hash), u32::from(radius));
            assert!(filter.match_pdq(hash), "member, r={radius}");
            assert!(filter.match_pdq(&near), "distance {radius}, r={radius}");
        }
    }
}

#[test]
fn digest_members_always_match() {
    runner(40, 0x5eed_0002)
        .run(&(any::<[u8; 16]>(), prop::collection::vec(any::<[u8; 32]>(), 1..50)), |(salt, digests)| {
            let mut builder = FilterBuilder::new();
            builder.salt(salt);
            for d in &digests {
                builder.add_digest(DigestKind::Md5, &d[..16]).unwrap();
                builder.add_digest(DigestKind::Sha1, &d[..20]).unwrap();
                builder.add_digest(DigestKind::Sha256, d).unwrap();
            }
            let filter = Filter::from_bytes(builder.build(None).unwrap(), None).unwrap();
            for d in &digests {
                prop_assert!(filter.contains_digest(DigestKind::Md5, &d[..16]));
                prop_assert!(filter.contains_digest(DigestKind::Sha1, &d[..20]));
                prop_assert!(filter.contains_digest(DigestKind::Sha256, d));
            }
            Ok(())
        })
        .unwrap();
}

/// A generated, licence-clean test picture: smooth gradients and blobs, not symmetric.
fn picture(width: u32, height: u32) -> Vec<u8> {
    let mut data = Vec::with_capacity((width * height * 3) as usize);
    for y in 0..height {
        for x in 0..width {
            let (fx, fy) = (x as f32 / width as f32, y as f32 / height as f32);
            let blob = (-((fx - 0.3).powi(2) + (fy - 0.7).powi(2)) * 30.0).exp();
            let r = 255.0 * fx * (1.0 - fy * 0.5);
            let g = 255.0 * (0.5 + 0.5 * (fx * 9.0 + fy * 4.0).sin()) * (1.0 - blob);
            let b = 255.0 * blob + 60.0 * fy;
            data.extend([r, g, b].map(|v| v.clamp(0.0, 255.0) as u8));
        }
    }
    data
}

/// Mirrors left-right (`mirror`) or rotates 90 degrees clockwise (`!mirror`).
fn turn(data: &[u8], width: u32, height: u32, mirror: bool) -> (Vec<u8>, u32, u32) {
    let (w, h) = (width as usize, height as usize);
    let mut out = vec![0u8; data.len()];
    for y in 0..h {
        for x in 0..w {
            let (nx, ny, nw) = if mirror { (w - 1 - x, y, w) } else { (h - 1 - y, x, h) };
            let src = (y * w + x) * 3;
            let dst = (ny * nw + nx) * 3;
            out[dst..dst + 3].copy_from_slice(&data[src..src + 3]);
        }
    }
    if mirror {
        (out, width, height)
    } else {
        (out, height, width)
    }
}

#[test]
fn turned_copies_of_a_listed_image_match_via_turned_pixel_variants() {
    let (width, height) = (240, 160);
    let original = picture(width, height);
    let listed = pdq::hash(PixelView::new(width, height, Layout::Rgb8, &original).unwrap());
    assert!(listed.quality >= 50, "test picture too flat: quality {}", listed.quality);
    let mut others: Vec<PdqHash> = (0..50u8).map(|i| PdqHash([i.wrapping_mul(37); 32])).collect();
    others.push(listed.hash);
    for radius in [0u8, 4, 8] {
        let filter = build(&others, radius, true, [radius; 16]);
        for mirror in [true, false] {
            let (copy, w, h) = turn(&original, width, height, mirror);
            let variants = pdq::hash_turned(PixelView::new(w, h, Layout::Rgb8, &copy).unwrap());
            let plain = pdq::hash(PixelView::new(w, h, Layout::Rgb8, &copy).unwrap());
            assert!(plain.hash.distance(&listed.hash) > 16, "the turned copy alone should be far");
            assert!(!filter.match_pdq(&plain.hash), "the turned copy's plain hash should not match");
            assert!(
                variants.iter().any(|v| filter.match_pdq(&v.hash)),
                "turned copy (mirror={mirror}) missed at r={radius}"
            );
        }
    }
}
