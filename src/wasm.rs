//! The JavaScript boundary: the one module that knows wasm-bindgen.
//!
//! It wraps [`Screener`] and [`Digester`] for the browser package in `www/`.
//! Results cross as plain JS objects; every error becomes a JS `Error` whose
//! `code` property is [`Error::code`], the same code the CLI's JSON carries.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::decode::{DecodeMode, Decoded, Limits};
use crate::digest::{Digester, Digests};
use crate::error::Error;
use crate::filter::{DigestKind, Filter};
use crate::hex;
use crate::pixels::{Layout, PixelView};
use crate::report::Json;
use crate::screen::{PdqAction, Policy, Screener, UnscreenableAction};
use crate::variants::ExtraVariants;

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
    /// (the default) or `"block"`; `decode` is `"exact"` (the default, as
    /// natively) or `"fast"` (large baseline JPEGs at 1/4 or 1/8 scale);
    /// `unscreenable` is `"allow"`, `"flag"` (the default) or `"block"`;
    /// `extra_variants` lists the extra PDQ queries as `prescreen check
    /// --extra-variants` does (`"trim,resample,band"`, `"none"`; by default
    /// `check`'s default).
    #[wasm_bindgen(constructor)]
    pub fn new(
        filter: Vec<u8>,
        public_key: Option<Vec<u8>>,
        pdq_action: Option<String>,
        decode: Option<String>,
        unscreenable: Option<String>,
        extra_variants: Option<String>,
    ) -> Result<JsScreener, JsValue> {
        report_panics();
        let key = match public_key {
            None => None,
            Some(bytes) => Some(<[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
                to_js(&Error::InvalidArgument(format!("a public key is 32 bytes, got {}", bytes.len())))
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
        let decode = match decode.as_deref() {
            None | Some("exact") => DecodeMode::Exact,
            Some("fast") => DecodeMode::Fast,
            Some(other) => {
                return Err(to_js(&Error::InvalidArgument(format!(
                    "decode mode {other:?} is neither \"exact\" nor \"fast\""
                ))))
            }
        };
        let unscreenable = match unscreenable.as_deref() {
            None | Some("flag") => UnscreenableAction::Flag,
            Some("allow") => UnscreenableAction::Allow,
            Some("block") => UnscreenableAction::Block,
            Some(other) => {
                return Err(to_js(&Error::InvalidArgument(format!(
                    "unscreenable action {other:?} is none of \"allow\", \"flag\", \"block\""
                ))))
            }
        };
        let extra_variants = match extra_variants.as_deref() {
            None => ExtraVariants::default(),
            Some(list) => ExtraVariants::from_names(list).map_err(|e| to_js(&e))?,
        };
        let filter = Filter::from_bytes(filter, key.as_ref()).map_err(|e| to_js(&e))?;
        if filter.is_expired((js_sys::Date::now() / 1000.0) as u64) {
            return Err(to_js(&Error::FilterExpired));
        }
        let defaults = Limits::default();
        let limits = defaults.with_max_input_bytes(defaults.max_input_bytes.min(MAX_DECODE_BYTES));
        let policy = Policy::default()
            .with_pdq_action(pdq_action)
            .with_decode(decode)
            .with_unscreenable(unscreenable)
            .with_extra_variants(extra_variants);
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

    /// The digest kinds the filter has sections for (`"md5"`, `"sha1"`,
    /// `"sha256"`): the only ones screening computes.
    #[wasm_bindgen(js_name = digestKinds)]
    pub fn digest_kinds(&self) -> Array {
        self.inner.digest_kinds().into_iter().map(|k| JsValue::from_str(k.name())).collect()
    }

    /// Screens a whole file held in memory.
    #[wasm_bindgen(js_name = screenBytes)]
    pub fn screen_bytes(&self, bytes: &[u8]) -> JsValue {
        js_value(&self.inner.screen_bytes(bytes).to_json(false))
    }

    /// Screens raw RGBA pixels (as an `ImageData` holds them, e.g. decoded
    /// by the browser), with the file's digests when given.
    #[wasm_bindgen(js_name = screenPixels)]
    pub fn screen_pixels(
        &self,
        width: u32,
        height: u32,
        rgba: &[u8],
        digests: Option<JsDigests>,
    ) -> Result<JsValue, JsValue> {
        let view = PixelView::new(width, height, Layout::Rgba8, rgba).map_err(|e| to_js(&e))?;
        let digests = digests.map(|d| self.complete(d)).transpose()?;
        Ok(js_value(&self.inner.screen_parts(digests.as_ref(), Some(Ok(view))).to_json(false)))
    }

    /// Decodes a file's bytes for the perceptual check with the screener's
    /// decode mode and limits (a failure is kept, and reported when screened).
    #[wasm_bindgen(js_name = decodeImage)]
    pub fn decode_image(&self, bytes: &[u8]) -> JsImage {
        JsImage { inner: self.inner.decode(bytes) }
    }

    /// Screens a file from parts: its digests (streamed with a [`JsDigester`]
    /// of [`JsScreener::digest_kinds`]), and its decoded image (`undefined`
    /// when the file is too large to decode or the filter has no PDQ section).
    /// Fails with `invalid-argument` when a digest the filter needs is missing.
    #[wasm_bindgen(js_name = screenImage)]
    pub fn screen_image(&self, digests: JsDigests, image: Option<JsImage>) -> Result<JsValue, JsValue> {
        let digests = self.complete(digests)?;
        let image = image.as_ref().filter(|_| self.inner.wants_pixels()).map(|i| i.inner.as_ref());
        Ok(js_value(&self.inner.screen_decoded(Some(&digests), image).to_json(false)))
    }

    /// The digests, checked to hold every kind the filter has a section for.
    fn complete(&self, digests: JsDigests) -> Result<Digests, JsValue> {
        match self.inner.digest_kinds().into_iter().find(|k| digests.inner.get(*k).is_none()) {
            Some(missing) => Err(to_js(&Error::InvalidArgument(format!(
                "the filter has a {} section but no {} digest was given",
                missing.name(),
                missing.name()
            )))),
            None => Ok(digests.inner),
        }
    }
}

/// A file decoded for the perceptual check (or why it could not be), between
/// [`JsScreener::decode_image`] and [`JsScreener::screen_image`].
#[wasm_bindgen(js_name = DecodedImage)]
pub struct JsImage {
    inner: crate::error::Result<Decoded>,
}

/// Computes MD5, SHA-1 and SHA-256 (or some of them) over a file fed in chunks.
#[wasm_bindgen(js_name = Digester)]
pub struct JsDigester {
    inner: Option<Digester>,
}

#[wasm_bindgen(js_class = Digester)]
impl JsDigester {
    /// A digester that has seen no bytes, of the kinds named in `kinds`
    /// (`"md5"`, `"sha1"`, `"sha256"`), all three when `undefined`.
    #[wasm_bindgen(constructor)]
    pub fn new(kinds: Option<Vec<String>>) -> Result<JsDigester, JsValue> {
        let digester = match kinds {
            None => Digester::new(),
            Some(names) => Digester::of_kinds(names.iter().map(|n| digest_kind(n)).collect::<Result<Vec<_>, _>>()?),
        };
        Ok(JsDigester { inner: Some(digester) })
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
    /// The digests as `{ md5?, sha1?, sha256? }` in lower-case hex.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> Object {
        digests_object(&self.inner)
    }

    /// The digest of `kind` (`"md5"`, `"sha1"`, `"sha256"`) as bytes, or
    /// `undefined` when it was not computed.
    pub fn get(&self, kind: &str) -> Result<Option<Vec<u8>>, JsValue> {
        Ok(self.inner.get(digest_kind(kind)?).map(<[u8]>::to_vec))
    }

    /// Adds the digest of `kind` computed elsewhere (WebCrypto, another worker);
    /// fails with `invalid-argument` for an unknown kind or a wrong length.
    pub fn set(&mut self, kind: &str, bytes: &[u8]) -> Result<(), JsValue> {
        self.inner.set(digest_kind(kind)?, bytes).map_err(|e| to_js(&e))
    }
}

/// The digest kind named `name`, or `invalid-argument`.
fn digest_kind(name: &str) -> Result<DigestKind, JsValue> {
    [DigestKind::Md5, DigestKind::Sha1, DigestKind::Sha256]
        .into_iter()
        .find(|k| k.name() == name)
        .ok_or_else(|| to_js(&Error::InvalidArgument(format!("unknown digest kind {name:?}"))))
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
    for kind in [DigestKind::Md5, DigestKind::Sha1, DigestKind::Sha256] {
        if let Some(bytes) = d.get(kind) {
            set(&o, kind.name(), hex::encode(bytes));
        }
    }
    o
}

/// A JSON value as the JS value it describes: results cross as plain objects.
fn js_value(json: &Json) -> JsValue {
    match json {
        Json::Null => JsValue::NULL,
        Json::Bool(b) => JsValue::from_bool(*b),
        Json::Number(n) => JsValue::from_f64(*n),
        Json::String(s) => JsValue::from_str(s),
        Json::Array(items) => items.iter().map(js_value).collect::<Array>().into(),
        Json::Object(fields) => {
            let o = Object::new();
            for (key, value) in fields {
                set(&o, key, js_value(value));
            }
            o.into()
        }
    }
}

#[cfg(test)]
mod tests;
