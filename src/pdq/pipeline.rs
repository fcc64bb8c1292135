//! The reference pipeline, stage by stage, with reusable buffers.

use super::blur::{self, BlurScratch};
use super::dct;
use super::dihedral::Dihedral;
use super::hash::PdqHash;
use super::luma;
use super::quality::quality;
use super::resize::Sampling;
use crate::pixels::PixelView;

/// A PDQ hash with its quality (0..=100).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pdq {
    /// The hash.
    pub hash: PdqHash,
    /// The reference's quality metric; below 50 the hash is too weak to act on.
    pub quality: u8,
}

impl Pdq {
    /// What the reference gives an image under 5 pixels on a side.
    const TOO_SMALL: Pdq = Pdq { hash: PdqHash::ZERO, quality: 0 };
}

/// Whether a 64x64 luma plane goes straight to the DCT (the reference's plain
/// hash) or is blurred like any other (its dihedral entry point).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Blur64 {
    Skip,
    Apply,
}

/// The buffers of one run, reused across the eight turned runs.
#[derive(Default)]
struct Workspace {
    luma: Vec<f32>,
    blur: BlurScratch,
}

impl Workspace {
    /// Steps 2-8 on `image` turned by `turn`: the 16x16 DCT and the quality,
    /// or `None` when the plane is under 5 pixels on a side.
    fn dct(&mut self, image: &PixelView<'_>, turn: Dihedral, blur64: Blur64) -> Option<([f32; 256], u8)> {
        if image.width() == 0 || image.height() == 0 {
            return None;
        }
        let map = Sampling::new(image, turn);
        if map.rows < 5 || map.cols < 5 {
            return None;
        }
        luma::fill(image, &map, &mut self.luma);
        let small = if map.rows == 64 && map.cols == 64 && blur64 == Blur64::Skip {
            std::array::from_fn(|k| self.luma[k])
        } else {
            blur::downsample(&mut self.luma, map.cols, &mut self.blur)
        };
        Some((dct::dct16(&small), quality(&small)))
    }
}

/// Hashes an image with the full reference pipeline (pdq.md steps 2-10):
/// the 512x512 nearest-neighbour pre-resize when either side exceeds 512,
/// f32 luma, the Jarosz blur, 64x64 decimation, quality, DCT, median bits.
/// Images under 5 pixels on a side (after the pre-resize) give the zero hash
/// with quality 0, as the reference does.
pub fn hash(image: PixelView<'_>) -> Pdq {
    match Workspace::default().dct(&image, Dihedral::Original, Blur64::Skip) {
        Some((dct, quality)) => Pdq { hash: PdqHash::from_dct(&dct), quality },
        None => Pdq::TOO_SMALL,
    }
}

/// The reference's dihedral hashes: one pipeline run, then the eight
/// variants derived from its DCT (in [`Dihedral::ALL`] order), each
/// thresholded at its own median. Equal to the reference's
/// `pdqDihedralHash256esFromFloatLuma` (pdqhash's `compute_dihedral`).
///
/// The returned [`Pdq`] is the original variant and its quality. It equals
/// [`hash`] except for a 64x64 image, which the reference's dihedral entry
/// point blurs while its plain one does not.
pub fn hash_dihedral(image: PixelView<'_>) -> (Pdq, [PdqHash; 8]) {
    match Workspace::default().dct(&image, Dihedral::Original, Blur64::Apply) {
        Some((dct, quality)) => {
            let variants = Dihedral::ALL.map(|d| PdqHash::from_dct(&d.derive_dct(&dct)));
            (Pdq { hash: variants[0], quality }, variants)
        }
        None => (Pdq::TOO_SMALL, [PdqHash::ZERO; 8]),
    }
}

/// The eight variants computed on the turned pixels: entry `v` (in
/// [`Dihedral::ALL`] order) equals [`hash`] of the image physically turned by
/// `v`. Unlike the DCT-derived variants, these are exact under the pre-resize
/// and decimation, so a turned copy of a listed image matches at distance 0.
/// Costs eight pipeline runs on planes of at most 512x512.
pub fn hash_turned(image: PixelView<'_>) -> [Pdq; 8] {
    let mut ws = Workspace::default();
    Dihedral::ALL.map(|turn| match ws.dct(&image, turn, Blur64::Skip) {
        Some((dct, quality)) => Pdq { hash: PdqHash::from_dct(&dct), quality },
        None => Pdq::TOO_SMALL,
    })
}
