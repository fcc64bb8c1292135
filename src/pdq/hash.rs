//! The 256-bit PDQ hash value: bits, hex form, Hamming distance.

use std::fmt;

use crate::error::Result;
use crate::hex;

/// A 256-bit PDQ hash, stored as the 32 bytes of its 64-digit hex form
/// (most significant byte first).
///
/// Bit `k` (0..256) is the DCT coefficient at row `k / 16`, column `k % 16`;
/// it is bit `k % 8` of byte `31 - k / 8`, so the hex form reads as the
/// 256-bit big-endian number whose bit `k`, counted from the least
/// significant, is bit `k` — the reference's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PdqHash(pub [u8; 32]);

impl PdqHash {
    /// The all-zero hash the reference gives images smaller than 5 pixels.
    pub const ZERO: PdqHash = PdqHash([0; 32]);

    /// Parses 64 hex digits (either case).
    ///
    /// Fails with [`crate::Error::InvalidHash`] on a wrong length or a non-hex digit.
    pub fn from_hex(text: &str) -> Result<PdqHash> {
        hex::decode::<32>(text).map(PdqHash)
    }

    /// The 64 lower-case hex digits, as the reference prints them.
    pub fn to_hex(&self) -> String {
        hex::encode(&self.0)
    }

    /// The Hamming distance: how many of the 256 bits differ.
    pub fn distance(&self, other: &PdqHash) -> u32 {
        self.0.iter().zip(other.0.iter()).map(|(a, b)| (a ^ b).count_ones()).sum()
    }

    /// Bit `k` (`k = row * 16 + column` of the 16x16 DCT).
    ///
    /// # Panics
    /// When `k >= 256`.
    pub fn bit(&self, k: usize) -> bool {
        assert!(k < 256, "PDQ bit index {k} out of range");
        (self.0[31 - k / 8] >> (k % 8)) & 1 == 1
    }

    /// Thresholds 256 DCT values (row-major 16x16) at their median: bit `k`
    /// is set when value `k` is strictly greater than the 128th smallest value.
    pub(crate) fn from_dct(values: &[f32; 256]) -> PdqHash {
        let median = median(values);
        let mut bytes = [0u8; 32];
        for (k, &v) in values.iter().enumerate() {
            if v > median {
                bytes[31 - k / 8] |= 1 << (k % 8);
            }
        }
        PdqHash(bytes)
    }
}

/// The 128th smallest of the 256 values (an actual element, as the
/// reference's Torben median returns).
fn median(values: &[f32; 256]) -> f32 {
    let mut copy = *values;
    let (_, m, _) = copy.select_nth_unstable_by(127, |a, b| a.total_cmp(b));
    *m
}

impl fmt::Display for PdqHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "f8f8f0cee0f4a84f06370a22038f63f0b36e2ed596621e1d33e6b39c4e9c9b22";

    #[test]
    fn hex_round_trip() {
        let h = PdqHash::from_hex(SAMPLE).unwrap();
        assert_eq!(h.to_hex(), SAMPLE);
        assert_eq!(h.to_string(), SAMPLE);
        assert_eq!(PdqHash::from_hex(&SAMPLE.to_uppercase()).unwrap(), h);
        assert_eq!(PdqHash::from_hex(&SAMPLE[1..]).unwrap_err().code(), "invalid-hash");
    }

    #[test]
    fn distance_counts_differing_bits() {
        let a = PdqHash::from_hex(SAMPLE).unwrap();
        assert_eq!(a.distance(&a), 0);
        let mut b = a;
        b.0[0] ^= 0b1010_0000;
        b.0[31] ^= 1;
        assert_eq!(a.distance(&b), 3);
        assert_eq!(PdqHash::ZERO.distance(&PdqHash([0xff; 32])), 256);
    }

    #[test]
    fn bit_numbering_is_the_references() {
        // Bit 0 is the least significant bit of the last hex digit, bit 255 the
        // most significant bit of the first.
        let h = PdqHash::from_hex(&format!("8{}1", "0".repeat(62))).unwrap();
        let set: Vec<usize> = (0..256).filter(|&k| h.bit(k)).collect();
        assert_eq!(set, vec![0, 255]);
        let h = PdqHash::from_hex(&format!("{}0100", "0".repeat(60))).unwrap();
        assert!(h.bit(8) && (0..256).filter(|&k| h.bit(k)).count() == 1);
    }

    #[test]
    fn threshold_sets_values_above_the_median() {
        // Values 0..256 in a scrambled order: the 128th smallest is 127, so
        // exactly the 128 values 128..=255 give set bits.
        let mut values = [0f32; 256];
        for (k, v) in values.iter_mut().enumerate() {
            *v = ((k * 97) % 256) as f32;
        }
        let h = PdqHash::from_dct(&values);
        for (k, &v) in values.iter().enumerate() {
            assert_eq!(h.bit(k), v > 127.0, "bit {k}");
        }
        // A tie at the median: all equal values give the zero hash.
        assert_eq!(PdqHash::from_dct(&[3.5; 256]), PdqHash::ZERO);
    }
}
