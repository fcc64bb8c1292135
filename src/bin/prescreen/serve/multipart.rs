//! A small `multipart/form-data` parser over a body already read into memory
//! (the caller caps the body size), with a cap on the number of parts and on
//! header size. It never panics on malformed input.

use std::fmt;

/// The most parts one request may carry.
pub const MAX_PARTS: usize = 256;
/// The most bytes of headers one part may carry.
const MAX_HEADER_BYTES: usize = 8 << 10;

/// One part of a multipart body.
#[derive(Debug, PartialEq, Eq)]
pub struct Part<'a> {
    /// The form field name.
    pub name: String,
    /// The file name the client sent, if the part is a file.
    pub filename: Option<String>,
    /// The part's bytes, exactly as sent.
    pub data: &'a [u8],
}

/// Why a body is not acceptable multipart.
#[derive(Debug, PartialEq, Eq)]
pub struct MultipartError(pub String);

impl fmt::Display for MultipartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed multipart body: {}", self.0)
    }
}

fn bad(why: impl Into<String>) -> MultipartError {
    MultipartError(why.into())
}

/// The boundary from a `Content-Type: multipart/form-data; boundary=...` value.
pub fn boundary(content_type: &str) -> Result<String, MultipartError> {
    let mut params = content_type.split(';');
    let mime = params.next().unwrap_or("").trim();
    if !mime.eq_ignore_ascii_case("multipart/form-data") {
        return Err(bad(format!("content type is {mime:?}, not multipart/form-data")));
    }
    for param in params {
        if let Some((key, value)) = param.split_once('=') {
            if key.trim().eq_ignore_ascii_case("boundary") {
                let value = value.trim().trim_matches('"');
                // RFC 2046: 1 to 70 characters.
                if value.is_empty() || value.len() > 70 {
                    return Err(bad("boundary must be 1 to 70 characters"));
                }
                return Ok(value.to_string());
            }
        }
    }
    Err(bad("no boundary parameter"))
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    let hay = haystack.get(from..)?;
    let first = *needle.first()?;
    let mut start = 0;
    while let Some(offset) = hay.get(start..)?.iter().position(|&b| b == first) {
        let at = start + offset;
        if hay.get(at..at + needle.len()) == Some(needle) {
            return Some(from + at);
        }
        start = at + 1;
    }
    None
}

/// Splits `body` into parts delimited by `boundary`.
pub fn parse<'a>(body: &'a [u8], boundary: &str) -> Result<Vec<Part<'a>>, MultipartError> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut close = b"\r\n".to_vec();
    close.extend_from_slice(&delimiter);

    let mut pos = find(body, &delimiter, 0).ok_or_else(|| bad("no opening boundary"))? + delimiter.len();
    let mut parts = Vec::new();
    loop {
        match body.get(pos..pos + 2) {
            Some(b"--") => return Ok(parts),
            Some(b"\r\n") => pos += 2,
            _ => return Err(bad("boundary not followed by CRLF or --")),
        }
        if parts.len() == MAX_PARTS {
            return Err(bad(format!("more than {MAX_PARTS} parts")));
        }
        let header_end = find(body, b"\r\n\r\n", pos).ok_or_else(|| bad("part headers never end"))?;
        if header_end - pos > MAX_HEADER_BYTES {
            return Err(bad("part headers too long"));
        }
        let headers = std::str::from_utf8(&body[pos..header_end]).map_err(|_| bad("part headers are not UTF-8"))?;
        let (name, filename) = disposition(headers)?;
        let data_start = header_end + 4;
        let data_end = find(body, &close, data_start).ok_or_else(|| bad("part never ends"))?;
        parts.push(Part { name, filename, data: &body[data_start..data_end] });
        pos = data_end + close.len();
    }
}

/// The `name` and `filename` of a part's `Content-Disposition: form-data` header.
fn disposition(headers: &str) -> Result<(String, Option<String>), MultipartError> {
    for line in headers.split("\r\n") {
        let Some((field, value)) = line.split_once(':') else { continue };
        if !field.trim().eq_ignore_ascii_case("content-disposition") {
            continue;
        }
        let mut name = None;
        let mut filename = None;
        for param in value.split(';').skip(1) {
            let Some((key, val)) = param.split_once('=') else { continue };
            let val = val.trim();
            let val = val.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(val).to_string();
            match key.trim().to_ascii_lowercase().as_str() {
                "name" => name = Some(val),
                "filename" => filename = Some(val),
                _ => {}
            }
        }
        let name = name.ok_or_else(|| bad("Content-Disposition without a name"))?;
        return Ok((name, filename));
    }
    Err(bad("part without Content-Disposition"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: &[u8] = b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a b.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n\x00\xff\r\n--X\r\n--XyZ\r\ncontent-disposition: form-data; name=note\r\n\r\nhi\r\n--XyZ--\r\n";

    #[test]
    fn splits_parts_with_binary_data() {
        let parts = parse(BODY, "XyZ").unwrap();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0].name, "file");
        assert_eq!(parts[0].filename.as_deref(), Some("a b.jpg"));
        assert_eq!(parts[0].data, b"\x00\xff\r\n--X");
        assert_eq!(parts[1], Part { name: "note".into(), filename: None, data: b"hi" });
    }

    #[test]
    fn reads_the_boundary() {
        assert_eq!(boundary("multipart/form-data; boundary=\"abc\"").unwrap(), "abc");
        assert_eq!(boundary("Multipart/Form-Data;boundary=----x").unwrap(), "----x");
        assert!(boundary("application/json").is_err());
        assert!(boundary("multipart/form-data").is_err());
    }

    #[test]
    fn truncated_bodies_are_errors_not_panics() {
        for end in 0..BODY.len() - 4 {
            assert!(parse(&BODY[..end], "XyZ").is_err(), "prefix of {end} bytes accepted");
        }
    }
}
