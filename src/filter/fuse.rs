//! The membership structure: a 4-wise binary fuse filter over 64-bit keys
//! with `f`-bit fingerprints packed back to back (our own implementation of
//! the construction by Graf and Lemire, 2022; layout specified in
//! docs/filter-format.md).
//!
//! A key maps to four slots, one in each of four consecutive segments of
//! `2^lg` slots, and to an `f`-bit fingerprint; the key is a member iff the
//! XOR of its four slots equals its fingerprint. Members always pass (no
//! false negatives); any other key passes with probability `2^-f`.
//! The array holds about `1.075 f` bits per key.

use crate::error::{Error, Result};

/// Keys map to this many slots.
pub(crate) const ARITY: usize = 4;
/// Largest supported fingerprint width in bits (a read spans at most 8 bytes).
pub(crate) const MAX_FINGERPRINT_BITS: u8 = 56;
/// Largest supported segment length, as a power of two.
pub(crate) const MAX_SEGMENT_LOG2: u8 = 16;
/// Zero bytes after the packed array, so that every read can load 8 bytes.
pub(crate) const PADDING: usize = 8;

const C1: u64 = 0x9e37_79b9_7f4a_7c15;
const C2: u64 = 0x3c6e_f372_fe94_f82a;

/// The splitmix64 finaliser: a cheap, bijective, non-linear 64-bit mixer.
#[inline]
pub(crate) fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The shape of one fuse array: everything needed to locate a key's slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Shape {
    /// Fingerprint width in bits (1..=56).
    pub fingerprint_bits: u8,
    /// log2 of the segment length (0..=16).
    pub segment_log2: u8,
    /// Number of possible first segments (>= 1); the array has `segment_count + 3` segments.
    pub segment_count: u32,
    /// The construction seed, XORed into every key before mixing.
    pub seed: u64,
}

impl Shape {
    /// Number of slots in the array.
    pub(crate) fn slots(&self) -> u64 {
        (u64::from(self.segment_count) + (ARITY as u64 - 1)) << self.segment_log2
    }

    /// Bytes of the packed array including the padding.
    pub(crate) fn data_len(&self) -> u64 {
        (self.slots() * u64::from(self.fingerprint_bits)).div_ceil(8) + PADDING as u64
    }

    /// The four slots and the fingerprint of `key`.
    #[inline]
    pub(crate) fn locate(&self, key: u64) -> ([usize; ARITY], u64) {
        let x = key ^ self.seed;
        let a = mix(x);
        let b = mix(x.wrapping_add(C1));
        let c = mix(x.wrapping_add(C2));
        // (a's top 32 bits) * S / 2^32: a 64-bit product (wasm32 has no 128-bit multiply).
        let first = ((a >> 32) * u64::from(self.segment_count)) >> 32;
        let mask = (1u64 << self.segment_log2) - 1;
        let mut slots = [0usize; ARITY];
        for (j, slot) in slots.iter_mut().enumerate() {
            let offset = (b >> (16 * j)) & mask;
            *slot = (((first + j as u64) << self.segment_log2) | offset) as usize;
        }
        let fingerprint = c & ((1u64 << self.fingerprint_bits) - 1);
        (slots, fingerprint)
    }
}

/// Reads the `f`-bit value at `index` from a packed array (with padding).
#[inline]
fn get(data: &[u8], f: u8, index: usize) -> u64 {
    let bit = index * f as usize;
    let byte = bit / 8;
    let window = match data.get(byte..byte + 8) {
        Some(w) => u64::from_le_bytes([w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7]]),
        None => return u64::MAX, // unreachable for a validated shape; never matches
    };
    (window >> (bit % 8)) & ((1u64 << f) - 1)
}

fn set(data: &mut [u8], f: u8, index: usize, value: u64) {
    let bit = index * f as usize;
    let byte = bit / 8;
    let shift = bit % 8;
    let mask = ((1u64 << f) - 1) << shift;
    let mut window = [0u8; 8];
    window.copy_from_slice(&data[byte..byte + 8]);
    let old = u64::from_le_bytes(window);
    let new = (old & !mask) | ((value << shift) & mask);
    data[byte..byte + 8].copy_from_slice(&new.to_le_bytes());
}

/// Whether `key` passes the filter stored in `data` (validated against `shape`).
#[inline]
pub(crate) fn contains(shape: &Shape, data: &[u8], key: u64) -> bool {
    let (slots, fingerprint) = shape.locate(key);
    let f = shape.fingerprint_bits;
    let mut x = fingerprint;
    for slot in slots {
        x ^= get(data, f, slot);
    }
    x == 0
}

/// Largest batch [`contains_any`] tests at once.
pub(crate) const MAX_BATCH: usize = 512;

/// Whether any of `keys` (at most [`MAX_BATCH`]) passes. Locates every key first, then
/// reads the slots in a tight loop without early exit, so that the memory
/// reads of many keys are in flight at once.
#[inline]
pub(crate) fn contains_any(shape: &Shape, data: &[u8], keys: &[u64]) -> bool {
    let mut located = [([0usize; ARITY], 0u64); MAX_BATCH];
    let located = &mut located[..keys.len().min(MAX_BATCH)];
    for (out, &key) in located.iter_mut().zip(keys) {
        *out = shape.locate(key);
    }
    let f = shape.fingerprint_bits;
    let mut hit = false;
    for (slots, fingerprint) in located.iter() {
        let mut x = *fingerprint;
        for &slot in slots {
            x ^= get(data, f, slot);
        }
        hit |= x == 0;
    }
    hit
}

/// Segment length and first-segment count for `n` keys, in integer
/// arithmetic so that every platform sizes identically.
fn initial_shape(n: u64) -> (u8, u32) {
    let log = u64::from(n.max(2).ilog2());
    let segment_log2 = ((log * 5) / 8).clamp(1, u64::from(MAX_SEGMENT_LOG2)) as u8;
    // Size factor in thousandths: max(1.075, 0.77 + 0.305 * log2(600000) / log2(n)).
    let factor = (770 + 5853 / log).max(1075);
    let capacity = (u128::from(n) * u128::from(factor)).div_ceil(1000);
    let segments = capacity.div_ceil(1u128 << segment_log2).max(ARITY as u128);
    let segment_count = (segments - (ARITY as u128 - 1)).min(u128::from(u32::MAX)) as u32;
    (segment_log2, segment_count)
}

/// A built fuse array.
pub(crate) struct Built {
    /// Its shape (including the seed that succeeded).
    pub shape: Shape,
    /// The packed array with padding.
    pub data: Vec<u8>,
}

/// Builds a fuse array over `keys` (deduplicated here) with `f`-bit
/// fingerprints. `seed_for(attempt)` gives the seed of each attempt; a failed
/// attempt retries with the next seed, and every 8 failures grow the array.
pub(crate) fn build(keys: &mut Vec<u64>, fingerprint_bits: u8, seed_for: impl Fn(u32) -> u64) -> Result<Built> {
    keys.sort_unstable();
    keys.dedup();
    if keys.is_empty() || !(1..=MAX_FINGERPRINT_BITS).contains(&fingerprint_bits) {
        return Err(Error::Internal("fuse build with no keys or bad fingerprint width".into()));
    }
    let n = keys.len() as u64;
    let (segment_log2, base_count) = initial_shape(n);
    for attempt in 0..64u32 {
        let grow = attempt / 8;
        let segment_count = base_count.saturating_add(base_count / 16 * grow + grow);
        let shape = Shape { fingerprint_bits, segment_log2, segment_count, seed: seed_for(attempt) };
        if shape.slots() > u64::from(u32::MAX) {
            return Err(Error::InvalidArgument("too many keys for one filter section".into()));
        }
        if let Some(order) = peel(&shape, keys) {
            let mut data = vec![0u8; shape.data_len() as usize];
            for &(key, slot) in order.iter().rev() {
                let (slots, fingerprint) = shape.locate(key);
                let mut value = fingerprint;
                for s in slots {
                    if s != slot as usize {
                        value ^= get(&data, fingerprint_bits, s);
                    }
                }
                set(&mut data, fingerprint_bits, slot as usize, value);
            }
            return Ok(Built { shape, data });
        }
    }
    Err(Error::Internal("fuse construction failed 64 times".into()))
}

/// Peels the key hypergraph: returns (key, slot it owns) in peeling order,
/// or None when a core remains.
fn peel(shape: &Shape, keys: &[u64]) -> Option<Vec<(u64, u32)>> {
    let slots = shape.slots() as usize;
    let mut count = vec![0u32; slots];
    let mut xor = vec![0u64; slots];
    for &key in keys {
        for s in shape.locate(key).0 {
            count[s] += 1;
            xor[s] ^= key;
        }
    }
    let mut queue: Vec<u32> = (0..slots as u32).filter(|&s| count[s as usize] == 1).collect();
    let mut order = Vec::with_capacity(keys.len());
    while let Some(slot) = queue.pop() {
        if count[slot as usize] != 1 {
            continue;
        }
        let key = xor[slot as usize];
        order.push((key, slot));
        for s in shape.locate(key).0 {
            count[s] -= 1;
            xor[s] ^= key;
            if count[s] == 1 {
                queue.push(s as u32);
            }
        }
    }
    (order.len() == keys.len()).then_some(order)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_pass_and_others_rarely() {
        for n in [1u64, 2, 3, 10, 100, 1000, 20_000] {
            let mut keys: Vec<u64> = (0..n).map(|i| mix(i ^ 0x1234)).collect();
            let built = build(&mut keys, 12, |a| u64::from(a) + 99).unwrap();
            for &k in &keys {
                assert!(contains(&built.shape, &built.data, k), "n={n}");
            }
            let false_hits =
                (0..100_000u64).filter(|&i| contains(&built.shape, &built.data, mix(i ^ 0xdead_beef_0000))).count();
            assert!(false_hits < 100, "n={n}: {false_hits} false hits, expected ~24");
        }
    }

    #[test]
    fn large_sets_use_about_1_075_slots_per_key() {
        let mut keys: Vec<u64> = (0..1_000_000u64).map(mix).collect();
        let built = build(&mut keys, 8, u64::from).unwrap();
        let ratio = built.shape.slots() as f64 / 1e6;
        assert!(ratio < 1.09, "{ratio}");
    }
}
