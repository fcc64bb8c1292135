//! Decoding for PDQ, fast (reduced-scale JPEG) vs exact (full resolution),
//! natively: per-image time of decode + hash, the ratio, and the distance
//! between the two hashes. Prints a Markdown table.
//!
//!     python3 benches/make_images.py          # once: writes target/bench-images/
//!     cargo bench --bench decoding [-- FILE_OR_DIR...]
//!
//! Without arguments it times the generated 12 MP, 1600x1004 and 40 MP JPEGs.
//! Files given as arguments, and every JPEG in folders given as arguments, are
//! also measured (e.g. photos from a Debian wallpaper package). Exact and fast
//! runs alternate, so a change in the machine's load hits both alike.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use prescreen::pdq::{self, Pdq};
use prescreen::{decode, decode_for_pdq, DecodeMode, Limits};

/// Timed runs per image and mode; the median is reported.
const RUNS: usize = 9;

fn main() {
    let mut files = generated_images();
    for arg in std::env::args().skip(1).filter(|a| !a.starts_with("--")) {
        let path = PathBuf::from(arg);
        if path.is_dir() {
            files.extend(jpegs_in(&path));
        } else {
            files.push(path);
        }
    }
    println!("load: {}", load_average());
    println!();
    println!("| image | size | reduction | exact (ms) | fast (ms) | fast/exact | bits apart | quality |");
    println!("|---|---|---|---|---|---|---|---|");
    let mut worst = 0;
    for path in files {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let name = path.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let (exact, exact_time, fast, fast_time) = timed_pair(|| exact_hash(&bytes), || fast_hash(&bytes).0);
        let (_, reduction, size) = fast_hash(&bytes);
        let distance = exact.hash.distance(&fast.hash);
        if exact.quality >= 80 {
            worst = worst.max(distance);
        }
        println!(
            "| {name} | {}x{} | 1/{reduction} | {:.1} | {:.1} | {:.2} | {distance} | {} |",
            size.0,
            size.1,
            ms(exact_time),
            ms(fast_time),
            fast_time.as_secs_f64() / exact_time.as_secs_f64(),
            exact.quality,
        );
    }
    println!();
    println!(
        "largest distance on images of quality >= 80: {worst} bits; medians of {RUNS} runs; load after: {}",
        load_average()
    );
}

/// Full-resolution decode + PDQ, as the reference tool does.
fn exact_hash(bytes: &[u8]) -> Pdq {
    let decoded = decode(bytes, &Limits::default()).expect("benchmark images decode");
    pdq::hash(decoded.pixels.view())
}

/// Reduced-scale decode + PDQ; also the reduction and the declared size.
fn fast_hash(bytes: &[u8]) -> (Pdq, u8, (u32, u32)) {
    let decoded = decode_for_pdq(bytes, &Limits::default(), DecodeMode::Fast).expect("benchmark images decode");
    (pdq::hash(decoded.pixels.view()), decoded.reduction, decoded.size)
}

/// Runs `a` and `b` once to warm up, then alternately [`RUNS`] times each
/// (so a change in the machine's load hits both alike); their results and
/// median times.
fn timed_pair<A, B>(mut a: impl FnMut() -> A, mut b: impl FnMut() -> B) -> (A, Duration, B, Duration) {
    let (first_a, first_b) = (a(), b());
    let (mut times_a, mut times_b) = (Vec::new(), Vec::new());
    for _ in 0..RUNS {
        let start = Instant::now();
        std::hint::black_box(a());
        times_a.push(start.elapsed());
        let start = Instant::now();
        std::hint::black_box(b());
        times_b.push(start.elapsed());
    }
    times_a.sort();
    times_b.sort();
    (first_a, times_a[RUNS / 2], first_b, times_b[RUNS / 2])
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

/// The generated benchmark JPEGs (benches/make_images.py).
fn generated_images() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-images");
    let names = ["jpeg-12mp-4000x3000.jpg", "jpeg-1600x1004.jpg", "jpeg-40mp-7296x5472.jpg"];
    let files: Vec<PathBuf> = names.iter().map(|n| dir.join(n)).collect();
    if let Some(missing) = files.iter().find(|f| !f.exists()) {
        eprintln!("{} is missing: run `python3 benches/make_images.py` first", missing.display());
        std::process::exit(2);
    }
    files
}

/// Every `.jpg`/`.jpeg` file under `dir`, recursively, sorted.
fn jpegs_in(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return found };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(jpegs_in(&path));
        } else if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("jpg") || e.eq_ignore_ascii_case("jpeg")) {
            found.push(path);
        }
    }
    found.sort();
    found
}

/// The 1-minute load average (Linux), for the record next to the numbers.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "unknown".into())
}
