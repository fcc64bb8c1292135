//! Caps on untrusted input, and the checks that apply them before any large allocation.

use crate::error::{Error, Result};

/// Caps on untrusted input, checked before anything large is allocated.
///
/// The [`Default`] is safe for files from anyone and still admits every
/// ordinary photo: a 40 MP or 108 MP phone photo, a 100 MP medium-format
/// frame, a 30000-pixel-wide panorama.
///
/// | field | default |
/// |---|---|
/// | `max_input_bytes` | 256 MiB |
/// | `max_width`, `max_height` | 32768 pixels |
/// | `max_pixels` | 2^27 = 134,217,728 (128 Mi pixels) |
/// | `max_alloc` | 1 GiB |
/// | `max_scans` | 100 |
/// | `max_ancillary` | 16 MiB |
///
/// Outside this crate, start from [`Limits::default`] or
/// [`Limits::no_limits`] and change what differs with the `with_*` methods;
/// new limits may be added without a breaking change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Largest input file accepted for decoding, in bytes.
    /// By default, 256 MiB.
    pub max_input_bytes: u64,
    /// Largest image width, in pixels. By default, 32768.
    pub max_width: u32,
    /// Largest image height, in pixels. By default, 32768.
    pub max_height: u32,
    /// Largest width x height. By default, 2^27 (134,217,728).
    pub max_pixels: u64,
    /// Largest total allocation the decoder may make, in bytes: the decoded
    /// pixel buffer (at the decoder's own sample layout, e.g. RGBA or 16-bit)
    /// plus the decoder's working memory, for decoders that account for it.
    /// By default, 1 GiB (enough for 2^27 RGBA pixels and working memory).
    pub max_alloc: u64,
    /// Most scans (SOS segments) a JPEG may have. Each scan of a progressive
    /// JPEG passes over the whole image again, so the count bounds the
    /// decoding work; encoders write 1 (sequential) to about 12. By default, 100.
    pub max_scans: u32,
    /// Largest memory a decoder may take for what it reads before the
    /// pixels: colour profiles, text and metadata chunks, which a PNG keeps
    /// compressed (a 0.5 MB file held a 512 MB ICC profile). No real
    /// profile or text comes near it. By default, 16 MiB.
    pub max_ancillary: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_input_bytes: 256 << 20,
            max_width: 32768,
            max_height: 32768,
            max_pixels: 1 << 27,
            max_alloc: 1 << 30,
            max_scans: 100,
            max_ancillary: 16 << 20,
        }
    }
}

impl Limits {
    /// No limits at all: only for trusted input (e.g. test fixtures).
    pub fn no_limits() -> Self {
        Limits {
            max_input_bytes: u64::MAX,
            max_width: u32::MAX,
            max_height: u32::MAX,
            max_pixels: u64::MAX,
            max_alloc: u64::MAX,
            max_scans: u32::MAX,
            max_ancillary: u64::MAX,
        }
    }

    /// These limits with `max_input_bytes` set to `bytes`.
    #[must_use]
    pub fn with_max_input_bytes(self, bytes: u64) -> Self {
        Limits { max_input_bytes: bytes, ..self }
    }

    /// These limits with `max_width` set to `pixels`.
    #[must_use]
    pub fn with_max_width(self, pixels: u32) -> Self {
        Limits { max_width: pixels, ..self }
    }

    /// These limits with `max_height` set to `pixels`.
    #[must_use]
    pub fn with_max_height(self, pixels: u32) -> Self {
        Limits { max_height: pixels, ..self }
    }

    /// These limits with `max_pixels` set to `pixels`.
    #[must_use]
    pub fn with_max_pixels(self, pixels: u64) -> Self {
        Limits { max_pixels: pixels, ..self }
    }

    /// These limits with `max_alloc` set to `bytes`.
    #[must_use]
    pub fn with_max_alloc(self, bytes: u64) -> Self {
        Limits { max_alloc: bytes, ..self }
    }

    /// These limits with `max_scans` set to `scans`.
    #[must_use]
    pub fn with_max_scans(self, scans: u32) -> Self {
        Limits { max_scans: scans, ..self }
    }

    /// These limits with `max_ancillary` set to `bytes`.
    #[must_use]
    pub fn with_max_ancillary(self, bytes: u64) -> Self {
        Limits { max_ancillary: bytes, ..self }
    }

    /// Fails with [`Error::TooLarge`] when the input is more than `max_input_bytes` long.
    pub(crate) fn check_input(&self, len: usize) -> Result<()> {
        exceeds("input bytes", len as u64, self.max_input_bytes)
    }

    /// Fails with [`Error::TooLarge`] when a JPEG has more than `max_scans` scans.
    pub(crate) fn check_scans(&self, scans: u32) -> Result<()> {
        exceeds("scans", u64::from(scans), u64::from(self.max_scans))
    }

    /// Checks the size a header declares: width, height, pixel count, and
    /// the `buffer_bytes` the decoder's output buffer would take.
    pub(crate) fn check_image(&self, width: u32, height: u32, buffer_bytes: u64) -> Result<()> {
        exceeds("width", u64::from(width), u64::from(self.max_width))?;
        exceeds("height", u64::from(height), u64::from(self.max_height))?;
        let pixels = u64::from(width).saturating_mul(u64::from(height));
        exceeds("pixels", pixels, self.max_pixels)?;
        exceeds("decoded bytes", buffer_bytes, self.max_alloc)
    }

    /// The limits a decoder opens a file with: it reads the ancillary data
    /// (ICC profile, text, metadata) then, within `max_ancillary`.
    pub(crate) fn for_opening(&self) -> image::Limits {
        let mut limits = image::Limits::no_limits();
        limits.max_alloc = Some(self.max_ancillary.min(self.max_alloc));
        limits
    }

    /// The limits handed to the `image` crate's decoder, whose working
    /// memory may use what the output buffer leaves of `max_alloc`. The
    /// dimensions are left to [`Limits::check_image`], which names the value.
    pub(crate) fn for_decoder(&self, buffer_bytes: u64) -> image::Limits {
        let mut limits = image::Limits::no_limits();
        limits.max_alloc = Some(self.max_alloc.saturating_sub(buffer_bytes));
        limits
    }
}

fn exceeds(what: &'static str, value: u64, limit: u64) -> Result<()> {
    if value > limit {
        Err(Error::TooLarge { what, value, limit })
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn default_admits_big_phone_photos() {
        let limits = Limits::default();
        // 40 MP (7296x5472) and 108 MP (12000x9000) as RGB; 48 MP as RGBA.
        assert!(limits.check_image(7296, 5472, 7296 * 5472 * 3).is_ok());
        assert!(limits.check_image(12000, 9000, 12000 * 9000 * 3).is_ok());
        assert!(limits.check_image(8000, 6000, 8000 * 6000 * 4).is_ok());
        assert!(limits.check_image(30000, 4000, 30000 * 4000 * 3).is_ok());
    }

    #[test]
    fn each_limit_bites() {
        let limits = Limits::default();
        let code = |r: Result<()>| r.unwrap_err();
        assert!(matches!(code(limits.check_image(40000, 10, 1)), Error::TooLarge { what: "width", .. }));
        assert!(matches!(code(limits.check_image(10, 40000, 1)), Error::TooLarge { what: "height", .. }));
        assert!(matches!(code(limits.check_image(20000, 20000, 1)), Error::TooLarge { what: "pixels", .. }));
        assert!(matches!(
            code(limits.check_image(10, 10, (1 << 30) + 1)),
            Error::TooLarge { what: "decoded bytes", .. }
        ));
        assert!(matches!(code(limits.check_input((256 << 20) + 1)), Error::TooLarge { what: "input bytes", .. }));
        assert!(limits.check_input(256 << 20).is_ok());
    }

    #[test]
    fn no_limits_admits_the_largest_header() {
        let limits = Limits::no_limits();
        assert!(limits.check_image(u32::MAX, u32::MAX, u64::MAX).is_ok());
        assert!(limits.check_input(usize::MAX).is_ok());
    }
}
