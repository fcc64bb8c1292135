//! PDQ's stages exported one by one, so that Node can time each of them in
//! wasm32 (benches/pdq-wasm/run.mjs). Measurement only; not part of the package.

use std::cell::RefCell;

use prescreen::pdq::{self, stages};
use prescreen::{decode, Limits, Pixels};
use wasm_bindgen::prelude::*;

thread_local! {
    static IMAGE: RefCell<Option<Pixels>> = const { RefCell::new(None) };
    static PLANE: RefCell<Option<stages::LumaPlane>> = const { RefCell::new(None) };
    static BUFFER: RefCell<[f32; 4096]> = const { RefCell::new([0.0; 4096]) };
}

fn with_image<T>(f: impl FnOnce(&Pixels) -> T) -> T {
    IMAGE.with(|i| f(i.borrow().as_ref().expect("load() first")))
}

/// Decodes an image file and keeps its pixels; returns "WxH".
#[wasm_bindgen]
pub fn load(bytes: &[u8]) -> String {
    let decoded = decode(bytes, &Limits::default()).expect("decodable fixture");
    let size = format!("{}x{}", decoded.pixels.view().width(), decoded.pixels.view().height());
    IMAGE.with(|i| *i.borrow_mut() = Some(decoded.pixels));
    size
}

/// Steps 2-3: pre-resize and luma.
#[wasm_bindgen]
pub fn luma() {
    let plane = with_image(|p| stages::luma_plane(p.view()));
    PLANE.with(|q| *q.borrow_mut() = Some(plane));
}

/// Steps 5-6 on a copy of the last luma plane: blur and decimate.
#[wasm_bindgen]
pub fn blur() {
    let mut plane = PLANE.with(|q| q.borrow().clone().expect("luma() first"));
    let buffer = stages::downsample(&mut plane).expect("at least 5x5");
    BUFFER.with(|b| *b.borrow_mut() = buffer);
}

/// Steps 7-10 on the last 64x64 buffer; returns the hash in hex.
#[wasm_bindgen]
pub fn dct() -> String {
    BUFFER.with(|b| stages::dct_and_bits(&b.borrow()).hash.to_hex())
}

/// The whole pipeline; returns the hash in hex.
#[wasm_bindgen]
pub fn hash() -> String {
    with_image(|p| pdq::hash(p.view()).hash.to_hex())
}

/// The eight turned pipelines; returns the hashes in hex, comma-separated.
#[wasm_bindgen]
pub fn turned() -> String {
    with_image(|p| {
        let hashes: Vec<String> = pdq::hash_turned(p.view()).iter().map(|h| h.hash.to_hex()).collect();
        hashes.join(",")
    })
}
