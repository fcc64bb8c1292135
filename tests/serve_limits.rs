//! `prescreen serve` against abusive clients, over raw TCP: idle and
//! dribbling connections do not starve others and are cut by the timeouts,
//! an endless header line gets 431 with bounded memory, an oversized body
//! gets 413 before it is sent, per-request caps hold, and SIGTERM lets a
//! request in flight finish.
#![cfg(all(not(target_arch = "wasm32"), feature = "cli"))]

#[path = "support/server.rs"]
mod server;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use server::{demo_image, read_response, scratch, upload_request, Server};

/// The head of an upload that declares `length` body bytes.
fn upload_head(length: usize) -> String {
    format!(
        "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=BOUNDARY\r\n\
         Content-Length: {length}\r\n\r\n"
    )
}

#[test]
fn sixteen_idle_clients_do_not_starve_others() {
    let data = scratch("idle");
    // Timeouts far longer than the test, so the idle clients hold on throughout.
    let server = Server::start(&data, &["--header-timeout", "60", "--body-timeout", "60", "--workers", "2"]);
    let photo = demo_image("unlisted-1.jpg");
    let mut idle = Vec::new();
    for i in 0..16 {
        let mut stream = server.connect();
        match i % 4 {
            // Upload headers with a Content-Length, then nothing.
            0 | 1 => stream.write_all(upload_head(photo.len() + 200).as_bytes()).unwrap(),
            // Half a request head.
            2 => stream.write_all(b"POST /upload HTTP/1.1\r\nHost: t\r\n").unwrap(),
            // Upload headers and the first bytes of the body.
            _ => stream.write_all(format!("{}--BOUNDARY\r\n", upload_head(photo.len() + 200)).as_bytes()).unwrap(),
        }
        idle.push(stream);
    }
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let page = server.get("/");
    assert_eq!(page.status, 200);
    assert!(String::from_utf8_lossy(&page.body).contains("<html"));
    let filter = server.get("/filter.psf");
    assert_eq!(filter.status, 200);
    let uploaded = server.upload(&[("photo.jpg", &photo)]);
    assert_eq!(uploaded.status, 200, "{}", String::from_utf8_lossy(&uploaded.body));
    assert_eq!(uploaded.json()["files"][0]["verdict"], "allow");
    assert_eq!(server.get("/api/uploads").json().as_array().unwrap().len(), 1);
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(10), "answers took {elapsed:?} with 16 idle clients");
    drop(idle);
}

#[test]
fn slow_clients_are_cut_by_the_timeouts() {
    let data = scratch("slow");
    let args = ["--header-timeout", "1", "--body-timeout", "1", "--min-body-rate", "1000"];
    let server = Server::start(&data, &args);
    let started = Instant::now();
    // Headers with a Content-Length, then silence: 408 once the body pauses too long.
    let mut silent = server.connect();
    silent.write_all(upload_head(1000).as_bytes()).unwrap();
    // A body byte every 300 ms: never idle for a second, but far below 1000 bytes/s.
    let mut dribble = server.connect();
    dribble.write_all(upload_head(1000).as_bytes()).unwrap();
    let dribbler = std::thread::spawn(move || {
        for _ in 0..30 {
            if dribble.write_all(b"x").is_err() {
                break;
            }
            std::thread::sleep(Duration::from_millis(300));
        }
        dribble
    });
    // Half a head, then silence: closed after the header timeout.
    let mut half = server.connect();
    half.write_all(b"GET / HTTP/1.1\r\nHost").unwrap();

    let response = read_response(&mut silent);
    assert_eq!(response.status, 408);
    assert_eq!(response.json()["error"], "too-slow");
    let mut rest = Vec::new();
    half.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    let _ = half.read_to_end(&mut rest);
    assert!(!String::from_utf8_lossy(&rest).contains("200 OK"), "a half head was answered: {rest:?}");
    let mut dribble = dribbler.join().unwrap();
    let response = read_response(&mut dribble);
    assert_eq!(response.status, 408);
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(8), "slow clients were cut only after {elapsed:?}");
}

#[test]
fn an_endless_header_line_gets_431_and_memory_stays_bounded() {
    let data = scratch("header");
    let server = Server::start(&data, &[]);
    let before = server.peak_memory();
    let mut stream = server.connect();
    stream.write_all(b"GET / HTTP/1.1\r\nHost: t\r\nX-Endless: ").unwrap();
    let chunk = vec![b'a'; 64 << 10];
    let mut sent = 0usize;
    // Up to 64 MiB; the server answers and closes long before.
    while sent < 64 << 20 && stream.write_all(&chunk).is_ok() {
        sent += chunk.len();
    }
    let response = read_response(&mut stream);
    assert_eq!(response.status, 431);
    assert!(sent < 16 << 20, "the server read {sent} bytes of one header line");
    let grown = server.peak_memory().saturating_sub(before);
    assert!(grown < 16 << 20, "peak memory grew by {grown} bytes");
    assert_eq!(server.get("/filter.psf").status, 200);
}

#[test]
fn an_oversized_body_gets_413_before_it_is_sent() {
    let data = scratch("oversized");
    let server = Server::start(&data, &["--max-upload-bytes", "1M"]);
    let mut stream = server.connect();
    stream.write_all(upload_head(1 << 30).as_bytes()).unwrap();
    let started = Instant::now();
    let response = read_response(&mut stream);
    assert_eq!(response.status, 413);
    assert_eq!(response.json()["error"], "too-large");
    assert!(started.elapsed() < Duration::from_secs(5));
    // Within the upload limit but more than the whole memory budget: 413 at once too.
    drop(server);
    let server = Server::start(&data, &["--memory-budget", "1M"]);
    let mut stream = server.connect();
    stream.write_all(upload_head(2 << 20).as_bytes()).unwrap();
    let response = read_response(&mut stream);
    assert_eq!(response.status, 413);
    assert_eq!(response.json()["error"], "too-large");
    // Without a Content-Length the body cannot be budgeted: 411.
    let chunked = server.send(
        b"POST /upload HTTP/1.1\r\nHost: t\r\nContent-Type: multipart/form-data; boundary=B\r\n\
          Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
    );
    assert_eq!(chunked.status, 411);
}

/// A PNG that declares `width` x `height` 8-bit grey pixels and holds one empty IDAT.
fn png_header_only(width: u32, height: u32) -> Vec<u8> {
    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = !0u32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
            }
        }
        !crc
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    for (kind, data) in [
        (&b"IHDR"[..], [&width.to_be_bytes()[..], &height.to_be_bytes(), &[8, 0, 0, 0, 0]].concat()),
        (b"IDAT", b"\x78\x9c\x03\x00\x00\x00\x00\x01".to_vec()),
        (b"IEND", Vec::new()),
    ] {
        png.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let chunk = [kind, &data].concat();
        png.extend_from_slice(&chunk);
        png.extend_from_slice(&crc32(&chunk).to_be_bytes());
    }
    png
}

#[test]
fn one_request_cannot_buy_unbounded_work() {
    let data = scratch("work");
    let server = Server::start(&data, &["--max-files", "8", "--max-request-pixels", "100000000"]);
    let tiny = b"tiny".to_vec();
    let nine: Vec<(&str, &[u8])> = (0..9).map(|_| ("t.txt", &tiny[..])).collect();
    let response = server.upload(&nine);
    assert_eq!(response.status, 413);
    assert_eq!(response.json()["error"], "too-many-files");
    // Three small files declaring 40 Mpx each: 120 Mpx is over the request's 100 Mpx.
    let bomb = png_header_only(8000, 5000);
    assert!(bomb.len() < 100);
    let response = server.upload(&[("a.png", &bomb), ("b.png", &bomb), ("c.png", &bomb)]);
    assert_eq!(response.status, 413);
    assert_eq!(response.json()["error"], "too-much-work");
    assert!(server.get("/api/uploads").json().as_array().unwrap().is_empty());
}

#[test]
fn sigterm_lets_a_request_in_flight_finish() {
    let data = scratch("shutdown");
    let server = Server::start(&data, &[]);
    let request = upload_request(&[("photo.jpg", &demo_image("unlisted-2.jpg"))]);
    let mut stream = TcpStream::connect(server.addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let half = request.len() / 2;
    stream.write_all(&request[..half]).unwrap();
    std::thread::sleep(Duration::from_millis(300));
    let pid = server.child.id().to_string();
    assert!(std::process::Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
    std::thread::sleep(Duration::from_millis(300));
    // New connections are refused while the one in flight finishes.
    assert!(TcpStream::connect(server.addr).is_err(), "still accepting after SIGTERM");
    stream.write_all(&request[half..]).unwrap();
    let response = read_response(&mut stream);
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    assert!(server.stop_wait().success());
}
