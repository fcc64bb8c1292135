//! The filter file format, version 2: parsing (validating everything before
//! anything is used) and writing. Specified byte by byte in
//! docs/filter-format.md; little-endian throughout.

use std::ops::Range;

use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};

use super::fuse::{Shape, ARITY, MAX_FINGERPRINT_BITS, MAX_SEGMENT_LOG2};
use super::plan::{PdqParams, MAX_CHUNKS, MAX_PROBES};
use super::SectionKind;

/// The first 8 bytes of every filter file.
pub(crate) const MAGIC: [u8; 8] = *b"\x89PSF\r\n\x1a\n";
/// The format version this code reads and writes.
pub(crate) const VERSION: u16 = 2;
/// Flag bit 0: the file ends with a public key and an Ed25519 signature.
const FLAG_SIGNED: u16 = 1;
/// Bytes of the fixed header before the label.
const FIXED_HEADER: usize = 66;
/// Bytes of each section's fixed header.
pub(crate) const SECTION_HEADER: usize = 48;
/// Bytes of each entry of a PDQ section's chunk table (width u16, radius u8, reserved u8).
pub(crate) const CHUNK_ENTRY: usize = 4;
/// Bytes of the SHA-256 checksum.
const CHECKSUM_LEN: usize = 32;
/// Bytes of the signature trailer: public key and signature.
const SIGNATURE_TRAILER: usize = 32 + 64;
/// Longest label in bytes.
pub(crate) const MAX_LABEL: usize = 1024;
/// The domain prefix of the signed message (followed by the 32-byte checksum).
const SIGNATURE_DOMAIN: &[u8] = b"prescreen filter signature v1\0";

/// Header fields of a filter file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Header {
    pub salt: [u8; 16],
    pub created: u64,
    pub expires: Option<u64>,
    pub target_rate: f64,
    pub label: String,
}

/// One section: its parameters and where its packed array lies in the file.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Section {
    pub kind: SectionKind,
    pub shape: Shape,
    pub listed: u64,
    pub keys: u64,
    pub pdq: Option<PdqParams>,
    pub data: Range<usize>,
}

/// A validated file.
#[derive(Debug, Clone)]
pub(crate) struct Parsed {
    pub header: Header,
    pub sections: Vec<Section>,
    pub public_key: Option<[u8; 32]>,
}

/// Bounds-checked little-endian reads over the checksummed body.
struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        let end = self.pos.checked_add(n).filter(|&e| e <= self.bytes.len());
        let end =
            end.ok_or_else(|| Error::FilterMalformed(format!("field at byte {} runs past the sections", self.pos)))?;
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N]> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }
    fn u8(&mut self) -> Result<u8> {
        Ok(self.array::<1>()?[0])
    }
    fn u16(&mut self) -> Result<u16> {
        Ok(u16::from_le_bytes(self.array()?))
    }
    fn u32(&mut self) -> Result<u32> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    fn u64(&mut self) -> Result<u64> {
        Ok(u64::from_le_bytes(self.array()?))
    }
}

fn malformed(why: impl Into<String>) -> Error {
    Error::FilterMalformed(why.into())
}

fn le_u16(bytes: &[u8], at: usize) -> u16 {
    u16::from_le_bytes([bytes[at], bytes[at + 1]])
}

/// Parses and validates `bytes`; with `pinned`, the file must be signed by that key.
pub(crate) fn parse(bytes: &[u8], pinned: Option<&[u8; 32]>) -> Result<Parsed> {
    // Magic, version, flags, length: each with its own error.
    let magic_len = bytes.len().min(MAGIC.len());
    if bytes[..magic_len] != MAGIC[..magic_len] {
        return Err(Error::FilterMagic);
    }
    if bytes.len() < 24 {
        return Err(Error::FilterTruncated);
    }
    let version = le_u16(bytes, 8);
    if version != VERSION {
        return Err(Error::FilterVersion(version));
    }
    let flags = le_u16(bytes, 10);
    if flags & !FLAG_SIGNED != 0 {
        return Err(malformed(format!("unknown flags {flags:#06x}")));
    }
    let signed = flags & FLAG_SIGNED != 0;
    let total = u64::from_le_bytes(bytes[16..24].try_into().map_err(|_| Error::FilterTruncated)?);
    if (bytes.len() as u64) < total {
        return Err(Error::FilterTruncated);
    }
    if (bytes.len() as u64) > total {
        return Err(malformed(format!("{} bytes after the declared end", bytes.len() as u64 - total)));
    }
    let trailer = CHECKSUM_LEN + if signed { SIGNATURE_TRAILER } else { 0 };
    if bytes.len() < FIXED_HEADER + trailer {
        return Err(malformed("declared length too short for a header"));
    }

    // Checksum over everything before it.
    let body_end = bytes.len() - trailer;
    let checksum: [u8; 32] = Sha256::digest(&bytes[..body_end]).into();
    if checksum[..] != bytes[body_end..body_end + CHECKSUM_LEN] {
        return Err(Error::FilterChecksum);
    }

    // Signature over the checksum; pinned key.
    let public_key = if signed {
        let at = body_end + CHECKSUM_LEN;
        let mut key = [0u8; 32];
        key.copy_from_slice(&bytes[at..at + 32]);
        let mut signature = [0u8; 64];
        signature.copy_from_slice(&bytes[at + 32..at + 96]);
        if let Some(pinned) = pinned {
            if &key != pinned {
                return Err(Error::FilterSignature("signed by a different key than the pinned one".into()));
            }
        }
        let verifying = VerifyingKey::from_bytes(&key)
            .map_err(|_| Error::FilterSignature("the embedded public key is not a valid Ed25519 key".into()))?;
        verifying
            .verify_strict(&signed_message(&checksum), &Signature::from_bytes(&signature))
            .map_err(|_| Error::FilterSignature("the signature does not verify".into()))?;
        Some(key)
    } else {
        if pinned.is_some() {
            return Err(Error::FilterSignature("the filter is unsigned but a public key is pinned".into()));
        }
        None
    };

    // Header and sections (integrity already established: errors here are malformed files).
    let mut r = Reader { bytes: &bytes[..body_end], pos: 12 };
    let section_count = r.u32()?;
    r.u64()?; // total length, checked above
    let salt = r.array::<16>()?;
    let created = r.u64()?;
    let expires = r.u64()?;
    let target_rate = f64::from_bits(r.u64()?);
    if !(target_rate > 0.0 && target_rate <= 1.0) {
        return Err(malformed("target false-match rate outside (0, 1]"));
    }
    let label_len = usize::from(r.u16()?);
    if label_len > MAX_LABEL {
        return Err(malformed(format!("label of {label_len} bytes exceeds {MAX_LABEL}")));
    }
    let label = std::str::from_utf8(r.take(label_len)?).map_err(|_| malformed("label is not UTF-8"))?.to_owned();
    if section_count > 4 {
        return Err(malformed(format!("{section_count} sections (at most 4)")));
    }
    let mut sections: Vec<Section> = Vec::with_capacity(section_count as usize);
    for _ in 0..section_count {
        let section = parse_section(&mut r)?;
        if sections.last().is_some_and(|prev| prev.kind.tag() >= section.kind.tag()) {
            return Err(malformed("sections out of order or repeated"));
        }
        sections.push(section);
    }
    if r.pos != body_end {
        return Err(malformed("bytes between the last section and the checksum"));
    }
    let header = Header { salt, created, expires: (expires != 0).then_some(expires), target_rate, label };
    Ok(Parsed { header, sections, public_key })
}

fn parse_section(r: &mut Reader<'_>) -> Result<Section> {
    let start = r.pos;
    let tag = r.u8()?;
    let kind = SectionKind::from_tag(tag).ok_or_else(|| malformed(format!("unknown section kind {tag}")))?;
    let fingerprint_bits = r.u8()?;
    let arity = r.u8()?;
    let segment_log2 = r.u8()?;
    let segment_count = r.u32()?;
    let seed = r.u64()?;
    let listed = r.u64()?;
    let keys = r.u64()?;
    let [radius, chunks, reserved_pdq, dihedral] = r.array::<4>()?;
    let reserved = r.u32()?;
    let data_len = r.u64()?;
    debug_assert_eq!(r.pos - start, SECTION_HEADER);
    if !(1..=MAX_FINGERPRINT_BITS).contains(&fingerprint_bits) {
        return Err(malformed(format!("fingerprint width {fingerprint_bits} outside 1..={MAX_FINGERPRINT_BITS}")));
    }
    if usize::from(arity) != ARITY
        || segment_log2 > MAX_SEGMENT_LOG2
        || segment_count == 0
        || reserved != 0
        || reserved_pdq != 0
    {
        return Err(malformed("bad array shape"));
    }
    let shape = Shape { fingerprint_bits, segment_log2, segment_count, seed };
    if keys == 0 || keys > shape.slots() || listed == 0 {
        return Err(malformed("bad key counts"));
    }
    let pdq = match kind {
        SectionKind::Pdq => {
            if !(1..=MAX_CHUNKS).contains(&chunks) || dihedral > 1 {
                return Err(malformed("bad PDQ parameters"));
            }
            let mut widths = Vec::with_capacity(usize::from(chunks));
            let mut radii = Vec::with_capacity(usize::from(chunks));
            for _ in 0..chunks {
                widths.push(r.u16()?);
                let [radius, reserved] = r.array::<2>()?;
                if reserved != 0 {
                    return Err(malformed("bad PDQ chunk table"));
                }
                radii.push(radius);
            }
            let params = PdqParams::new(radius, &widths, &radii, dihedral == 1)
                .filter(|p| p.probes_per_query <= MAX_PROBES)
                .ok_or_else(|| malformed("bad PDQ parameters"))?;
            Some(params)
        }
        SectionKind::Digest(_) => {
            if radius != 0 || chunks != 0 || dihedral != 0 {
                return Err(malformed("digest section with PDQ parameters"));
            }
            None
        }
    };
    if data_len != shape.data_len() {
        return Err(malformed("section data length does not match its shape"));
    }
    let len = usize::try_from(data_len).map_err(|_| malformed("section too large"))?;
    let data_start = r.pos;
    r.take(len)?;
    Ok(Section { kind, shape, listed, keys, pdq, data: data_start..data_start + len })
}

/// The message an Ed25519 signature covers.
fn signed_message(checksum: &[u8; 32]) -> Vec<u8> {
    [SIGNATURE_DOMAIN, checksum].concat()
}

/// Writes a complete file; signs it when `signing_key` is given.
pub(crate) fn write(
    header: &Header,
    sections: &[(Section, Vec<u8>)],
    signing_key: Option<&[u8; 32]>,
) -> Result<Vec<u8>> {
    if header.label.len() > MAX_LABEL {
        return Err(Error::InvalidArgument(format!("label longer than {MAX_LABEL} bytes")));
    }
    let mut out = Vec::new();
    out.extend_from_slice(&MAGIC);
    out.extend_from_slice(&VERSION.to_le_bytes());
    out.extend_from_slice(&(if signing_key.is_some() { FLAG_SIGNED } else { 0 }).to_le_bytes());
    out.extend_from_slice(&(sections.len() as u32).to_le_bytes());
    let length_at = out.len();
    out.extend_from_slice(&0u64.to_le_bytes()); // total length, patched below
    out.extend_from_slice(&header.salt);
    out.extend_from_slice(&header.created.to_le_bytes());
    out.extend_from_slice(&header.expires.unwrap_or(0).to_le_bytes());
    out.extend_from_slice(&header.target_rate.to_bits().to_le_bytes());
    out.extend_from_slice(&(header.label.len() as u16).to_le_bytes());
    out.extend_from_slice(header.label.as_bytes());
    for (section, data) in sections {
        let s = &section.shape;
        out.extend_from_slice(&[section.kind.tag(), s.fingerprint_bits, ARITY as u8, s.segment_log2]);
        out.extend_from_slice(&s.segment_count.to_le_bytes());
        out.extend_from_slice(&s.seed.to_le_bytes());
        out.extend_from_slice(&section.listed.to_le_bytes());
        out.extend_from_slice(&section.keys.to_le_bytes());
        let p = section.pdq.map_or([0; 4], |p| [p.radius, p.chunks, 0, u8::from(p.dihedral)]);
        out.extend_from_slice(&p);
        out.extend_from_slice(&0u32.to_le_bytes());
        out.extend_from_slice(&(data.len() as u64).to_le_bytes());
        if let Some(p) = &section.pdq {
            for (&width, &radius) in p.widths().iter().zip(p.chunk_radii()) {
                out.extend_from_slice(&width.to_le_bytes());
                out.extend_from_slice(&[radius, 0]);
            }
        }
        out.extend_from_slice(data);
    }
    let trailer = CHECKSUM_LEN + if signing_key.is_some() { SIGNATURE_TRAILER } else { 0 };
    let total = (out.len() + trailer) as u64;
    out[length_at..length_at + 8].copy_from_slice(&total.to_le_bytes());
    let checksum: [u8; 32] = Sha256::digest(&out).into();
    out.extend_from_slice(&checksum);
    if let Some(secret) = signing_key {
        let key = SigningKey::from_bytes(secret);
        out.extend_from_slice(key.verifying_key().as_bytes());
        out.extend_from_slice(&key.sign(&signed_message(&checksum)).to_bytes());
    }
    Ok(out)
}

/// The Ed25519 public key of a secret key.
pub(crate) fn public_key(secret: &[u8; 32]) -> [u8; 32] {
    SigningKey::from_bytes(secret).verifying_key().to_bytes()
}
