//! Untrusted image bytes through everything the browser does with them:
//! digests, decode (within limits) and PDQ with its dihedral variants.
//! Nothing may panic, hang or allocate beyond the limits.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prescreen::{decode, digest, pdq, Limits};

fuzz_target!(|data: &[u8]| {
    let _ = digest(data);
    // Smaller than the defaults so that each run stays fast; the same checks apply.
    let limits = Limits::default().with_max_pixels(1 << 22).with_max_alloc(64 << 20);
    let Ok(decoded) = decode(data, &limits) else { return };
    let view = decoded.pixels.view();
    assert!(u64::from(view.width()) * u64::from(view.height()) <= limits.max_pixels);
    assert!((1..=8).contains(&decoded.orientation));
    let plain = pdq::hash(view);
    let (with_variants, variants) = pdq::hash_dihedral(view);
    assert!(plain.quality <= 100);
    assert_eq!(plain, with_variants, "hash and hash_dihedral disagree");
    assert_eq!(plain.hash, variants[0], "the first variant is the original");
});
