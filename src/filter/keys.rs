//! Key derivation: every key in a filter comes from explicit bytes through a
//! specified, salted hash (SipHash-2-4 with the filter's salt as the key),
//! never from Rust's `Hash` trait, so x86_64 and wasm32 agree bit for bit.
//!
//! Digests: `key = SipHash-2-4(salt; "prescreen digest" 0x00 kind digest)`.
//! PDQ chunks: a keyed affine GF(2) map per chunk, `key_i(c) = d_i ^ XOR of
//! col_i[t] for every set bit t of c`, with `d_i` and the columns drawn from
//! SipHash-2-4 of the salt. Linearity lets a query enumerate a Hamming ball
//! with one XOR per probe: `key_i(c ^ e) = key_i(c) ^ key_i(e) ^ d_i`.

use siphasher::sip::SipHasher24;

use crate::pdq::PdqHash;

use super::DigestKind;

const DIGEST_DOMAIN: &[u8] = b"prescreen digest\0";
const COLUMN_DOMAIN: &[u8] = b"prescreen pdq column\0";
const OFFSET_DOMAIN: &[u8] = b"prescreen pdq offset\0";
const SEED_DOMAIN: &[u8] = b"prescreen construction seed\0";

/// SipHash-2-4 keyed by the salt: key words are the salt's two little-endian halves.
fn siphash(salt: &[u8; 16], message: &[u8]) -> u64 {
    let word = |half: usize| u64::from_le_bytes(core::array::from_fn(|i| salt[half * 8 + i]));
    SipHasher24::new_with_keys(word(0), word(1)).hash(message)
}

/// The key of an exact digest of `kind`.
pub(crate) fn digest_key(salt: &[u8; 16], kind: DigestKind, digest: &[u8]) -> u64 {
    let mut message = Vec::with_capacity(DIGEST_DOMAIN.len() + 1 + digest.len());
    message.extend_from_slice(DIGEST_DOMAIN);
    message.push(kind.tag());
    message.extend_from_slice(digest);
    siphash(salt, &message)
}

/// The construction seed of a section for the given attempt (0, 1, ...).
pub(crate) fn construction_seed(salt: &[u8; 16], section_tag: u8, attempt: u32) -> u64 {
    let mut message = SEED_DOMAIN.to_vec();
    message.push(section_tag);
    message.extend_from_slice(&attempt.to_le_bytes());
    siphash(salt, &message)
}

/// How a PDQ hash is cut into chunks, and each chunk's keyed affine map.
#[derive(Debug, Clone)]
pub(crate) struct ChunkMaps {
    /// Start bit of each chunk (bit 0 = most significant bit of byte 0).
    starts: Vec<u16>,
    /// Width in bits of each chunk.
    widths: Vec<u16>,
    /// `columns[i][t]`: the image of bit t of chunk i.
    columns: Vec<Vec<u64>>,
    /// The affine offset `d_i` of chunk i.
    offsets: Vec<u64>,
}

impl ChunkMaps {
    /// The maps for chunks of `widths` (in bit order, at most 255 chunks) under `salt`.
    pub(crate) fn new(salt: &[u8; 16], widths: &[u16]) -> Self {
        let widths = widths.to_vec();
        let chunks = widths.len() as u8;
        let mut starts = Vec::with_capacity(widths.len());
        let mut start = 0u16;
        for &w in &widths {
            starts.push(start);
            start += w;
        }
        let columns = (0..chunks)
            .map(|i| {
                (0..widths[i as usize])
                    .map(|t| {
                        let mut message = COLUMN_DOMAIN.to_vec();
                        message.extend_from_slice(&[chunks, i]);
                        message.extend_from_slice(&t.to_le_bytes());
                        siphash(salt, &message)
                    })
                    .collect()
            })
            .collect();
        let offsets = (0..chunks)
            .map(|i| {
                let mut message = OFFSET_DOMAIN.to_vec();
                message.extend_from_slice(&[chunks, i]);
                siphash(salt, &message)
            })
            .collect();
        ChunkMaps { starts, widths, columns, offsets }
    }

    /// The number of chunks.
    pub(crate) fn len(&self) -> usize {
        self.widths.len()
    }

    /// The bit images of chunk `i` (one per bit of the chunk).
    pub(crate) fn columns(&self, i: usize) -> &[u64] {
        &self.columns[i]
    }

    /// The key of chunk `i` of `hash`.
    pub(crate) fn chunk_key(&self, i: usize, hash: &PdqHash) -> u64 {
        let start = self.starts[i] as usize;
        let columns = &self.columns[i];
        let mut key = self.offsets[i];
        for (t, column) in columns.iter().enumerate() {
            let bit = start + t;
            if (hash.0[bit / 8] >> (7 - bit % 8)) & 1 == 1 {
                key ^= column;
            }
        }
        key
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn siphash_matches_the_reference_vector() {
        // The SipHash paper's test vector: key 00..0f, message 00..0e.
        let key: [u8; 16] = core::array::from_fn(|i| i as u8);
        let message: Vec<u8> = (0u8..15).collect();
        assert_eq!(siphash(&key, &message), 0xa129ca6149be45e5);
    }

    #[test]
    fn chunk_keys_are_affine() {
        let maps = ChunkMaps::new(&[7; 16], &[100, 100, 56]);
        let a = PdqHash(core::array::from_fn(|i| (i * 37) as u8));
        let mut b = a;
        b.0[0] ^= 0x80; // bit 0, in chunk 0
        let diff = maps.chunk_key(0, &a) ^ maps.chunk_key(0, &b);
        assert_eq!(diff, maps.columns(0)[0]);
        assert_eq!(maps.chunk_key(1, &a), maps.chunk_key(1, &b));
    }
}
