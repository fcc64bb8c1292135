//! Exact and fast decoding refuse the same mutated files with the same
//! codes, and where both decode, their PDQ hashes stay within the fast
//! mode's documented distance (6 bits) and carry the same damage. The
//! corpus (single-byte changes and cuts of large JPEGs and a PNG) is
//! tests/mutations/corpus.txt, written by its generate.py.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

use prescreen::pdq;
use prescreen::{decode_for_pdq, DecodeMode, Limits};

const CORPUS: &str = include_str!("mutations/corpus.txt");

/// The fast mode's documented distance from the exact hash (README, docs/DESIGN-decoding.md).
const FAST_MAX_DISTANCE: u32 = 6;

fn file(name: &str) -> &'static [u8] {
    match name {
        "tests/fast/astronaut-2400x2100.jpg" => include_bytes!("fast/astronaut-2400x2100.jpg"),
        "tests/fast/chelsea-2048-progressive.jpg" => include_bytes!("fast/chelsea-2048-progressive.jpg"),
        "tests/damaged/listed.png" => include_bytes!("damaged/listed.png"),
        other => panic!("corpus names an unknown file {other}"),
    }
}

/// The corpus line applied to its file.
fn mutated(line: &str) -> Vec<u8> {
    let fields: Vec<&str> = line.split_whitespace().collect();
    let mut bytes = file(fields[0]).to_vec();
    let number = |i: usize| fields[i].parse::<usize>().unwrap();
    match fields[1] {
        "set" => bytes[number(2)] = number(3) as u8,
        "cut" => bytes.truncate(number(2)),
        other => panic!("unknown mutation {other}"),
    }
    bytes
}

#[test]
fn exact_and_fast_agree_on_every_mutation() {
    let limits = Limits::default();
    let mut disagreements = Vec::new();
    for line in CORPUS.lines() {
        let bytes = mutated(line);
        let exact = decode_for_pdq(&bytes, &limits, DecodeMode::Exact);
        let fast = decode_for_pdq(&bytes, &limits, DecodeMode::Fast);
        match (exact, fast) {
            (Ok(e), Ok(f)) => {
                let bits = pdq::hash(e.pixels.view()).hash.distance(&pdq::hash(f.pixels.view()).hash);
                if bits > FAST_MAX_DISTANCE || e.damaged != f.damaged {
                    disagreements.push(format!("{line}: {bits} bits, damage {:?} / {:?}", e.damaged, f.damaged));
                }
            }
            (Err(e), Err(f)) if e.code() == f.code() => {}
            (e, f) => disagreements.push(format!(
                "{line}: exact {:?}, fast {:?}",
                e.map(|d| d.damaged).map_err(|e| e.code()),
                f.map(|d| d.damaged).map_err(|e| e.code())
            )),
        }
    }
    assert!(disagreements.is_empty(), "{} of {}: {disagreements:#?}", disagreements.len(), CORPUS.lines().count());
}
