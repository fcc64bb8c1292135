//! A PNG's colour profile is stored compressed: a 64x64 picture can carry a
//! profile that inflates to hundreds of megabytes. Decoding gives such data
//! only `Limits::max_ancillary`, so the picture still decodes (and hashes
//! like the same picture without the profile) in a few megabytes. The peak
//! is measured by a counting global allocator in this test binary.
#![cfg(not(target_arch = "wasm32"))]

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use miniz_oxide::deflate::compress_to_vec_zlib;
use prescreen::{decode, pdq, Limits};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = (data.len() as u32).to_be_bytes().to_vec();
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let crc = ![&kind[..], data].concat().iter().fold(!0u32, |crc, &b| {
        (0..8).fold(crc ^ u32::from(b), |c, _| if c & 1 == 1 { (c >> 1) ^ 0xEDB8_8320 } else { c >> 1 })
    });
    out.extend_from_slice(&crc.to_be_bytes());
    out
}

/// A 64x64 RGB gradient, with an iCCP chunk of `profile` zero bytes when given.
fn png(profile: Option<usize>) -> Vec<u8> {
    let side = 64u32;
    let mut header = side.to_be_bytes().to_vec();
    header.extend_from_slice(&side.to_be_bytes());
    header.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut rows = Vec::new();
    for y in 0..side {
        rows.push(0);
        for x in 0..side {
            rows.extend_from_slice(&[(x * 4) as u8, (y * 4) as u8, (x * y) as u8]);
        }
    }
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend(chunk(b"IHDR", &header));
    if let Some(len) = profile {
        let mut iccp = b"bomb\0\0".to_vec();
        iccp.extend(compress_to_vec_zlib(&vec![0u8; len], 6));
        out.extend(chunk(b"iCCP", &iccp));
    }
    out.extend(chunk(b"IDAT", &compress_to_vec_zlib(&rows, 6)));
    out.extend(chunk(b"IEND", b""));
    out
}

#[test]
fn an_inflated_colour_profile_gets_only_the_ancillary_budget() {
    let bomb = png(Some(256 << 20));
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    let plain = decode(&png(None), &Limits::default()).unwrap();

    let before = CURRENT.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let decoded = decode(&bomb, &Limits::default()).unwrap();
    let peak = PEAK.load(Ordering::Relaxed) - before;

    // A growing buffer briefly holds its old and new halves: twice the budget, plus the picture.
    assert!(peak <= 2 * Limits::default().max_ancillary as usize + (4 << 20), "peak {peak} bytes");
    let hash = |d: &prescreen::Decoded| pdq::hash(d.pixels.view()).hash;
    assert_eq!(hash(&decoded), hash(&plain), "the profile does not change the picture");
}
