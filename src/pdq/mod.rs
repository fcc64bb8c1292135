//! Meta's PDQ perceptual hash, bit-exact with the C++ reference
//! (facebook/ThreatExchange `pdq/cpp`).
//!
//! [`hash`] runs the reference pipeline; [`hash_dihedral`] adds the eight
//! rotation/mirror variants the reference derives from one DCT;
//! [`hash_turned`] computes the eight variants on actually turned pixels, for
//! matching uploads that were rotated or mirrored. Every step is plain f32
//! arithmetic in the reference's order (no fused multiply-add), so the
//! results are identical natively and on wasm32.

mod blur;
mod dct;
mod dihedral;
mod hash;
mod lanes;
mod luma;
mod pipeline;
mod quality;
mod resize;
// Each stage on its own, public only so that benches/ can time them one
// by one; not part of the API.
#[doc(hidden)]
pub mod stages;

pub use dihedral::Dihedral;
pub use hash::PdqHash;
pub use pipeline::{hash, hash_dihedral, hash_turned, Pdq};
pub use resize::PRE_RESIZE;
