//! PDQ timings, natively: per stage for a 12 MP and a 1600x1004 JPEG, and
//! hashes per second on a 512x512 RGB buffer. Prints a Markdown table.
//! Run with `cargo bench --bench pdq`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use prescreen::pdq::{self, stages};
use prescreen::{decode, Layout, Limits, PixelView};

/// Samples per measurement; the median is reported.
const RUNS: usize = 7;

/// Median wall time of one call of `f`, over `RUNS` samples of `reps` calls
/// each; `setup` runs outside the timed region before every call.
fn median<S, T>(reps: usize, mut setup: impl FnMut() -> S, mut f: impl FnMut(S) -> T) -> Duration {
    let mut samples: Vec<Duration> = (0..RUNS)
        .map(|_| {
            let mut total = Duration::ZERO;
            for _ in 0..reps {
                let input = setup();
                let start = Instant::now();
                black_box(f(input));
                total += start.elapsed();
            }
            total / reps as u32
        })
        .collect();
    samples.sort();
    samples[RUNS / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1e3)
}

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/conformance/images/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Nearest-neighbour 512x512 copy of an RGB image (what the pre-resize reads).
fn resized_copy(view: PixelView<'_>) -> Vec<u8> {
    let (w, h) = (view.width() as usize, view.height() as usize);
    let mut out = Vec::with_capacity(512 * 512 * 3);
    for y in 0..512 {
        for x in 0..512 {
            let at = ((y * h / 512) * w + x * w / 512) * 3;
            out.extend_from_slice(&view.data()[at..at + 3]);
        }
    }
    out
}

fn stage_row(name: &str) {
    let bytes = fixture(name);
    let limits = Limits::default();
    let decoded = decode(&bytes, &limits).expect("fixture decodes");
    let view = decoded.pixels.view();
    assert_eq!(view.layout(), Layout::Rgb8);
    let small = resized_copy(view);
    let small_view = PixelView::new(512, 512, Layout::Rgb8, &small).unwrap();

    let t_decode = median(1, || (), |_| decode(&bytes, &limits));
    let t_sample = median(5, || (), |_| stages::luma_plane(view));
    let t_luma = median(20, || (), |_| stages::luma_plane(small_view));
    let plane = stages::luma_plane(view);
    let t_blur = median(5, || plane.clone(), |mut p| stages::downsample(&mut p));
    let buffer = stages::downsample(&mut plane.clone()).expect("big enough");
    let t_dct = median(200, || (), |_| stages::dct_and_bits(&buffer));
    let t_hash = median(5, || (), |_| pdq::hash(view));
    let t_dihedral = median(5, || (), |_| pdq::hash_dihedral(view));
    let t_turned = median(3, || (), |_| pdq::hash_turned(view));
    println!(
        "| {name} ({}x{}) | {} | {} | {} | {} | {} | {} | {} | {} |",
        view.width(),
        view.height(),
        ms(t_decode),
        ms(t_sample.saturating_sub(t_luma)),
        ms(t_luma),
        ms(t_blur),
        ms(t_dct),
        ms(t_hash),
        ms(t_dihedral),
        ms(t_turned),
    );
}

fn throughput() {
    let decoded = decode(&fixture("astronaut.png"), &Limits::default()).expect("fixture decodes");
    let view = decoded.pixels.view();
    assert_eq!((view.width(), view.height()), (512, 512));
    let mut rates: Vec<f64> = (0..RUNS)
        .map(|_| {
            let start = Instant::now();
            let mut n = 0u32;
            while start.elapsed() < Duration::from_millis(700) {
                black_box(pdq::hash(black_box(view)));
                n += 1;
            }
            n as f64 / start.elapsed().as_secs_f64()
        })
        .collect();
    rates.sort_by(f64::total_cmp);
    println!(
        "\npdq::hash on a 512x512 RGB buffer (astronaut.png): {:.0} hashes/s (median of {RUNS} runs of 0.7 s)",
        rates[RUNS / 2]
    );
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` does not, and
    // then a quick smoke run is enough.
    if !std::env::args().any(|a| a == "--bench") {
        println!("pdq bench: run with `cargo bench --bench pdq`");
        return;
    }
    println!("Median of {RUNS} runs, milliseconds per image.\n");
    println!("| image | decode | pre-resize | luma | blur + decimate | DCT + quality + bits | pdq::hash (all stages) | hash_dihedral | hash_turned (8 runs) |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    stage_row("coffee-12mp-4000x3000.jpg");
    stage_row("hubble-1600x1004.jpg");
    throughput();
}
