//! The JavaScript boundary: the one module that knows wasm-bindgen.
//!
//! It wraps [`Screener`] and [`Digester`] for the browser package in `www/`.
//! Results cross as plain JS objects; every error becomes a JS `Error` whose
//! `code` property is [`Error::code`], the same code the CLI's JSON carries.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::decode::Limits;
use crate::digest::{Digester, Digests};
use crate::error::Error;
use crate::filter::{DigestKind, Filter};
use crate::hex;
use crate::pdq::Dihedral;
use crate::pixels::{Layout, PixelView};
use crate::screen::{PdqAction, Policy, Reason, Screener, Screening};

/// The largest file decoded in the browser: bigger files are screened by their
/// digests only, so a tab never holds a huge file whole in wasm memory.
const MAX_DECODE_BYTES: u64 = 64 << 20;

/// A loaded, verified filter with a policy, ready to screen files.
#[wasm_bindgen(js_name = Screener)]
pub struct JsScreener {
    inner: Screener<Vec<u8>>,
    limits: Limits,
}

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = console, js_name = error)]
    fn console_error(message: &str);
}

/// Reports panics (bugs: a trap follows) on the console with their location,
/// before the instance traps and the worker is replaced.
fn report_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| std::panic::set_hook(Box::new(|info| console_error(&format!("prescreen: {info}")))));
}

#[wasm_bindgen(js_class = Screener)]
impl JsScreener {
    /// Parses and verifies `filter`; with `public_key` (32 bytes), the filter
    /// must carry a valid signature by that key. `pdq_action` is `"flag"`
    /// (the default) or `"block"`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        filter: Vec<u8>,
        public_key: Option<Vec<u8>>,
        pdq_action: Option<String>,
    ) -> Result<JsScreener, JsValue> {
        report_panics();
        let key = match public_key {
            None => None,
            Some(bytes) => Some(<[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
                to_js(&Error::InvalidArgument(format!(
                    "a public key is 32 bytes, got {}",
                    bytes.len()
                )))
            })?),
        };
        let pdq_action = match pdq_action.as_deref() {
            None | Some("flag") => PdqAction::Flag,
            Some("block") => PdqAction::Block,
            Some(other) => {
                return Err(to_js(&Error::InvalidArgument(format!(
                    "pdq action {other:?} is neither \"flag\" nor \"block\""
                ))))
            }
        };
        let filter = Filter::from_bytes(filter, key.as_ref()).map_err(|e| to_js(&e))?;
        if filter.is_expired((js_sys::Date::now() / 1000.0) as u64) {
            return Err(to_js(&Error::FilterExpired));
        }
        let defaults = Limits::default();
        let limits = Limits { max_input_bytes: defaults.max_input_bytes.min(MAX_DECODE_BYTES), ..defaults };
        let policy = Policy { pdq_action, ..Policy::default() };
        Ok(JsScreener { inner: Screener::new(filter, policy, limits), limits })
    }

    /// Whether the filter has a PDQ section, so images need decoding at all.
    #[wasm_bindgen(js_name = wantsPixels)]
    pub fn wants_pixels(&self) -> bool {
        self.inner.wants_pixels()
    }

    /// The largest file, in bytes, that is decoded for the perceptual check.
    /// Larger files are screened by their digests only.
    #[wasm_bindgen(js_name = maxDecodeBytes)]
    pub fn max_decode_bytes(&self) -> f64 {
        self.limits.max_input_bytes as f64
    }

    /// Screens a whole file held in memory.
    #[wasm_bindgen(js_name = screenBytes)]
    pub fn screen_bytes(&self, bytes: &[u8]) -> Object {
        screening_object(&self.inner.screen_bytes(bytes))
    }

    /// Screens raw RGBA pixels (as an `ImageData` holds them); no digests.
    #[wasm_bindgen(js_name = screenPixels)]
    pub fn screen_pixels(&self, width: u32, height: u32, rgba: &[u8]) -> Result<Object, JsValue> {
        let view = PixelView::new(width, height, Layout::Rgba8, rgba).map_err(|e| to_js(&e))?;
        Ok(screening_object(&self.inner.screen_pixels(view)))
    }

    /// Screens a file from parts: digests streamed with a [`JsDigester`], and
    /// the file's bytes to decode (`undefined` when the file is too large to
    /// decode or the filter has no PDQ section).
    #[wasm_bindgen(js_name = screenParts)]
    pub fn screen_parts(&self, digests: &JsDigests, bytes: Option<Vec<u8>>) -> Object {
        let decoded = match bytes {
            Some(bytes) if self.inner.wants_pixels() => Some(crate::decode::decode(&bytes, &self.limits)),
            _ => None,
        };
        let image = decoded.as_ref().map(|r| r.as_ref().map(|d| d.pixels.view()));
        screening_object(&self.inner.screen_parts(Some(&digests.inner), image))
    }
}

/// Computes MD5, SHA-1 and SHA-256 over a file fed in chunks.
#[wasm_bindgen(js_name = Digester)]
pub struct JsDigester {
    inner: Option<Digester>,
}

#[wasm_bindgen(js_class = Digester)]
impl JsDigester {
    /// A digester that has seen no bytes.
    #[wasm_bindgen(constructor)]
    pub fn new() -> JsDigester {
        JsDigester { inner: Some(Digester::new()) }
    }

    /// Feeds the next chunk of the file.
    pub fn update(&mut self, chunk: &[u8]) -> Result<(), JsValue> {
        self.live()?.update(chunk);
        Ok(())
    }

    /// Finishes; the digester cannot be fed afterwards.
    pub fn finish(&mut self) -> Result<JsDigests, JsValue> {
        self.live()?;
        let digester = self.inner.take().ok_or_else(finished)?;
        Ok(JsDigests { inner: digester.finish() })
    }

    fn live(&mut self) -> Result<&mut Digester, JsValue> {
        self.inner.as_mut().ok_or_else(finished)
    }
}

impl Default for JsDigester {
    fn default() -> Self {
        JsDigester::new()
    }
}

fn finished() -> JsValue {
    to_js(&Error::InvalidArgument("the digester has already finished".into()))
}

/// The digests of one file, as a finished [`JsDigester`] returns them.
#[wasm_bindgen(js_name = Digests)]
pub struct JsDigests {
    inner: Digests,
}

#[wasm_bindgen(js_class = Digests)]
impl JsDigests {
    /// The digests as `{ md5, sha1, sha256 }` in lower-case hex.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> Object {
        digests_object(&self.inner)
    }
}

/// Converts a core error into a JS `Error` with `name` `PrescreenError` and a stable `code`.
fn to_js(err: &Error) -> JsValue {
    let js = js_sys::Error::new(&err.to_string());
    js.set_name("PrescreenError");
    set(&js, "code", err.code());
    js.into()
}

fn set(target: &Object, key: &str, value: impl Into<JsValue>) {
    // Reflect.set on a plain, extensible object cannot fail.
    let _ = Reflect::set(target, &JsValue::from_str(key), &value.into());
}

fn digests_object(d: &Digests) -> Object {
    let o = Object::new();
    set(&o, "md5", hex::encode(&d.md5));
    set(&o, "sha1", hex::encode(&d.sha1));
    set(&o, "sha256", hex::encode(&d.sha256));
    o
}

/// `{ verdict, reasons: [...], hashes: { md5?, sha1?, sha256?, pdq?, quality? }, width?, height? }`
fn screening_object(s: &Screening) -> Object {
    let o = Object::new();
    set(&o, "verdict", s.verdict.name());
    let reasons = Array::new();
    for reason in &s.reasons {
        reasons.push(&reason_object(reason));
    }
    set(&o, "reasons", reasons);
    let hashes = match &s.digests {
        Some(d) => digests_object(d),
        None => Object::new(),
    };
    if let Some(pdq) = &s.pdq {
        set(&hashes, "pdq", hex::encode(&pdq.hash.0));
        set(&hashes, "quality", pdq.quality);
    }
    set(&o, "hashes", hashes);
    if let Some((w, h)) = s.size {
        set(&o, "width", w);
        set(&o, "height", h);
    }
    o
}

/// `{ kind: "digest", digest }`, `{ kind: "pdq", variant }`,
/// `{ kind: "low-quality", quality }` or `{ kind: "not-decoded", code, message }`.
fn reason_object(reason: &Reason) -> Object {
    let o = Object::new();
    match reason {
        Reason::Digest(kind) => {
            set(&o, "kind", "digest");
            set(&o, "digest", digest_name(*kind));
        }
        Reason::Pdq(variant) => {
            set(&o, "kind", "pdq");
            set(&o, "variant", dihedral_name(*variant));
        }
        Reason::LowQuality(quality) => {
            set(&o, "kind", "low-quality");
            set(&o, "quality", *quality);
        }
        Reason::NotDecoded(err) => {
            set(&o, "kind", "not-decoded");
            set(&o, "code", err.code());
            set(&o, "message", err.to_string());
        }
    }
    o
}

fn digest_name(kind: DigestKind) -> &'static str {
    match kind {
        DigestKind::Md5 => "md5",
        DigestKind::Sha1 => "sha1",
        DigestKind::Sha256 => "sha256",
    }
}

fn dihedral_name(d: Dihedral) -> &'static str {
    match d {
        Dihedral::Original => "original",
        Dihedral::Rotate90 => "rotate90",
        Dihedral::Rotate180 => "rotate180",
        Dihedral::Rotate270 => "rotate270",
        Dihedral::FlipX => "flip-x",
        Dihedral::FlipY => "flip-y",
        Dihedral::FlipPlus1 => "flip-plus1",
        Dihedral::FlipMinus1 => "flip-minus1",
    }
}

#[cfg(test)]
mod tests;
