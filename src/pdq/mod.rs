//! Meta's PDQ perceptual hash, bit-exact with the C++ reference.

use crate::pixels::PixelView;

/// A 256-bit PDQ hash, stored as the 32 bytes of its 64-digit hex form.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PdqHash(pub [u8; 32]);

/// The eight rotations and mirrors, in the reference's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dihedral {
    /// The image as it is.
    Original,
    /// Rotated 90 degrees counter-clockwise.
    Rotate90,
    /// Rotated 180 degrees.
    Rotate180,
    /// Rotated 270 degrees counter-clockwise.
    Rotate270,
    /// Mirrored top-bottom.
    FlipX,
    /// Mirrored left-right.
    FlipY,
    /// Transposed.
    FlipPlus1,
    /// Anti-transposed.
    FlipMinus1,
}

impl Dihedral {
    /// All eight, in the reference's order.
    pub const ALL: [Dihedral; 8] = [
        Dihedral::Original,
        Dihedral::Rotate90,
        Dihedral::Rotate180,
        Dihedral::Rotate270,
        Dihedral::FlipX,
        Dihedral::FlipY,
        Dihedral::FlipPlus1,
        Dihedral::FlipMinus1,
    ];
}

/// A PDQ hash with its quality (0..=100).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pdq {
    /// The hash.
    pub hash: PdqHash,
    /// The reference's quality metric; below 50 the hash is too weak to act on.
    pub quality: u8,
}

/// Hashes an image with the full reference pipeline.
pub fn hash(image: PixelView<'_>) -> Pdq {
    hash_dihedral(image).0 // TEMPORARY (branch `decode`), see below
}

/// The eight variants hashed from the actually turned pixels, in `Dihedral::ALL` order.
pub fn hash_turned(_image: PixelView<'_>) -> [Pdq; 8] {
    todo!("pdq helper")
}

// TEMPORARY (branch `decode`): placeholders with the PDQ helper's announced
// signatures so `prescreen hash` builds before branch `pdq` lands. They return
// an all-zero hash of quality 0. Dropped when `pdq` is merged.
impl PdqHash {
    /// The 64-digit lower-case hex form.
    pub fn to_hex(&self) -> String {
        crate::hex::encode(&self.0)
    }
}

/// The hash and the eight DCT-derived variants, in `Dihedral::ALL` order.
pub fn hash_dihedral(_image: PixelView<'_>) -> (Pdq, [PdqHash; 8]) {
    let zero = PdqHash([0; 32]);
    (Pdq { hash: zero, quality: 0 }, [zero; 8])
}
