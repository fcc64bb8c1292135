//! The sampling grid of PDQ's pre-resize, so that a preparation can render
//! its picture straight onto it instead of first building a full-size copy.

use crate::pdq::PRE_RESIZE;

/// For a `width` x `height` picture: the source column of each output column
/// and the source row of each output row that the reference hasher samples
/// (nearest neighbour, `floor(x * len / 512)` on a 512x512 grid) when either
/// side is over 512; every column and row when neither is. Hashing the
/// sampled picture gives exactly the hash of the whole one.
pub fn pdq_grid(width: usize, height: usize) -> (Vec<usize>, Vec<usize>) {
    let axis = |len: usize| -> Vec<usize> {
        if width > PRE_RESIZE || height > PRE_RESIZE {
            (0..PRE_RESIZE).map(|x| x * len / PRE_RESIZE).collect()
        } else {
            (0..len).collect()
        }
    };
    (axis(width), axis(height))
}
