//! The pipeline's stages one at a time, for benchmarks and cross-platform
//! checks. [`super::hash`] is these stages run in order.

use super::blur::{self, BlurScratch};
use super::dct;
use super::dihedral::Dihedral;
use super::hash::PdqHash;
use super::luma;
use super::pipeline::Pdq;
use super::quality::quality;
use super::resize::Sampling;
use crate::pixels::PixelView;

/// A row-major f32 luma plane.
#[derive(Debug, Clone, PartialEq)]
pub struct LumaPlane {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// `rows * cols` luma values.
    pub data: Vec<f32>,
}

/// Steps 2 and 3, fused: the pre-resize (when either side exceeds 512) and
/// the f32 luma of the sampled pixels. An empty image gives an empty plane.
pub fn luma_plane(image: PixelView<'_>) -> LumaPlane {
    let mut data = Vec::new();
    if image.width() == 0 || image.height() == 0 {
        return LumaPlane { rows: 0, cols: 0, data };
    }
    let map = Sampling::new(&image, Dihedral::Original);
    luma::fill(&image, &map, &mut data);
    LumaPlane { rows: map.rows, cols: map.cols, data }
}

/// Steps 5 and 6: blur and decimate to 64x64 (`plane` serves as a buffer and
/// holds the blur's first pass afterwards); a 64x64 plane is returned as is,
/// as in the reference's plain hash. `None` under 5 pixels on a side.
pub fn downsample(plane: &mut LumaPlane) -> Option<[f32; 4096]> {
    if plane.rows < 5 || plane.cols < 5 {
        return None;
    }
    if plane.rows == 64 && plane.cols == 64 {
        return Some(std::array::from_fn(|k| plane.data[k]));
    }
    Some(blur::downsample(&mut plane.data, plane.cols, &mut BlurScratch::default()))
}

/// Steps 7-9: quality, the 16x16 DCT and the median threshold.
pub fn dct_and_bits(buffer: &[f32; 4096]) -> Pdq {
    Pdq { hash: PdqHash::from_dct(&dct::dct16(buffer)), quality: quality(buffer) }
}

/// The 16x64 DCT matrix (row-major) every hash uses; exposed so that tests
/// can check it is bit-identical on every platform.
pub fn dct_matrix() -> &'static [f32; 1024] {
    dct::matrix()
}
