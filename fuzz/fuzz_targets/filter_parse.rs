//! Feeds arbitrary bytes to the filter parser, with and without a pinned key,
//! both as they are and with the trailing 32 bytes replaced by a valid
//! checksum (so that mutations reach the header and section parser); when a
//! file parses, queries it and reads its info. Nothing may panic, hang or
//! allocate beyond the input's size.
#![no_main]

use libfuzzer_sys::fuzz_target;
use prescreen::pdq::PdqHash;
use prescreen::{DigestKind, Filter};
use sha2::{Digest, Sha256};

fuzz_target!(|data: &[u8]| {
    check(data);
    if data.len() >= 32 {
        let mut fixed = data.to_vec();
        let n = fixed.len() - 32;
        let sum = Sha256::digest(&fixed[..n]);
        fixed[n..].copy_from_slice(&sum);
        check(&fixed);
    }
});

fn check(data: &[u8]) {
    let pinned = [0x79u8; 32];
    let _ = Filter::from_bytes(data, Some(&pinned));
    if let Ok(filter) = Filter::from_bytes(data, None) {
        let info = filter.info();
        assert_eq!(info.size_bytes, data.len() as u64);
        for kind in [DigestKind::Md5, DigestKind::Sha1, DigestKind::Sha256] {
            let _ = filter.contains_digest(kind, &data[..kind.len().min(data.len())]);
        }
        // Bounded work: only query PDQ when the probe count is small.
        if filter.pdq_params().is_some_and(|p| p.probes_per_query <= 100_000) {
            let _ = filter.match_pdq(&PdqHash([0x5a; 32]));
        }
        let _ = filter.is_expired(u64::MAX);
    }
}
