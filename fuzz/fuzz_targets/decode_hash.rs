//! Untrusted image bytes through the exact decode of every format (damaged
//! files as a browser shows them) within limits, and PDQ with its dihedral
//! variants on small results. Nothing may panic, hang or allocate beyond
//! the limits. (The digests take any bytes: they parse nothing.)
#![no_main]

use libfuzzer_sys::fuzz_target;
use prescreen::{decode, pdq, Limits};

fuzz_target!(|data: &[u8]| {
    // After libFuzzer's hook (which aborts): decode catches zune-jpeg's panics.
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(prescreen::hide_caught_panics);
    // Smaller than the defaults so that each run stays fast; a header over
    // them meets the same checks as one over the defaults.
    let limits = Limits::default().with_max_pixels(1 << 18).with_max_alloc(16 << 20);
    let Ok(decoded) = decode(data, &limits) else { return };
    let view = decoded.pixels.view();
    let pixels = u64::from(view.width()) * u64::from(view.height());
    assert!(pixels <= limits.max_pixels);
    assert_eq!(decoded.size, (view.width(), view.height()));
    assert!((1..=8).contains(&decoded.orientation));
    // PDQ is not a parser; hashing only small results keeps the run fast.
    if pixels <= 1 << 12 {
        let plain = pdq::hash(view);
        let (with_variants, variants) = pdq::hash_dihedral(view);
        assert!(plain.quality <= 100);
        assert_eq!(plain, with_variants, "hash and hash_dihedral disagree");
        assert_eq!(plain.hash, variants[0], "the first variant is the original");
    }
});
