//! Untrusted request bodies through the server's multipart parser, with a
//! boundary taken from the input's first line. Nothing may panic or hang,
//! and every part it returns lies inside the body.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../src/bin/prescreen/serve/multipart.rs"]
#[allow(dead_code)]
mod multipart;

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let Ok(header) = std::str::from_utf8(&data[..split]) else { return };
    let body = data.get(split + 1..).unwrap_or_default();
    let Ok(boundary) = multipart::boundary(header) else { return };
    let Ok(parts) = multipart::parse(body, &boundary) else { return };
    assert!(parts.len() <= multipart::MAX_PARTS);
    let range = body.as_ptr_range();
    for part in &parts {
        let inside =
            part.data.is_empty() || (range.contains(&part.data.as_ptr()) && part.data.as_ptr_range().end <= range.end);
        assert!(inside, "a part's data lies outside the body");
    }
});
