//! `prescreen serve --data` keeps what it stored: uploads and records survive
//! a restart, everything is private (0700/0600), a symlink is never followed;
//! and `prescreen rescreen` finds stored uploads a new filter lists.
#![cfg(all(not(target_arch = "wasm32"), feature = "cli"))]

#[path = "support/server.rs"]
mod server;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use server::{demo_image, prescreen, scratch, Server};

/// SHA-256 in hex by coreutils, the oracle for the stored names and records.
fn sha256sum(path: &Path) -> String {
    let out = Command::new("sha256sum").arg(path).output().unwrap();
    String::from_utf8(out.stdout).unwrap().split_whitespace().next().unwrap().to_string()
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
}

#[test]
fn uploads_survive_a_restart_privately() {
    let dir = scratch("restart");
    let data = dir.join("data");
    let photo_path = Path::new(server::WWW).join("demo/images/unlisted-1.jpg");
    let photo = demo_image("unlisted-1.jpg");
    let server = Server::start(&data, &[]);
    let first = server.upload(&[("photo.jpg", &photo), ("note.txt", b"a note")]);
    assert_eq!(first.status, 200, "{}", String::from_utf8_lossy(&first.body));
    // The same photo again: a second record, one stored file.
    assert_eq!(server.upload(&[("again.jpg", &photo)]).status, 200);
    let before = server.get("/api/uploads").json();
    assert!(server.stop().success(), "SIGTERM is a clean stop");

    let server = Server::start(&data, &[]);
    let after = server.get("/api/uploads").json();
    let names: Vec<&str> = after.as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["photo.jpg", "note.txt", "again.jpg"]);
    for (b, a) in before.as_array().unwrap().iter().zip(after.as_array().unwrap()) {
        for key in ["id", "size", "time", "md5", "sha1", "sha256", "pdq", "quality", "verdict"] {
            assert_eq!(b[key], a[key], "{key}");
        }
    }
    let photo_record = &after[0];
    assert_eq!(photo_record["sha256"], sha256sum(&photo_path));
    assert_eq!(photo_record["size"], photo.len());
    assert_eq!(photo_record["verdict"], "allow");
    assert!(photo_record["pdq"].as_str().is_some_and(|h| h.len() == 64));

    let files = data.join("files");
    let stored: Vec<_> = std::fs::read_dir(&files).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(stored.len(), 2, "each content is stored once: {stored:?}");
    let stored_photo = files.join(sha256sum(&photo_path));
    assert_eq!(std::fs::read(&stored_photo).unwrap(), photo);
    for folder in [&data, &files, &data.join("tmp")] {
        assert_eq!(mode(folder), 0o700, "{}", folder.display());
    }
    for file in stored.iter().chain([&data.join("uploads.sqlite"), &data.join("uploads.sqlite-wal")]) {
        assert_eq!(mode(file), 0o600, "{}", file.display());
    }
}

#[test]
fn a_symlinked_data_folder_is_refused() {
    let dir = scratch("symlink-dir");
    let elsewhere = dir.join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, dir.join("data")).unwrap();
    let out = prescreen(&["serve", "--addr", "127.0.0.1:0", "--data", dir.join("data").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("symlink"), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0, "nothing was written through the symlink");
}

#[test]
fn a_planted_symlink_is_replaced_not_written_through() {
    let dir = scratch("symlink-file");
    let data = dir.join("data");
    let target = dir.join("target.txt");
    std::fs::write(&target, "precious").unwrap();
    let note = b"a note to be stored";
    let note_path = dir.join("note.txt");
    std::fs::write(&note_path, note).unwrap();
    // The store's folders exist; the note's future name is a symlink to the target.
    let server = Server::start(&data, &[]);
    drop(server);
    let planted = data.join("files").join(sha256sum(&note_path));
    std::os::unix::fs::symlink(&target, &planted).unwrap();
    // So is the database's: opening it through the link is refused.
    let server = Server::start(&data, &[]);
    let response = server.upload(&[("note.txt", note)]);
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "precious");
    assert!(!std::fs::symlink_metadata(&planted).unwrap().file_type().is_symlink());
    assert_eq!(std::fs::read(&planted).unwrap(), note);
    drop(server);

    std::fs::rename(data.join("uploads.sqlite"), dir.join("moved.sqlite")).unwrap();
    std::os::unix::fs::symlink(dir.join("moved.sqlite"), data.join("uploads.sqlite")).unwrap();
    let out = prescreen(&["serve", "--addr", "127.0.0.1:0", "--data", data.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn rescreen_finds_stored_uploads_a_new_filter_lists() {
    let dir = scratch("rescreen");
    let data = dir.join("data");
    let photo_path = Path::new(server::WWW).join("demo/images/unlisted-2.jpg");
    let photo = demo_image("unlisted-2.jpg");
    let note_path = dir.join("note.txt");
    std::fs::write(&note_path, "a document listed later").unwrap();
    let server = Server::start(&data, &[]);
    let other = demo_image("unlisted-1.jpg");
    let files: [(&str, &[u8]); 3] =
        [("photo.jpg", &photo), ("note.txt", &std::fs::read(&note_path).unwrap()), ("other.jpg", &other)];
    let response = server.upload(&files);
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    drop(server);

    // A new filter: the note's SHA-256 (coreutils) and the photo's PDQ (`prescreen hash`).
    let hashed = prescreen(&["hash", photo_path.to_str().unwrap()]);
    assert!(hashed.status.success());
    std::fs::write(dir.join("pdq.txt"), &hashed.stdout).unwrap();
    std::fs::write(dir.join("sha256.txt"), sha256sum(&note_path)).unwrap();
    let filter = dir.join("new.psf");
    let built = prescreen(&[
        "build",
        "-o",
        filter.to_str().unwrap(),
        "--pdq",
        dir.join("pdq.txt").to_str().unwrap(),
        "--sha256",
        dir.join("sha256.txt").to_str().unwrap(),
    ]);
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));

    let args = ["rescreen", "--data", data.to_str().unwrap(), "--filter", filter.to_str().unwrap(), "--json"];
    let out = prescreen(&args);
    assert_eq!(out.status.code(), Some(1), "exit 1: something matches now");
    let rows: Vec<Value> =
        String::from_utf8(out.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let summary: Vec<(&str, &str)> =
        rows.iter().map(|r| (r["name"].as_str().unwrap(), r["verdict"].as_str().unwrap())).collect();
    assert_eq!(summary, [("photo.jpg", "flag"), ("note.txt", "block")]);
    assert_eq!(rows[0]["reasons"][0]["kind"], "pdq");
    assert_eq!(rows[0]["uploaded"]["verdict"], "allow");
    assert_eq!(rows[1]["reasons"][0], serde_json::json!({ "kind": "digest", "digest": "sha256" }));
    assert_eq!(rows[1]["sha256"], sha256sum(&note_path));

    // The server re-screens at start with its filter and serves the matches.
    let server = Server::start(&data, &["--filter", filter.to_str().unwrap(), "--pdq-block"]);
    let status = server.rescreened();
    assert_eq!((status["tested"].as_u64(), status["matching"].as_u64()), (Some(3), Some(2)), "{status}");
    let matches = server.get("/api/matches").json();
    let names: Vec<&str> = matches.as_array().unwrap().iter().map(|u| u["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["photo.jpg", "note.txt"]);
    let all = server.get("/api/uploads").json();
    assert_eq!(all[2]["verdict"], "allow", "the other photo still passes");
}
