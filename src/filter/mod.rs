//! The filter: a compact, signed file of known hashes, and its builder.
//!
//! A filter holds up to four sections, one per kind of key (MD5, SHA-1,
//! SHA-256 digests, PDQ near-match), each a 4-wise binary fuse filter with
//! packed fingerprints ([`fuse`]), keyed by the file's salt ([`keys`]).
//! PDQ near-match uses multi-index chunking ([`plan`]) so that every hash
//! within the radius of a listed hash matches. The file layout is in
//! [`format`] and docs/filter-format.md.

mod builder;
mod format;
mod fuse;
mod keys;
mod plan;

use crate::error::Result;
use crate::pdq::PdqHash;

pub use builder::FilterBuilder;
pub use plan::{ball, PdqParams, MAX_RADIUS};

use format::{Parsed, Section};
use keys::ChunkMaps;

/// A kind of exact digest.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DigestKind {
    /// MD5 (16 bytes).
    Md5,
    /// SHA-1 (20 bytes).
    Sha1,
    /// SHA-256 (32 bytes).
    Sha256,
}

impl DigestKind {
    /// The lower-case name: `"md5"`, `"sha1"` or `"sha256"`.
    pub fn name(self) -> &'static str {
        match self {
            DigestKind::Md5 => "md5",
            DigestKind::Sha1 => "sha1",
            DigestKind::Sha256 => "sha256",
        }
    }

    /// The digest length in bytes.
    #[allow(clippy::len_without_is_empty)]
    pub fn len(self) -> usize {
        match self {
            DigestKind::Md5 => 16,
            DigestKind::Sha1 => 20,
            DigestKind::Sha256 => 32,
        }
    }

    /// The section tag in the file format (1, 2, 3).
    pub(crate) fn tag(self) -> u8 {
        self.index() as u8 + 1
    }

    pub(crate) fn index(self) -> usize {
        match self {
            DigestKind::Md5 => 0,
            DigestKind::Sha1 => 1,
            DigestKind::Sha256 => 2,
        }
    }
}

/// What a section of a filter holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SectionKind {
    /// Exact digests of one kind.
    Digest(DigestKind),
    /// PDQ near-match keys.
    Pdq,
}

impl SectionKind {
    /// The lower-case name: `"md5"`, `"sha1"`, `"sha256"` or `"pdq"`.
    pub fn name(self) -> &'static str {
        match self {
            SectionKind::Digest(kind) => kind.name(),
            SectionKind::Pdq => "pdq",
        }
    }

    pub(crate) fn tag(self) -> u8 {
        match self {
            SectionKind::Digest(kind) => kind.tag(),
            SectionKind::Pdq => 4,
        }
    }

    pub(crate) fn from_tag(tag: u8) -> Option<Self> {
        match tag {
            1 => Some(SectionKind::Digest(DigestKind::Md5)),
            2 => Some(SectionKind::Digest(DigestKind::Sha1)),
            3 => Some(SectionKind::Digest(DigestKind::Sha256)),
            4 => Some(SectionKind::Pdq),
            _ => None,
        }
    }
}

/// Whether and by whom a filter is signed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignatureStatus {
    /// No signature.
    Unsigned,
    /// A valid Ed25519 signature by `public_key`.
    Signed {
        /// The signer's public key (embedded in the file).
        public_key: [u8; 32],
        /// Whether the caller pinned this key when loading.
        pinned: bool,
    },
}

/// One section, as `inspect` shows it.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionInfo {
    /// What the section holds.
    pub kind: SectionKind,
    /// Distinct listed digests or PDQ hashes.
    pub listed: u64,
    /// Distinct keys inserted (PDQ: about listed x chunks).
    pub keys: u64,
    /// Fingerprint width in bits.
    pub fingerprint_bits: u8,
    /// Bytes of the section (header and packed array).
    pub size_bytes: u64,
    /// Section bits per listed item.
    pub bits_per_listed: f64,
    /// Expected false-match rate per screened file from this section's
    /// filter: probes per file (PDQ: [`PdqParams::probes_per_file`]) x 2^-fingerprint_bits.
    pub expected_false_match_rate: f64,
    /// The near-match parameters of a PDQ section.
    pub pdq: Option<PdqParams>,
    /// PDQ only: the expected rate of genuine chunk collisions per screened
    /// file if the listed hashes were uniformly random (see [`PdqParams::chance_collision_rate`]).
    pub chance_collision_rate: Option<f64>,
}

/// Everything `prescreen inspect` shows about a filter.
#[derive(Debug, Clone, PartialEq)]
pub struct FilterInfo {
    /// The format version.
    pub version: u16,
    /// The free-text source label.
    pub label: String,
    /// Creation time, Unix seconds (0 = unknown).
    pub created: u64,
    /// Expiry time, Unix seconds, if any.
    pub expires: Option<u64>,
    /// The salt that keys every hash.
    pub salt: [u8; 16],
    /// Total file size in bytes.
    pub size_bytes: u64,
    /// The false-match rate per screened file the builder was asked for.
    pub target_false_match_rate: f64,
    /// Expected false-match rate per screened file (sum over sections, filter error only).
    pub expected_false_match_rate: f64,
    /// Signature status.
    pub signature: SignatureStatus,
    /// The sections, in file order.
    pub sections: Vec<SectionInfo>,
}

/// The PDQ section's query-time state: chunk maps derived from the salt.
#[derive(Debug, Clone)]
struct PdqIndex {
    section: usize,
    params: PdqParams,
    maps: ChunkMaps,
}

/// A validated filter file over bytes `B` (a `Vec<u8>`, `&[u8]`, ...); the
/// packed arrays are read in place, never copied.
#[derive(Debug, Clone)]
pub struct Filter<B = Vec<u8>> {
    bytes: B,
    parsed: Parsed,
    pinned: bool,
    pdq: Option<PdqIndex>,
}

impl<B: AsRef<[u8]>> Filter<B> {
    /// Parses and validates a filter file: magic, version, lengths, checksum
    /// and signature. With `public_key`, the filter must be signed by that key.
    ///
    /// Errors: `filter-magic`, `filter-version`, `filter-truncated`,
    /// `filter-checksum`, `filter-signature`, `filter-malformed`. Never panics.
    /// Expiry is not checked here (there is no clock on wasm32): see [`Filter::is_expired`].
    pub fn from_bytes(bytes: B, public_key: Option<&[u8; 32]>) -> Result<Self> {
        let parsed = format::parse(bytes.as_ref(), public_key)?;
        let pdq = parsed.sections.iter().enumerate().find_map(|(section, s)| {
            s.pdq.map(|params| PdqIndex { section, params, maps: ChunkMaps::new(&parsed.header.salt, params.widths()) })
        });
        Ok(Filter { bytes, parsed, pinned: public_key.is_some(), pdq })
    }

    fn section(&self, kind: SectionKind) -> Option<&Section> {
        self.parsed.sections.iter().find(|s| s.kind == kind)
    }

    /// The bytes of `section`. Invariant: `format::parse` checked every
    /// section's range against these same bytes, which the filter owns, so
    /// indexing cannot fail (an empty slice here would match nothing).
    fn data(&self, section: &Section) -> &[u8] {
        &self.bytes.as_ref()[section.data.clone()]
    }

    /// Whether the filter lists digests of `kind`.
    pub fn has_digests(&self, kind: DigestKind) -> bool {
        self.section(SectionKind::Digest(kind)).is_some()
    }

    /// Whether `digest` of `kind` passes the filter: always true for listed
    /// digests, rarely for others; false for a wrong length or a missing section.
    pub fn contains_digest(&self, kind: DigestKind, digest: &[u8]) -> bool {
        match self.section(SectionKind::Digest(kind)) {
            Some(section) if digest.len() == kind.len() => {
                let key = keys::digest_key(&self.parsed.header.salt, kind, digest);
                fuse::contains(&section.shape, self.data(section), key)
            }
            _ => false,
        }
    }

    /// The PDQ near-match parameters, if the filter has a PDQ section.
    pub fn pdq_params(&self) -> Option<PdqParams> {
        self.pdq.as_ref().map(|p| p.params)
    }

    /// Whether `query` (one variant) is within the radius of a listed PDQ hash:
    /// always true when it is, rarely otherwise. Screening an image with
    /// dihedral matching on calls this for each of its eight variants.
    pub fn match_pdq(&self, query: &PdqHash) -> bool {
        let Some(index) = &self.pdq else { return false };
        let section = &self.parsed.sections[index.section];
        let data = self.data(section);
        let mut batch = Batch { keys: [0; BATCH], len: 0 };
        let mut flush = |keys: &[u64]| fuse::contains_any(&section.shape, data, keys);
        (0..index.maps.len()).any(|i| {
            let base = index.maps.chunk_key(i, query);
            batch.len = 0;
            enumerate_ball(index.maps.columns(i), index.params.chunk_radii()[i], base, 0, &mut batch, &mut flush)
                || flush(&batch.keys[..batch.len])
        })
    }

    /// Whether the filter's expiry time is at or before `now_unix_secs`.
    pub fn is_expired(&self, now_unix_secs: u64) -> bool {
        self.parsed.header.expires.is_some_and(|e| e <= now_unix_secs)
    }

    /// The filter's header, sections and signature status.
    pub fn info(&self) -> FilterInfo {
        let header = &self.parsed.header;
        let sections: Vec<SectionInfo> = self
            .parsed
            .sections
            .iter()
            .map(|s| {
                let probes = s.pdq.map_or(1, |p| p.probes_per_file());
                let table = s.pdq.map_or(0, |p| usize::from(p.chunks) * format::CHUNK_ENTRY);
                let size_bytes = (s.data.len() + format::SECTION_HEADER + table) as u64;
                SectionInfo {
                    kind: s.kind,
                    listed: s.listed,
                    keys: s.keys,
                    fingerprint_bits: s.shape.fingerprint_bits,
                    size_bytes,
                    bits_per_listed: size_bytes as f64 * 8.0 / s.listed as f64,
                    expected_false_match_rate: (probes as f64 * 2f64.powi(-i32::from(s.shape.fingerprint_bits)))
                        .min(1.0),
                    pdq: s.pdq,
                    chance_collision_rate: s.pdq.map(|p| p.chance_collision_rate(s.listed)),
                }
            })
            .collect();
        FilterInfo {
            version: format::VERSION,
            label: header.label.clone(),
            created: header.created,
            expires: header.expires,
            salt: header.salt,
            size_bytes: self.bytes.as_ref().len() as u64,
            target_false_match_rate: header.target_rate,
            expected_false_match_rate: sections.iter().map(|s| s.expected_false_match_rate).sum::<f64>().min(1.0),
            signature: match self.parsed.public_key {
                Some(public_key) => SignatureStatus::Signed { public_key, pinned: self.pinned },
                None => SignatureStatus::Unsigned,
            },
            sections,
        }
    }

    /// The underlying bytes.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.as_ref()
    }
}

/// The Ed25519 public key for a 32-byte secret key (what `keygen` prints).
pub fn public_key_of(secret_key: &[u8; 32]) -> [u8; 32] {
    format::public_key(secret_key)
}

/// Probes are tested in batches of this many keys: computing a batch first
/// and then testing it without branches lets the CPU overlap the memory reads.
const BATCH: usize = fuse::MAX_BATCH;

/// Probe keys waiting to be tested.
struct Batch {
    keys: [u64; BATCH],
    len: usize,
}

/// Pushes `key ^ XOR of columns[t] for t in T` into `batch` for every set T of
/// at most `radius` indices at or after `from`, flushing full batches to
/// `flush`; true as soon as a flush reports a hit. The caller flushes the rest.
fn enumerate_ball(
    columns: &[u64],
    radius: u8,
    key: u64,
    from: usize,
    batch: &mut Batch,
    flush: &mut impl FnMut(&[u64]) -> bool,
) -> bool {
    batch.keys[batch.len] = key;
    batch.len += 1;
    if batch.len == BATCH {
        if flush(&batch.keys) {
            return true;
        }
        batch.len = 0;
    }
    if radius == 0 {
        return false;
    }
    (from..columns.len()).any(|t| enumerate_ball(columns, radius - 1, key ^ columns[t], t + 1, batch, flush))
}
