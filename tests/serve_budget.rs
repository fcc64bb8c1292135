//! One memory budget per server process: eight concurrent 1 MB PNG bombs
//! (16-bit RGBA, about 1 GB of pixels each) are all answered while the
//! server's peak resident memory (VmHWM) stays under 2.5 GB.
#![cfg(all(not(target_arch = "wasm32"), feature = "cli"))]

#[path = "support/server.rs"]
mod server;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use miniz_oxide::deflate::core::{compress, create_comp_flags_from_zip_params, CompressorOxide, TDEFLFlush};
use server::{scratch, Server};

fn crc32(bytes: &[u8]) -> u32 {
    let table: Vec<u32> =
        (0..256u32).map(|n| (0..8).fold(n, |c, _| if c & 1 == 1 { (c >> 1) ^ 0xEDB8_8320 } else { c >> 1 })).collect();
    !bytes.iter().fold(!0u32, |crc, &b| table[((crc ^ u32::from(b)) & 0xFF) as usize] ^ (crc >> 8))
}

/// `len` zero bytes as raw deflate blocks ending on a byte boundary (sync
/// flush), so copies of it can follow each other in one stream.
fn deflated_zeros(len: usize) -> Vec<u8> {
    let mut compressor = CompressorOxide::new(create_comp_flags_from_zip_params(9, -15, 0));
    let input = vec![0u8; len];
    let mut out = vec![0u8; len / 500 + 1024];
    let (_, read, written) = compress(&mut compressor, &input, &mut out, TDEFLFlush::Sync);
    assert_eq!(read, len);
    out.truncate(written);
    out
}

/// A PNG of `side` x `side` 16-bit RGBA pixels, all zero: its IDAT is
/// about a thousandth of the 8 x side^2 bytes it inflates to.
fn png_bomb(side: u32) -> Vec<u8> {
    let raw = u64::from(side) * (1 + 8 * u64::from(side));
    const CHUNK: usize = 4 << 20;
    let block = deflated_zeros(CHUNK);
    let mut zlib = vec![0x78, 0xDA];
    for _ in 0..raw / CHUNK as u64 {
        zlib.extend_from_slice(&block);
    }
    zlib.extend_from_slice(&deflated_zeros((raw % CHUNK as u64) as usize));
    zlib.extend_from_slice(&[0x03, 0x00]); // an empty final block (fixed Huffman)
    let adler = ((raw % 65521) << 16 | 1) as u32; // Adler-32 of zeros: a = 1, b = length
    zlib.extend_from_slice(&adler.to_be_bytes());

    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let ihdr = [&side.to_be_bytes()[..], &side.to_be_bytes(), &[16, 6, 0, 0, 0]].concat();
    for (kind, data) in [(&b"IHDR"[..], &ihdr[..]), (b"IDAT", &zlib), (b"IEND", &[])] {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let chunk = [kind, data].concat();
        png.extend_from_slice(&chunk);
        png.extend_from_slice(&crc32(&chunk).to_be_bytes());
    }
    png
}

/// The bomb, made once per target dir.
fn bomb() -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("png-bomb-11000.png");
    if let Ok(bytes) = std::fs::read(&path) {
        return bytes;
    }
    let bytes = png_bomb(11000);
    // Written whole under another name first: the other test may be reading it.
    let partial = path.with_extension(format!("{:?}.part", std::thread::current().id()).replace(['(', ')'], ""));
    std::fs::write(&partial, &bytes).unwrap();
    std::fs::rename(&partial, &path).unwrap();
    bytes
}

#[test]
fn eight_concurrent_png_bombs_stay_under_the_budget() {
    let bomb = bomb();
    assert!(bomb.len() < 1 << 20, "the bomb is {} bytes", bomb.len());
    let data = scratch("bombs");
    // The default budget (half of RAM, at most 2 GiB) and the default workers.
    let server = Server::start(&data, &["--budget-wait", "40"]);
    let started = Instant::now();
    let clients: Vec<_> = (0..8)
        .map(|i| {
            let (request, addr) = (server::upload_request(&[(&format!("bomb-{i}.png"), &bomb)]), server.addr);
            std::thread::spawn(move || {
                use std::io::Write;
                let mut stream = std::net::TcpStream::connect(addr).unwrap();
                stream.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
                stream.write_all(&request).unwrap();
                server::read_response(&mut stream)
            })
        })
        .collect();
    let responses: Vec<_> = clients.into_iter().map(|c| c.join().unwrap()).collect();
    let elapsed = started.elapsed();
    let peak = server.peak_memory();
    let statuses: Vec<u16> = responses.iter().map(|r| r.status).collect();
    eprintln!("eight bombs: statuses {statuses:?} in {elapsed:?}, peak {} MB", peak >> 20);
    for response in &responses {
        let body = response.json();
        match response.status {
            200 => assert_eq!(body["files"][0]["verdict"], "unscreenable", "{body}"),
            503 => assert_eq!(body["error"], "busy"),
            other => panic!("status {other}: {body}"),
        }
    }
    assert!(statuses.contains(&200), "at least one bomb was decoded");
    assert!(peak < 2500 << 20, "peak resident memory {} MB", peak >> 20);
}

#[test]
fn check_reports_a_decode_larger_than_its_budget_as_too_large() {
    let dir = scratch("check-budget");
    let path = dir.join("bomb.png");
    std::fs::write(&path, bomb()).unwrap();
    let filter = dir.join("demo.psf");
    // The demo filter has a PDQ section, so the bomb would be decoded.
    let mut served = Server::start(&dir.join("data"), &[]);
    let response = served.get("/filter.psf");
    std::fs::write(&filter, &response.body).unwrap();
    let _ = served.child.kill();
    let out = server::prescreen(&[
        "check",
        "--json",
        "--memory-budget",
        "512M",
        filter.to_str().unwrap(),
        path.to_str().unwrap(),
    ]);
    let line: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(line["verdict"], "unscreenable", "{line}");
    assert_eq!(line["reasons"][0]["code"], "too-large", "{line}");
    assert!(line["reasons"][0]["message"].as_str().unwrap().contains("decode memory"), "{line}");
}
