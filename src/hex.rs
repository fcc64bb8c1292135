//! Lower-case hex encoding and strict decoding of fixed-length hashes.

use crate::error::{Error, Result};

/// Encodes `bytes` as lower-case hex.
pub fn encode(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(DIGITS[(b >> 4) as usize] as char);
        out.push(DIGITS[(b & 15) as usize] as char);
    }
    out
}

/// Decodes exactly `N` bytes from `text` (2N hex digits, either case, no prefix).
///
/// Fails with [`Error::InvalidHash`] on a wrong length or a non-hex character.
pub fn decode<const N: usize>(text: &str) -> Result<[u8; N]> {
    let digits = text.as_bytes();
    if digits.len() != 2 * N {
        return Err(Error::InvalidHash(format!("expected {} hex digits, got {}", 2 * N, digits.len())));
    }
    let mut out = [0u8; N];
    for (i, pair) in digits.chunks_exact(2).enumerate() {
        out[i] = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Ok(out)
}

fn nibble(c: u8) -> Result<u8> {
    match c {
        b'0'..=b'9' => Ok(c - b'0'),
        b'a'..=b'f' => Ok(c - b'a' + 10),
        b'A'..=b'F' => Ok(c - b'A' + 10),
        _ => Err(Error::InvalidHash(format!("{:?} is not a hex digit", c as char))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn round_trip() {
        let bytes = [0x00, 0x7f, 0x80, 0xff, 0x12];
        assert_eq!(encode(&bytes), "007f80ff12");
        assert_eq!(decode::<5>("007F80ff12").unwrap(), bytes);
    }

    #[test]
    fn rejects_bad_text() {
        assert_eq!(decode::<2>("abc").unwrap_err().code(), "invalid-hash");
        assert_eq!(decode::<2>("abcg").unwrap_err().code(), "invalid-hash");
        assert_eq!(decode::<2>("+bcd").unwrap_err().code(), "invalid-hash");
    }
}
