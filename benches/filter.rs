//! Filter benchmarks: size against the lower bound, query time, build time.
//!
//! `cargo bench --bench filter` runs a quick version (N = 100,000);
//! `PRESCREEN_BENCH_N=1000000 cargo bench --bench filter` gives the numbers in
//! docs/BENCHMARKS.md. Build time and peak memory of the CLI for 1M and 10M
//! hashes: scripts/bench-filter-build.sh.

use std::time::Instant;

use prescreen::pdq::PdqHash;
use prescreen::{DigestKind, Filter, FilterBuilder};

#[path = "../tests/support/rng.rs"]
mod rng;
use rng::Rng;

/// filter.md's lower bound: log2(V * |Ball(256, r)|) + log2(1 / delta) bits per listed hash.
fn lower_bound(radius: u8, rate: f64, variants: f64) -> f64 {
    // |Ball(256, r)| overflows u64 beyond r ~ 12: sum the binomials in f64.
    let mut term = 1f64;
    let mut sum = 1f64;
    for k in 1..=u32::from(radius) {
        term = term * f64::from(256 - k + 1) / f64::from(k);
        sum += term;
    }
    (variants * sum).log2() + (1.0 / rate).log2()
}

fn pdq_filter(n: usize, radius: u8, rate: f64, seed: u64) -> (Vec<u8>, f64) {
    let mut rng = Rng(seed);
    let mut builder = FilterBuilder::new();
    builder.salt(rng.bytes()).radius(radius).false_positive_rate(rate).dihedral(true);
    for _ in 0..n {
        builder.add_pdq(PdqHash(rng.bytes()));
    }
    let start = Instant::now();
    let bytes = builder.build(None).expect("build");
    (bytes, start.elapsed().as_secs_f64())
}

fn sizes(n: usize) {
    println!("## PDQ section size, N = {n}, dihedral on\n");
    println!("| r | rate | widths | radii | probes/query | fingerprint bits | bits/hash | bound | vs bound | chance | file | build s |");
    println!("|---|---|---|---|---|---|---|---|---|---|---|---|");
    for rate in [1e-4, 1e-6] {
        for radius in [0u8, 4, 8, 12, 16] {
            let (bytes, seconds) = pdq_filter(n, radius, rate, 42 + u64::from(radius));
            let filter = Filter::from_bytes(&bytes[..], None).expect("parse");
            let info = filter.info();
            let section = &info.sections[0];
            let p = section.pdq.expect("pdq section");
            let bits = bytes.len() as f64 * 8.0 / n as f64;
            let bound = lower_bound(radius, rate, 8.0);
            println!(
                "| {radius} | {rate:.0e} | {:?} | {:?} | {} | {} | {bits:.1} | {bound:.1} | {:.2}x | {:.1e} | {:.1} MB | {seconds:.1} |",
                p.widths(),
                p.chunk_radii(),
                p.probes_per_query,
                section.fingerprint_bits,
                bits / bound,
                section.chance_collision_rate.unwrap_or(0.0),
                bytes.len() as f64 / 1e6
            );
        }
    }
    println!();
}

fn digests(n: usize) {
    println!("## Digest section size, N = {n} SHA-256 digests\n");
    println!("| rate | fingerprint bits | bits/digest | log2(1/rate) | vs floor |");
    println!("|---|---|---|---|---|");
    let mut rng = Rng(7);
    for rate in [1e-4, 1e-6] {
        let mut builder = FilterBuilder::new();
        builder.salt(rng.bytes()).false_positive_rate(rate);
        for _ in 0..n {
            builder.add_digest(DigestKind::Sha256, &rng.bytes::<32>()).expect("add");
        }
        let bytes = builder.build(None).expect("build");
        let info = Filter::from_bytes(&bytes[..], None).expect("parse").info();
        let bits = bytes.len() as f64 * 8.0 / n as f64;
        let floor = (1.0 / rate).log2();
        println!(
            "| {rate:.0e} | {} | {bits:.1} | {floor:.1} | {:.2}x |",
            info.sections[0].fingerprint_bits,
            bits / floor
        );
    }
    println!();
}

fn query_time(n: usize) {
    println!("## Query time per screened image (8 variants), N = {n}, r = 8, rate 1e-6\n");
    let (bytes, _) = pdq_filter(n, 8, 1e-6, 99);
    let filter = Filter::from_bytes(&bytes[..], None).expect("parse");
    let probes = filter.pdq_params().map_or(0, |p| p.probes_per_query);
    let mut rng = Rng(1234);
    let images = 300;
    let queries: Vec<PdqHash> = (0..images * 8).map(|_| PdqHash(rng.bytes())).collect();
    let start = Instant::now();
    let mut hits = 0;
    for q in &queries {
        hits += usize::from(filter.match_pdq(q));
    }
    let per_image = start.elapsed().as_secs_f64() * 1e3 / images as f64;
    println!("{images} images of random hashes (non-members: every probe runs), {probes} probes each");
    println!(
        "native: {per_image:.3} ms per image ({:.1} ns per probe), {hits} false matches",
        per_image * 1e6 / probes as f64
    );
    println!();
}

fn main() {
    let n: usize = std::env::var("PRESCREEN_BENCH_N").ok().and_then(|v| v.parse().ok()).unwrap_or(100_000);
    let only = std::env::var("PRESCREEN_BENCH_ONLY").unwrap_or_default();
    if only.is_empty() || only == "query" {
        query_time(n);
    }
    if only.is_empty() || only == "sizes" {
        sizes(n);
    }
    if only.is_empty() || only == "digests" {
        digests(n);
    }
}
