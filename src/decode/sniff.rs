//! Format sniffing from magic bytes (never from a file name).

use super::Format;

/// The magic prefix of each format, checked in this order.
const MAGIC: &[(Format, &[u8])] = &[
    (Format::Jpeg, b"\xFF\xD8\xFF"),
    (Format::Png, b"\x89PNG\r\n\x1A\n"),
    (Format::Gif, b"GIF87a"),
    (Format::Gif, b"GIF89a"),
    (Format::Bmp, b"BM"),
];

/// What the first bytes say about the format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Sniffed {
    /// The bytes start with this format's magic.
    Known(Format),
    /// The bytes are a proper prefix of some format's magic: cut off too early to tell.
    CutShort,
    /// No format we decode starts like this.
    Unknown,
}

/// Sniffs `bytes`, telling a too-short prefix of a magic apart from foreign bytes.
pub(crate) fn sniff_bytes(bytes: &[u8]) -> Sniffed {
    for &(format, magic) in MAGIC {
        if bytes.starts_with(magic) {
            return Sniffed::Known(format);
        }
    }
    if is_webp(bytes) {
        return Sniffed::Known(Format::WebP);
    }
    if is_pnm(bytes) {
        return Sniffed::Known(Format::Pnm);
    }
    let short_prefix_of = |magic: &[u8]| bytes.len() < magic.len() && magic.starts_with(bytes);
    let cut_short = MAGIC.iter().any(|&(_, magic)| short_prefix_of(magic))
        || (bytes.len() < 12 && webp_prefix_matches(bytes))
        || matches!(bytes, [b'P'] | [b'P', b'1'..=b'7']);
    if cut_short && !bytes.is_empty() {
        Sniffed::CutShort
    } else {
        Sniffed::Unknown
    }
}

/// `RIFF` + 4-byte size + `WEBP`.
fn is_webp(bytes: &[u8]) -> bool {
    bytes.len() >= 12 && &bytes[0..4] == b"RIFF" && &bytes[8..12] == b"WEBP"
}

/// Whether the (short) bytes agree with the WebP magic where it is fixed.
fn webp_prefix_matches(bytes: &[u8]) -> bool {
    bytes.iter().enumerate().all(|(i, &b)| match i {
        0..=3 => b == b"RIFF"[i],
        4..=7 => true,
        _ => b == b"WEBP"[i - 8],
    })
}

/// `P1`..`P7` followed by whitespace (PBM, PGM, PPM in ASCII or binary, and PAM).
fn is_pnm(bytes: &[u8]) -> bool {
    matches!(bytes, [b'P', b'1'..=b'7', ws, ..] if ws.is_ascii_whitespace())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn knows_each_magic() {
        assert_eq!(sniff_bytes(b"\xFF\xD8\xFF\xE0rest"), Sniffed::Known(Format::Jpeg));
        assert_eq!(sniff_bytes(b"\x89PNG\r\n\x1A\n...."), Sniffed::Known(Format::Png));
        assert_eq!(sniff_bytes(b"GIF87a.."), Sniffed::Known(Format::Gif));
        assert_eq!(sniff_bytes(b"GIF89a.."), Sniffed::Known(Format::Gif));
        assert_eq!(sniff_bytes(b"RIFF\x10\0\0\0WEBPVP8 "), Sniffed::Known(Format::WebP));
        assert_eq!(sniff_bytes(b"BM\x36\0\0\0"), Sniffed::Known(Format::Bmp));
        assert_eq!(sniff_bytes(b"P6\n2 2\n255\n"), Sniffed::Known(Format::Pnm));
        assert_eq!(sniff_bytes(b"P5 2 2 255 "), Sniffed::Known(Format::Pnm));
    }

    #[test]
    fn tells_cut_short_from_foreign() {
        assert_eq!(sniff_bytes(b"\x89PN"), Sniffed::CutShort);
        assert_eq!(sniff_bytes(b"\xFF\xD8"), Sniffed::CutShort);
        assert_eq!(sniff_bytes(b"RIFF\x10\0\0\0WE"), Sniffed::CutShort);
        assert_eq!(sniff_bytes(b"RIFF\x10\0\0\0WAVEfmt "), Sniffed::Unknown);
        assert_eq!(sniff_bytes(b"P6"), Sniffed::CutShort);
        assert_eq!(sniff_bytes(b"P6x"), Sniffed::Unknown);
        assert_eq!(sniff_bytes(b"P9\n"), Sniffed::Unknown);
        assert_eq!(sniff_bytes(b"hello, world"), Sniffed::Unknown);
        assert_eq!(sniff_bytes(b""), Sniffed::Unknown);
    }
}
