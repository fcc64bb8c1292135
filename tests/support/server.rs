//! A real `prescreen serve` on 127.0.0.1 (free port) for the server tests,
//! and raw HTTP/1.1 over TCP to talk to it (included with `#[path]`).
#![allow(dead_code)] // each test binary uses a different part

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The repository's `www/` folder (demo page and images).
pub const WWW: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/www");

/// A demo image by name.
pub fn demo_image(name: &str) -> Vec<u8> {
    std::fs::read(format!("{WWW}/demo/images/{name}")).unwrap()
}

/// A fresh scratch folder for `test` under Cargo's test temp dir.
pub fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("serve").join(test);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs the `prescreen` binary with `args` to the end.
pub fn prescreen(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_prescreen")).args(args).output().unwrap()
}

/// A running server; killed when dropped.
pub struct Server {
    pub child: Child,
    pub addr: SocketAddr,
}

impl Server {
    /// Starts `prescreen serve` with `--data data` and `args`; waits for its URL.
    pub fn start(data: &Path, args: &[&str]) -> Server {
        let mut child = Command::new(env!("CARGO_BIN_EXE_prescreen"))
            .args(["serve", "--addr", "127.0.0.1:0", "--www", WWW, "--data"])
            .arg(data)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let start = line.find("http://").unwrap_or_else(|| panic!("no URL in {line:?}")) + 7;
        let end = start + line[start..].find('/').unwrap();
        let addr = line[start..end].parse().unwrap();
        Server { child, addr }
    }

    /// Sends SIGTERM and waits for the process to exit; returns its exit status.
    pub fn stop(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        assert!(Command::new("kill").args(["-TERM", &pid]).status().unwrap().success());
        self.child.wait().unwrap()
    }

    /// Waits for the process to exit by itself; returns its exit status.
    pub fn stop_wait(mut self) -> std::process::ExitStatus {
        self.child.wait().unwrap()
    }

    /// A connection to the server.
    pub fn connect(&self) -> TcpStream {
        let stream = TcpStream::connect(self.addr).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        stream
    }

    /// Sends `request` on a new connection and reads the whole response.
    pub fn send(&self, request: &[u8]) -> Response {
        let mut stream = self.connect();
        stream.write_all(request).unwrap();
        read_response(&mut stream)
    }

    /// `GET path` with `Connection: close`.
    pub fn get(&self, path: &str) -> Response {
        self.send(format!("GET {path} HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n").as_bytes())
    }

    /// `POST /upload` of `files` (name, bytes) as multipart field `file`.
    pub fn upload(&self, files: &[(&str, &[u8])]) -> Response {
        self.send(&upload_request(files))
    }

    /// Waits (up to a minute) until `GET /api/status` says the stored
    /// records are re-screened; returns that status.
    pub fn rescreened(&self) -> serde_json::Value {
        let started = std::time::Instant::now();
        loop {
            let status = self.get("/api/status").json();
            if status["rescreen"] != "running" || started.elapsed() > Duration::from_secs(60) {
                assert_eq!(status["rescreen"], "done", "{status}");
                return status;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The server's peak resident memory so far (VmHWM), in bytes.
    pub fn peak_memory(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
        line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() * 1024
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A whole `POST /upload` request carrying `files` (with `Connection: close`).
pub fn upload_request(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, bytes) in files {
        body.extend_from_slice(
            format!(
                "--BOUNDARY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(b"--BOUNDARY--\r\n");
    let mut request = format!(
        "POST /upload HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\
         Content-Type: multipart/form-data; boundary=BOUNDARY\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(&body);
    request
}

/// A response as read off the wire.
#[derive(Debug)]
pub struct Response {
    pub status: u16,
    pub head: String,
    pub body: Vec<u8>,
}

impl Response {
    /// The body as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    /// The value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.head.lines().find_map(|l| {
            let (key, value) = l.split_once(':')?;
            key.trim().eq_ignore_ascii_case(name).then_some(value.trim())
        })
    }
}

/// Reads one response: the head, then `Content-Length` bytes of body (or to the end).
pub fn read_response(stream: &mut TcpStream) -> Response {
    let mut raw = Vec::new();
    let mut byte = [0u8; 1];
    while !raw.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => raw.push(byte[0]),
            other => panic!("connection ended in the response head ({other:?}): {:?}", String::from_utf8_lossy(&raw)),
        }
    }
    let head = String::from_utf8(raw).unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let mut response = Response { status, head, body: Vec::new() };
    match response.header("content-length").map(|n| n.parse::<usize>().unwrap()) {
        Some(n) => {
            response.body = vec![0; n];
            stream.read_exact(&mut response.body).unwrap();
        }
        None => {
            let _ = stream.read_to_end(&mut response.body);
        }
    }
    response
}
