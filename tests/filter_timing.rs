//! Query time per screened image for a 1M-hash filter at radius 8, rate 1e-6
//! (8 variants, random non-member hashes: every probe runs). Ignored by
//! default: timing belongs in benchmarks, and this one builds a 1M filter.
//! It is here so that the same code can be timed on wasm32 under Node:
//!
//! ```text
//! CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner \
//!   cargo test --release --target wasm32-unknown-unknown --no-default-features \
//!   --test filter_timing -- --include-ignored --nocapture
//! cargo test --release --test filter_timing -- --include-ignored --nocapture   # natively
//! ```
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use prescreen::pdq::PdqHash;
use prescreen::{Filter, FilterBuilder};

#[cfg(target_arch = "wasm32")]
fn now_ms() -> f64 {
    js_sys::Date::now()
}

#[cfg(not(target_arch = "wasm32"))]
fn now_ms() -> f64 {
    use std::time::{SystemTime, UNIX_EPOCH};
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0.0, |d| d.as_secs_f64() * 1e3)
}

#[cfg(target_arch = "wasm32")]
macro_rules! report { ($($t:tt)*) => { wasm_bindgen_test::console_log!($($t)*) } }
#[cfg(not(target_arch = "wasm32"))]
macro_rules! report { ($($t:tt)*) => { println!($($t)*) } }

fn random_hashes(seed: u64, n: usize) -> Vec<PdqHash> {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    (0..n)
        .map(|_| {
            let mut h = [0u8; 32];
            h.chunks_mut(8).for_each(|c| c.copy_from_slice(&next().to_le_bytes()));
            PdqHash(h)
        })
        .collect()
}

#[test]
#[ignore]
fn query_time_per_image_for_a_1m_filter_at_radius_8() {
    let mut builder = FilterBuilder::new();
    builder.salt([42; 16]).radius(8).false_positive_rate(1e-6);
    random_hashes(1, 1_000_000).into_iter().for_each(|h| builder.add_pdq(h));
    let start = now_ms();
    let filter = Filter::from_bytes(builder.build(None).unwrap(), None).unwrap();
    report!("built 1M-hash filter in {:.0} ms ({} bytes)", now_ms() - start, filter.as_bytes().len());
    let images = 100;
    let queries = random_hashes(2, images * 8);
    let probes = filter.pdq_params().unwrap().probes_per_query;
    // Five rounds over the same images; the median resists other load on the machine.
    let mut rounds: Vec<f64> = (0..5)
        .map(|round| {
            let start = now_ms();
            let hits = queries.iter().filter(|q| filter.match_pdq(q)).count();
            let per_image = (now_ms() - start) / images as f64;
            report!("round {round}: {per_image:.2} ms per image (8 variants, {probes} probes), {hits} false matches");
            per_image
        })
        .collect();
    rounds.sort_by(f64::total_cmp);
    report!("query: median {:.2} ms per image ({:.0} ns per probe)", rounds[2], rounds[2] * 1e6 / probes as f64);
}
