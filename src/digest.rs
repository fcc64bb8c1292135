//! MD5, SHA-1 and SHA-256 of file bytes, incrementally, for streaming big files.
//!
//! A [`Digester`] computes all three, or only the kinds a filter has sections
//! for ([`Digester::of_kinds`]): each digest skipped saves a pass over the file.

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::filter::DigestKind;

/// The exact digests of one file: all three, or those a [`Digester`] was asked for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Digests {
    /// MD5 (16 bytes), when computed.
    pub md5: Option<[u8; 16]>,
    /// SHA-1 (20 bytes), when computed.
    pub sha1: Option<[u8; 20]>,
    /// SHA-256 (32 bytes), when computed.
    pub sha256: Option<[u8; 32]>,
}

impl Digests {
    /// The digest of `kind`, when it was computed.
    pub fn get(&self, kind: DigestKind) -> Option<&[u8]> {
        match kind {
            DigestKind::Md5 => self.md5.as_ref().map(|d| &d[..]),
            DigestKind::Sha1 => self.sha1.as_ref().map(|d| &d[..]),
            DigestKind::Sha256 => self.sha256.as_ref().map(|d| &d[..]),
        }
    }

    /// Sets the digest of `kind`, computed elsewhere (e.g. by the browser's
    /// WebCrypto). Fails with [`Error::InvalidArgument`] when `bytes` is not
    /// [`DigestKind::len`] long.
    pub fn set(&mut self, kind: DigestKind, bytes: &[u8]) -> Result<()> {
        let wrong =
            || Error::InvalidArgument(format!("a {} digest is {} bytes, got {}", kind.name(), kind.len(), bytes.len()));
        match kind {
            DigestKind::Md5 => self.md5 = Some(bytes.try_into().map_err(|_| wrong())?),
            DigestKind::Sha1 => self.sha1 = Some(bytes.try_into().map_err(|_| wrong())?),
            DigestKind::Sha256 => self.sha256 = Some(bytes.try_into().map_err(|_| wrong())?),
        }
        Ok(())
    }
}

/// Computes digests over bytes fed in any number of chunks.
#[derive(Clone)]
pub struct Digester {
    md5: Option<Md5>,
    sha1: Option<Sha1>,
    sha256: Option<Sha256>,
}

impl Default for Digester {
    fn default() -> Self {
        Digester { md5: Some(Md5::new()), sha1: Some(Sha1::new()), sha256: Some(Sha256::new()) }
    }
}

impl Digester {
    /// A digester of all three kinds that has seen no bytes.
    pub fn new() -> Self {
        Self::default()
    }

    /// A digester of only the given kinds (none at all for an empty list).
    pub fn of_kinds(kinds: impl IntoIterator<Item = DigestKind>) -> Self {
        let mut d = Digester { md5: None, sha1: None, sha256: None };
        for kind in kinds {
            match kind {
                DigestKind::Md5 => d.md5 = Some(Md5::new()),
                DigestKind::Sha1 => d.sha1 = Some(Sha1::new()),
                DigestKind::Sha256 => d.sha256 = Some(Sha256::new()),
            }
        }
        d
    }

    /// Feeds the next chunk of the file.
    pub fn update(&mut self, chunk: &[u8]) {
        if let Some(h) = &mut self.md5 {
            h.update(chunk);
        }
        if let Some(h) = &mut self.sha1 {
            h.update(chunk);
        }
        if let Some(h) = &mut self.sha256 {
            h.update(chunk);
        }
    }

    /// Finishes and returns the digests of everything fed, of the kinds asked for.
    pub fn finish(self) -> Digests {
        Digests {
            md5: self.md5.map(|h| h.finalize().into()),
            sha1: self.sha1.map(|h| h.finalize().into()),
            sha256: self.sha256.map(|h| h.finalize().into()),
        }
    }
}

/// All three digests of a whole file held in memory.
pub fn digest(bytes: &[u8]) -> Digests {
    let mut d = Digester::new();
    d.update(bytes);
    d.finish()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hex::encode;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// The inputs of the known-answer vectors below.
    fn inputs() -> [Vec<u8>; 4] {
        [
            Vec::new(),
            b"abc".to_vec(),
            b"The quick brown fox jumps over the lazy dog".to_vec(),
            (0..=255u8).cycle().take(10240).collect(),
        ]
    }

    /// Computed with Python's hashlib, independently of the RustCrypto crates:
    /// for data in [b"", b"abc", b"The quick brown fox jumps over the lazy dog", bytes(range(256))*40]:
    ///     print(hashlib.md5(data).hexdigest(), hashlib.sha1(data).hexdigest(), hashlib.sha256(data).hexdigest())
    const HASHLIB: [[&str; 3]; 4] = [
        [
            "d41d8cd98f00b204e9800998ecf8427e",
            "da39a3ee5e6b4b0d3255bfef95601890afd80709",
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        ],
        [
            "900150983cd24fb0d6963f7d28e17f72",
            "a9993e364706816aba3e25717850c26c9cd0d89d",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
        ],
        [
            "9e107d9d372bb6826bd81d3542a419d6",
            "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12",
            "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592",
        ],
        [
            "c3cd26e07e555c0116db237fbc06d99c",
            "36812e99f2d591c5114a7b09519ea9d7daba2380",
            "e96760a87768717bcebcfd25ddc7d46b4dbc95a4b0014def080c08539f7d90d0",
        ],
    ];

    #[test]
    fn matches_hashlib() {
        for (input, [md5, sha1, sha256]) in inputs().iter().zip(HASHLIB) {
            let d = digest(input);
            assert_eq!(d.md5.map(|x| encode(&x)).as_deref(), Some(md5), "md5 of {} bytes", input.len());
            assert_eq!(d.sha1.map(|x| encode(&x)).as_deref(), Some(sha1), "sha1 of {} bytes", input.len());
            assert_eq!(d.sha256.map(|x| encode(&x)).as_deref(), Some(sha256), "sha256 of {} bytes", input.len());
        }
    }

    /// A fixed-seed xorshift generator, so the splits are reproducible on every target.
    fn xorshift(state: &mut u64) -> u64 {
        *state ^= *state << 13;
        *state ^= *state >> 7;
        *state ^= *state << 17;
        *state
    }

    #[test]
    fn chunked_equals_one_shot_on_random_splits() {
        let mut seed = 0x5EED_2026_1128_u64;
        for _ in 0..64 {
            let len = (xorshift(&mut seed) % 5000) as usize;
            let bytes: Vec<u8> = (0..len).map(|_| xorshift(&mut seed) as u8).collect();
            let whole = digest(&bytes);
            let mut chunked = Digester::new();
            let mut rest = &bytes[..];
            while !rest.is_empty() {
                // Chunks of 0..=200 bytes: empty ones, odd ones, and ones spanning the 64-byte blocks.
                let take = ((xorshift(&mut seed) % 201) as usize).min(rest.len());
                chunked.update(&rest[..take]);
                rest = &rest[take..];
            }
            chunked.update(&[]);
            assert_eq!(chunked.finish(), whole, "{len} bytes");
        }
    }

    #[test]
    fn only_the_kinds_asked_for_are_computed() {
        let input = &inputs()[1];
        let all = digest(input);
        let mut some = Digester::of_kinds([DigestKind::Sha256, DigestKind::Md5]);
        some.update(input);
        let some = some.finish();
        assert_eq!(some, Digests { sha1: None, ..all });
        let mut none = Digester::of_kinds([]);
        none.update(input);
        assert_eq!(none.finish(), Digests::default());
    }

    #[test]
    fn set_checks_the_length() {
        let all = digest(b"abc");
        let mut d = Digests::default();
        d.set(DigestKind::Sha1, all.get(DigestKind::Sha1).unwrap_or_default()).unwrap();
        assert_eq!(d.sha1, all.sha1);
        assert_eq!(d.set(DigestKind::Sha256, &[0; 20]).map_err(|e| e.code()), Err("invalid-argument"));
        assert_eq!(d.sha256, None);
    }
}
