//! Prints what the deskew and screenshot detectors find in each file named
//! on the command line, one JSON object a line (the evaluation's accuracy
//! measurement reads it): `{"path", "skew": [tan, width, height] | null,
//! "picture": [left, top, right, bottom] | null}`.

use prescreen::{decode, find_picture, find_skew, Limits};

fn main() {
    for path in std::env::args().skip(1) {
        let found = std::fs::read(&path).ok().and_then(|bytes| decode(&bytes, &Limits::default()).ok()).map(|d| {
            let view = d.pixels.view();
            (find_skew(view), find_picture(view))
        });
        let (skew, picture) = found.unwrap_or((None, None));
        let skew = skew.map_or("null".to_string(), |s| format!("[{}, {}, {}]", s.tan, s.width, s.height));
        let picture = picture.map_or("null".to_string(), |r| {
            format!("[{}, {}, {}, {}]", r.left, r.top, r.left + r.width, r.top + r.height)
        });
        println!("{{\"path\": {path:?}, \"skew\": {skew}, \"picture\": {picture}}}");
    }
}
