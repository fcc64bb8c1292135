//! Every input a fuzz target found a bug with (fuzz/regressions/<target>/),
//! run as that target runs it (decode_fast's through screening's fast
//! decode, which reaches the same decoders): it must end, within a generous
//! bound, with the result the fix gives. A hang or a panic is a failure
//! here, as it is for the fuzzer.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use prescreen::{decode, decode_for_pdq, DecodeMode, Limits};

/// Far above the milliseconds these inputs take once fixed, far below the
/// time each took before (the first, 12 s in a release build).
const BOUND: Duration = Duration::from_secs(5);

fn inputs(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(!files.is_empty(), "no regression inputs in {}", dir.display());
    files
}

/// `work` on another thread; its result, or a failure naming `what` if it runs past [`BOUND`].
fn within_bound<T: Send + 'static>(what: &Path, work: impl FnOnce() -> T + Send + 'static) -> T {
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || send.send(work()));
    receive.recv_timeout(BOUND).unwrap_or_else(|_| panic!("{} ran past {BOUND:?}", what.display()))
}

/// The code each decode_hash input must end with (fuzz/regressions/README.md).
fn expected(path: &Path) -> &'static str {
    match path.file_name().and_then(|n| n.to_str()) {
        Some("cut-jpeg-declaring-65000x65000.jpg") => "too-large",
        Some("jpeg-zune-idct-panic.jpg") => "corrupt",
        other => panic!("no expected result for {other:?}"),
    }
}

#[test]
fn decode_regressions_end_with_a_typed_error() {
    for path in inputs("decode_hash") {
        let bytes = std::fs::read(&path).unwrap();
        let code = expected(&path);
        // The fuzz target's limits, then the defaults every caller gets.
        for limits in [Limits::default().with_max_pixels(1 << 18).with_max_alloc(16 << 20), Limits::default()] {
            let bytes = bytes.clone();
            let result = within_bound(&path, move || decode(&bytes, &limits).map(|_| ()));
            assert_eq!(result.map_err(|e| e.code()), Err(code), "{}", path.display());
        }
    }
}

/// The code each decode_fast input must end with through the fast decode
/// (fuzz/regressions/README.md); a `.bin` input starts with the target's
/// scale byte.
fn expected_fast(path: &Path) -> &'static str {
    match path.file_name().and_then(|n| n.to_str()) {
        Some("second-frame-header.bin") => "corrupt",
        Some("second-frame-after-a-2048-square.jpg") => "unsupported-format",
        other => panic!("no expected result for {other:?}"),
    }
}

#[test]
fn fast_decode_regressions_end_with_a_typed_error() {
    for path in inputs("decode_fast") {
        let mut bytes = std::fs::read(&path).unwrap();
        if path.extension().is_some_and(|e| e == "bin") {
            bytes.remove(0);
        }
        let code = expected_fast(&path);
        let result =
            within_bound(&path, move || decode_for_pdq(&bytes, &Limits::default(), DecodeMode::Fast).map(|_| ()));
        assert_eq!(result.map_err(|e| e.code()), Err(code), "{}", path.display());
    }
}
