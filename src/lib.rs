//! prescreen screens files against a compact filter of known hashes before
//! they are uploaded: exact digests (MD5, SHA-1, SHA-256) of the bytes and
//! Meta's PDQ perceptual hash of the pixels, tested against a binary fuse
//! filter file that never reveals the list itself. The same code runs natively (the
//! `prescreen` CLI and reference server) and in the browser (WebAssembly).
#![deny(missing_docs)]

mod decode;
mod digest;
mod error;
mod filter;
pub mod hex;
pub mod pdq;
mod pixels;
mod report;
mod screen;
mod variants;
#[cfg(target_arch = "wasm32")]
mod wasm;

/// Entry points for the fuzz targets in `fuzz/`; not part of the API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing {
    pub use crate::decode::decode_jpeg_scaled;
}

#[cfg(feature = "zune-jpeg")]
pub use decode::hide_caught_panics;
pub use decode::{decode, decode_for_pdq, sniff, Damage, DecodeMode, Decoded, Format, Limits};
pub use digest::{digest, Digester, Digests};
pub use error::{Error, Result};
pub use filter::{
    ball, public_key_of, DigestKind, Filter, FilterBuilder, FilterInfo, PdqParams, SectionInfo, SectionKind,
    SignatureStatus, MAX_RADIUS,
};
pub use pixels::{Layout, PixelView, Pixels, Rect};
pub use report::Json;
pub use screen::{PdqAction, PdqQuery, Policy, Reason, Screener, Screening, UnscreenableAction, Verdict};
pub use variants::{
    deskew, find_picture, find_skew, resample_small, trim_uniform_borders, ExtraVariants, Preparation, Skew,
};
