//! A minimal reader for the binary PGM (P5) and PPM (P6) files among the
//! test images, maxval 255, one whitespace character after the header and
//! no comments (what Pillow writes). The wasm32 build of prescreen does not
//! decode PNM, so tests that hash those images on wasm32 read them here.

use prescreen::{Layout, Pixels};

/// The pixels of a binary PGM or PPM file, or a description of what is wrong.
pub fn read(bytes: &[u8]) -> Result<Pixels, String> {
    let layout = match bytes.get(..2) {
        Some(b"P5") => Layout::Grey8,
        Some(b"P6") => Layout::Rgb8,
        _ => return Err("not a binary PGM or PPM".into()),
    };
    // Magic, width, height, maxval: four whitespace-separated fields.
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        let start = at;
        while bytes.get(at).is_some_and(|b| !b.is_ascii_whitespace()) {
            at += 1;
        }
        if start == at {
            return Err("the header ends early".into());
        }
        fields.push(std::str::from_utf8(&bytes[start..at]).map_err(|e| e.to_string())?);
    }
    let number = |text: &str| text.parse::<u32>().map_err(|e| format!("{text:?}: {e}"));
    let (width, height, maxval) = (number(fields[1])?, number(fields[2])?, number(fields[3])?);
    if maxval != 255 {
        return Err(format!("maxval {maxval}, only 255 is read here"));
    }
    Pixels::new(width, height, layout, bytes[at + 1..].to_vec()).map_err(|e| e.to_string())
}
