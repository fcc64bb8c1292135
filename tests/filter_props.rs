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

/// A radius, whether turns are listed, a salt, and members with the bit positions to flip.
type Case = (u8, bool, [u8; 16], Vec<(PdqHash, Vec<u16>)>);

/// A random list, a radius, and for each member a random set of exactly `radius` bit positions.
fn case() -> impl Strategy<Value = Case> {
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

/// Flips, in each chunk of `widths` except `survivor`, one bit more than its
/// probe radius (so that chunk alone cannot find the member) while `budget`
/// lasts, and puts what is left into `survivor`; random positions inside
/// each chunk. The result is at distance `budget` when the chunks have room.
fn exhaust_all_but(
    hash: &PdqHash,
    widths: &[u16],
    radii: &[u8],
    survivor: usize,
    budget: u16,
    rng: &mut TestRng,
) -> PdqHash {
    let starts: Vec<u16> = widths.iter().scan(0u16, |at, &w| Some(std::mem::replace(at, *at + w))).collect();
    let mut left = budget;
    let mut counts = vec![0u16; widths.len()];
    for i in (0..widths.len()).filter(|&i| i != survivor) {
        counts[i] = (u16::from(radii[i]) + 1).min(widths[i]).min(left);
        left -= counts[i];
    }
    counts[survivor] = left;
    let mut bits = Vec::new();
    for (i, &count) in counts.iter().enumerate() {
        let mut positions: Vec<u16> = (starts[i]..starts[i] + widths[i]).collect();
        for k in 0..usize::from(count) {
            let j = k + rng.next_u32() as usize % (positions.len() - k);
            positions.swap(k, j);
        }
        bits.extend_from_slice(&positions[..usize::from(count)]);
    }
    flip(hash, &bits)
}

#[test]
fn worst_case_flips_match_for_every_planned_chunking() {
    // For every radius 0..=16 and three rates, the planner's chunking (often
    // unequal widths and radii): a hash at distance r that has one bit too
    // many in every chunk but one, the rest in that one, still matches.
    let mut rng = TestRng::from_seed(RngAlgorithm::ChaCha, &[12; 32]);
    let mut uneven = 0;
    for rate in [1e-2, 1e-4, 1e-6] {
        for radius in 0..=16u8 {
            let hashes: Vec<PdqHash> = (0..8).map(|_| PdqHash(rng.random())).collect();
            let mut builder = FilterBuilder::new();
            builder.salt(rng.random()).radius(radius).false_positive_rate(rate);
            hashes.iter().for_each(|h| builder.add_pdq(*h));
            let filter = Filter::from_bytes(builder.build(None).unwrap(), None).unwrap();
            let params = filter.pdq_params().unwrap();
            let (widths, radii) = (params.widths(), params.chunk_radii());
            assert_eq!(widths.iter().sum::<u16>(), 256);
            let equal_widths = widths.iter().max().unwrap() - widths.iter().min().unwrap() <= 1;
            let equal_radii = radii.iter().all(|&s| s == radii[0]);
            uneven += usize::from(!equal_widths || !equal_radii);
            for hash in &hashes {
                for survivor in 0..widths.len() {
                    for budget in [u16::from(radius), u16::from(radius) / 2] {
                        let near = exhaust_all_but(hash, widths, radii, survivor, budget, &mut rng);
                        assert_eq!(near.distance(hash), u32::from(budget));
                        assert!(
                            filter.match_pdq(&near),
                            "r={radius} rate={rate} widths={widths:?} radii={radii:?} survivor={survivor} budget={budget}"
                        );
                    }
                }
            }
        }
    }
    // Most plans are the generalised kind (radius 0 is one chunk).
    assert!(uneven >= 30, "only {uneven} of 51 plans had unequal widths or radii");
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
