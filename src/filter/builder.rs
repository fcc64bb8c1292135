//! Building a filter file from lists of digests and PDQ hashes.

use crate::error::{Error, Result};
use crate::pdq::PdqHash;

use super::format::{self, Header, Section};
use super::fuse;
use super::keys::{construction_seed, digest_key, ChunkMaps};
use super::plan::{fingerprint_bits, plan};
use super::{DigestKind, SectionKind};

/// Collects hashes and parameters, then writes a filter file.
///
/// ```
/// use prescreen::{DigestKind, Filter, FilterBuilder};
/// let mut builder = FilterBuilder::new();
/// builder.salt([7; 16]).add_digest(DigestKind::Md5, &[0xab; 16]).unwrap();
/// let bytes = builder.build(None).unwrap();
/// let filter = Filter::from_bytes(bytes, None).unwrap();
/// assert!(filter.contains_digest(DigestKind::Md5, &[0xab; 16]));
/// ```
#[derive(Debug, Clone)]
pub struct FilterBuilder {
    radius: u8,
    rate: f64,
    dihedral: bool,
    label: String,
    created: u64,
    expires: Option<u64>,
    salt: Option<[u8; 16]>,
    digests: [Vec<[u8; 32]>; 3],
    pdq: Vec<PdqHash>,
}

impl Default for FilterBuilder {
    fn default() -> Self {
        FilterBuilder {
            radius: 8,
            rate: 1e-6,
            dihedral: true,
            label: String::new(),
            created: 0,
            expires: None,
            salt: None,
            digests: [Vec::new(), Vec::new(), Vec::new()],
            pdq: Vec::new(),
        }
    }
}

impl FilterBuilder {
    /// A builder with the default parameters and no hashes.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the PDQ near-match radius (0..=32; 0 is exact PDQ match).
    /// By default, 8.
    ///
    /// The builder then plans the PDQ chunking: chunk widths `w_i` and probe
    /// radii `s_i` with `Σ (s_i + 1) >= radius + 1`, so that every hash within
    /// the radius of a listed one agrees with it to within `s_i` bits on some
    /// chunk `i`. Objective: among plans whose estimated size (`m * f * 1.075`
    /// bits per listed hash, `f` the fingerprint width the rate needs) is at
    /// most 2.1 times the lower bound `log2(V * |Ball(256, r)|) + log2(1 / rate)`
    /// and whose chance-collision rate for as many uniformly random hashes
    /// ([`crate::PdqParams::chance_collision_rate`]) is below a tenth of the
    /// section's rate, the fewest probes per screened file; if none
    /// qualifies, the smallest. docs/filter-format.md gives the search.
    pub fn radius(&mut self, radius: u8) -> &mut Self {
        self.radius = radius;
        self
    }

    /// Sets the target false-match rate per screened file, split evenly over
    /// the non-empty sections. By default, 1e-6.
    pub fn false_positive_rate(&mut self, rate: f64) -> &mut Self {
        self.rate = rate;
        self
    }

    /// Sets whether screening queries the eight dihedral variants of an image
    /// (sizes the PDQ section for 8 variants). By default, true.
    pub fn dihedral(&mut self, dihedral: bool) -> &mut Self {
        self.dihedral = dihedral;
        self
    }

    /// Sets the free-text source label (at most 1024 bytes of UTF-8).
    /// By default, empty.
    pub fn label(&mut self, label: impl Into<String>) -> &mut Self {
        self.label = label.into();
        self
    }

    /// Sets the creation time in Unix seconds. By default, 0 (unknown).
    pub fn created(&mut self, unix_secs: u64) -> &mut Self {
        self.created = unix_secs;
        self
    }

    /// Sets the expiry time in Unix seconds, or None for no expiry.
    /// By default, None.
    pub fn expires(&mut self, unix_secs: Option<u64>) -> &mut Self {
        self.expires = unix_secs;
        self
    }

    /// Sets the 16-byte salt that keys every hash; the same hashes, parameters
    /// and salt always give the same bytes. By default, a random salt from the
    /// operating system with the `cli` feature; without it, `build` fails
    /// unless a salt is set.
    pub fn salt(&mut self, salt: [u8; 16]) -> &mut Self {
        self.salt = Some(salt);
        self
    }

    /// Lists an exact digest; fails with `invalid-hash` if its length is wrong for `kind`.
    pub fn add_digest(&mut self, kind: DigestKind, digest: &[u8]) -> Result<()> {
        if digest.len() != kind.len() {
            return Err(Error::InvalidHash(format!(
                "{} digest of {} bytes, expected {}",
                kind.name(),
                digest.len(),
                kind.len()
            )));
        }
        let mut padded = [0u8; 32];
        padded[..digest.len()].copy_from_slice(digest);
        self.digests[kind.index()].push(padded);
        Ok(())
    }

    /// Lists a PDQ hash.
    pub fn add_pdq(&mut self, hash: PdqHash) {
        self.pdq.push(hash);
    }

    /// Builds the file, signed with the Ed25519 secret key if given.
    ///
    /// Fails with `invalid-argument` when nothing was listed, the rate is not in
    /// (0, 1], the radius exceeds 32, or the label is too long.
    pub fn build(&self, signing_key: Option<&[u8; 32]>) -> Result<Vec<u8>> {
        if !(self.rate > 0.0 && self.rate <= 1.0) {
            return Err(Error::InvalidArgument(format!("false-positive rate {} outside (0, 1]", self.rate)));
        }
        let salt = self.resolve_salt()?;
        let nonempty = self.digests.iter().filter(|d| !d.is_empty()).count() + usize::from(!self.pdq.is_empty());
        if nonempty == 0 {
            return Err(Error::InvalidArgument("no hashes to build a filter from".into()));
        }
        let section_rate = self.rate / nonempty as f64;
        let mut sections = Vec::new();
        for kind in [DigestKind::Md5, DigestKind::Sha1, DigestKind::Sha256] {
            let mut listed = self.digests[kind.index()].clone();
            if listed.is_empty() {
                continue;
            }
            listed.sort_unstable();
            listed.dedup();
            let mut keys: Vec<u64> = listed.iter().map(|d| digest_key(&salt, kind, &d[..kind.len()])).collect();
            let f = fingerprint_bits(1, section_rate).ok_or_else(|| {
                Error::InvalidArgument(format!("false-positive rate {} needs more than 56-bit fingerprints", self.rate))
            })?;
            sections.push(build_section(SectionKind::Digest(kind), &salt, listed.len() as u64, &mut keys, f, None)?);
        }
        if !self.pdq.is_empty() {
            let mut listed = self.pdq.clone();
            listed.sort_unstable();
            listed.dedup();
            let (params, f) = plan(self.radius, section_rate, self.dihedral, listed.len() as u64)?;
            let maps = ChunkMaps::new(&salt, params.widths());
            let mut keys = Vec::with_capacity(listed.len() * maps.len());
            for hash in &listed {
                keys.extend((0..maps.len()).map(|i| maps.chunk_key(i, hash)));
            }
            sections.push(build_section(SectionKind::Pdq, &salt, listed.len() as u64, &mut keys, f, Some(params))?);
        }
        let header = Header {
            salt,
            created: self.created,
            expires: self.expires,
            target_rate: self.rate,
            label: self.label.clone(),
        };
        format::write(&header, &sections, signing_key)
    }

    // The CLI's crates are native-only (Cargo.toml), so `cli` on wasm32 has no rand.
    #[cfg(all(feature = "cli", not(target_arch = "wasm32")))]
    fn resolve_salt(&self) -> Result<[u8; 16]> {
        Ok(self.salt.unwrap_or_else(rand::random))
    }

    #[cfg(not(all(feature = "cli", not(target_arch = "wasm32"))))]
    fn resolve_salt(&self) -> Result<[u8; 16]> {
        self.salt.ok_or_else(|| Error::InvalidArgument("no salt set (random salts need the `cli` feature)".into()))
    }
}

fn build_section(
    kind: SectionKind,
    salt: &[u8; 16],
    listed: u64,
    keys: &mut Vec<u64>,
    f: u8,
    pdq: Option<super::PdqParams>,
) -> Result<(Section, Vec<u8>)> {
    let built = fuse::build(keys, f, |attempt| construction_seed(salt, kind.tag(), attempt))?;
    let section = Section { kind, shape: built.shape, listed, keys: keys.len() as u64, pdq, data: 0..0 };
    Ok((section, built.data))
}
