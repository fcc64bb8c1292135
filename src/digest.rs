//! MD5, SHA-1 and SHA-256 of file bytes, incrementally, for streaming big files.

/// The three exact digests of one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Digests {
    /// MD5 (16 bytes).
    pub md5: [u8; 16],
    /// SHA-1 (20 bytes).
    pub sha1: [u8; 20],
    /// SHA-256 (32 bytes).
    pub sha256: [u8; 32],
}

/// Computes all three digests over bytes fed in any number of chunks.
#[derive(Clone, Default)]
pub struct Digester {}

impl Digester {
    /// A digester that has seen no bytes.
    pub fn new() -> Self {
        todo!("digest helper")
    }

    /// Feeds the next chunk of the file.
    pub fn update(&mut self, _chunk: &[u8]) {
        todo!("digest helper")
    }

    /// Finishes and returns the digests of everything fed.
    pub fn finish(self) -> Digests {
        todo!("digest helper")
    }
}

/// The digests of a whole file held in memory.
pub fn digest(bytes: &[u8]) -> Digests {
    let mut d = Digester::new();
    d.update(bytes);
    d.finish()
}
