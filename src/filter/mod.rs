//! The filter: a compact, signed file of known hashes, and its builder.
//! (Stub: the filter helper replaces this file.)

use crate::error::Result;
use crate::pdq::PdqHash;
use std::marker::PhantomData;

/// A kind of exact digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DigestKind {
    /// MD5.
    Md5,
    /// SHA-1.
    Sha1,
    /// SHA-256.
    Sha256,
}

/// Parameters of the PDQ near-match section.
#[derive(Debug, Clone, Copy)]
pub struct PdqParams {
    /// Whether queries use the eight dihedral variants.
    pub dihedral: bool,
}

/// A parsed filter file.
pub struct Filter<B = Vec<u8>> {
    bytes: PhantomData<B>,
}

impl<B: AsRef<[u8]>> Filter<B> {
    /// Parses and verifies a filter file.
    pub fn from_bytes(_bytes: B, _public_key: Option<&[u8; 32]>) -> Result<Self> {
        todo!("filter helper")
    }
    /// Whether the filter has a section for `kind`.
    pub fn has_digests(&self, _kind: DigestKind) -> bool {
        todo!("filter helper")
    }
    /// Whether `digest` of `kind` is listed.
    pub fn contains_digest(&self, _kind: DigestKind, _digest: &[u8]) -> bool {
        todo!("filter helper")
    }
    /// The PDQ section's parameters, if it has one.
    pub fn pdq_params(&self) -> Option<PdqParams> {
        todo!("filter helper")
    }
    /// Whether `query` is within the radius of a listed PDQ hash.
    pub fn match_pdq(&self, _query: &PdqHash) -> bool {
        todo!("filter helper")
    }
}
